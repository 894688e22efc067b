;; Per-function tier-up, calls out of a batch (docs/tiering.md, "Step 3 built"): `run` loops N
;; times over a call of `$step`. Run with the first hot batch forced to `run` alone, so its loop
;; moves into that batch by on-stack replacement and `$step` arrives with the whole module:
;;   WASMCAP_TIER_UP_HOT=1 WASMCAP_TIER_UP_DELAY_MS=100 \
;;     wasmcap run -v --no-cache --invoke run bench/tiering/batch_calls.wat 100000000
;; prints -616220160. Before step 3 every call was an activation through the runtime.
(module
  (func $step (param $x i32) (result i32)
    (i32.add (i32.mul (local.get $x) (i32.const 3)) (i32.const 1)))
  (func $run (export "run") (param $n i32) (result i32)
    (local $i i32) (local $x i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $x (call $step (local.get $x)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $x)))
