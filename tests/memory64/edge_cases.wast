;; 64-bit memories and tables (memory64/table64, WebAssembly 3.0): addressing edge cases the spec
;; suite touches lightly. Effective addresses are computed without wrapping (address + offset past
;; 2^64 is out of bounds, never a small address), sizes and results are i64. Every module here has
;; one memory, so it runs compiled on the LLVM tier too (tests/memory64/CMakeLists.txt); i32 and
;; i64 memories meeting in memory.copy are in mixed_memories.wast (multiple memories).

(module
  (memory $m i64 1 4)
  (data (memory $m) (i64.const 0xfff0) "0123456789abcdef")
  (func (export "load8") (param i64) (result i32) (i32.load8_u (local.get 0)))
  (func (export "load8_off") (param i64) (result i32) (i32.load8_u offset=0x10 (local.get 0)))
  (func (export "load64_huge_off") (param i64) (result i64)
    (i64.load offset=0xffff_ffff_ffff_fff8 (local.get 0)))
  ;; offset + access size is 2^64 - 1: no constant overflow, the run-time sum must carry.
  (func (export "load8_max_off") (param i64) (result i32)
    (i32.load8_u offset=0xffff_ffff_ffff_fffe (local.get 0)))
  (func (export "load_off_4g") (param i64) (result i32)
    (i32.load offset=0x1_0000_0000 (local.get 0)))
  (func (export "store_last") (param i64 i32) (i32.store (local.get 0) (local.get 1)))
  (func (export "v128_last") (param i64) (result i32)
    (i8x16.extract_lane_u 15 (v128.load (local.get 0))))
  (func (export "size") (result i64) (memory.size $m))
  (func (export "grow") (param i64) (result i64) (memory.grow $m (local.get 0)))
  (func (export "fill") (param i64 i32 i64) (memory.fill $m (local.get 0) (local.get 1) (local.get 2)))
  (func (export "copy64") (param i64 i64 i64) (memory.copy $m $m (local.get 0) (local.get 1) (local.get 2)))
  (data $d "xyz")
  (func (export "init") (param i64 i32 i32) (memory.init $m $d (local.get 0) (local.get 1) (local.get 2)))
)

(assert_return (invoke "load8" (i64.const 0xfff0)) (i32.const 0x30))
(assert_return (invoke "load8" (i64.const 0xffff)) (i32.const 0x66))
(assert_trap (invoke "load8" (i64.const 0x10000)) "out of bounds memory access")
;; Addresses whose low 32 bits are in bounds but which are not.
(assert_trap (invoke "load8" (i64.const 0x1_0000_0000)) "out of bounds memory access")
(assert_trap (invoke "load8" (i64.const 0x8000_0000_0000_0000)) "out of bounds memory access")
(assert_trap (invoke "load8" (i64.const -1)) "out of bounds memory access")
(assert_return (invoke "load8_off" (i64.const 0xffef)) (i32.const 0x66))
(assert_trap (invoke "load8_off" (i64.const 0xfff0)) "out of bounds memory access")
;; address + offset wraps past 2^64 to a small number: still out of bounds.
(assert_trap (invoke "load8_off" (i64.const -0x10)) "out of bounds memory access")
(assert_trap (invoke "load64_huge_off" (i64.const 8)) "out of bounds memory access")
(assert_trap (invoke "load64_huge_off" (i64.const 0)) "out of bounds memory access")
(assert_trap (invoke "load8_max_off" (i64.const 0)) "out of bounds memory access")
(assert_trap (invoke "load8_max_off" (i64.const 1)) "out of bounds memory access")
(assert_trap (invoke "load8_max_off" (i64.const 2)) "out of bounds memory access")
(assert_trap (invoke "load_off_4g" (i64.const 0)) "out of bounds memory access")
(assert_trap (invoke "load_off_4g" (i64.const -0x1_0000_0000)) "out of bounds memory access")
;; The last word in bounds, and one byte further.
(assert_return (invoke "store_last" (i64.const 0xfffc) (i32.const 0x04030201)))
(assert_return (invoke "load8" (i64.const 0xffff)) (i32.const 4))
(assert_trap (invoke "store_last" (i64.const 0xfffd) (i32.const 0)) "out of bounds memory access")
(assert_return (invoke "v128_last" (i64.const 0xfff0)) (i32.const 4))
(assert_trap (invoke "v128_last" (i64.const 0xfff1)) "out of bounds memory access")

