;; A branch hint section whose one hint (function 0, entry offset 1) is at `local.get`, not at an
;; `if` or `br_if`: the module loads, `inspect` says the section was ignored and why.
(module
  (func (param i32) (result i32)
    (if (result i32) (local.get 0) (then (i32.const 1)) (else (i32.const 2))))
  (@custom "metadata.code.branch_hint" (before code) "\01\00\01\01\01\01"))
