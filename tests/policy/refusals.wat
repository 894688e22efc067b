;; Three refused calls under `--deny clock,random,net`, then an end: "exit" calls proc_exit(7),
;; "trap" hits unreachable. The audit log must hold all three lines either way.
(module
  (import "wasi_snapshot_preview1" "clock_time_get"
    (func $clock (param i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "random_get" (func $random (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "sock_accept" (func $accept (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (func $refused
    (drop (call $clock (i32.const 0) (i64.const 1) (i32.const 100)))
    (drop (call $random (i32.const 200) (i32.const 16)))
    (drop (call $accept (i32.const 3) (i32.const 0) (i32.const 100))))
  (func (export "exit") (call $refused) (call $proc_exit (i32.const 7)))
  (func (export "trap") (call $refused) (unreachable)))
