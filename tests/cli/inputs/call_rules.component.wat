;; The Canonical ABI's runtime rules for calls (CanonicalABI.md; tests/cli/CMakeLists.txt runs
;; each export): lend counts of borrowed owns, borrows left at the end of a call, may_leave in
;; realloc and post-return, and may_enter (no reentrance into a component instance).
(component $Top
  ;; $C defines R and takes borrows and owns of it.
  (component $C
    (type $R' (resource (rep i32)))
    (export $R "R" (type $R'))
    (canon resource.new $R' (core func $new))
    (canon resource.drop $R' (core func $drop))
    (core module $CM
      (import "" "new" (func $new (param i32) (result i32)))
      (import "" "drop" (func $drop (param i32)))
      (func (export "make") (result i32) (call $new (i32.const 7)))
      (func (export "get-rep") (param i32) (result i32) (local.get 0))
      (func (export "borrow-and-take") (param i32 i32) (result i32)
        (call $drop (local.get 1))
        (local.get 0)))
    (core instance $cm (instantiate $CM (with "" (instance
      (export "new" (func $new)) (export "drop" (func $drop))))))
    (func (export "make") (result (own $R)) (canon lift (core func $cm "make")))
    (func (export "get-rep") (param "r" (borrow $R)) (result u32)
      (canon lift (core func $cm "get-rep")))
    (func (export "borrow-and-take") (param "b" (borrow $R)) (param "o" (own $R)) (result u32)
      (canon lift (core func $cm "borrow-and-take"))))

  ;; $E gets borrows of a resource it does not define (handles) and keeps one past the call.
  (component $E
    (import "R" (type $R (sub resource)))
    (core module $EM
      (func (export "keep") (param i32)))
    (core instance $em (instantiate $EM))
    (func (export "keep") (param "r" (borrow $R)) (canon lift (core func $em "keep"))))

  ;; $D owns handles to R and lends them.
  (component $D
    (import "c" (instance $c
      (export "R" (type $R (sub resource)))
      (export "make" (func (result (own $R))))
      (export "get-rep" (func (param "r" (borrow $R)) (result u32)))
      (export "borrow-and-take" (func (param "b" (borrow $R)) (param "o" (own $R)) (result u32)))))
    (alias export $c "R" (type $R))
    (import "keep" (func $keep (param "r" (borrow $R))))
    (canon resource.drop $R (core func $drop))
    (canon lower (func $c "make") (core func $make))
    (canon lower (func $c "get-rep") (core func $get-rep))
    (canon lower (func $c "borrow-and-take") (core func $borrow-and-take))
    (canon lower (func $keep) (core func $keep'))
    (core module $DM
      (import "" "drop" (func $drop (param i32)))
      (import "" "make" (func $make (result i32)))
      (import "" "get-rep" (func $get-rep (param i32) (result i32)))
      (import "" "borrow-and-take" (func $borrow-and-take (param i32 i32) (result i32)))
      (import "" "keep" (func $keep (param i32)))
      (func (export "lend-ok") (result i32)
        (local $h i32) (local $r i32)
        (local.set $h (call $make))
        (local.set $r (call $get-rep (local.get $h)))
        ;; the lend ended with the call: the own can be dropped now
        (call $drop (local.get $h))
        (local.get $r))
      (func (export "lend-trap")
        (local $h i32)
        (local.set $h (call $make))
        (drop (call $borrow-and-take (local.get $h) (local.get $h))))
      (func (export "keep-borrow")
        (call $keep (call $make))))
    (core instance $dm (instantiate $DM (with "" (instance
      (export "drop" (func $drop)) (export "make" (func $make))
      (export "get-rep" (func $get-rep)) (export "borrow-and-take" (func $borrow-and-take))
      (export "keep" (func $keep'))))))
    (func (export "lend-ok") (result u32) (canon lift (core func $dm "lend-ok")))
    (func (export "lend-trap") (canon lift (core func $dm "lend-trap")))
    (func (export "keep-borrow") (canon lift (core func $dm "keep-borrow"))))

  ;; $L calls out of realloc and of post-return, where it may not leave.
  (component $L
    (import "ping" (func $ping))
    (type $R (resource (rep i32)))
    (canon lower (func $ping) (core func $ping'))
    (canon resource.new $R (core func $new))
    (core module $LM
      (import "" "ping" (func $ping))
      (import "" "new" (func $new (param i32) (result i32)))
      (memory (export "mem") 1)
      (func (export "realloc") (param i32 i32 i32 i32) (result i32)
        (call $ping)
        (i32.const 64))
      (func (export "take") (param i32 i32))
      (func (export "noop"))
      (func (export "new-in-post-return") (drop (call $new (i32.const 1))))
      (func (export "ping-in-post-return") (call $ping)))
    (core instance $lm (instantiate $LM (with "" (instance
      (export "ping" (func $ping')) (export "new" (func $new))))))
    (func (export "take-string") (param "s" string)
      (canon lift (core func $lm "take") (memory (core memory $lm "mem")) (realloc (core func $lm "realloc"))))
    (func (export "new-in-post-return")
      (canon lift (core func $lm "noop") (post-return (core func $lm "new-in-post-return"))))
    (func (export "ping-in-post-return")
      (canon lift (core func $lm "noop") (post-return (core func $lm "ping-in-post-return")))))

  ;; $Child calls the parent's `back`, which calls the child again: reentrance.
  (component $Child
    (import "back" (func $back))
    (canon lower (func $back) (core func $back'))
    (core module $KM
      (import "" "back" (func $back))
      (global $depth (mut i32) (i32.const 0))
      (func (export "enter")
        (global.set $depth (i32.add (global.get $depth) (i32.const 1)))
        ;; the second entry would recurse forever: it must not happen
        (if (i32.gt_u (global.get $depth) (i32.const 1)) (then unreachable))
        (call $back)))
    (core instance $km (instantiate $KM (with "" (instance (export "back" (func $back'))))))
    (func (export "enter") (canon lift (core func $km "enter"))))

  (core module $Ping (func (export "ping")))
  (core instance $ping (instantiate $Ping))
  (func $ping (canon lift (core func $ping "ping")))

  ;; `back` calls through a table filled once the child exists.
  (core module $Back
    (table (export "t") 1 funcref)
    (type $v (func))
    (func (export "back") (call_indirect (type $v) (i32.const 0))))
  (core instance $back (instantiate $Back))
  (func $back (canon lift (core func $back "back")))

  (instance $c (instantiate $C))
  (instance $e (instantiate $E (with "R" (type $c "R"))))
  (instance $d (instantiate $D (with "c" (instance $c)) (with "keep" (func $e "keep"))))
  (instance $l (instantiate $L (with "ping" (func $ping))))
  (instance $child (instantiate $Child (with "back" (func $back))))

  (canon lower (func $child "enter") (core func $enter))
  (core module $Fill
    (import "" "t" (table 1 funcref))
    (import "" "enter" (func $enter))
    (elem (i32.const 0) func $enter))
  (core instance (instantiate $Fill (with "" (instance
    (export "t" (table $back "t")) (export "enter" (func $enter))))))

  (export "lend-ok" (func $d "lend-ok"))
  (export "lend-trap" (func $d "lend-trap"))
  (export "keep-borrow" (func $d "keep-borrow"))
  (export "take-string" (func $l "take-string"))
  (export "new-in-post-return" (func $l "new-in-post-return"))
  (export "ping-in-post-return" (func $l "ping-in-post-return"))
  (export "reenter" (func $child "enter")))
