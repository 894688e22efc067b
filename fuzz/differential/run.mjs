// Differential runner, V8 side: instantiates a module with every function import answered by a
// logger that returns zeros, calls every exported function with zero arguments and prints the
// canonical text that fuzz/differential/driver.cpp prints for wasmcap (see that file).
// Needs node --experimental-wasm-type-reflection (for value types at the boundary).
import fs from 'fs';

const out = [];
const f32 = new Float32Array(1), u32 = new Uint32Array(f32.buffer);
const f64 = new Float64Array(1), u64 = new BigUint64Array(f64.buffer);

function fmt(type, v) {
  switch (type) {
    case 'i32': return `i32:${v >>> 0}`;
    case 'i64': return `i64:${BigInt.asUintN(64, BigInt(v))}`;
    case 'f32':
      if (Number.isNaN(v)) return 'f32:nan';
      f32[0] = v;
      return `f32:0x${u32[0].toString(16).padStart(8, '0')}`;
    case 'f64':
      if (Number.isNaN(v)) return 'f64:nan';
      f64[0] = v;
      return `f64:0x${u64[0].toString(16).padStart(16, '0')}`;
    default: return `${type}:${v === null ? 'null' : 'nonnull'}`;
  }
}
function zero(type) {
  return type === 'i64' ? 0n : (type === 'i32' || type.startsWith('f')) ? 0 : null;
}
// V8's trap messages -> the canonical kinds of driver.cpp.
function trapKind(e) {
  if (e instanceof RangeError && /call stack/i.test(e.message)) return 'exhausted';
  if (!(e instanceof WebAssembly.RuntimeError)) return `host-error ${e}`;
  const m = e.message;
  if (/unreachable/.test(m)) return 'trap unreachable';
  if (/memory access out of bounds|data segment/.test(m)) return 'trap memory-oob';
  if (/divide by zero|remainder by zero/.test(m)) return 'trap div-zero';
  // V8 says "float unrepresentable" for both NaN and out-of-range truncations, where the spec
  // (and wasmcap) distinguish "invalid conversion" and "integer overflow": one kind for all.
  if (/divide result unrepresentable|float unrepresentable/.test(m)) return 'trap overflow';
  if (/table index is out of bounds|table access|element segment/.test(m)) return 'trap table-oob';
  if (/null function|signature mismatch/.test(m)) return 'trap indirect';
  return `trap other: ${m}`;
}

const bytes = fs.readFileSync(process.argv[2]);
let module;
try {
  module = new WebAssembly.Module(bytes);
} catch (e) {
  console.log('module rejected');
  console.error(`${e}`);
  process.exit(0);
}
const imports = {};
for (const imp of WebAssembly.Module.imports(module)) {
  if (imp.kind !== 'function') {
    console.log(`unsupported import ${imp.module}.${imp.name}`);
    process.exit(0);
  }
  const t = imp.type;
  (imports[imp.module] ??= {})[imp.name] = (...args) => {
    out.push(`import ${imp.name} ${t.parameters.map((p, i) => fmt(p, args[i])).join(' ')}`.trimEnd());
    return t.results.length === 0 ? undefined
      : t.results.length === 1 ? zero(t.results[0]) : t.results.map(zero);
  };
}
let instance;
try {
  instance = new WebAssembly.Instance(module, imports);
} catch (e) {
  out.push(`instantiate ${trapKind(e)}`);
}
if (instance) {
  for (const exp of WebAssembly.Module.exports(module)) {
    if (exp.kind !== 'function') continue;
    const t = exp.type;
    try {
      const r = instance.exports[exp.name](...t.parameters.map(zero));
      const rs = t.results.length === 1 ? [r] : t.results.length === 0 ? [] : r;
      out.push(`export ${exp.name} -> ${t.results.map((ty, i) => fmt(ty, rs[i])).join(' ')}`.trimEnd());
    } catch (e) {
      const k = trapKind(e);
      out.push(`export ${exp.name} ${k}`);
      if (k === 'exhausted') break; // the two engines' stack depths differ: stop comparing
    }
  }
}
console.log(out.join('\n'));
