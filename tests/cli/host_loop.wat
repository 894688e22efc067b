;; A guest that never stops and spends its time in a host call: each iteration sleeps 20 ms in
;; poll_oneoff (one relative clock subscription), so Ctrl-C nearly always lands in the host and
;; the guest must stop on the call's way back into compiled code (tests/cli/sigint.sh).
(module
  (import "wasi_snapshot_preview1" "poll_oneoff"
    (func $poll_oneoff (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  ;; The subscription at 0: userdata 0, tag 0 (clock), clock id 1 (monotonic) at 16, timeout
  ;; 20,000,000 ns at 24, precision 0 at 32, flags 0 (relative) at 40.
  (data (i32.const 16) "\01\00\00\00\00\00\00\00\00\2d\31\01\00\00\00\00")
  (func $sleep_forever
    (loop $l
      (drop (call $poll_oneoff (i32.const 0) (i32.const 64) (i32.const 1) (i32.const 128)))
      (br $l)))
  (func (export "_start") (call $sleep_forever)))
