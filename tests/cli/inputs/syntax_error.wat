;; Not valid WAT: an unknown instruction on line 4, column 5.
(module
  (func (result i32)
    i32.nope))
