;; Mutations through a read-only grant (fd 3): create, an existing file opened for writing (no
;; create, no truncate: refused at open, not at the first write), rename, unlink, mkdir, then a
;; path that escapes the grant. Exits with how many were refused with ENOTCAPABLE (76): 6.
(module
  (import "wasi_snapshot_preview1" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_rename"
    (func $rename (param i32 i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_unlink_file"
    (func $unlink (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_create_directory"
    (func $mkdir (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "new.txt")
  (data (i32.const 32) "keep.txt")
  (data (i32.const 48) "moved.txt")
  (data (i32.const 64) "newdir")
  (data (i32.const 80) "../outside/secret")
  (global $refused (mut i32) (i32.const 0))
  (func $count (param $e i32)
    (if (i32.eq (local.get $e) (i32.const 76))
      (then (global.set $refused (i32.add (global.get $refused) (i32.const 1))))))
  (func (export "_start")
    (call $count (call $path_open (i32.const 3) (i32.const 1) (i32.const 16) (i32.const 7)
      (i32.const 1) (i64.const 64) (i64.const 0) (i32.const 0) (i32.const 400)))
    (call $count (call $path_open (i32.const 3) (i32.const 1) (i32.const 32) (i32.const 8)
      (i32.const 0) (i64.const 64) (i64.const 0) (i32.const 0) (i32.const 400)))
    (call $count (call $rename (i32.const 3) (i32.const 32) (i32.const 8) (i32.const 3)
      (i32.const 48) (i32.const 9)))
    (call $count (call $unlink (i32.const 3) (i32.const 32) (i32.const 8)))
    (call $count (call $mkdir (i32.const 3) (i32.const 64) (i32.const 6)))
    (call $count (call $path_open (i32.const 3) (i32.const 1) (i32.const 80) (i32.const 17)
      (i32.const 0) (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 400)))
    (call $proc_exit (global.get $refused))))
