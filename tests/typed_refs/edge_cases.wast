;; Typed function references (issue 21, slice 1a): the edges the spec files touch lightly.

;; call_ref through locals, globals and tables of typed references; a null traps.
(module
  (type $ii (func (param i32) (result i32)))
  (type $v (func))
  (func $inc (type $ii) (i32.add (local.get 0) (i32.const 1)))
  (func $dbl (type $ii) (i32.mul (local.get 0) (i32.const 2)))
  (table $t 4 (ref null $ii))
  (global $g (mut (ref null $ii)) (ref.func $inc))
  (elem declare func $inc $dbl)
  (func (export "via-global") (param i32) (result i32)
    (call_ref $ii (local.get 0) (global.get $g)))
  (func (export "swap") (global.set $g (ref.func $dbl)))
  (func (export "via-table") (param i32 i32) (result i32)
    (table.set $t (i32.const 1) (ref.func $dbl))
    (call_ref $ii (local.get 0) (table.get $t (local.get 1))))
  (func (export "null-call") (result i32)
    (call_ref $ii (i32.const 1) (ref.null $ii)))
  ;; ref.func has the function's exact type: it flows into (ref $ii) and funcref alike.
  (func (export "exact") (result i32)
    (local $f (ref $ii))
    (local.set $f (ref.func $inc))
    (call_ref $ii (i32.const 41) (local.get $f)))
  ;; A tail call through a reference (a million deep: tests/tail_call/tail_calls.wast).
  (func $count (type $ii)
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.const 7))
      (else (return_call_ref $ii (i32.sub (local.get 0) (i32.const 1)) (ref.func $count)))))
  (elem declare func $count)
  (func (export "deep") (result i32) (call $count (i32.const 1000)))
)
(assert_return (invoke "via-global" (i32.const 4)) (i32.const 5))
(invoke "swap")
(assert_return (invoke "via-global" (i32.const 4)) (i32.const 8))
(assert_return (invoke "via-table" (i32.const 5) (i32.const 1)) (i32.const 10))
(assert_trap (invoke "via-table" (i32.const 5) (i32.const 0)) "null function reference")
(assert_trap (invoke "null-call") "null function reference")
(assert_return (invoke "exact") (i32.const 42))
(assert_return (invoke "deep") (i32.const 7))

;; br_on_null / br_on_non_null with values below the reference, and ref.as_non_null.
(module
  (type $v (func (result i32)))
  (func $seven (type $v) (i32.const 7))
  (elem declare func $seven)
  (func $pick (param i32) (result (ref null $v))
    (if (result (ref null $v)) (local.get 0)
      (then (ref.func $seven)) (else (ref.null $v))))
  (func (export "on-null") (param i32) (result i32 i32)
    (block $l (result i32)
      (i32.const 100)
      (br_on_null $l (call $pick (local.get 0)))
      (call_ref $v)
      (i32.add)
      (return (i32.const 1)))
    (i32.const 0))
  (func (export "on-non-null") (param i32) (result i32)
    (block $l (result (ref $v))
      (br_on_non_null $l (call $pick (local.get 0)))
      (return (i32.const -1)))
    (call_ref $v))
  (func (export "as-non-null") (param i32) (result i32)
    (call_ref $v (ref.as_non_null (call $pick (local.get 0)))))
)
(assert_return (invoke "on-null" (i32.const 1)) (i32.const 107) (i32.const 1))
(assert_return (invoke "on-null" (i32.const 0)) (i32.const 100) (i32.const 0))
(assert_return (invoke "on-non-null" (i32.const 1)) (i32.const 7))
(assert_return (invoke "on-non-null" (i32.const 0)) (i32.const -1))
(assert_return (invoke "as-non-null" (i32.const 1)) (i32.const 7))
(assert_trap (invoke "as-non-null" (i32.const 0)) "null reference")

;; Validation: non-defaultable locals, subtyping, unknown types.
(assert_invalid
  (module (type $v (func)) (func (local (ref $v)) (drop (local.get 0))))
  "uninitialized local")
(assert_invalid ;; a set inside a block does not outlive it
  (module (type $v (func)) (elem declare func $f) (func $f)
    (func (local (ref $v)) (block (local.set 0 (ref.func $f))) (drop (local.get 0))))
  "uninitialized local")
(module ;; ... but a set before the block does
  (type $v (func)) (elem declare func $f) (func $f)
  (func (local (ref $v)) (local.set 0 (ref.func $f)) (block (drop (local.get 0)))))
(assert_invalid ;; nullable does not go where non-null is expected
  (module (type $v (func)) (func (param (ref null $v)) (result (ref $v)) (local.get 0)))
  "type mismatch")
(assert_invalid ;; extern is not func
  (module (type $v (func)) (func (param externref) (call_ref $v (local.get 0))))
  "type mismatch")
(assert_invalid
  (module (func (param (ref null 9))))
  "unknown type")
(assert_invalid ;; br_on_non_null needs a reference as its label's last value
  (module (func (param funcref) (block $l (br_on_non_null $l (local.get 0)))))
  "type mismatch")
(module ;; a concrete function type is a subtype of func and of an equal type
  (type $a (func (param i32)))
  (type $b (func (param i32)))
  (func (param (ref $a)) (result funcref) (local.get 0))
  (func (param (ref null $a)) (result (ref null $b)) (local.get 0)))

;; Imports compare concrete types by what they denote (canonical types, canonical_types.wast):
;; a type of the same index but another signature never gets through, and an abstract import
;; links by subtyping.
(module $A
  (type $i (func (param i32) (result i32)))
  (func $f (type $i) (local.get 0))
  (global (export "g") (ref null $i) (ref.func $f))
  (table (export "t") 1 (ref null $i)))
(register "A" $A)
(assert_unlinkable
  (module (type $d (func (param f64) (result i32))) (import "A" "g" (global (ref null $d))))
  "incompatible import type")
(assert_unlinkable
  (module (type $d (func (param f64) (result i32))) (import "A" "t" (table 1 (ref null $d))))
  "incompatible import type")
(module
  (import "A" "g" (global $g funcref))
  (func (export "is-null") (result i32) (ref.is_null (global.get $g))))
(assert_return (invoke "is-null") (i32.const 0))

;; A table of a non-nullable type needs an initial element; every slot starts with it.
(module
  (type $ii (func (param i32) (result i32)))
  (func $neg (type $ii) (i32.sub (i32.const 0) (local.get 0)))
  (table $t 3 (ref $ii) (ref.func $neg))
  (func (export "slot") (param i32 i32) (result i32)
    (call_ref $ii (local.get 0) (table.get $t (local.get 1)))))
(assert_return (invoke "slot" (i32.const 5) (i32.const 2)) (i32.const -5))
(assert_invalid
  (module (type $ii (func (param i32) (result i32))) (table 1 (ref $ii)))
  "type mismatch")
