;; A relaxed SIMD instruction for `-W relaxed-simd=y|n` (tests/cli): 6 * 7 + 0 * 1 = 42.
(module
  (func (export "answer") (result i32)
    (i16x8.extract_lane_s 0
      (i16x8.relaxed_dot_i8x16_i7x16_s
        (v128.const i8x16 6 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0)
        (v128.const i8x16 7 1 0 0 0 0 0 0 0 0 0 0 0 0 0 0)))))
