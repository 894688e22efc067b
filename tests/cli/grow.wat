;; A guest that grows memory until memory.grow fails, then reports how many pages it got.
(module
  (memory 1)
  (func (export "grow_all") (result i32)
    (block $done
      (loop $more
        (br_if $done (i32.eq (memory.grow (i32.const 1)) (i32.const -1)))
        (br $more)))
    (memory.size)))
