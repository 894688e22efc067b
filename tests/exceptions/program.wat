;; A small program using exception handling the way a compiled language's runtime does
;; (tests/exceptions, run by `wasmcap run --invoke` on the default tier): a recursive parser
;; that throws a parse error carrying the position from deep in the call chain, callers that
;; catch it, clean up and rethrow it (catch_all_ref + throw_ref), a dispatch through
;; call_indirect and a tail call, the legacy try/catch/rethrow form, and a loop of a million
;; throws (each exception is reused once caught, so memory stays flat).
(module
  (tag $parse_error (param i32))       ;; the position of the bad character
  (tag $overflow)
  (memory 1)
  (data (i32.const 0) "((1+2)*(3+4))\00((1+2)*(3+x))\00")
  (global $cleanups (mut i32) (i32.const 0))
  (table funcref (elem $expr $fail_at))
  (type $parser (func (param i32) (result i32 i32)))

  ;; expr := term ('+' term)* ; term := atom ('*' atom)* ; atom := digit | '(' expr ')'
  ;; Each returns (value, next position); a bad character throws $parse_error.
  (func $atom (param $p i32) (result i32 i32)
    (local $c i32) (local $v i32)
    (local.set $c (i32.load8_u (local.get $p)))
    (if (i32.eq (local.get $c) (i32.const 40)) ;; '('
      (then
        (call_indirect (type $parser) (i32.add (local.get $p) (i32.const 1)) (i32.const 0))
        (local.set $p)
        (local.set $v)
        (if (i32.ne (i32.load8_u (local.get $p)) (i32.const 41))
          (then (throw $parse_error (local.get $p))))
        (return (local.get $v) (i32.add (local.get $p) (i32.const 1)))))
    (if (i32.gt_u (i32.sub (local.get $c) (i32.const 48)) (i32.const 9))
      (then (return_call $fail_at (local.get $p))))
    (return (i32.sub (local.get $c) (i32.const 48)) (i32.add (local.get $p) (i32.const 1))))
  (func $fail_at (param $p i32) (result i32 i32)
    (throw $parse_error (local.get $p)))
  (func $term (param $p i32) (result i32 i32)
    (local $v i32) (local $w i32)
    (call $atom (local.get $p))
    (local.set $p) (local.set $v)
    (block $done
      (loop $more
        (br_if $done (i32.ne (i32.load8_u (local.get $p)) (i32.const 42))) ;; '*'
        (call $atom (i32.add (local.get $p) (i32.const 1)))
        (local.set $p) (local.set $w)
        (local.set $v (i32.mul (local.get $v) (local.get $w)))
        (br $more)))
    (local.get $v) (local.get $p))
  ;; Counts a cleanup whenever an exception passes through, then lets it go on (a destructor).
  (func $expr (param $p i32) (result i32 i32)
    (local $v i32) (local $w i32)
    (block $unwinding (result exnref)
      (try_table (catch_all_ref $unwinding)
        (call $term (local.get $p))
        (local.set $p) (local.set $v)
        (block $done
          (loop $more
            (br_if $done (i32.ne (i32.load8_u (local.get $p)) (i32.const 43))) ;; '+'
            (call $term (i32.add (local.get $p) (i32.const 1)))
            (local.set $p) (local.set $w)
            (local.set $v (i32.add (local.get $v) (local.get $w)))
            (br $more))))
      (return (local.get $v) (local.get $p)))
    (global.set $cleanups (i32.add (global.get $cleanups) (i32.const 1)))
    (throw_ref))

  ;; The value of the expression at `p`, or 1000 + the position of the error.
  (func $parse (export "parse") (param $p i32) (result i32)
    (block $error (result i32)
      (try_table (result i32 i32) (catch $parse_error $error)
        (call $expr (local.get $p)))
      (drop)
      (return))
    (i32.sub (i32.const -1000)))
  ;; parse, then how many expr frames an exception unwound through.
  (func (export "parse_cleanups") (param $p i32) (result i32)
    (drop (call $parse (local.get $p)))
    (global.get $cleanups))

  ;; The legacy form: catch the error, count it, rethrow; the outer try turns it into -1.
  (func (export "parse_legacy") (param $p i32) (result i32)
    (try (result i32)
      (do
        (try (result i32)
          (do (call $expr (local.get $p)) (drop))
          (catch $parse_error
            (drop)
            (global.set $cleanups (i32.add (global.get $cleanups) (i32.const 100)))
            (rethrow 0))))
      (catch_all (i32.const -1))))

  ;; n throws, each caught one frame up: the sum of the payloads.
  (func $thrower (param i32) (throw $parse_error (local.get 0)))
  (func (export "throw_loop") (param $n i32) (result i64)
    (local $i i32) (local $sum i64) (local $got i32)
    (loop $next
      (block $caught (result i32)
        (try_table (catch $parse_error $caught) (call $thrower (local.get $i)))
        (unreachable))
      (local.set $got)
      (local.set $sum (i64.add (local.get $sum) (i64.extend_i32_u (local.get $got))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $next (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $sum))

  ;; No handler: the run ends with "uncaught exception" and the throw's backtrace.
  (func $deep (param i32)
    (if (i32.eqz (local.get 0)) (then (throw $overflow)))
    (call $deep (i32.sub (local.get 0) (i32.const 1))))
  (func (export "uncaught") (call $deep (i32.const 3)))
)
