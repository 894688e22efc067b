;; Recursive factorial: `wasmcap run --invoke fac examples/factorial.wat 20`
(module
  (func $fac (export "fac") (param $n i64) (result i64)
    (if (result i64) (i64.lt_u (local.get $n) (i64.const 2))
      (then (i64.const 1))
      (else (i64.mul (local.get $n) (call $fac (i64.sub (local.get $n) (i64.const 1))))))))
