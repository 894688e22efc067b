;; A guest that never stops: only --timeout or --fuel ends it.
(module (func (export "_start") (loop $l (br $l))))
