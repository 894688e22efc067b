;; The example plugin: a WASI reactor that reads a file from its one preopened directory (fd 3),
;; upper-cases it in its own memory, logs through the host's "env" "log", and returns where the
;; result is (pointer, length) for the host to read.
;; Host: embed.cpp (the C++ API); examples/embed-c has the same plugin for C.
(module
  (import "wasi_snapshot_preview1" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_close" (func $fd_close (param i32) (result i32)))
  (import "env" "log" (func $log (param i32 i32)))

  ;; 0..64: scratch (opened fd, iovec, byte count); 64..320: the file name the host writes;
  ;; 512..: messages; 1024..5120: the file's contents.
  (memory (export "memory") 1)
  (data (i32.const 512) "cannot open the file")
  (data (i32.const 544) "cannot read the file")
  (data (i32.const 576) "upper-cased the file")

  ;; Where the host writes the file name (at most 256 bytes).
  (func (export "name_buffer") (result i32) (i32.const 64))

  ;; process(name_len) -> (ptr, len): the upper-cased file, or (0, 0) after logging why not.
  (func (export "process") (param $name_len i32) (result i32 i32)
    (local $fd i32) (local $n i32) (local $i i32) (local $c i32)
    (if (i32.gt_u (local.get $name_len) (i32.const 256))
      (then (local.set $name_len (i32.const 256))))
    ;; path_open(dirfd 3, no dirflags, name, no oflags, rights fd_read (2), none inherited,
    ;; no fdflags, the new fd at 0)
    (if (call $path_open (i32.const 3) (i32.const 0) (i32.const 64) (local.get $name_len)
          (i32.const 0) (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 0))
      (then (call $log (i32.const 512) (i32.const 20)) (return (i32.const 0) (i32.const 0))))
    (local.set $fd (i32.load (i32.const 0)))
    ;; one iovec {1024, 4096} at 8; the byte count at 16
    (i32.store (i32.const 8) (i32.const 1024))
    (i32.store (i32.const 12) (i32.const 4096))
    (if (call $fd_read (local.get $fd) (i32.const 8) (i32.const 1) (i32.const 16))
      (then (drop (call $fd_close (local.get $fd)))
            (call $log (i32.const 544) (i32.const 20)) (return (i32.const 0) (i32.const 0))))
    (drop (call $fd_close (local.get $fd)))
    (local.set $n (i32.load (i32.const 16)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $c (i32.load8_u offset=1024 (local.get $i)))
        (if (i32.and (i32.ge_u (local.get $c) (i32.const 97)) (i32.le_u (local.get $c) (i32.const 122)))
          (then (i32.store8 offset=1024 (local.get $i) (i32.sub (local.get $c) (i32.const 32)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (call $log (i32.const 576) (i32.const 20))
    (i32.const 1024) (local.get $n)))
