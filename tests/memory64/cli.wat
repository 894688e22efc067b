;; A 64-bit memory and table for the CLI tests (tests/memory64/CMakeLists.txt): grow_and_touch
;; grows the memory by one page, writes the last byte of the new page and returns the address
;; it wrote (65536 + 65535 - 65535 = the old size in bytes), or -1 when the grow failed.
(module
  (memory (export "memory") i64 1 4)
  (table i64 1 funcref)
  (func (export "grow_and_touch") (result i64)
    (local $old i64)
    (local.set $old (memory.grow (i64.const 1)))
    (if (i64.eq (local.get $old) (i64.const -1)) (then (return (i64.const -1))))
    (i64.store8 (i64.add (i64.mul (local.get $old) (i64.const 65536)) (i64.const 65535))
      (i64.const 1))
    (i64.mul (local.get $old) (i64.const 65536)))
)
