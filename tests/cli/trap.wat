;; A guest that traps two calls deep, for the backtrace test.
(module
  (func $boom (unreachable))
  (func $middle (call $boom))
  (func $main (export "_start") (call $middle)))
