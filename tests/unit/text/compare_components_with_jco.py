#!/usr/bin/env python3
"""Compares wasmcap's component text encoder with jco parse (wasm-tools' parser), byte for byte.

Usage: compare_components_with_jco.py WAT2WASM TEST_DIR JCO_DIR [WORKDIR]
  WAT2WASM  build/.../tests/unit/text/text_wat2wasm (tools/wat2wasm.cpp)
  TEST_DIR  component-model/test (files listed in its nyi.txt are skipped)
  JCO_DIR   a directory where `npm install @bytecodealliance/jco` was run

Every text component of every .wast (top level, in assert_*, `definition` forms; quote forms
become `(component <strings>)`) is written to WORKDIR as a .wat file and encoded by both tools.
Bytes are compared twice: as they are, and with `name`/`component-name` custom sections removed
at every nesting level (wasmcap writes no component name section; wasm-tools does).
For assert_malformed, reports how many wasmcap rejects.
"""
import os
import subprocess
import sys
import tempfile


def tokenize_forms(src):
    """Yields (start, end, line) of each top-level parenthesised form."""
    i, n, depth, line, start, start_line = 0, len(src), 0, 1, 0, 0
    while i < n:
        c = src[i]
        if c == '\n':
            line += 1
        if src.startswith(';;', i):
            while i < n and src[i] != '\n':
                i += 1
            continue
        if src.startswith('(;', i):
            d = 0
            while i < n:
                if src.startswith('(;', i):
                    d += 1
                    i += 2
                elif src.startswith(';)', i):
                    d -= 1
                    i += 2
                    if d == 0:
                        break
                else:
                    if src[i] == '\n':
                        line += 1
                    i += 1
            continue
        if c == '"':
            i += 1
            while i < n and src[i] != '"':
                if src[i] == '\\':
                    i += 1
                i += 1
        elif c == '(':
            if depth == 0:
                start, start_line = i, line
            depth += 1
        elif c == ')':
            depth -= 1
            if depth == 0:
                yield start, i + 1, start_line
        i += 1


def sub_forms(text):
    """Top-level forms inside a form's parentheses."""
    inner = text[1:-1]
    return [inner[s:e] for s, e, _ in tokenize_forms(inner)]


def head_words(text):
    return text[1:].split(None, 3)


def quote_strings(text):
    body = text[1:-1].split(None, 2)[2] if len(text[1:-1].split(None, 2)) > 2 else ''
    # the strings are wat text once their escapes are undone
    out, i = [], 0
    while i < len(body):
        if body[i] == '"':
            j, s = i + 1, []
            while body[j] != '"':
                if body[j] == '\\':
                    nxt = body[j + 1]
                    if nxt in '"\\\'':
                        s.append(nxt)
                        j += 2
                        continue
                    if nxt == 'n':
                        s.append('\n')
                        j += 2
                        continue
                    if nxt == 't':
                        s.append('\t')
                        j += 2
                        continue
                    s.append(chr(int(body[j + 1:j + 3], 16)))
                    j += 3
                    continue
                s.append(body[j])
                j += 1
            out.append(''.join(s))
            i = j + 1
        else:
            i += 1
    return ' '.join(out)


def component_text(form):
    """The .wat text of a `(component ...)` script form, or None for binary/instance forms."""
    w = head_words(form)
    if len(w) < 2:
        return form
    if w[1] in ('binary', 'instance'):
        return None
    if w[1] == 'quote':
        return '(component ' + quote_strings(form) + ')'
    if w[1] == 'definition':
        return '(component' + form[1:].split('definition', 1)[1]
    if w[1].startswith('$') and len(w) > 2 and w[2] in ('binary', 'quote'):
        return component_text('(component ' + form[1:].split(None, 2)[2])
    return form


def extract(path):
    src = open(path, encoding='utf-8').read()
    out = []
    for s, e, line in tokenize_forms(src):
        form = src[s:e]
        kind = head_words(form)[0]
        if kind == 'component':
            t = component_text(form)
            if t is not None:
                out.append(('module', line, t))
        elif kind.startswith('assert_'):
            subs = sub_forms(form)
            if subs and head_words(subs[0])[0] == 'component':
                t = component_text(subs[0])
                if t is not None:
                    out.append((kind, line, t))
    return out


def leb(data, i):
    v, shift = 0, 0
    while True:
        b = data[i]
        i += 1
        v |= (b & 0x7f) << shift
        shift += 7
        if not b & 0x80:
            return v, i


