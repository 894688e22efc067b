;; A component that reads wasi:clocks/monotonic-clock, for the policy tests of components.
(component
  (import "wasi:clocks/monotonic-clock@0.2.3" (instance $clock
    (export "now" (func (result u64)))))
  (core func $now (canon lower (func $clock "now")))
  (core module $M
    (import "clock" "now" (func $now (result i64)))
    (func (export "positive") (result i32) (i64.gt_u (call $now) (i64.const 0))))
  (core instance $c (export "now" (func $now)))
  (core instance $m (instantiate $M (with "clock" (instance $c))))
  (func (export "positive") (result bool) (canon lift (core func $m "positive"))))
