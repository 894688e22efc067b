// decode_module: the WebAssembly 2.0 binary format -> ir::Module. Checks everything the binary
// format itself requires (malformed input); typing rules are validate/'s job.
#pragma once

#include <cstdint>
#include <span>

#include "ir/module.h"
#include "support/result.h"

namespace wasmcap::binary {

// Decodes a whole module. The result owns a copy of `bytes`; every CodeRange/ConstExpr points
// into it. Errors are ErrorKind::Malformed with the spec tests' wording and carry the byte
// offset, the section name and, inside the code section, the function index. Function bodies
// are fully decoded (so malformed instructions are reported here), but not typed.
support::Result<ir::Module> decode_module(std::span<const uint8_t> bytes);

struct DecodeOptions {
  // Skip the instructions of function bodies (each body's locals are still read and its extent
  // taken from its size): only for bytes known to have been decoded before, such as the checked
  // copy inside a .cwasm file (src/llvm/aot.cpp). Saves most of the decoding time of big modules.
  bool trust_bodies = false;
  // Exception handling (WebAssembly 3.0). Off, the tag section, tag imports and exports and the
  // exception opcodes of constant expressions are malformed here, as 2.0's decoder said (the
  // validator reports the rest: validate::Features::exceptions).
  bool exceptions = true;
  // 64-bit memories and tables (memory64, WebAssembly 3.0). Off, the limit flags of an i64
  // address type are malformed, as 2.0 said (memarg offsets past 2^32: the validator,
  // validate::Features::memory64).
  bool memory64 = true;
  // Shared memories (the threads proposal): a memory's limits flag bit 1, read into
  // MemoryType::shared, so a shared memory is typed and matched (components match shared
  // memory imports) and refused only when created, by name. Off, that bit is "integer too
  // large", as the 2.0 and 3.0 suites word it (threads is no part of either).
  bool shared_memory = true;
};
support::Result<ir::Module> decode_module(std::span<const uint8_t> bytes,
                                          const DecodeOptions& options);

} // namespace wasmcap::binary
