;; Mutual tail recursion between two instances, a million calls deep (tests/tail_call): on the
;; interpreter a tail call into another instance of its own tier reuses the frame too. (Compiled
;; code calls other instances through the runtime: constant stack only within an instance,
;; docs/llvm.md "Tail calls", so this script runs on the interpreter only.)
(module $a
  (table (export "table") 1 funcref)
  (type $t (func (param i32) (result i32)))
  ;; even(n): n == 0, else odd(n - 1) through the table slot the other instance fills.
  (func (export "even") (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 1))
      (else (return_call_indirect (type $t) (i32.sub (local.get $n) (i32.const 1))
                                  (i32.const 0))))))
(register "a" $a)
(module $b
  (import "a" "table" (table 1 funcref))
  (import "a" "even" (func $even (param i32) (result i32)))
  (elem (i32.const 0) func $odd)
  (func $odd (export "odd") (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 0))
      (else (return_call $even (i32.sub (local.get $n) (i32.const 1)))))))
(assert_return (invoke $b "odd" (i32.const 1000001)) (i32.const 1))
(assert_return (invoke $a "even" (i32.const 1000000)) (i32.const 1))
