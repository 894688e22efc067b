;; A 64-bit memory whose minimum (2^48 pages, 2^64 bytes) no host can map: instantiation fails
;; with a message (tests/memory64/CMakeLists.txt).
(module
  (memory i64 0x1_0000_0000_0000)
  (func (export "grow_and_touch") (result i64) (i64.const 0)))
