;; A guest for --profile=guest (profile_guest.sh, guest_profiler_test): main calls warm, which
;; calls hot through a table (so no tier inlines it away) with a long loop; hot holds nearly
;; all of the time, under warm, under main. main's argument is the number of rounds.
(module
  (type $t (func (param i32) (result i32)))
  (table 1 funcref)
  (elem (i32.const 0) $hot)
  (func $hot (type $t) (param $n i32) (result i32) (local $i i32) (local $acc i32)
    (loop $l
      (local.set $acc (i32.add (i32.mul (local.get $acc) (i32.const 31)) (local.get $i)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $acc))
  (func $warm (param $n i32) (result i32)
    (call_indirect (type $t) (local.get $n) (i32.const 0)))
  (func $main (export "main") (param $rounds i32) (result i32) (local $r i32) (local $acc i32)
    (loop $l
      (local.set $acc (i32.add (local.get $acc) (call $warm (i32.const 100000))))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $r) (local.get $rounds))))
    (local.get $acc)))
