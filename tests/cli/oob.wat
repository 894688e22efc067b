;; Loads from one 64 KiB page (at most two), for the out-of-bounds tests on both tiers: address
;; 65532 is the last in bounds for an i32.load, 65533 traps.
(module
  (memory 1 2)
  (func (export "load") (param i32) (result i32) (i32.load (local.get 0))))
