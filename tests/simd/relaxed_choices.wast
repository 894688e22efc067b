;; Relaxed SIMD: the one result wasmcap chooses for each instruction where the spec allows several
;; (docs/simd.md, "Relaxed SIMD"), asserted exactly, no `either`: the same on every tier, and
;; never the other choices (x86's pshufb, cvttps2dq, unfused multiply-add, blendv, minps,
;; pmulhrsw, pmaddubsw would each give a different result on one of these inputs).
(module
  (func (export "swizzle") (param v128 v128) (result v128)
    (i8x16.relaxed_swizzle (local.get 0) (local.get 1)))
  (func (export "trunc_s") (param v128) (result v128) (i32x4.relaxed_trunc_f32x4_s (local.get 0)))
  (func (export "trunc_u") (param v128) (result v128) (i32x4.relaxed_trunc_f32x4_u (local.get 0)))
  (func (export "trunc_s_zero") (param v128) (result v128)
    (i32x4.relaxed_trunc_f64x2_s_zero (local.get 0)))
  (func (export "trunc_u_zero") (param v128) (result v128)
    (i32x4.relaxed_trunc_f64x2_u_zero (local.get 0)))
  (func (export "f32_madd") (param v128 v128 v128) (result v128)
    (f32x4.relaxed_madd (local.get 0) (local.get 1) (local.get 2)))
  (func (export "f32_nmadd") (param v128 v128 v128) (result v128)
    (f32x4.relaxed_nmadd (local.get 0) (local.get 1) (local.get 2)))
  (func (export "f64_madd") (param v128 v128 v128) (result v128)
    (f64x2.relaxed_madd (local.get 0) (local.get 1) (local.get 2)))
  (func (export "f64_nmadd") (param v128 v128 v128) (result v128)
    (f64x2.relaxed_nmadd (local.get 0) (local.get 1) (local.get 2)))
  (func (export "i8_laneselect") (param v128 v128 v128) (result v128)
    (i8x16.relaxed_laneselect (local.get 0) (local.get 1) (local.get 2)))
  (func (export "i16_laneselect") (param v128 v128 v128) (result v128)
    (i16x8.relaxed_laneselect (local.get 0) (local.get 1) (local.get 2)))
  (func (export "i32_laneselect") (param v128 v128 v128) (result v128)
    (i32x4.relaxed_laneselect (local.get 0) (local.get 1) (local.get 2)))
  (func (export "i64_laneselect") (param v128 v128 v128) (result v128)
    (i64x2.relaxed_laneselect (local.get 0) (local.get 1) (local.get 2)))
  (func (export "f32_min") (param v128 v128) (result v128) (f32x4.relaxed_min (local.get 0) (local.get 1)))
  (func (export "f32_max") (param v128 v128) (result v128) (f32x4.relaxed_max (local.get 0) (local.get 1)))
  (func (export "f64_min") (param v128 v128) (result v128) (f64x2.relaxed_min (local.get 0) (local.get 1)))
  (func (export "f64_max") (param v128 v128) (result v128) (f64x2.relaxed_max (local.get 0) (local.get 1)))
  (func (export "q15mulr") (param v128 v128) (result v128)
    (i16x8.relaxed_q15mulr_s (local.get 0) (local.get 1)))
  (func (export "dot") (param v128 v128) (result v128)
    (i16x8.relaxed_dot_i8x16_i7x16_s (local.get 0) (local.get 1)))
  (func (export "dot_add") (param v128 v128 v128) (result v128)
    (i32x4.relaxed_dot_i8x16_i7x16_add_s (local.get 0) (local.get 1) (local.get 2)))
  ;; Constant operands, which LLVM may fold at compile time: the same results.
  (func (export "const_madd") (result v128)
    (f32x4.relaxed_madd (v128.const f32x4 0x1.001p+0 0x1.001p+0 nan 1)
                        (v128.const f32x4 0x1.001p+0 0x1.001p+0 1 1)
                        (v128.const f32x4 -0x1.002p+0 0x1.002p+0 0 -0)))
  (func (export "const_swizzle") (result v128)
    (i8x16.relaxed_swizzle (v128.const i8x16 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15)
                           (v128.const i8x16 16 17 31 32 0x70 0x7f 0x80 0xff 0 1 2 3 4 5 6 15)))
)

;; swizzle: an index of 16 or more selects 0, as i8x16.swizzle (pshufb would read lane idx & 15
;; for 16..127).
(assert_return (invoke "swizzle"
    (v128.const i8x16 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25)
    (v128.const i8x16 16 17 31 32 0x70 0x7f 0x80 0xff 0 1 2 3 4 5 6 15))
  (v128.const i8x16 0 0 0 0 0 0 0 0 10 11 12 13 14 15 16 25))
(assert_return (invoke "const_swizzle")
  (v128.const i8x16 0 0 0 0 0 0 0 0 0 1 2 3 4 5 6 15))

;; trunc: saturating, NaN -> 0, as trunc_sat (cvttps2dq would give 0x80000000 for NaN and
;; positive overflow).
(assert_return (invoke "trunc_s" (v128.const f32x4 nan 3e9 -3e9 -1.75))
  (v128.const i32x4 0 0x7fffffff 0x80000000 -1))
(assert_return (invoke "trunc_u" (v128.const f32x4 nan -1 5e9 3.9))
  (v128.const i32x4 0 0 0xffffffff 3))
(assert_return (invoke "trunc_s_zero" (v128.const f64x2 nan -1e10))
  (v128.const i32x4 0 0x80000000 0 0))
(assert_return (invoke "trunc_u_zero" (v128.const f64x2 1e10 -0.5))
  (v128.const i32x4 0xffffffff 0 0 0))

