;; A WASI-style reactor: _initialize must run before the invoked export.
(module
  (global $ready (mut i32) (i32.const 0))
  (func (export "_initialize") (global.set $ready (i32.const 41)))
  (func (export "answer") (result i32) (i32.add (global.get $ready) (i32.const 1))))
