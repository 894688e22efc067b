(module
  (func (export "f") (param i32) (result i32)
    (block
      local.get 0
      (@metadata.code.branch_hint "\00") br_if 0
      (@metadata.code.branch_hint "\01")
      (br_if 0 (i32.eqz (local.get 0))))
    (@metadata.code.branch_hint "\01")
    (if (result i32) (local.get 0) (then (i32.const 1)) (else (i32.const 2)))))
(assert_return (invoke "f" (i32.const 0)) (i32.const 2))
(assert_malformed_custom
  (module quote "(func (@metadata.code.branch_hint \"\\01\") (@metadata.code.branch_hint \"\\00\") (if (i32.const 1) (then)))")
  "duplicate annotation")
(assert_invalid_custom
  (module (func (@metadata.code.branch_hint "\01") nop))
  "invalid target")
