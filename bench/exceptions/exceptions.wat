;; Exception handling benchmark (bench/exceptions/run): the cost of a try on the path that does
;; not throw, and the rate of throw + catch. Every export takes a count N and returns a checksum.
(module
  (tag $e (param i32))
  (global $g (mut i32) (i32.const 0))
  ;; a call the optimizer cannot drop (it writes a global)
  (func $leaf (param i32) (result i32)
    (global.set $g (i32.add (global.get $g) (local.get 0)))
    (local.get 0))
  (func $thrower (param i32) (throw $e (local.get 0)))

  ;; N calls, no try
  (func (export "calls_plain") (param $n i32) (result i32) (local $i i32) (local $s i32)
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $s (i32.add (local.get $s) (call $leaf (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (local.get $s))
  ;; the same N calls, each inside a try_table
  (func (export "calls_try_table") (param $n i32) (result i32) (local $i i32) (local $s i32)
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $s (i32.add (local.get $s)
          (block $h (result i32)
            (try_table (result i32) (catch $e $h) (call $leaf (local.get $i))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (local.get $s))
  ;; the same N calls, each inside a legacy try
  (func (export "calls_try") (param $n i32) (result i32) (local $i i32) (local $s i32)
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $s (i32.add (local.get $s)
          (try (result i32) (do (call $leaf (local.get $i))) (catch $e))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (local.get $s))
  ;; N throws from a callee, caught one frame up by a try_table
  (func (export "throw_catch_try_table") (param $n i32) (result i32) (local $i i32) (local $s i32)
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $s (i32.add (local.get $s)
          (block $h (result i32)
            (try_table (catch $e $h) (call $thrower (local.get $i)))
            (i32.const 0))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (local.get $s))
  ;; the same with a legacy try (what Node 20 runs without flags)
  (func (export "throw_catch_try") (param $n i32) (result i32) (local $i i32) (local $s i32)
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $s (i32.add (local.get $s)
          (try (result i32) (do (call $thrower (local.get $i)) (i32.const 0)) (catch $e))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (local.get $s))
)
