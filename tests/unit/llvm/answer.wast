;; A module small enough for the LLVM tier's loading tests (tests/unit/llvm/CMakeLists.txt).
(module (func (export "answer") (result i32) (i32.const 42)))
(assert_return (invoke "answer") (i32.const 42))
