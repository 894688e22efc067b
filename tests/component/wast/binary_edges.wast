;; Component binary decoding edges the reference tests found (wasmcap issue 16): each component
;; is decoded in full, then validation refuses what is async with the async message (a
;; misread immediate would make it malformed instead).

;; task.return's rs:<resultlist> is 0x00 and a value type, or 0x01 0x00: a result type was
;; read as one byte, so the options count came from the type and the section went off its end.
(assert_invalid
  (component binary
    "\00asm" "\0d\00\01\00"
    "\08\05\01"                 ;; canon section, 1 canon
    "\09\00\79\00")             ;; task.return (result u32), no options
  "canonical built-in 0x09 is not supported")
(assert_invalid
  (component binary
    "\00asm" "\0d\00\01\00"
    "\08\05\01"
    "\09\01\00\00")             ;; task.return, no result, no options
  "canonical built-in 0x09 is not supported")
(assert_malformed
  (component binary
    "\00asm" "\0d\00\01\00"
    "\08\05\01"
    "\09\02\00\00")             ;; no such result list
  "invalid result list")

;; async?, cancel? and sh? immediates are 0x00 or 0x01.
(assert_malformed
  (component binary "\00asm" "\0d\00\01\00" "\08\03\01" "\06\02")  ;; subtask.cancel
  "invalid boolean value")
(assert_malformed
  (component binary "\00asm" "\0d\00\01\00" "\08\04\01" "\11\00\07") ;; stream.cancel-read
  "invalid boolean value")

;; A core type 0x00 0x50: a non-final subtype, here of a function type without supertypes.
(component binary
  "\00asm" "\0d\00\01\00"
  "\03\07\01"                   ;; core type section, 1 type
  "\00\50\00\60\00\00")         ;; (sub (func))
(assert_malformed
  (component binary
    "\00asm" "\0d\00\01\00"
    "\03\08\01"
    "\00\50\01\00\60\00\00")    ;; a supertype: GC types are not supported
  "unsupported core subtype")

;; map<k, v>: decoded, validated (keys are bool, integers, char, string), printed as WIT.
(component binary
  "\00asm" "\0d\00\01\00"
  "\07\04\01"                   ;; type section, 1 type
  "\63\73\79")                  ;; (map string u32)
(assert_invalid
  (component binary
    "\00asm" "\0d\00\01\00"
    "\07\04\01"
    "\63\76\79")                ;; (map f32 u32)
  "map key type must be bool, an integer type, char or string")
(assert_invalid (component (type (stream u8))) "stream and future types are not supported")
