;; Imports a WASI function with the wrong type: fd_write takes four i32s and returns one.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func (param i32)))
  (func (export "_start")))
