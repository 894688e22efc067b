;; A file writer: creates out.txt beneath preopen fd 3 and writes "hello" (exit 0, or 100 + errno).
;; inspect: "read files, write files" (path_open with fd_write can write files) and stdio.
(module
  (import "wasi_snapshot_preview1" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "out.txt")
  (data (i32.const 32) "hello")
  (func $check (param $e i32)
    (if (local.get $e) (then (call $proc_exit (i32.add (i32.const 100) (local.get $e))))))
  (func (export "_start")
    ;; oflags = creat | trunc, rights_base = fd_write (1 << 6)
    (call $check (call $path_open (i32.const 3) (i32.const 1) (i32.const 16) (i32.const 7)
      (i32.const 9) (i64.const 64) (i64.const 0) (i32.const 0) (i32.const 100)))
    (i32.store (i32.const 200) (i32.const 32))
    (i32.store (i32.const 204) (i32.const 5))
    (call $check (call $fd_write (i32.load (i32.const 100)) (i32.const 200) (i32.const 1)
      (i32.const 208)))))
