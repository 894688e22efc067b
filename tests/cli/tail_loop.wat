;; Endless tail recursion (tests/cli): runs in constant stack on every tier, so only the
;; timeout ends it ("interrupted"), never "call stack exhausted".
(module
  (func $f (export "self") (param i32) (result i32)
    (return_call $f (i32.add (local.get 0) (i32.const 1))))
  (func $g (export "mutual") (param i32) (result i32) (return_call $h (local.get 0)))
  (func $h (param i32) (result i32) (return_call $g (i32.add (local.get 0) (i32.const 1)))))
