;; A component in the text format with exports of several WIT types, for --invoke and inspect.
(component
  (core module $M
    (memory (export "mem") 1)
    (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
    (func (export "neg") (param f64) (result f64) (f64.neg (local.get 0)))
    (func (export "pick") (param i32 i32) (result i32) (local.get 0)))
  (core instance $m (instantiate $M))
  (type $color (enum "red" "green" "blue"))
  (export $c "color" (type $color))
  (type $opt (option u32))
  (func (export "add") (param "a" u32) (param "b" u32) (result u32) (canon lift (core func $m "add")))
  (func (export "neg") (param "x" f64) (result f64) (canon lift (core func $m "neg")))
  (func (export "pick") (param "c" $c) (param "d" u32) (result $c) (canon lift (core func $m "pick"))))
