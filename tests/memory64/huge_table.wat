;; A table64 whose minimum (2^32 elements) is past the host's table limit: instantiation fails
;; with a message (tests/memory64/CMakeLists.txt).
(module
  (table i64 0x1_0000_0000 funcref)
  (func (export "f")))
