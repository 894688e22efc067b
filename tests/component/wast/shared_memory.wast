;; Shared memories (the threads proposal's limits flag bit 1, `shared` in the text format): typed
;; and checked, never created. Components match shared memory imports (the component model's
;; validation/instantiation.wast), so the flag is decoded everywhere; instantiating one is
;; refused, since wasmcap has no threads.

;; Valid: a shared memory has a maximum; the text and binary forms agree.
(module definition (memory 1 2 shared))
(module definition binary "\00asm" "\01\00\00\00" "\05\04\01\03\01\02")
(module definition (import "m" "mem" (memory 1 2 shared)))
(assert_invalid (module (memory 1 shared)) "shared memory must have maximum")
(assert_invalid (module binary "\00asm" "\01\00\00\00" "\05\03\01\02\01")
  "shared memory must have maximum")
;; Tables have no shared flag.
(assert_malformed (module binary "\00asm" "\01\00\00\00" "\04\05\01\70\03\01\02")
  "integer too large")

;; Instantiation is refused, defined or imported (no shared memory exists to import).
(assert_unlinkable (module (memory 1 2 shared))
  "shared memories (threads) are not supported")
(module $plain (memory (export "mem") 1 2))
(register "m" $plain)
(assert_unlinkable (module (import "m" "mem" (memory 1 2 shared)))
  "incompatible import type")

;; In a component: a shared memory import satisfied by a plain memory is a type error.
(assert_invalid
  (component
    (core module $m1 (import "" "m" (memory 1 2 shared)))
    (core module $m2 (memory (export "m") 1 2))
    (core instance $i (instantiate $m2))
    (core instance (instantiate $m1 (with "" (instance $i)))))
  "mismatch in the shared flag for memories")
