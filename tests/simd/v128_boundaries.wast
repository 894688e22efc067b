;; v128 values crossing every boundary of a compiled module (run on each tier; on the LLVM tier
;; these are the entry wrappers' slots, the `call` helper's slots for imports and other
;; instances, call_indirect's fast and slow paths, v128 globals shared between instances), and
;; the lowering bugs found while writing the LLVM tier's SIMD.
(module $A
  (global (export "shared") (mut v128) (v128.const i32x4 1 2 3 4))
  ;; Nine v128 parameters: 18 slots, more than JitModule::call keeps on its stack.
  (func $many (export "many")
    (param v128 v128 v128 v128 v128 v128 v128 v128 v128) (param i32) (result v128 i64 v128)
    (i32x4.add (local.get 0) (local.get 8))
    (i64.extend_i32_u (local.get 9))
    (i32x4.sub (local.get 7) (local.get 1)))
  (func (export "rev") (param i32 v128 f64 v128) (result v128 f64 v128 i32)
    (local.get 3) (local.get 2) (local.get 1) (local.get 0))
  (table (export "tab") 2 funcref)
  (elem (i32.const 0) $rot $many)
  (type $rot_t (func (param v128) (result v128)))
  (func $rot (param v128) (result v128)
    (i8x16.shuffle 4 5 6 7 8 9 10 11 12 13 14 15 0 1 2 3 (local.get 0) (local.get 0))))
(register "A" $A)

(module $B
  (import "A" "many" (func $many
    (param v128 v128 v128 v128 v128 v128 v128 v128 v128) (param i32) (result v128 i64 v128)))
  (import "A" "rev" (func $rev (param i32 v128 f64 v128) (result v128 f64 v128 i32)))
  (import "A" "shared" (global $shared (mut v128)))
  (import "A" "tab" (table $other 2 funcref))
  (type $rot_t (func (param v128) (result v128)))
  (table $own 1 funcref)
  (elem (table $own) (i32.const 0) func $neg)
  (func $neg (param v128) (result v128) (i32x4.neg (local.get 0)))
  (func (export "call-many") (result v128 i64 v128)
    (call $many
      (v128.const i32x4 1 1 1 1) (v128.const i32x4 2 2 2 2) (v128.const i32x4 3 3 3 3)
      (v128.const i32x4 4 4 4 4) (v128.const i32x4 5 5 5 5) (v128.const i32x4 6 6 6 6)
      (v128.const i32x4 7 7 7 7) (v128.const i32x4 8 8 8 8) (v128.const i32x4 9 9 9 9)
      (i32.const 77)))
  (func (export "call-rev") (result v128 f64 v128 i32)
    (call $rev (i32.const 5) (v128.const i64x2 1 2) (f64.const 2.5) (v128.const i64x2 3 4)))
  (func (export "bump-shared") (result v128)
    (global.set $shared (i32x4.add (global.get $shared) (v128.const i32x4 10 10 10 10)))
    (global.get $shared))
  ;; Same instance (the direct path) and another instance (through the runtime).
  (func (export "indirect-own") (param v128) (result v128)
    (call_indirect $own (type $rot_t) (local.get 0) (i32.const 0)))
  (func (export "indirect-other") (param v128) (result v128)
    (call_indirect $other (type $rot_t) (local.get 0) (i32.const 0)))
  (func (export "select") (param v128 v128 i32) (result v128)
    (select (local.get 0) (local.get 1) (local.get 2)))
  (func (export "loop-sum") (param i32) (result v128)
    (local v128)
    (block
      (loop
        (br_if 1 (i32.eqz (local.get 0)))
        (local.set 1 (i32x4.add (local.get 1) (i32x4.splat (local.get 0))))
        (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
        (br 0)))
    (local.get 1)))

(assert_return (invoke $A "many"
    (v128.const i32x4 1 1 1 1) (v128.const i32x4 2 2 2 2) (v128.const i32x4 3 3 3 3)
    (v128.const i32x4 4 4 4 4) (v128.const i32x4 5 5 5 5) (v128.const i32x4 6 6 6 6)
    (v128.const i32x4 7 7 7 7) (v128.const i32x4 8 8 8 8) (v128.const i32x4 9 9 9 9)
    (i32.const 3))
  (v128.const i32x4 10 10 10 10) (i64.const 3) (v128.const i32x4 6 6 6 6))
(assert_return (invoke $B "call-many")
  (v128.const i32x4 10 10 10 10) (i64.const 77) (v128.const i32x4 6 6 6 6))
(assert_return (invoke $B "call-rev")
  (v128.const i64x2 3 4) (f64.const 2.5) (v128.const i64x2 1 2) (i32.const 5))
(assert_return (invoke $B "bump-shared") (v128.const i32x4 11 12 13 14))
(assert_return (get $A "shared") (v128.const i32x4 11 12 13 14))
(assert_return (invoke $B "indirect-own" (v128.const i32x4 1 -2 3 -4))
  (v128.const i32x4 -1 2 -3 4))
(assert_return (invoke $B "indirect-other" (v128.const i32x4 1 2 3 4))
  (v128.const i32x4 2 3 4 1))
(assert_return (invoke $B "select" (v128.const i32x4 1 1 1 1) (v128.const i32x4 2 2 2 2)
  (i32.const 0)) (v128.const i32x4 2 2 2 2))
(assert_return (invoke $B "select" (v128.const i32x4 1 1 1 1) (v128.const i32x4 2 2 2 2)
  (i32.const 1)) (v128.const i32x4 1 1 1 1))
(assert_return (invoke $B "loop-sum" (i32.const 4)) (v128.const i32x4 10 10 10 10))

;; x86's expansion of llvm.minimum/maximum returned a signalling NaN operand unchanged; wasm's
;; min/max give an arithmetic (quiet) NaN.
(module
  (func (export "f32x4.min") (param v128 v128) (result v128) (f32x4.min (local.get 0) (local.get 1)))
  (func (export "f64x2.max") (param v128 v128) (result v128) (f64x2.max (local.get 0) (local.get 1))))
(assert_return (invoke "f32x4.min" (v128.const f32x4 nan:0x200000 1 -0 nan:0x200000)
                                   (v128.const f32x4 1 nan:0x200000 0 -nan:0x200000))
  (v128.const f32x4 nan:arithmetic nan:arithmetic -0 nan:arithmetic))
(assert_return (invoke "f64x2.max" (v128.const f64x2 -nan:0x4000000000000 -0)
                                   (v128.const f64x2 1 0))
  (v128.const f64x2 nan:arithmetic 0))

;; LLVM folds x * 1, x - 0, x + -0, x / -1, min(x, c) and demote(promote(x)) to x, which kept a
;; signalling NaN lane signalling; wasm's float arithmetic returns arithmetic (quiet) NaNs.
(module
  (func (export "mul1") (param v128) (result v128) (f32x4.mul (local.get 0) (v128.const f32x4 1 1 1 1)))
  (func (export "subz") (param v128) (result v128) (f64x2.sub (local.get 0) (v128.const f64x2 0 0)))
  (func (export "addnz") (param v128) (result v128) (f32x4.add (local.get 0) (v128.const f32x4 -0 -0 -0 -0)))
  (func (export "divm1") (param v128) (result v128) (f64x2.div (local.get 0) (v128.const f64x2 -1 -1)))
  (func (export "minz") (param v128) (result v128) (f32x4.min (local.get 0) (v128.const f32x4 -0 -0 -0 -0)))
  (func (export "sqrtc") (result v128) (f64x2.sqrt (v128.const f64x2 nan:0x4000000000000 4)))
  (func (export "demprom") (param v128) (result v128)
    (f32x4.demote_f64x2_zero (f64x2.promote_low_f32x4 (local.get 0)))))
(assert_return (invoke "mul1" (v128.const f32x4 nan:0x200000 1 2 3))
  (v128.const f32x4 nan:arithmetic 1 2 3))
(assert_return (invoke "subz" (v128.const f64x2 nan:0x4000000000000 1))
  (v128.const f64x2 nan:arithmetic 1))
(assert_return (invoke "addnz" (v128.const f32x4 nan:0x200000 1 2 3))
  (v128.const f32x4 nan:arithmetic 1 2 3))
(assert_return (invoke "divm1" (v128.const f64x2 nan:0x4000000000000 1))
  (v128.const f64x2 nan:arithmetic -1))
(assert_return (invoke "minz" (v128.const f32x4 nan:0x200000 1 -1 0))
  (v128.const f32x4 nan:arithmetic -0 -1 -0))
(assert_return (invoke "sqrtc") (v128.const f64x2 nan:arithmetic 2))
(assert_return (invoke "demprom" (v128.const f32x4 nan:0x200000 1 2 3))
  (v128.const f32x4 nan:arithmetic 1 0 0))
