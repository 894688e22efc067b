;; Well-formed but invalid: function 1 ($wrong) returns an i64 where it declares an i32.
(module
  (func $fine (result i32) (i32.const 1))
  (func $wrong (result i32) (i64.const 1)))
