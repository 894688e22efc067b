;; A module whose declared minimum memory (32 pages = 2 MiB) exceeds a 1 MiB --max-memory.
(module (memory 32))
