;; A memory with no declared maximum (4 GiB of address space wanted), grown on request: under a
;; low `ulimit -v` it must still instantiate, and a grow past what could be reserved returns -1.
(module
  (memory 1)
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))
