;; A network server: sock_accept on fd 3, exiting with the errno it got. inspect: "use network
;; sockets". Under a policy without net, the call is refused (76) and audited.
(module
  (import "wasi_snapshot_preview1" "sock_accept" (func $accept (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "sock_send"
    (func $send (param i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (func (export "_start")
    (call $proc_exit (call $accept (i32.const 3) (i32.const 0) (i32.const 100)))))
