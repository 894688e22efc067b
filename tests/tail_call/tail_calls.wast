;; Tail calls on every tier: a million-deep self, mutual and indirect tail recursion (the
;; default wasm stack holds about 100k frames, so each must reuse its frame), results of every
;; shape, arguments that need more slots than the caller's frame has, traps in the callee, and
;; tail calls to a host function and to another instance (normal calls, then return).

(module
  (type $ii (func (param i64 i64) (result i64)))
  (table $t 2 funcref)
  (elem (table $t) (i32.const 0) func $sum_ind $even_ind)

  ;; sum(n, acc) = acc + n + (n-1) + ... + 1, by self tail calls.
  (func $sum (export "sum") (param $n i64) (param $acc i64) (result i64)
    (if (result i64) (i64.eqz (local.get $n))
      (then (local.get $acc))
      (else (return_call $sum (i64.sub (local.get $n) (i64.const 1))
                              (i64.add (local.get $acc) (local.get $n))))))

  (func $even (export "even") (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 1))
      (else (return_call $odd (i32.sub (local.get $n) (i32.const 1))))))
  (func $odd (export "odd") (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 0))
      (else (return_call $even (i32.sub (local.get $n) (i32.const 1))))))

  ;; The same through the table.
  (func $sum_ind (export "sum_ind") (type $ii)
    (if (result i64) (i64.eqz (local.get 0))
      (then (local.get 1))
      (else (return_call_indirect $t (type $ii)
              (i64.sub (local.get 0) (i64.const 1))
              (i64.add (local.get 1) (local.get 0))
              (i32.const 0)))))
  (func $even_ind (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 1))
      (else (return_call $odd_ind (i32.sub (local.get $n) (i32.const 1))))))
  (func $odd_ind (export "odd_ind") (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 0))
      (else (return_call_indirect $t (param i32) (result i32)
              (i32.sub (local.get $n) (i32.const 1)) (i32.const 1)))))

  ;; A callee with more parameters and locals than its caller's frame, and two results.
  (func $wide (param i64 i64 i64 i64 i64 i64 i64 i64 f64 f32) (result i64 f64)
    (local i64 i64 i64)
    (local.set 10 (i64.add (local.get 0) (local.get 7)))
    (i64.add (local.get 10) (local.get 11))
    (f64.add (local.get 8) (f64.promote_f32 (local.get 9))))
  (func (export "to_wide") (param $x i64) (result i64 f64)
    (return_call $wide (local.get $x) (i64.const 2) (i64.const 3) (i64.const 4) (i64.const 5)
                       (i64.const 6) (i64.const 7) (i64.const 8) (f64.const 1.5) (f32.const 2)))

  ;; A callee that traps, reached by a tail call.
  (func $boom (param i32) (result i32) (i32.div_u (i32.const 1) (local.get 0)))
  (func (export "tail_trap") (param i32) (result i32) (return_call $boom (local.get 0)))
  (func (export "bad_index") (result i32)
    (return_call_indirect $t (param i32) (result i32) (i32.const 1) (i32.const 7)))
  (func (export "bad_type") (result i32)
    (return_call_indirect $t (param i32) (result i32) (i32.const 1) (i32.const 0)))

  ;; A tail call in the middle of an expression's blocks: the values below it are dropped.
  (func (export "mid_block") (param i32) (result i32)
    (i32.const 99)
    (block (result i32)
      (drop (i32.const 5))
      (return_call $odd (local.get 0)))
    (i32.add))
)

(assert_return (invoke "sum" (i64.const 1000000) (i64.const 0)) (i64.const 500000500000))
(assert_return (invoke "even" (i32.const 1000000)) (i32.const 1))
(assert_return (invoke "odd" (i32.const 1000001)) (i32.const 1))
(assert_return (invoke "sum_ind" (i64.const 1000000) (i64.const 0)) (i64.const 500000500000))
(assert_return (invoke "odd_ind" (i32.const 1000001)) (i32.const 1))
(assert_return (invoke "to_wide" (i64.const 1)) (i64.const 9) (f64.const 3.5))
(assert_return (invoke "tail_trap" (i32.const 1)) (i32.const 1))
(assert_trap (invoke "tail_trap" (i32.const 0)) "integer divide by zero")
(assert_trap (invoke "bad_index") "undefined element")
(assert_trap (invoke "bad_type") "indirect call type mismatch")
(assert_return (invoke "mid_block" (i32.const 3)) (i32.const 1))
(assert_return (invoke "mid_block" (i32.const 4)) (i32.const 0))

;; Tail calls to a host function (results none) and to another instance's function.
(module $callee
  (func (export "twice") (param i64) (result i64) (i64.mul (local.get 0) (i64.const 2))))
(register "callee" $callee)
(module
  (import "spectest" "print_i32" (func $print (param i32)))
  (import "callee" "twice" (func $twice (param i64) (result i64)))
  (table funcref (elem $twice))
  (func (export "to_host") (param i32) (return_call $print (local.get 0)))
  (func (export "to_other") (param i64) (result i64) (return_call $twice (local.get 0)))
  (func (export "to_other_ind") (param i64) (result i64)
    (return_call_indirect (param i64) (result i64) (local.get 0) (i32.const 0)))
)
(assert_return (invoke "to_host" (i32.const 42)))
(assert_return (invoke "to_other" (i64.const 21)) (i64.const 42))
(assert_return (invoke "to_other_ind" (i64.const 4)) (i64.const 8))

;; Features: with tail calls switched off the instructions are rejected (tests/cli).
(assert_invalid
  (module (func $f (result i32) (i32.const 1)) (func (result i64) (return_call $f)))
  "type mismatch")
(assert_invalid
  (module (func $f (param i32)) (func (return_call $f)))
  "type mismatch")
;; return_call_ref (typed function references): a million deep through a reference.
(module
  (type $ii (func (param i32) (result i32)))
  (func $count (type $ii)
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.const 7))
      (else (return_call_ref $ii (i32.sub (local.get 0) (i32.const 1)) (ref.func $count)))))
  (elem declare func $count)
  (func (export "deep_ref") (result i32) (call $count (i32.const 1000000))))
(assert_return (invoke "deep_ref") (i32.const 7))
