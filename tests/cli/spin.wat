;; A guest that never stops, in a loop of register arithmetic only (no memory access, no call):
;; compiled without checks, only a signal can stop it (tests/cli/sigint.sh).
(module
  (func $spin (result i32)
    (local $i i32)
    (loop $l
      (local.set $i (i32.add (i32.mul (local.get $i) (i32.const 1103515245)) (i32.const 12345)))
      (br $l))
    (local.get $i))
  (func (export "_start") (drop (call $spin))))
