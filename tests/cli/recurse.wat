;; A guest that recurses without end: must trap "call stack exhausted", never crash the host.
(module (func $f (export "_start") (call $f)))
