;; A file reader: opens in.txt beneath preopen fd 3 for reading and exits with the number of bytes
;; read (or 100 + errno). inspect: "read files" and nothing that writes.
(module
  (import "wasi_snapshot_preview1" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "in.txt")
  (func $check (param $e i32)
    (if (local.get $e) (then (call $proc_exit (i32.add (i32.const 100) (local.get $e))))))
  (func (export "_start")
    ;; rights_base = fd_read (1 << 1)
    (call $check (call $path_open (i32.const 3) (i32.const 1) (i32.const 16) (i32.const 6)
      (i32.const 0) (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 100)))
    (i32.store (i32.const 200) (i32.const 300))
    (i32.store (i32.const 204) (i32.const 64))
    (call $check (call $fd_read (i32.load (i32.const 100)) (i32.const 200) (i32.const 1)
      (i32.const 208)))
    (call $proc_exit (i32.load (i32.const 208)))))
