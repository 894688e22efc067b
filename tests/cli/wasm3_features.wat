;; WebAssembly 3.0 features a user may switch off with -W (tests/cli): a tail call, two
;; memories and an extended constant expression.
(module
  (memory $a 1)
  (memory $b 1)
  (global $g i32 (i32.add (i32.const 40) (i32.const 2)))
  (func $id (param i32) (result i32) (local.get 0))
  (func (export "answer") (result i32)
    (i32.store $b (i32.const 0) (global.get $g))
    (return_call $id (i32.load $b (i32.const 0)))))
