// `jco embed` for component_guest() (cmake/components.cmake): embeds a world's component type
// into a core module. Usage: node jco_embed.mjs WIT_DIR WORLD IN.wasm OUT.wasm
//
// Why not the CLI's `jco embed --wit DIR -n WORLD`: in jco 1.35.0 it cannot read the WIT folder.
// jco runs wasm-tools as a component on its preview2-shim, whose Node filesystem (0.26) starts
// with no preopened directory, and the CLI adds none, so every path fails with "No such file or
// directory"; `-n` is also dropped (the embed options call it `world`). This script calls the same
// embed function with the WIT folder preopened (only that folder, at its own path) and the world
// given. The WIT folder must hold real files: the shim does not follow symbolic links in deps/.
import { createRequire } from "node:module";
import { readFile, writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const [witArg, world, input, output] = process.argv.slice(2);
if (!output) {
  console.error("usage: node jco_embed.mjs WIT_DIR WORLD IN.wasm OUT.wasm");
  process.exit(2);
}
const witDir = resolve(witArg);

// The shim instance jco's wasm-tools imports: resolved from jco-transpile, not from here.
const require = createRequire(import.meta.url);
const wasmTools = require.resolve("@bytecodealliance/jco-transpile/wasm-tools");
const shim = createRequire(wasmTools).resolve("@bytecodealliance/preview2-shim/filesystem");
const { _addPreopen } = await import(pathToFileURL(shim).href);
const { componentEmbed } = await import(pathToFileURL(wasmTools).href);

_addPreopen(witDir, witDir);
try {
  const bytes = await componentEmbed({ binary: await readFile(input), witPath: witDir, world });
  await writeFile(output, bytes);
} catch (e) {
  console.error(`jco_embed: ${input} with world ${world} from ${witDir}: ${e.message ?? e}`);
  process.exit(1);
}
