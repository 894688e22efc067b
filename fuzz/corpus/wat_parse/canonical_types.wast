;; Recursion groups, declared subtypes and canonical types across modules (issue 21, slice 1b):
;; a type defined twice, in two modules or two groups of one module, is one type (iso-recursive
;; equivalence); a function of a declared subtype goes where its supertype is expected.

;; Module A exports a function, a global and a table of concrete types; B declares the same
;; types at other indices (after an unrelated one) and imports them.
(module $A
  (type $ii (func (param i32) (result i32)))
  (func $inc (export "inc") (type $ii) (i32.add (local.get 0) (i32.const 1)))
  (global (export "g") (ref null $ii) (ref.func $inc))
  (table (export "t") 2 (ref null $ii))
  (elem (table 0) (i32.const 0) (ref null $ii) (ref.func $inc)))
(register "A" $A)
(module $B
  (type $other (func (param f64)))
  (type $same (func (param i32) (result i32)))
  (import "A" "inc" (func $inc (type $same)))
  (import "A" "g" (global $g (ref null $same)))
  (import "A" "t" (table $t 2 (ref null $same)))
  (func (export "via-global") (param i32) (result i32)
    (call_ref $same (local.get 0) (global.get $g)))
  ;; call_indirect with B's index of the type finds A's function: one canonical type.
  (func (export "via-table") (param i32) (result i32)
    (call_indirect $t (type $same) (local.get 0) (i32.const 0))))
(assert_return (invoke "via-global" (i32.const 1)) (i32.const 2))
(assert_return (invoke "via-table" (i32.const 41)) (i32.const 42))

;; Another signature at the same index never links.
(assert_unlinkable
  (module (type $d (func (param f64) (result i32))) (import "A" "inc" (func (type $d))))
  "incompatible import type")
(assert_unlinkable
  (module (type $d (func (param i32) (result i64))) (import "A" "t" (table 1 (ref null $d))))
  "incompatible import type")

;; Recursive groups: the same group in two modules is the same; the same types in another order,
;; or a group split in two, are other types.
(module $R
  (rec
    (type $even (func (param i32 (ref null $odd)) (result i32)))
    (type $odd (func (param i32 (ref null $even)) (result i32))))
  (func $e (export "even") (type $even) (local.get 0))
  (func $o (export "odd") (type $odd) (local.get 0)))
(register "R" $R)
(module
  (type $pad (func))
  (rec
    (type $e (func (param i32 (ref null $o)) (result i32)))
    (type $o (func (param i32 (ref null $e)) (result i32))))
  (import "R" "even" (func (type $e)))
  (import "R" "odd" (func (type $o))))
(assert_unlinkable
  (module
    (rec
      (type $o (func (param i32 (ref null $e)) (result i32)))
      (type $e (func (param i32 (ref null $o)) (result i32))))
    (import "R" "even" (func (type $e))))
  "incompatible import type")

;; Declared subtyping: a function of type $sub is a $super (as an import, through call_indirect),
;; not the other way round; an unrelated equal-looking type without the declaration is not.
(module $S
  (type $super (sub (func (param i32) (result i32))))
  (type $sub (sub $super (func (param i32) (result i32))))
  (type $plain (func (param i32) (result i32)))
  (func $f (export "sub") (type $sub) (i32.mul (local.get 0) (i32.const 3)))
  (func $g (export "super") (type $super) (local.get 0))
  (table $t 2 funcref)
  (elem (table $t) (i32.const 0) func $f $g)
  (func (export "as-super") (param i32) (result i32)
    (call_indirect $t (type $super) (i32.const 5) (local.get 0)))
  (func (export "as-sub") (param i32) (result i32)
    (call_indirect $t (type $sub) (i32.const 5) (local.get 0)))
  (func (export "as-plain") (param i32) (result i32)
    (call_indirect $t (type $plain) (i32.const 5) (local.get 0))))
(register "S" $S)
(assert_return (invoke "as-super" (i32.const 0)) (i32.const 15))
(assert_return (invoke "as-super" (i32.const 1)) (i32.const 5))
(assert_return (invoke "as-sub" (i32.const 0)) (i32.const 15))
(assert_trap (invoke "as-sub" (i32.const 1)) "indirect call type mismatch")
(assert_trap (invoke "as-plain" (i32.const 0)) "indirect call type mismatch")
(module
  (type $super (sub (func (param i32) (result i32))))
  (import "S" "sub" (func (type $super))))
(assert_unlinkable
  (module
    (type $super (sub (func (param i32) (result i32))))
    (type $sub (sub $super (func (param i32) (result i32))))
    (import "S" "super" (func (type $sub))))
  "incompatible import type")

;; Struct and array types in the type section (their instructions come with the GC heap).
(module
  (type $point (struct (field $x i32) (field $y (mut i64)) (field i8 (mut i16))))
  (type $bytes (array (mut i8)))
  (type $node (sub (struct (field $next (ref null $node)))))
  (type $leaf (sub final $node (struct (field (ref null $node)) (field f64))))
  (func (export "id") (param (ref null $leaf)) (result (ref null $node)) (local.get 0)))

;; Declared subtypes must match their supertype.
(assert_invalid ;; the supertype is final
  (module (type $a (func)) (type $b (sub $a (func))))
  "sub type")
(assert_invalid ;; kinds differ
  (module (type $a (sub (struct))) (type $b (sub $a (array i32))))
  "sub type")
