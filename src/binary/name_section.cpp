// The `name` custom section (module, function and local names). It is advisory: any defect
// makes us drop the whole section instead of failing the module, as the spec prescribes.
#include "binary/sections.h"

namespace wasmcap::binary::detail {

using support::ByteReader;
using support::Status;

namespace {

Status read_name_map(ByteReader& r, std::map<uint32_t, std::string>& out) {
  WASMCAP_ASSIGN(uint32_t n, r.read_count());
  for (uint32_t i = 0; i < n; ++i) {
    WASMCAP_ASSIGN(uint32_t index, r.read_u32());
    WASMCAP_ASSIGN(std::string name, r.read_name());
    out[index] = std::move(name);
  }
  return support::ok();
}

Status read_names(ByteReader& r, ir::Names& names) {
  while (!r.at_end()) {
    WASMCAP_ASSIGN(uint8_t id, r.read_u8());
    WASMCAP_ASSIGN(uint32_t size, r.read_u32());
    const uint64_t at = r.offset();
    WASMCAP_ASSIGN(auto payload, r.read_bytes(size));
    ByteReader sub(payload, at);
    switch (id) {
    case 0: {
      WASMCAP_ASSIGN(std::string name, sub.read_name());
      names.module = std::move(name);
      break;
    }
    case 1: WASMCAP_TRY(read_name_map(sub, names.functions)); break;
    case 2: {
      WASMCAP_ASSIGN(uint32_t n, sub.read_count());
      for (uint32_t i = 0; i < n; ++i) {
        WASMCAP_ASSIGN(uint32_t func, sub.read_u32());
        WASMCAP_TRY(read_name_map(sub, names.locals[func]));
      }
      break;
    }
    default: continue; // other subsections (labels, types, ...) are skipped whole
    }
    if (!sub.at_end()) return sub.error("section size mismatch");
  }
  return support::ok();
}

} // namespace

void read_name_section(ByteReader r, ir::Names& names) {
  ir::Names parsed;
  if (read_names(r, parsed)) names = std::move(parsed);
}

} // namespace wasmcap::binary::detail
