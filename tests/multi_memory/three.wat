;; Three memories for `wasmcap run -v` (tests/multi_memory/CMakeLists.txt): memory 0 may have
;; guard pages, memory 1 (i32) and memory 2 (i64) are checked explicitly. `sum` reads one byte
;; of each: 3.
(module
  (memory 1)
  (memory $one 1)
  (memory $two i64 1)
  (data (memory 0) (i32.const 0) "\01")
  (data (memory $one) (i32.const 65535) "\01")
  (data (memory $two) (i64.const 65535) "\01")
  (func (export "sum") (result i32)
    (i32.add (i32.load8_u (i32.const 0))
      (i32.add (i32.load8_u $one (i32.const 65535)) (i32.load8_u $two (i64.const 65535))))))
