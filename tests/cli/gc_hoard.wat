;; Keeps every 1 KiB array it makes in a list reachable from a global, until the GC heap limit
;; (--max-gc-heap) stops it; with a heap large enough it makes `n` and returns.
(module
  (type $blob (array (mut i64)))
  (type $cell (struct (field (ref $blob)) (field (ref null $cell))))
  (global $kept (mut (ref null $cell)) (ref.null $cell))
  (func $hoard (export "hoard") (param $n i32) (result i32)
    (local $i i32)
    (loop $l
      (global.set $kept (struct.new $cell (array.new_default $blob (i32.const 127))
                                          (global.get $kept)))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1)))
                          (local.get $n))))
    (local.get $i))
  (func (export "_start") (drop (call $hoard (i32.const 100000)))))
