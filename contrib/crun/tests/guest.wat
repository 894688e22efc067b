;; A WASI command showing what a container handler gave it, for the crun handler's tests and
;; contrib/crun/try: it prints its arguments (NUL-separated) on one line, its environment
;; (NUL-separated) on the next, then one line per preopened directory, "NAME rw" or "NAME ro" by
;; whether it may create probe.txt there, and exits with its argument count (so a test sees the
;; status pass through). With "trap..." as its first argument it traps instead.
(module
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_get" (func $args_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_sizes_get" (func $environ_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_get" (func $environ_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_prestat_get" (func $fd_prestat_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_prestat_dir_name" (func $fd_prestat_dir_name (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open" (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  ;; 0: iovec, 8: bytes written, 16/20: sizes and prestat, 24: opened fd, 32: "\n",
  ;; 40: "probe.txt", 52: " rw", 55: " ro", 1024: pointer arrays, 4096: args, 8192: env,
  ;; 12288: a preopen's name.
  (memory (export "memory") 1)
  (data (i32.const 32) "\n")
  (data (i32.const 40) "probe.txt")
  (data (i32.const 52) " rw ro")
  (func $write (param $ptr i32) (param $len i32)
    (i32.store (i32.const 0) (local.get $ptr))
    (i32.store (i32.const 4) (local.get $len))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))
  (func (export "_start")
    (local $argc i32) (local $fd i32)
    (drop (call $args_sizes_get (i32.const 16) (i32.const 20)))
    (local.set $argc (i32.load (i32.const 16)))
    (drop (call $args_get (i32.const 1024) (i32.const 4096)))
    (if (i32.ge_u (local.get $argc) (i32.const 2))
      (then (if (i32.eq (i32.load8_u (i32.load (i32.const 1028))) (i32.const 116)) ;; 't'
        (then unreachable))))
    (call $write (i32.const 4096) (i32.load (i32.const 20)))
    (call $write (i32.const 32) (i32.const 1))
    (drop (call $environ_sizes_get (i32.const 16) (i32.const 20)))
    (drop (call $environ_get (i32.const 1024) (i32.const 8192)))
    (call $write (i32.const 8192) (i32.load (i32.const 20)))
    (call $write (i32.const 32) (i32.const 1))
    (local.set $fd (i32.const 3))
    (block $done
      (loop $next
        (br_if $done (call $fd_prestat_get (local.get $fd) (i32.const 16)))
        (drop (call $fd_prestat_dir_name (local.get $fd) (i32.const 12288) (i32.load (i32.const 20))))
        (call $write (i32.const 12288) (i32.load (i32.const 20)))
        ;; path_open(dir, no symlink following, "probe.txt", O_CREAT, rights fd_write, 0, 0, out)
        (if (call $path_open (local.get $fd) (i32.const 0) (i32.const 40) (i32.const 9)
                             (i32.const 1) (i64.const 64) (i64.const 0) (i32.const 0) (i32.const 24))
          (then (call $write (i32.const 55) (i32.const 3)))
          (else (call $write (i32.const 52) (i32.const 3))))
        (call $write (i32.const 32) (i32.const 1))
        (local.set $fd (i32.add (local.get $fd) (i32.const 1)))
        (br $next)))
    (call $proc_exit (local.get $argc))))
