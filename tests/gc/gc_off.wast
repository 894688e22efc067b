;; -W gc=n (Features::gc off, docs/gc.md): GC's types and instructions are "disabled feature"
;; errors; typed function references and everything else stay. Run by gc_off/<tier> with
;; `wasmcap wast -W gc=n`.
(assert_invalid (module (type (struct (field i32)))) "disabled feature")
(assert_invalid (module (type (array i8))) "disabled feature")
(assert_invalid (module (global anyref (ref.null any))) "disabled feature")
(assert_invalid (module (table 1 eqref)) "disabled feature")
(assert_invalid (module (func (param i31ref))) "disabled feature")
(assert_invalid (module (func (local structref))) "disabled feature")
(assert_invalid (module (func (result i32) (ref.is_null (ref.null none)))) "disabled feature")
(assert_invalid (module (func (result i32) (ref.eq (ref.null eq) (ref.null eq)))) "disabled feature")
(assert_invalid (module (func (drop (ref.i31 (i32.const 1))))) "disabled feature")
(assert_invalid (module (func (param externref) (drop (any.convert_extern (local.get 0)))))
  "disabled feature")
(assert_invalid (module (func (block (result arrayref) (ref.null array)) (drop)))
  "disabled feature")

;; What stays: typed function references, externref, funcref.
(module
  (type $f (func (result i32)))
  (func $one (type $f) (i32.const 1))
  (elem declare func $one)
  (func (export "call") (result i32) (call_ref $f (ref.func $one)))
  (func (export "null") (param externref) (result i32) (ref.is_null (local.get 0))))
(assert_return (invoke "call") (i32.const 1))
(assert_return (invoke "null" (ref.null extern)) (i32.const 1))