def enc_leb(v):
    out = bytearray()
    while True:
        b = v & 0x7f
        v >>= 7
        out.append(b | (0x80 if v else 0))
        if not v:
            return bytes(out)


def strip_names(data):
    """Removes name/component-name custom sections, recursing into nested modules/components."""
    if len(data) < 8:
        return data
    is_component = data[4:8] == b'\x0d\x00\x01\x00'
    out, i = bytearray(data[:8]), 8
    while i < len(data):
        sid = data[i]
        size, j = leb(data, i + 1)
        body = data[j:j + size]
        i = j + size
        if sid == 0:
            nlen, k = leb(body, 0)
            if body[k:k + nlen] in (b'name', b'component-name'):
                continue
        if is_component and sid in (1, 4):
            body = strip_names(body)
        out += bytes([sid]) + enc_leb(len(body)) + body
    return bytes(out)


def main():
    tool, test_dir, jco_dir = sys.argv[1:4]
    work = sys.argv[4] if len(sys.argv) > 4 else tempfile.mkdtemp(prefix='ctext-')
    os.makedirs(work, exist_ok=True)
    nyi = set()
    nyi_path = os.path.join(test_dir, 'nyi.txt')
    if os.path.exists(nyi_path):
        nyi = {l.strip() for l in open(nyi_path) if l.strip() and not l.startswith('#')}
    files = []
    for root, _, names in os.walk(test_dir):
        for n in names:
            if n.endswith('.wast'):
                rel = './' + os.path.relpath(os.path.join(root, n), test_dir)
                if rel not in nyi:
                    files.append(rel)
    files.sort()
    items = []  # (file, kind, line, watpath)
    for f in files:
        for k, (kind, line, text) in enumerate(extract(os.path.join(test_dir, f))):
            p = os.path.join(work, f[2:].replace('/', '_') + '.%d.wat' % k)
            with open(p, 'w', encoding='utf-8') as out:
                out.write(text)
            items.append((f, kind, line, p))
    for p in items:
        for suffix in ('.jco.wasm', '.jco.err', '.our.wasm', '.our.err'):
            if os.path.exists(p[3] + suffix):
                os.remove(p[3] + suffix)
    lst = os.path.join(work, 'list.txt')
    with open(lst, 'w') as out:
        out.write('\n'.join(p for *_, p in items) + '\n')
    here = os.path.dirname(os.path.abspath(__file__))
    subprocess.run(['node', os.path.join(here, 'jco_parse_many.mjs'), os.path.abspath(jco_dir),
                    lst], check=True)
    subprocess.run([tool, lst], check=True)

    def read(p):
        return open(p, 'rb').read() if os.path.exists(p) else None

    totals = {}
    print('%-48s %6s %6s %6s %6s %6s %9s' % ('file', 'text', 'jco', 'ours', 'ident', 'strip',
                                               'malformed'))
    for f in files:
        st = dict(text=0, jco=0, ours=0, ident=0, strip=0, mal=0, mal_rej=0)
        for (ff, kind, line, p) in items:
            if ff != f:
                continue
            jco, ours = read(p + '.jco.wasm'), read(p + '.our.wasm')
            if kind == 'assert_malformed':
                st['mal'] += 1
                st['mal_rej'] += ours is None
                if ours is not None:
                    print('  MALFORMED ACCEPTED %s:%d' % (f, line))
                continue
            st['text'] += 1
            st['jco'] += jco is not None
            st['ours'] += ours is not None
            if jco is None:
                if ours is not None:
                    print('  jco rejects, we accept %s:%d' % (f, line))
                continue
            if ours is None:
                err = open(p + '.our.err').read().strip()
                print('  FAIL %s:%d %s (%s)' % (f, line, err, p))
                continue
            if jco == ours:
                st['ident'] += 1
                st['strip'] += 1
            elif strip_names(jco) == strip_names(ours):
                st['strip'] += 1
            else:
                print('  DIFF %s:%d (%s)' % (f, line, p))
        print('%-48s %6d %6d %6d %6d %6d %5d/%-3d' % (f, st['text'], st['jco'], st['ours'],
                                                      st['ident'], st['strip'], st['mal_rej'],
                                                      st['mal']))
        for k, v in st.items():
            totals[k] = totals.get(k, 0) + v
    print('%-48s %6d %6d %6d %6d %6d %5d/%-3d' % ('TOTAL', totals['text'], totals['jco'],
                                                  totals['ours'], totals['ident'],
                                                  totals['strip'], totals['mal_rej'],
                                                  totals['mal']))


if __name__ == '__main__':
    main()