;; memory.size and memory.grow are i64; a grow that cannot happen is -1 in 64 bits.
(assert_return (invoke "size") (i64.const 1))
(assert_return (invoke "grow" (i64.const 0x1_0000_0000)) (i64.const -1))
(assert_return (invoke "grow" (i64.const -1)) (i64.const -1))
(assert_return (invoke "grow" (i64.const 4)) (i64.const -1))
(assert_return (invoke "grow" (i64.const 1)) (i64.const 1))
(assert_return (invoke "size") (i64.const 2))
(assert_return (invoke "load8" (i64.const 0x1ffff)) (i32.const 0))
(assert_trap (invoke "load8" (i64.const 0x20000)) "out of bounds memory access")

;; Bulk operations: lengths past 2^32 and sums past 2^64 trap, zero lengths at the end do not.
(assert_return (invoke "fill" (i64.const 0x20000) (i32.const 7) (i64.const 0)))
(assert_trap (invoke "fill" (i64.const 0x20001) (i32.const 7) (i64.const 0)) "out of bounds memory access")
(assert_trap (invoke "fill" (i64.const 1) (i32.const 7) (i64.const -1)) "out of bounds memory access")
(assert_trap (invoke "fill" (i64.const 0) (i32.const 7) (i64.const 0x1_0000_0000)) "out of bounds memory access")
(assert_return (invoke "fill" (i64.const 0x1fffe) (i32.const 7) (i64.const 2)))
(assert_return (invoke "load8" (i64.const 0x1ffff)) (i32.const 7))
(assert_trap (invoke "copy64" (i64.const 0x1_0000_0000) (i64.const 0) (i64.const 0)) "out of bounds memory access")
(assert_trap (invoke "copy64" (i64.const 0) (i64.const 0) (i64.const 0x1_0000_0000)) "out of bounds memory access")
(assert_trap (invoke "copy64" (i64.const 0) (i64.const -1) (i64.const 2)) "out of bounds memory access")
(assert_return (invoke "copy64" (i64.const 1) (i64.const 0xfff0) (i64.const 3)))
(assert_return (invoke "load8" (i64.const 3)) (i32.const 0x32))
(assert_return (invoke "init" (i64.const 0x1fffd) (i32.const 0) (i32.const 3)))
(assert_return (invoke "load8" (i64.const 0x1ffff)) (i32.const 0x7a))
(assert_trap (invoke "init" (i64.const 0x1_0000_0000) (i32.const 0) (i32.const 0)) "out of bounds memory access")

