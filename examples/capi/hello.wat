;; hello: the wasm side calls back into the host.
(module
  (func $hello (import "" "hello"))
  (func (export "run") (call $hello)))
