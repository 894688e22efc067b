// Encodes many .wat files with jco's `parse` (wasm-tools' text parser) in one node process, for
// compare_components_with_jco.py. Usage: node jco_parse_many.mjs JCO_DIR LIST_FILE
// LIST_FILE holds one .wat path a line; for each, writes PATH.jco.wasm or PATH.jco.err.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [jcoDir, listFile] = process.argv.slice(2);
const api = await import(join(jcoDir, 'node_modules/@bytecodealliance/jco/dist/api.js'));
for (const path of readFileSync(listFile, 'utf8').split('\n').filter(Boolean)) {
  try {
    const bytes = await api.parse(readFileSync(path, 'utf8'));
    writeFileSync(path + '.jco.wasm', bytes);
  } catch (e) {
    writeFileSync(path + '.jco.err', String(e));
  }
}