;; Tables with i64 indices: an index past 2^32 is out of bounds (not wrapped), a failed grow
;; is -1 in 64 bits, call_indirect takes an i64.
(module
  (type $t (func (result i32)))
  (table $t64 i64 2 10 funcref)
  (table $t32 2 funcref)
  (elem (table $t64) (i64.const 0) func $a $b)
  (func $a (result i32) (i32.const 1))
  (func $b (result i32) (i32.const 2))
  (func (export "call") (param i64) (result i32) (call_indirect $t64 (type $t) (local.get 0)))
  (func (export "size") (result i64) (table.size $t64))
  (func (export "grow") (param i64) (result i64) (table.grow $t64 (ref.null func) (local.get 0)))
  (func (export "is_null") (param i64) (result i32) (ref.is_null (table.get $t64 (local.get 0))))
  (func (export "set_null") (param i64) (table.set $t64 (local.get 0) (ref.null func)))
  (func (export "fill") (param i64 i64) (table.fill $t64 (local.get 0) (ref.func $b) (local.get 1)))
  (func (export "copy_mixed") (param i32 i64 i32) (table.copy $t32 $t64 (local.get 0) (local.get 1) (local.get 2)))
  (func (export "call32") (param i32) (result i32) (call_indirect $t32 (type $t) (local.get 0)))
  (func (export "tail") (param i64) (result i32)
    (return_call_indirect $t64 (type $t) (local.get 0)))
  (elem $e func $a)
  (func (export "init") (param i64 i32 i32) (table.init $t64 $e (local.get 0) (local.get 1) (local.get 2)))
)
(assert_return (invoke "call" (i64.const 1)) (i32.const 2))
(assert_trap (invoke "call" (i64.const 0x1_0000_0000)) "undefined element")
(assert_trap (invoke "call" (i64.const -1)) "undefined element")
(assert_return (invoke "size") (i64.const 2))
(assert_return (invoke "grow" (i64.const 0x1_0000_0001)) (i64.const -1))
(assert_return (invoke "grow" (i64.const 9)) (i64.const -1))
(assert_return (invoke "grow" (i64.const 1)) (i64.const 2))
(assert_return (invoke "size") (i64.const 3))
(assert_return (invoke "is_null" (i64.const 2)) (i32.const 1))
(assert_trap (invoke "is_null" (i64.const 0x1_0000_0000)) "out of bounds table access")
(assert_trap (invoke "set_null" (i64.const 0x1_0000_0002)) "out of bounds table access")
(assert_trap (invoke "fill" (i64.const 1) (i64.const 0x1_0000_0000)) "out of bounds table access")
(assert_trap (invoke "fill" (i64.const -1) (i64.const 1)) "out of bounds table access")
(assert_return (invoke "fill" (i64.const 2) (i64.const 1)))
(assert_return (invoke "call" (i64.const 2)) (i32.const 2))
(assert_return (invoke "copy_mixed" (i32.const 0) (i64.const 1) (i32.const 1)))
(assert_return (invoke "call32" (i32.const 0)) (i32.const 2))
(assert_trap (invoke "copy_mixed" (i32.const 0) (i64.const 0x1_0000_0001) (i32.const 1)) "out of bounds table access")
(assert_return (invoke "tail" (i64.const 1)) (i32.const 2))
(assert_trap (invoke "tail" (i64.const 0x1_0000_0001)) "undefined element")
(assert_trap (invoke "init" (i64.const 0x1_0000_0000) (i32.const 0) (i32.const 0)) "out of bounds table access")
(assert_return (invoke "init" (i64.const 1) (i32.const 0) (i32.const 1)))
(assert_return (invoke "call" (i64.const 1)) (i32.const 1))

;; Validation: i64 operands where the memory or table is i64, and the offset rule.
(assert_invalid
  (module (memory i64 1) (func (drop (i32.load (i32.const 0)))))
  "type mismatch")
(assert_invalid
  (module (memory 1) (func (drop (i32.load (i64.const 0)))))
  "type mismatch")
(assert_invalid
  (module (memory 1) (func (drop (i32.load offset=0x1_0000_0000 (i32.const 0)))))
  "offset out of range")
(module (memory i64 1) (func (drop (i32.load offset=0xffff_ffff_ffff_ffff (i64.const 0)))))
(assert_invalid
  (module (memory i64 1) (memory 1)
    (func (memory.copy 0 1 (i64.const 0) (i32.const 0) (i64.const 0))))
  "type mismatch")
(assert_invalid
  (module (table i64 1 funcref) (func (drop (table.size 0))) (func (result i32) (table.size 0)))
  "type mismatch")
(assert_invalid
  (module (memory i64 1) (data (i32.const 0) "a"))
  "type mismatch")
(assert_invalid
  (module (memory i64 0x1_0000_0000_0001))
  "memory size")

;; Imports match only the same address type.
(module $exporter (memory (export "m64") i64 1) (table (export "t64") i64 1 funcref))
(register "exporter" $exporter)
(module $exporter32 (memory (export "m32") 1))
(register "exporter32" $exporter32)
(module (import "exporter" "m64" (memory i64 1)) (import "exporter" "t64" (table i64 1 funcref)))
(assert_unlinkable
  (module (import "exporter" "m64" (memory 1)))
  "incompatible import type")
(assert_unlinkable
  (module (import "exporter32" "m32" (memory i64 1)))
  "incompatible import type")
(assert_unlinkable
  (module (import "exporter" "t64" (table 1 funcref)))
  "incompatible import type")
