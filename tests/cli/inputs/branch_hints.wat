;; Two branch hints: `inspect` counts them (tests/cli).
(module
  (func (export "f") (param i32) (result i32)
    (block
      (@metadata.code.branch_hint "\00")
      (br_if 0 (local.get 0)))
    (@metadata.code.branch_hint "\01")
    (if (result i32) (local.get 0) (then (i32.const 1)) (else (i32.const 2)))))