(assert_invalid ;; a mutable field is invariant
  (module
    (type $a (sub (struct (field (mut anyref)))))
    (type $b (sub $a (struct (field (mut eqref))))))
  "sub type")
(module ;; an immutable field narrows, and a subtype may add fields
  (type $a (sub (struct (field anyref))))
  (type $b (sub $a (struct (field eqref) (field i32)))))
(assert_invalid ;; a struct may not drop its supertype's fields
  (module (type $a (sub (struct (field i32)))) (type $b (sub $a (struct))))
  "sub type")
(assert_invalid ;; parameters are contravariant
  (module
    (type $a (sub (func (param eqref))))
    (type $b (sub $a (func (param i31ref)))))
  "sub type")
(assert_invalid ;; packed and unpacked fields differ
  (module (type $a (sub (array i8))) (type $b (sub $a (array i32))))
  "sub type")
(assert_invalid ;; a supertype comes first
  (module (rec (type $a (sub $b (func))) (type $b (sub (func)))))
  "unknown type")
(assert_invalid ;; a type names nothing past its group
  (module (type $a (func (param (ref $b)))) (type $b (func)))
  "unknown type")
(assert_invalid ;; a struct type is no function type
  (module (type $s (struct)) (func (type $s)))
  "type mismatch")
(assert_invalid
  (module (type $s (struct)) (table 1 funcref)
    (func (call_indirect (type $s) (i32.const 0))))
  "type mismatch")
;; A constant expression's ref.null of a type index past 63 (two bytes of s33): the evaluator
;; once read one byte and took the second for an instruction.
(module
  (type $t0 (func (param f64) (result i32)))
  (type $t1 (func (param f32) (result i32)))
  (type $t2 (func (param f64) (result i32)))
  (type $t3 (func (param f32) (result i32)))
  (type $t4 (func (param f64) (result i32)))
  (type $t5 (func (param f32) (result i32)))
  (type $t6 (func (param f64) (result i32)))
  (type $t7 (func (param f32) (result i32)))
  (type $t8 (func (param f64) (result i32)))
  (type $t9 (func (param f32) (result i32)))
  (type $t10 (func (param f64) (result i32)))
  (type $t11 (func (param f32) (result i32)))
  (type $t12 (func (param f64) (result i32)))
  (type $t13 (func (param f32) (result i32)))
  (type $t14 (func (param f64) (result i32)))
  (type $t15 (func (param f32) (result i32)))
  (type $t16 (func (param f64) (result i32)))
  (type $t17 (func (param f32) (result i32)))
  (type $t18 (func (param f64) (result i32)))
  (type $t19 (func (param f32) (result i32)))
  (type $t20 (func (param f64) (result i32)))
  (type $t21 (func (param f32) (result i32)))
  (type $t22 (func (param f64) (result i32)))
  (type $t23 (func (param f32) (result i32)))
  (type $t24 (func (param f64) (result i32)))
  (type $t25 (func (param f32) (result i32)))
  (type $t26 (func (param f64) (result i32)))
  (type $t27 (func (param f32) (result i32)))
  (type $t28 (func (param f64) (result i32)))
  (type $t29 (func (param f32) (result i32)))
  (type $t30 (func (param f64) (result i32)))
  (type $t31 (func (param f32) (result i32)))
  (type $t32 (func (param f64) (result i32)))
  (type $t33 (func (param f32) (result i32)))
  (type $t34 (func (param f64) (result i32)))
  (type $t35 (func (param f32) (result i32)))
  (type $t36 (func (param f64) (result i32)))
  (type $t37 (func (param f32) (result i32)))
  (type $t38 (func (param f64) (result i32)))
  (type $t39 (func (param f32) (result i32)))
  (type $t40 (func (param f64) (result i32)))
  (type $t41 (func (param f32) (result i32)))
  (type $t42 (func (param f64) (result i32)))
  (type $t43 (func (param f32) (result i32)))
  (type $t44 (func (param f64) (result i32)))
  (type $t45 (func (param f32) (result i32)))
  (type $t46 (func (param f64) (result i32)))
  (type $t47 (func (param f32) (result i32)))
  (type $t48 (func (param f64) (result i32)))
  (type $t49 (func (param f32) (result i32)))
  (type $t50 (func (param f64) (result i32)))
  (type $t51 (func (param f32) (result i32)))
  (type $t52 (func (param f64) (result i32)))
  (type $t53 (func (param f32) (result i32)))
  (type $t54 (func (param f64) (result i32)))
  (type $t55 (func (param f32) (result i32)))
  (type $t56 (func (param f64) (result i32)))
  (type $t57 (func (param f32) (result i32)))
  (type $t58 (func (param f64) (result i32)))
  (type $t59 (func (param f32) (result i32)))
  (type $t60 (func (param f64) (result i32)))
  (type $t61 (func (param f32) (result i32)))
  (type $t62 (func (param f64) (result i32)))
  (type $t63 (func (param f32) (result i32)))
  (type $t64 (func (param f64) (result i32)))
  (global $g (ref null $t64) (ref.null $t64))
  (table $tab 1 (ref null $t64) (ref.null $t64))
  (func (export "null") (result i32)
    (i32.and (ref.is_null (global.get $g)) (ref.is_null (table.get $tab (i32.const 0))))))
(assert_return (invoke "null") (i32.const 1))
