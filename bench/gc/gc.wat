;; GC workloads for bench/gc/run (docs/gc.md): objects made and dropped at a high rate, as
;; garbage-collected languages compiled to Wasm GC do.
;;   binary_trees d  the benchmarks game's binary trees: a long-lived tree of depth d, then for
;;                   each depth 4, 6, .. d, 2^(d - depth + 4) trees of that depth built, walked
;;                   and dropped; returns the total node count walked
;;   list n          a list of n cons cells built and summed, 20 times (each list dropped)
;;   arrays n        n arrays of 64 i32 filled and summed (a large-array workload)
(module
  (type $tree (struct (field $l (ref null $tree)) (field $r (ref null $tree))))
  (type $cell (struct (field $v i32) (field $next (ref null $cell))))
  (type $ints (array (mut i32)))

  (func $make (param $d i32) (result (ref $tree))
    (if (result (ref $tree)) (i32.eqz (local.get $d))
      (then (struct.new $tree (ref.null $tree) (ref.null $tree)))
      (else (struct.new $tree
        (call $make (i32.sub (local.get $d) (i32.const 1)))
        (call $make (i32.sub (local.get $d) (i32.const 1)))))))
  (func $check (param $t (ref null $tree)) (result i32)
    (if (result i32) (ref.is_null (struct.get $tree $l (local.get $t)))
      (then (i32.const 1))
      (else (i32.add (i32.const 1)
        (i32.add (call $check (struct.get $tree $l (local.get $t)))
                 (call $check (struct.get $tree $r (local.get $t))))))))
  (func (export "binary_trees") (param $max i32) (result i32)
    (local $long (ref null $tree)) (local $d i32) (local $i i32) (local $n i32) (local $sum i32)
    (local.set $long (call $make (local.get $max)))
    (local.set $d (i32.const 4))
    (block $done
      (loop $depths
        (br_if $done (i32.gt_u (local.get $d) (local.get $max)))
        (local.set $n (i32.shl (i32.const 1)
          (i32.add (i32.sub (local.get $max) (local.get $d)) (i32.const 4))))
        (local.set $i (i32.const 0))
        (loop $trees
          (local.set $sum (i32.add (local.get $sum) (call $check (call $make (local.get $d)))))
          (br_if $trees (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1)))
                                  (local.get $n))))
        (local.set $d (i32.add (local.get $d) (i32.const 2)))
        (br $depths)))
    (i32.add (local.get $sum) (call $check (local.get $long))))

  (func (export "list") (param $n i32) (result i32)
    (local $round i32) (local $l (ref null $cell)) (local $i i32) (local $sum i32)
    (loop $rounds
      (local.set $l (ref.null $cell))
      (local.set $i (i32.const 0))
      (loop $build
        (local.set $l (struct.new $cell (local.get $i) (local.get $l)))
        (br_if $build (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1)))
                                (local.get $n))))
      (block $end
        (loop $walk
          (br_if $end (ref.is_null (local.get $l)))
          (local.set $sum (i32.add (local.get $sum) (struct.get $cell $v (local.get $l))))
          (local.set $l (struct.get $cell $next (local.get $l)))
          (br $walk)))
      (br_if $rounds (i32.lt_u (local.tee $round (i32.add (local.get $round) (i32.const 1)))
                               (i32.const 20))))
    (local.get $sum))

  (func (export "arrays") (param $n i32) (result i32)
    (local $a (ref null $ints)) (local $i i32) (local $j i32) (local $sum i32)
    (loop $each
      (local.set $a (array.new_default $ints (i32.const 64)))
      (local.set $j (i32.const 0))
      (loop $fill
        (array.set $ints (local.get $a) (local.get $j) (i32.add (local.get $i) (local.get $j)))
        (br_if $fill (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 1)))
                               (i32.const 64))))
      (local.set $j (i32.const 0))
      (loop $add
        (local.set $sum (i32.add (local.get $sum) (array.get $ints (local.get $a) (local.get $j))))
        (br_if $add (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 1)))
                              (i32.const 64))))
      (br_if $each (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1)))
                             (local.get $n))))
    (local.get $sum))
)
