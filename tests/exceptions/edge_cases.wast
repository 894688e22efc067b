;; Exception handling corners on the interpreter (tests/exceptions): handlers that branch to the
;; function's own label and to a loop, payloads of every value width (v128 takes two slots),
;; exnref kept in locals, globals and tables, throw_ref of null, traps that catch_all must not
;; catch, exceptions crossing call_indirect, tail calls and instances, and delegate out of a
;; function.
(module $a
  (tag $e (export "e") (param i32))
  (func (export "throw") (param i32) (throw $e (local.get 0)))
)
(register "a")

(module
  (tag $e (import "a" "e") (param i32))
  (func $throw_a (import "a" "throw") (param i32))
  (tag $own (param i32))
  (tag $wide (param i64 v128 f64 i32))
  (global $saved (mut exnref) (ref.null exn))
  (table $keep 1 exnref)
  (type $v_i (func (param i32)))
  (table $fns funcref (elem $throw_a $throw_own))
  (func $throw_own (param i32) (throw $own (local.get 0)))

  ;; A catch whose label is the function's: its payload is the result.
  (func (export "to_function_label") (param i32) (result i32)
    (try_table (catch $e 0) (call $throw_a (local.get 0)))
    (i32.const -1))

  ;; A catch branching back to a loop: retries until the thrower stops throwing.
  (func (export "retry") (param $n i32) (result i32)
    (local $tries i32)
    (i32.const 0)
    (loop $again (param i32)
      (drop)
      (local.set $tries (i32.add (local.get $tries) (i32.const 1)))
      (try_table (catch $own $again)
        (if (i32.lt_u (local.get $tries) (local.get $n))
          (then (call_indirect $fns (type $v_i) (local.get $tries) (i32.const 1))))))
    (local.get $tries))

  ;; Payload values of every width come through unchanged.
  (func (export "wide") (result i64 f64 i32 i32)
    (local $a i64) (local $v v128) (local $b f64) (local $c i32)
    (block $h (result i64 v128 f64 i32)
      (try_table (catch $wide $h)
        (throw $wide (i64.const -2) (v128.const i32x4 1 2 3 4) (f64.const 2.5) (i32.const 7)))
      (unreachable))
    (local.set $c) (local.set $b) (local.set $v) (local.set $a)
    (local.get $a) (local.get $b) (local.get $c) (i32x4.extract_lane 3 (local.get $v)))

  ;; An exnref saved in a global and a table, thrown again later (as often as wanted).
  (func (export "save") (param i32)
    (block $h (result i32 exnref)
      (try_table (catch_ref $e $h) (call $throw_a (local.get 0)))
      (unreachable))
    (global.set $saved)
    (drop)
    (table.set $keep (i32.const 0) (global.get $saved)))
  (func (export "rethrow_saved") (result i32)
    (block $h (result i32)
      (try_table (catch $e $h) (throw_ref (table.get $keep (i32.const 0))))
      (unreachable)))
  (func (export "null_ref") (throw_ref (ref.null exn)))

  ;; catch_all does not catch traps.
  (func (export "trap_not_caught") (result i32)
    (block $h
      (try_table (catch_all $h) (unreachable))
      (return (i32.const 1)))
    (i32.const 2))

  ;; An exception from another instance, caught by its imported tag; another tag passes by.
  (func (export "cross_instance") (param i32) (result i32)
    (block $h (result i32)
      (try_table (catch $own $h) (call $throw_a (local.get 0)))
      (i32.const 0))
    (drop)
    (i32.const -1))

  ;; A tail call leaves the try_table: the exception goes to the caller's caller.
  (func $tail (param i32) (result i32)
    (block $h
      (try_table (catch_all $h) (return_call $throw_and_return (local.get 0))))
    (i32.const -5))
  (func $throw_and_return (param i32) (result i32) (call $throw_a (local.get 0)) (i32.const 0))
  (func (export "tail_leaves_try") (param i32) (result i32)
    (block $h (result i32)
      (try_table (result i32) (catch $e $h) (call $tail (local.get 0))))
    (i32.add (i32.const 100)))

  ;; delegate to the function label: the caller's handlers decide.
  (func $delegating (param i32)
    (try (do (call $throw_a (local.get 0))) (delegate 0)))
  (func (export "delegate_out") (param i32) (result i32)
    (try (result i32) (do (call $delegating (local.get 0)) (i32.const 0))
      (catch $e (i32.const 1000) (i32.add))))
)

