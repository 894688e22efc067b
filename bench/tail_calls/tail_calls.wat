;; Tail calls (WebAssembly 3.0) for bench/tail_calls/run. Each export takes n and returns a
;; checksum the runner knows, so a wrong result fails the run.
;; - even_odd: is_even/is_odd mutual recursion by return_call, n deep (n + 1 tail calls): constant
;;   stack or it exhausts; returns n & 1 == 0.
;; - loop_calls: the same count of plain calls in a loop (the call + return cost to compare with).
;; - dispatch: a threaded interpreter: each handler ends in return_call_indirect to the next
;;   opcode's handler (the shape clang's [[clang::musttail]] interpreters compile to); n steps of
;;   a 4-opcode program, accumulator checksum.
(module
  (type $handler (func (param i32 i32 i32) (result i32)))
  (table $ops 4 funcref)
  (elem (table $ops) (i32.const 0) func $op_add $op_xor $op_mul $op_rot)

  (func $is_even (param $n i64) (result i32)
    (if (result i32) (i64.eqz (local.get $n))
      (then (i32.const 1))
      (else (return_call $is_odd (i64.sub (local.get $n) (i64.const 1))))))
  (func $is_odd (param $n i64) (result i32)
    (if (result i32) (i64.eqz (local.get $n))
      (then (i32.const 0))
      (else (return_call $is_even (i64.sub (local.get $n) (i64.const 1))))))
  (func (export "even_odd") (param $n i32) (result i32)
    (call $is_even (i64.extend_i32_u (local.get $n))))

  (func $step (param $x i32) (result i32) (i32.add (local.get $x) (i32.const 1)))
  (func (export "loop_calls") (param $n i32) (result i32) (local $i i32) (local $x i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $x (call $step (local.get $x)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (i32.and (i32.sub (local.get $x) (local.get $n)) (i32.const 1)))

  ;; (pc, remaining steps, accumulator): the next opcode is pc & 3.
  (func $next (param $pc i32) (param $left i32) (param $acc i32) (result i32)
    (if (result i32) (i32.eqz (local.get $left))
      (then (local.get $acc))
      (else
        (return_call_indirect $ops (type $handler)
          (i32.add (local.get $pc) (i32.const 1)) (i32.sub (local.get $left) (i32.const 1))
          (local.get $acc) (i32.and (local.get $pc) (i32.const 3))))))
  (func $op_add (type $handler)
    (return_call $next (local.get 0) (local.get 1) (i32.add (local.get 2) (i32.const 7))))
  (func $op_xor (type $handler)
    (return_call $next (local.get 0) (local.get 1) (i32.xor (local.get 2) (i32.const 0x5bd1e995))))
  (func $op_mul (type $handler)
    (return_call $next (local.get 0) (local.get 1) (i32.mul (local.get 2) (i32.const 31))))
  (func $op_rot (type $handler)
    (return_call $next (local.get 0) (local.get 1) (i32.rotl (local.get 2) (i32.const 5))))
  (func (export "dispatch") (param $n i32) (result i32)
    (call $next (i32.const 0) (local.get $n) (i32.const 1)))
)
