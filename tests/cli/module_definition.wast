;; `module definition` / `module instance` and `(either ...)` results in `wasmcap wast`
;; (tests/cli): a definition is compiled but not instantiated (a 4GiB minimum memory would fail
;; to instantiate), each instance has its own state, and an unnamed instance is the current one.
(module definition (memory 65536))
(module definition $counter
  (global $n (mut i32) (i32.const 0))
  (func (export "next") (result i32)
    (global.set $n (i32.add (global.get $n) (i32.const 1)))
    (global.get $n)))
(module instance $a $counter)
(module instance $b $counter)
(assert_return (invoke $a "next") (i32.const 1))
(assert_return (invoke $a "next") (i32.const 2))
(assert_return (invoke $b "next") (i32.const 1))
(module instance)
(assert_return (invoke "next") (either (i32.const 7) (i32.const 1)))
(assert_return (invoke $a "next") (either (i32.const 3) (i32.const 4)))
