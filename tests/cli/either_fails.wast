;; `(either ...)` fails when no alternative matches (tests/cli).
(module (func (export "one") (result i32) (i32.const 1)))
(assert_return (invoke "one") (either (i32.const 7) (i32.const 8)))
