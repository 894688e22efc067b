// Runs a WASI preview1 command module under Node's node:wasi.
// Usage: node --no-warnings node_wasi_runner.mjs FILE.wasm [ARGS...]
// The module sees argv = [FILE.wasm, ARGS...] and only the BENCH_N environment variable; no
// directories are preopened. Exits with the module's exit status.
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { WASI } from 'node:wasi';

const [file, ...args] = process.argv.slice(2);
if (!file) {
  console.error('usage: node_wasi_runner.mjs FILE.wasm [ARGS...]');
  process.exit(2);
}
const env = {};
if (process.env.BENCH_N) env.BENCH_N = process.env.BENCH_N;
const wasi = new WASI({ version: 'preview1', args: [basename(file), ...args], env, returnOnExit: true });
const module = await WebAssembly.compile(await readFile(file));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
process.exitCode = wasi.start(instance);
