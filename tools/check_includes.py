#!/usr/bin/env python3
"""Layering check: rejects an #include that crosses the dependency table of docs/architecture.md.

Each src/<folder> may include only headers of the folders listed for it below (and its own).
"""
import pathlib
import re
import sys

ALLOWED = {
    "support": set(),
    "wit": {"support"},
    "ir": {"support"},
    "binary": {"ir", "support"},
    "validate": {"binary", "ir", "support"},
    "text": {"binary", "ir", "support"},
    "component": {"validate", "binary", "ir", "support"},
    "runtime": {"ir", "support"},
    "interp": {"runtime", "validate", "binary", "ir", "support"},
    "llvm": {"runtime", "validate", "binary", "ir", "support"},
    "wasi": {"runtime", "component", "wit", "support", "ir"},
    "api": {"support", "ir", "binary", "validate", "component", "text", "runtime", "interp", "llvm",
            "wasi", "profile"},
    "wast": {"text", "api", "component", "support", "ir"},
    # The HTTP server core and client under `wasmcap serve`: knows nothing about WebAssembly.
    "http": {"support"},
    # A sampling profile's call tree and its files (Firefox Profiler JSON, flame-graph SVG).
    "profile": {"support"},
}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([a-z_]+)/')

def main() -> int:
    root = pathlib.Path(__file__).resolve().parent.parent
    errors = []
    for folder, allowed in ALLOWED.items():
        for path in sorted((root / "src" / folder).rglob("*")):
            if path.suffix not in {".h", ".cpp", ".def", ".inc"}:
                continue
            for lineno, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
                m = INCLUDE.match(line)
                if not m:
                    continue
                target = m.group(1)
                if target == folder or target in allowed or target not in ALLOWED:
                    continue
                rel = path.relative_to(root)
                errors.append(f"{rel}:{lineno}: src/{folder} may not include src/{target}")
    # tools/ and tests/spec use only the public API (include/) and the wast library; the
    # build-time WIT generator tools/witgen uses the wit library.
    for sub in ("tools",):
        for path in sorted((root / sub).rglob("*.cpp")):
            allowed_here = {"wast", "support", "http"}
            if path.is_relative_to(root / "tools" / "witgen"):
                allowed_here = {"wit", "support"}
            for lineno, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
                m = INCLUDE.match(line)
                if m and m.group(1) in ALLOWED and m.group(1) not in allowed_here:
                    errors.append(f"{path.relative_to(root)}:{lineno}: tools may not include src/{m.group(1)}")
    for e in errors:
        print(e)
    print(f"include layering: {len(errors)} violation(s)")
    return 1 if errors else 0

if __name__ == "__main__":
    sys.exit(main())