;; madd/nmadd: fused, one rounding. (1 + 2^-12)^2 = 1 + 2^-11 + 2^-24 exactly; rounded first it is
;; 1 + 2^-11 and the sum would be 0.
(assert_return (invoke "f32_madd"
    (v128.const f32x4 0x1.001p+0 0x1.001p+0 1 -0)
    (v128.const f32x4 0x1.001p+0 0x1.001p+0 1 1)
    (v128.const f32x4 -0x1.002p+0 0 -1 -0))
  (v128.const f32x4 0x1p-24 0x1.002p+0 0 -0))
(assert_return (invoke "f32_nmadd"
    (v128.const f32x4 0x1.001p+0 inf 2 1)
    (v128.const f32x4 0x1.001p+0 1 3 0)
    (v128.const f32x4 0x1.002p+0 inf 1 -0))
  (v128.const f32x4 -0x1p-24 nan:canonical -5 -0))
(assert_return (invoke "f64_madd"
    (v128.const f64x2 0x1.0000002p+0 inf)
    (v128.const f64x2 0x1.0000002p+0 0)
    (v128.const f64x2 -0x1.0000004p+0 1))
  (v128.const f64x2 0x1p-54 nan:canonical))
(assert_return (invoke "f64_nmadd"
    (v128.const f64x2 0x1.0000002p+0 -0)
    (v128.const f64x2 0x1.0000002p+0 1)
    (v128.const f64x2 0x1.0000004p+0 -0))
  (v128.const f64x2 -0x1p-54 0))
(assert_return (invoke "const_madd")
  (v128.const f32x4 0x1p-24 0x1.002p+1 nan:canonical 1))

;; laneselect: bitwise, as v128.bitselect, whatever the mask (blendv would pick whole lanes by
;; their top bit).
(assert_return (invoke "i8_laneselect"
    (v128.const i8x16 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1)
    (v128.const i8x16 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0)
    (v128.const i8x16 0x0f 0xf0 0x80 0x7f 0 -1 1 2 3 4 5 6 7 8 9 10))
  (v128.const i8x16 0x0f 0xf0 0x80 0x7f 0 -1 1 2 3 4 5 6 7 8 9 10))
(assert_return (invoke "i16_laneselect"
    (v128.const i16x8 0x1234 0x1234 0x1234 0x1234 0 0 0 0)
    (v128.const i16x8 0x5678 0x5678 0x5678 0x5678 -1 -1 -1 -1)
    (v128.const i16x8 0xff00 0x00ff 0x8000 0x7fff 0xff00 0x00ff 0x8000 0x7fff))
  (v128.const i16x8 0x1278 0x5634 0x5678 0x1234 0x00ff 0xff00 0x7fff 0x8000))
(assert_return (invoke "i32_laneselect"
    (v128.const i32x4 0x11111111 0x11111111 0x11111111 0x11111111)
    (v128.const i32x4 0x22222222 0x22222222 0x22222222 0x22222222)
    (v128.const i32x4 0x80000000 0x7fffffff 0xffff0000 0))
  (v128.const i32x4 0x22222222 0x11111111 0x11112222 0x22222222))
(assert_return (invoke "i64_laneselect"
    (v128.const i64x2 0x1111111111111111 0x1111111111111111)
    (v128.const i64x2 0x2222222222222222 0x2222222222222222)
    (v128.const i64x2 0x8000000000000000 0x00000000ffffffff))
  (v128.const i64x2 0x2222222222222222 0x2222222211111111))

;; min/max: as f32x4/f64x2.min/max, NaN in -> NaN out, -0 < +0 (minps/maxps would return the
;; second operand for both).
(assert_return (invoke "f32_min" (v128.const f32x4 nan 1 0 -0) (v128.const f32x4 1 nan -0 0))
  (v128.const f32x4 nan:canonical nan:canonical -0 -0))
(assert_return (invoke "f32_max" (v128.const f32x4 nan 1 0 -0) (v128.const f32x4 1 nan -0 0))
  (v128.const f32x4 nan:canonical nan:canonical 0 0))
(assert_return (invoke "f64_min" (v128.const f64x2 0 nan) (v128.const f64x2 -0 -inf))
  (v128.const f64x2 -0 nan:canonical))
(assert_return (invoke "f64_max" (v128.const f64x2 -0 -inf) (v128.const f64x2 0 nan))
  (v128.const f64x2 0 nan:canonical))

;; q15mulr: saturating, as i16x8.q15mulr_sat_s (pmulhrsw gives -32768 for -32768 * -32768).
(assert_return (invoke "q15mulr"
    (v128.const i16x8 -32768 -32768 16384 -16384 32767 1 0 -1)
    (v128.const i16x8 -32768 32767 16384 16384 32767 16384 5 -1))
  (v128.const i16x8 32767 -32767 8192 -8192 32766 1 0 0))

;; dot: the second operand's bytes are signed too, and each pair's sum wraps to 16 bits
;; (pmaddubsw reads them unsigned and saturates).
(assert_return (invoke "dot"
    (v128.const i8x16 -128 -128 -128 -128 127 127 -1 2 0 0 0 0 0 0 0 0)
    (v128.const i8x16 -128 -128 -127 -127 -128 -128 -1 -3 0 0 0 0 0 0 0 0))
  (v128.const i16x8 -32768 32512 -32512 -5 0 0 0 0))
(assert_return (invoke "dot_add"
    (v128.const i8x16 -128 -128 -128 -128 -128 -128 -128 -127 1 2 3 4 0 0 0 0)
    (v128.const i8x16 -128 -128 -128 -128 -127 -127 -127 -127 -1 -2 -3 -4 0 0 0 0)
    (v128.const i32x4 1 2 0x7fffffff 4))
  (v128.const i32x4 -65535 64899 0x7fffffe1 4))
