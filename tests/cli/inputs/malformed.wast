;; Not a well-formed script: the parenthesis on line 3 is never closed.
(module)
(assert_return (invoke "f")