(assert_return (invoke "to_function_label" (i32.const 42)) (i32.const 42))
(assert_return (invoke "retry" (i32.const 5)) (i32.const 5))
(assert_return (invoke "wide") (i64.const -2) (f64.const 2.5) (i32.const 7) (i32.const 4))
(assert_return (invoke "save" (i32.const 9)))
(assert_return (invoke "rethrow_saved") (i32.const 9))
(assert_return (invoke "rethrow_saved") (i32.const 9))
(assert_trap (invoke "null_ref") "null exception reference")
(assert_trap (invoke "trap_not_caught") "unreachable")
(assert_exception (invoke "cross_instance" (i32.const 3)))
(assert_return (invoke "tail_leaves_try" (i32.const 7)) (i32.const 107))
(assert_return (invoke "delegate_out" (i32.const 5)) (i32.const 1005))

;; A v128 payload (two slots) next to scalars, caught directly and after an exnref round trip,
;; the same on every tier (compiled code copies payloads through 8-byte slots).
(module
  (tag $v (param v128 i32 f64))
  (func $t (param i32) (throw $v (v128.const i32x4 1 2 3 4) (local.get 0) (f64.const 2.5)))
  (func (export "run") (param i32) (result i32)
    (local $x v128) (local $f f64)
    (block $h (result v128 i32 f64)
      (try_table (catch $v $h) (call $t (local.get 0)))
      (return (i32.const -1)))
    (local.set $f)
    (i32.add (i32.trunc_f64_s (local.get $f)))
    (local.set 0)
    (local.set $x)
    (i32.add (local.get 0) (i32x4.extract_lane 3 (local.get $x))))
  (func (export "ref") (result i32) (local $e exnref)
    (block $h (result exnref)
      (try_table (catch_all_ref $h) (call $t (i32.const 1)))
      (return (i32.const -1)))
    (local.set $e)
    (block $h2 (result v128 i32 f64)
      (try_table (catch $v $h2) (throw_ref (local.get $e)))
      (return (i32.const -2)))
    (drop) (drop) (i32x4.extract_lane 2))
)
(assert_return (invoke "run" (i32.const 10)) (i32.const 16))
(assert_return (invoke "ref") (i32.const 3))

;; A call inside a legacy catch block, then `rethrow`: the caught exception lives in a slot of
;; the frame that the callee's frame must not overlap (it did: the interpreter kept it above the
;; operand stack, the call's frame overwrote it, and the rethrow read the callee's result as an
;; exception, a crash; found by a C++ program built with -fwasm-exceptions).
(module
  (tag $t (param i32))
  (func $g (param i32) (result i32) (i32.mul (local.get 0) (i32.const 3)))
  (func $deep (param i32) (result i32) (local i32 i32 i32 i32)
    (local.set 1 (local.get 0)) (local.set 2 (local.get 0)) (local.set 3 (local.get 0))
    (i32.add (local.get 1) (i32.add (local.get 2) (local.get 3))))
  (func $thrower (param i32) (throw $t (local.get 0)))
  (func (export "catch_all_call_rethrow") (result i32)
    (try (result i32)
      (do
        (try
          (do (call $thrower (i32.const 7)))
          (catch_all (drop (call $g (i32.const 1))) (drop (call $deep (i32.const 2))) (rethrow 0)))
        (i32.const 0))
      (catch $t)))
  (func (export "catch_call_rethrow") (param i32) (result i32) (local i32)
    (try (result i32)
      (do
        (try
          (do (throw $t (local.get 0)))
          (catch $t
            (local.set 1 (call $g))
            (try
              (do (call $thrower (local.get 1)))
              (catch $t (drop) (drop (call $deep (i32.const 5))) (rethrow 1)))))
        (i32.const 0))
      (catch $t)))
)
(assert_return (invoke "catch_all_call_rethrow") (i32.const 7))
(assert_return (invoke "catch_call_rethrow" (i32.const 4)) (i32.const 4))

;; try, try_table and a try ended by delegate inside an if's then-arm: the decoder's check that
;; an `else` closes an `if` counts them as blocks (it reported "END opcode expected" before); and
;; a legacy try after a try_table: the body reader reuses one instruction record, whose clauses
;; the try_table left for the try (the validator checked them against the try's labels: "type
;; mismatch").
(module
  (tag $t)
  (func (export "f") (param i32) (result i32)
    (if (result i32) (local.get 0)
      (then
        (try (do nop) (catch_all))
        (block $b (try_table (catch_all $b) nop))
        (try $outer (do (try (do nop) (delegate $outer))) (catch_all))
        (i32.const 1))
      (else (i32.const 2)))))
(assert_return (invoke "f" (i32.const 1)) (i32.const 1))
(assert_return (invoke "f" (i32.const 0)) (i32.const 2))
