;; `wasmcap wast -W multi-memory=n` (tests/cli): WebAssembly 2.0's rules, as the 2.0 suite runs.
(assert_invalid (module (memory 0) (memory 0)) "multiple memories")
(assert_malformed
  (module binary
    "\00asm" "\01\00\00\00"
    "\01\04\01\60\00\00" "\03\02\01\00" "\05\03\01\00\00"
    "\0a\09\01\07\00\41\00\40\01\1a\0b")
  "zero byte expected")
