;; Multiple memories where compiled code could get them wrong (docs/llvm.md, "Multiple
;; memories"): memory 0 keeps its cached base and size (and guard pages when allowed), memories
;; 1..n are read through their runtime::Memory with an explicit check at each access. Run on every
;; tier (tests/multi_memory/CMakeLists.txt).

;; $lib's memory 0 gets guard pages under the JIT; its memory 1 never does.
(module $lib
  (memory (export "guarded") 1)
  (memory (export "plain") 1 8)
)
(register "lib" $lib)

;; The same memory imported twice, grown through index 1 and read through index 0. Here memory 0
;; is $lib's guarded one: guard-page code for index 0, explicit checks for index 1.
(module $twice_guarded
  (import "lib" "guarded" (memory $x 1))
  (import "lib" "guarded" (memory $y 1))
  (func (export "grow_then_read") (param $at i32) (result i32)
    (drop (i32.load8_u $x (i32.const 0)))
    (drop (memory.grow $y (i32.const 1)))
    (i32.store8 $y (local.get $at) (i32.const 77))
    (i32.load8_u $x (local.get $at)))
  (func (export "sizes") (result i32 i32) (memory.size $x) (memory.size $y))
  (func (export "load_x") (param i32) (result i32) (i32.load8_u $x (local.get 0)))
  (func (export "load_y") (param i32) (result i32) (i32.load8_u $y (local.get 0)))
)
(assert_return (invoke $twice_guarded "grow_then_read" (i32.const 65541)) (i32.const 77))
(assert_return (invoke $twice_guarded "sizes") (i32.const 2) (i32.const 2))
(assert_trap (invoke $twice_guarded "load_x" (i32.const 131072)) "out of bounds memory access")
(assert_trap (invoke $twice_guarded "load_y" (i32.const 131072)) "out of bounds memory access")

;; The same with $lib's memory 1, which has no guard pages: memory 0 of this instance is checked
;; explicitly against its cached size, which the grow through index 1 must refresh.
(module $twice_plain
  (import "lib" "plain" (memory $x 1))
  (import "lib" "plain" (memory $y 1))
  (func (export "grow_then_read") (param $at i32) (result i32)
    (drop (i32.load8_u $x (i32.const 0)))
    (drop (memory.grow $y (i32.const 1)))
    (i32.store8 $y (local.get $at) (i32.const 88))
    (i32.load8_u $x (local.get $at)))
  (func (export "load_x") (param i32) (result i32) (i32.load8_u $x (local.get 0)))
)
(assert_return (invoke $twice_plain "grow_then_read" (i32.const 65542)) (i32.const 88))
(assert_return (invoke $twice_plain "load_x" (i32.const 131071)) (i32.const 0))
(assert_trap (invoke $twice_plain "load_x" (i32.const 131072)) "out of bounds memory access")

;; Out of bounds on memory 1 while memory 0 is much larger: memory 1's own size decides.
(module $small_one
  (memory $big 4)
  (memory $small 1)
  (func (export "load_small") (param i32) (result i32) (i32.load8_u $small (local.get 0)))
  (func (export "load32_small") (param i32) (result i32) (i32.load $small (local.get 0)))
  (func (export "store_small_off") (param i32)
    (i32.store $small offset=65532 (local.get 0) (i32.const 1)))
  (func (export "load_big") (param i32) (result i32) (i32.load8_u $big (local.get 0)))
  (func (export "v128_small") (param i32) (result i64)
    (i64x2.extract_lane 0 (v128.load $small (local.get 0))))
  (func (export "lane_small") (param i32) (result i64)
    (i64x2.extract_lane 1 (v128.load64_lane $small 1 (local.get 0) (v128.const i64x2 0 0))))
)
(assert_return (invoke $small_one "load_small" (i32.const 65535)) (i32.const 0))
(assert_trap (invoke $small_one "load_small" (i32.const 65536)) "out of bounds memory access")
(assert_trap (invoke $small_one "load32_small" (i32.const 65533)) "out of bounds memory access")
(assert_return (invoke $small_one "store_small_off" (i32.const 0)))
(assert_trap (invoke $small_one "store_small_off" (i32.const 1)) "out of bounds memory access")
(assert_return (invoke $small_one "load_big" (i32.const 200000)) (i32.const 0))
(assert_return (invoke $small_one "v128_small" (i32.const 65520)) (i64.const 0))
(assert_trap (invoke $small_one "v128_small" (i32.const 65521)) "out of bounds memory access")
(assert_trap (invoke $small_one "lane_small" (i32.const 65529)) "out of bounds memory access")
(assert_return (invoke $small_one "lane_small" (i32.const 65528)) (i64.const 0x1_0000_0000))

;; A loop reading memory 1 after each call that grows it: the size read before the call must not
;; be kept across it.
(module $loop_grow
  (memory 1)
  (memory $m 1 10)
  (func $grow (drop (memory.grow $m (i32.const 1))))
  (func (export "run") (result i32)
    (local $k i32) (local $sum i32)
    (loop $l
      (call $grow)
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      ;; the last byte of the page just added, written through memory 1 and read back
      (i32.store8 $m (i32.add (i32.mul (local.get $k) (i32.const 65536)) (i32.const 65535))
        (local.get $k))
      (local.set $sum (i32.add (local.get $sum)
        (i32.load8_u $m (i32.add (i32.mul (local.get $k) (i32.const 65536)) (i32.const 65535)))))
      (br_if $l (i32.lt_u (local.get $k) (i32.const 5))))
    (local.get $sum))
  (func (export "size") (result i32) (memory.size $m))
  (func (export "size0") (result i32) (memory.size 0))
)
(assert_return (invoke $loop_grow "run") (i32.const 15))
(assert_return (invoke $loop_grow "size") (i32.const 6))
(assert_return (invoke $loop_grow "size0") (i32.const 1))

;; memory.copy from an i64 memory to an i32 one and back, bulk ops on memory 1, and memory 0 of
;; either address type next to a memory of the other.
(module $mixed
  (memory $m32 1)
  (memory $m64 i64 1)
  (data (memory $m64) (i64.const 100) "abcdefgh")
  (data $later "XYZ")
  (func (export "copy_64_to_32") (param i32 i64 i32)
    (memory.copy $m32 $m64 (local.get 0) (local.get 1) (local.get 2)))
  (func (export "copy_32_to_64") (param i64 i32 i32)
    (memory.copy $m64 $m32 (local.get 0) (local.get 1) (local.get 2)))
  (func (export "load32") (param i32) (result i32) (i32.load8_u $m32 (local.get 0)))
  (func (export "load64") (param i64) (result i32) (i32.load8_u $m64 (local.get 0)))
  (func (export "fill64") (param i64 i32 i64) (memory.fill $m64 (local.get 0) (local.get 1) (local.get 2)))
  (func (export "init64") (param i64 i32 i32) (memory.init $m64 $later (local.get 0) (local.get 1) (local.get 2)))
  (func (export "drop") (data.drop $later))
  (func (export "grow64") (param i64) (result i64) (memory.grow $m64 (local.get 0)))
  (func (export "size64") (result i64) (memory.size $m64))
)
(assert_return (invoke $mixed "copy_64_to_32" (i32.const 10) (i64.const 100) (i32.const 8)))
(assert_return (invoke $mixed "load32" (i32.const 13)) (i32.const 0x64))
(assert_trap (invoke $mixed "copy_64_to_32" (i32.const 0) (i64.const 65530) (i32.const 8)) "out of bounds memory access")
(assert_trap (invoke $mixed "copy_64_to_32" (i32.const 65530) (i64.const 0) (i32.const 8)) "out of bounds memory access")
(assert_return (invoke $mixed "copy_32_to_64" (i64.const 65528) (i32.const 10) (i32.const 8)))
(assert_return (invoke $mixed "load64" (i64.const 65535)) (i32.const 0x68))
(assert_trap (invoke $mixed "load64" (i64.const 65536)) "out of bounds memory access")
(assert_trap (invoke $mixed "load64" (i64.const -1)) "out of bounds memory access")
(assert_return (invoke $mixed "fill64" (i64.const 0) (i32.const 7) (i64.const 3)))
(assert_return (invoke $mixed "load64" (i64.const 2)) (i32.const 7))
(assert_trap (invoke $mixed "fill64" (i64.const 65535) (i32.const 7) (i64.const 2)) "out of bounds memory access")
(assert_return (invoke $mixed "init64" (i64.const 65533) (i32.const 0) (i32.const 3)))
(assert_return (invoke $mixed "load64" (i64.const 65534)) (i32.const 0x59))
(assert_return (invoke $mixed "drop"))
(assert_trap (invoke $mixed "init64" (i64.const 0) (i32.const 0) (i32.const 1)) "out of bounds memory access")
(assert_return (invoke $mixed "grow64" (i64.const 2)) (i64.const 1))
(assert_return (invoke $mixed "size64") (i64.const 3))
(assert_return (invoke $mixed "load64" (i64.const 196607)) (i32.const 0))

;; Memory 0 with i64 addresses and memory 1 with i32 ones.
(module $wide_first
  (memory $a i64 1)
  (memory $b 1)
  (func (export "store_both") (param i64 i32 i32)
    (i32.store8 $a (local.get 0) (local.get 2))
    (i32.store8 $b (local.get 1) (i32.add (local.get 2) (i32.const 1))))
  (func (export "sum") (param i64 i32) (result i32)
    (i32.add (i32.load8_u $a (local.get 0)) (i32.load8_u $b (local.get 1))))
  (func (export "grow_b") (param i32) (result i32) (memory.grow $b (local.get 0)))
)
(assert_return (invoke $wide_first "store_both" (i64.const 65535) (i32.const 65535) (i32.const 10)))
(assert_return (invoke $wide_first "sum" (i64.const 65535) (i32.const 65535)) (i32.const 21))
(assert_trap (invoke $wide_first "store_both" (i64.const 0) (i32.const 65536) (i32.const 1)) "out of bounds memory access")
(assert_return (invoke $wide_first "grow_b" (i32.const 1)) (i32.const 1))
(assert_return (invoke $wide_first "store_both" (i64.const 0) (i32.const 65536) (i32.const 1)))
(assert_return (invoke $wide_first "sum" (i64.const 0) (i32.const 65536)) (i32.const 3))
