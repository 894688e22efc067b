;; GC instructions that need no heap (issue 21, slice 2a): i31, ref.eq, and the reference tests
;; ref.test, ref.cast, br_on_cast, br_on_cast_fail over i31, null and function references.

;; i31: 31 bits carried in the reference; get_s sign-extends bit 30, get_u zero-extends.
(module
  (func (export "new") (param i32) (result i31ref) (ref.i31 (local.get 0)))
  (func (export "s") (param i32) (result i32) (i31.get_s (ref.i31 (local.get 0))))
  (func (export "u") (param i32) (result i32) (i31.get_u (ref.i31 (local.get 0))))
  (func (export "null-get") (result i32) (i31.get_u (ref.null i31)))
  (global $g (mut anyref) (ref.null any))
  (table $t 2 anyref)
  (func (export "through-global") (param i32) (result i32)
    (global.set $g (ref.i31 (local.get 0)))
    (i31.get_s (ref.cast i31ref (global.get $g))))
  (func (export "through-table") (param i32) (result i32)
    (table.set $t (i32.const 1) (ref.i31 (local.get 0)))
    (i31.get_u (ref.cast (ref i31) (table.get $t (i32.const 1))))))
(assert_return (invoke "new" (i32.const 5)) (ref.i31))
(assert_return (invoke "s" (i32.const 0x4000_0000)) (i32.const 0xC000_0000)) ;; bit 30 set: negative
(assert_return (invoke "u" (i32.const 0x4000_0000)) (i32.const 0x4000_0000))
(assert_return (invoke "s" (i32.const 0x8000_0001)) (i32.const 1)) ;; bit 31 is dropped
(assert_return (invoke "u" (i32.const -1)) (i32.const 0x7FFF_FFFF))
(assert_return (invoke "s" (i32.const -1)) (i32.const -1))
(assert_trap (invoke "null-get") "null i31 reference")
(assert_return (invoke "through-global" (i32.const -7)) (i32.const -7))
(assert_return (invoke "through-table" (i32.const 1234)) (i32.const 1234))

;; ref.eq compares i31 values by value and nulls as equal.
(module
  (func (export "eq") (param i32 i32) (result i32)
    (ref.eq (ref.i31 (local.get 0)) (ref.i31 (local.get 1))))
  (func (export "eq-null") (result i32) (ref.eq (ref.null eq) (ref.null i31)))
  (func (export "eq-mixed") (result i32) (ref.eq (ref.null eq) (ref.i31 (i32.const 0)))))
(assert_return (invoke "eq" (i32.const 3) (i32.const 3)) (i32.const 1))
(assert_return (invoke "eq" (i32.const 3) (i32.const 4)) (i32.const 0))
(assert_return (invoke "eq" (i32.const 0x8000_0000) (i32.const 0)) (i32.const 1)) ;; 31 bits
(assert_return (invoke "eq-null") (i32.const 1))
(assert_return (invoke "eq-mixed") (i32.const 0))

;; Tests and casts over null, i31 and function references of declared subtypes.
(module
  (type $super (sub (func (result i32))))
  (type $sub (sub $super (func (result i32))))
  (type $other (func (result i32)))
  (func $f (type $sub) (i32.const 1))
  (func $g (type $other) (i32.const 2))
  (elem declare func $f $g)
  (func (export "test-i31") (param i32) (result i32 i32 i32 i32)
    (local $r anyref)
    (if (local.get 0) (then (local.set $r (ref.i31 (i32.const 9)))))
    (ref.test i31ref (local.get $r))
    (ref.test (ref i31) (local.get $r))
    (ref.test (ref eq) (local.get $r))
    (ref.test structref (local.get $r)))
  (func (export "test-func") (result i32 i32 i32 i32)
    (ref.test (ref $super) (ref.func $f))
    (ref.test (ref $sub) (ref.func $f))
    (ref.test (ref $super) (ref.func $g))
    (ref.test (ref null $other) (ref.null nofunc)))
  (func (export "cast-ok") (result i32)
    (call_ref $super (ref.cast (ref $super) (ref.func $f))))
  (func (export "cast-fail") (result i32)
    (call_ref $super (ref.cast (ref $super) (ref.func $g))))
  (func (export "cast-null") (result i32)
    (drop (ref.cast (ref null $super) (ref.null func)))
    (drop (ref.cast (ref $super) (ref.null func)))
    (i32.const 0))
  ;; br_on_cast takes the branch when the cast succeeds, br_on_cast_fail when it fails; the
  ;; reference goes along either way. A null casts to a nullable type only.
  (func (export "on-cast") (param i32) (result i32)
    (block $is (result i31ref)
      (br_on_cast $is anyref (ref i31)
        (if (result anyref) (local.get 0)
          (then (ref.i31 (i32.const 40))) (else (ref.null any))))
      (drop)
      (return (i32.const -1)))
    (i31.get_u)
    (i32.const 2)
    (i32.add))
  (func (export "on-cast-fail") (param i32) (result i32)
    (block $not (result anyref)
      (br_on_cast_fail $not anyref (ref i31)
        (if (result anyref) (local.get 0)
          (then (ref.i31 (i32.const 7))) (else (ref.null any))))
      (return (i31.get_s)))
    (drop)
    (i32.const -1)))
(assert_return (invoke "test-i31" (i32.const 1)) (i32.const 1) (i32.const 1) (i32.const 1) (i32.const 0))
(assert_return (invoke "test-i31" (i32.const 0)) (i32.const 1) (i32.const 0) (i32.const 0) (i32.const 1))
(assert_return (invoke "test-func") (i32.const 1) (i32.const 1) (i32.const 0) (i32.const 1))
(assert_return (invoke "cast-ok") (i32.const 1))
(assert_trap (invoke "cast-fail") "cast failure")
(assert_trap (invoke "cast-null") "cast failure")
(assert_return (invoke "on-cast" (i32.const 1)) (i32.const 42))
(assert_return (invoke "on-cast" (i32.const 0)) (i32.const -1))
(assert_return (invoke "on-cast-fail" (i32.const 1)) (i32.const 7))
(assert_return (invoke "on-cast-fail" (i32.const 0)) (i32.const -1))
(module
  (func (export "null-to-nullable") (result i32)
    (block $is (result i31ref)
      (br_on_cast $is anyref i31ref (ref.null any))
      (drop)
      (return (i32.const -1)))
    (ref.is_null)))
(assert_return (invoke "null-to-nullable") (i32.const 1))

;; Validation: a cast's target must share the operand's hierarchy; br_on_cast's target is a
;; subtype of its source, and its label takes the cast type.
(assert_invalid (module (func (result i32) (ref.test i31ref (ref.null func)))) "type mismatch")
(assert_invalid (module (func (result i32) (ref.test funcref (ref.i31 (i32.const 0))))) "type mismatch")
(assert_invalid
  (module (func (param anyref) (result funcref)
    (block $l (result funcref) (br_on_cast $l anyref i31ref (local.get 0)) (unreachable))))
  "type mismatch")
(assert_invalid
  (module (func (param i31ref) (result anyref)
    (block $l (result anyref) (br_on_cast $l i31ref anyref (local.get 0)) (unreachable))))
  "type mismatch")
(assert_invalid (module (func (result i32) (i31.get_s (ref.null any)))) "type mismatch")
;; br_on_cast to a label that does not exist (found by fuzzing: the interpreter's lowering sees an
;; instruction before the validator does, and read past its control stack).
(assert_invalid
  (module (func (param anyref)
    (block (result anyref) (br_on_cast 5 anyref i31ref (local.get 0)) (drop) (unreachable))))
  "unknown label")
