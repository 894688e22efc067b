;; Tiering from the command line (CMakeLists.txt): `run` calls $chunk `n` times, long enough on
;; the interpreter for the background compile to end; the calls after it run compiled code.
;; Each chunk stores its value, so the compiled code's memory strategy matters (guard pages, or
;; explicit checks when the reservation failed: tests/cli).
(module
  (memory 1 1)
  (func $chunk (param $seed i32) (result i32)
    (local $i i32) (local $x i32)
    (local.set $x (local.get $seed))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (i32.const 100000)))
        (local.set $x (i32.add (i32.mul (local.get $x) (i32.const 1664525)) (i32.const 1013904223)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (i32.store (i32.const 16) (local.get $x))
    (local.get $x))
  (func (export "run") (param $n i32) (result i32)
    (local $i i32) (local $x i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $x (call $chunk (local.get $x)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $x)))
