;; An i64 memory next to an i32 one (memory64 with multiple memories): memory.copy between them
;; takes each address in its own memory's type and the length in the smaller one (i32). Runs on
;; every tier (tests/memory64/CMakeLists.txt).
(module
  (memory $m i64 1)
  (memory $n 1)
  (data (memory $m) (i64.const 0xfff0) "0123456789abcdef")
  (func (export "load8") (param i64) (result i32) (i32.load8_u $m (local.get 0)))
  (func (export "load8_32") (param i32) (result i32) (i32.load8_u $n (local.get 0)))
  (func (export "copy_to32") (param i32 i64 i32) (memory.copy $n $m (local.get 0) (local.get 1) (local.get 2)))
  (func (export "copy_to64") (param i64 i32 i32) (memory.copy $m $n (local.get 0) (local.get 1) (local.get 2)))
)

(assert_return (invoke "copy_to32" (i32.const 10) (i64.const 0xfff0) (i32.const 4)))
(assert_return (invoke "load8_32" (i32.const 13)) (i32.const 0x33))
(assert_trap (invoke "copy_to32" (i32.const 0) (i64.const 0x1_0000_0000) (i32.const 0)) "out of bounds memory access")
(assert_return (invoke "copy_to64" (i64.const 0xfff0) (i32.const 10) (i32.const 4)))
(assert_return (invoke "load8" (i64.const 0xfff3)) (i32.const 0x33))
(assert_trap (invoke "copy_to64" (i64.const -2) (i32.const 0) (i32.const 1)) "out of bounds memory access")
