;; finalize: a small module with a few exports, instantiated many times. (No memory: each
;; memory reserves its whole address range up front, which valgrind's address space is too
;; small for a thousand times over.)
(module
  (func (export "f"))
  (func (export "g") (param i32) (result i32) (local.get 0))
  (global (export "h") i32 (i32.const 1)))
