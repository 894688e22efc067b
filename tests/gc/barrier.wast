;; The write barrier of incremental marking (docs/gc.md, "Incremental marking"). Each function
;; moves cells, one at a time or in ranges, out of objects the collector may not have traced yet
;; (their field or element is overwritten with null) into an array it may have traced already,
;; allocating a junk cell of the same size after every move. Without the barrier a moved cell is
;; freed at the end of the marking and a junk cell takes its place, so the sum of the moved
;; cells' numbers comes out wrong. The stress mode WASMCAP_GC_STRESS=incremental (a marking
;; always under way, one object traced per allocation; gc-stress-incremental/<tier>/barrier.wast)
;; makes every interleaving happen; without it the file checks the moves themselves.
(module
  (type $cell (struct (field i32)))
  (type $box (struct (field (mut (ref null $cell)))))
  (type $cells (array (mut (ref null $cell))))
  (type $boxes (array (mut (ref null $box))))

  ;; Roots are traced last first: $to before the objects cells move out of.
  (global $from (mut (ref null $cells)) (ref.null $cells))
  (global $boxes (mut (ref null $boxes)) (ref.null $boxes))
  (global $junk (mut (ref null $cell)) (ref.null $cell))
  (global $to (mut (ref null $cells)) (ref.null $cells))

  ;; $from holds cells 1..n, $boxes n boxes holding cells 1..n, $to n nulls.
  (func $setup (param $n i32)
    (local $i i32)
    (global.set $to (array.new_default $cells (local.get $n)))
    (global.set $from (array.new_default $cells (local.get $n)))
    (global.set $boxes (array.new_default $boxes (local.get $n)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (array.set $cells (global.get $from) (local.get $i)
          (struct.new $cell (i32.add (local.get $i) (i32.const 1))))
        (array.set $boxes (global.get $boxes) (local.get $i)
          (struct.new $box (struct.new $cell (i32.add (local.get $i) (i32.const 1)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next))))

  (func $junk (global.set $junk (struct.new $cell (i32.const -1000000))))

  ;; Allocates enough for the markings under way to end (their sweeps then free what they
  ;; missed), then sums the numbers of the cells in $to.
  (func $sum_to (param $n i32) (result i32)
    (local $i i32) (local $sum i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (i32.mul (local.get $n) (i32.const 4))))
        (call $junk)
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.set $i (i32.const 0))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $sum (i32.add (local.get $sum)
          (struct.get $cell 0 (array.get $cells (global.get $to) (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $sum))

  ;; array.set: an element of $from is overwritten.
  (func (export "move_elements") (param $n i32) (result i32)
    (local $i i32)
    (call $setup (local.get $n))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (array.set $cells (global.get $to) (local.get $i)
          (array.get $cells (global.get $from) (local.get $i)))
        (array.set $cells (global.get $from) (local.get $i) (ref.null $cell))
        (call $junk)
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (call $sum_to (local.get $n)))

  ;; struct.set: a box's field is overwritten.
  (func (export "move_fields") (param $n i32) (result i32)
    (local $i i32) (local $box (ref null $box))
    (call $setup (local.get $n))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $box (array.get $boxes (global.get $boxes) (local.get $i)))
        (array.set $cells (global.get $to) (local.get $i) (struct.get $box 0 (local.get $box)))
        (struct.set $box 0 (local.get $box) (ref.null $cell))
        (call $junk)
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (call $sum_to (local.get $n)))

  ;; array.copy into $to, then array.fill and array.copy over ranges of $from.
  (func (export "move_ranges") (param $n i32) (result i32)
    (local $i i32)
    (call $setup (local.get $n))
    (block $done
      (loop $next
        (br_if $done (i32.gt_u (i32.add (local.get $i) (i32.const 8)) (local.get $n)))
        (array.copy $cells $cells (global.get $to) (local.get $i)
          (global.get $from) (local.get $i) (i32.const 4))
        (array.fill $cells (global.get $from) (local.get $i) (ref.null $cell) (i32.const 4))
        (call $junk)
        (array.copy $cells $cells (global.get $to) (i32.add (local.get $i) (i32.const 4))
          (global.get $from) (i32.add (local.get $i) (i32.const 4)) (i32.const 4))
        ;; the nulls just made overwrite the next four
        (array.copy $cells $cells (global.get $from) (i32.add (local.get $i) (i32.const 4))
          (global.get $from) (local.get $i) (i32.const 4))
        (call $junk)
        (local.set $i (i32.add (local.get $i) (i32.const 8)))
        (br $next)))
    (call $sum_to (local.get $i)))
)

;; 1 + 2 + ... + n
(assert_return (invoke "move_elements" (i32.const 300)) (i32.const 45150))
(assert_return (invoke "move_fields" (i32.const 300)) (i32.const 45150))
(assert_return (invoke "move_ranges" (i32.const 304)) (i32.const 46360))
;; $from longer than one chunk of tracing (4096 elements): traced in pieces
(assert_return (invoke "move_elements" (i32.const 5000)) (i32.const 12502500))
(assert_return (invoke "move_ranges" (i32.const 5000)) (i32.const 12502500))
