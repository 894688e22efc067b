// decode_module: the preamble, the section loop (ids, order, sizes), the checks that span
// sections, and the whole-module index spaces. Section contents are read in *_sections.cpp.
#include "binary/decoder.h"

#include <cstring>
#include <string>

#include "binary/sections.h"

namespace wasmcap::binary {

using support::ByteReader;
using support::ErrorKind;
using support::make_error;
using support::Result;
using support::Status;

namespace {

enum SectionId : uint8_t {
  kCustom = 0,
  kType = 1,
  kImport = 2,
  kFunction = 3,
  kTable = 4,
  kMemory = 5,
  kGlobal = 6,
  kExport = 7,
  kStart = 8,
  kElement = 9,
  kCode = 10,
  kData = 11,
  kDataCount = 12,
  kTag = 13, // exception handling (WebAssembly 3.0)
};

const char* section_name(uint8_t id) {
  static const char* const kNames[] = {"custom", "type",   "import",     "function", "table",
                                       "memory", "global", "export",     "start",    "element",
                                       "code",   "data",   "data count", "tag"};
  return id <= kTag ? kNames[id] : "unknown";
}

// Position of a non-custom section in the required order (data count sits before code, the tag
// section between memory and global).
int section_rank(uint8_t id) {
  switch (id) {
  case kTag: return 2 * kMemory + 1;
  case kDataCount: return 2 * kElement + 1;
  case kCode: return 2 * kElement + 2;
  case kData: return 2 * kElement + 3;
  default: return 2 * id;
  }
}

Status read_section_payload(uint8_t id, ByteReader& r, detail::DecodeState& s) {
  switch (id) {
  case kType: return detail::read_type_section(r, s);
  case kImport: return detail::read_import_section(r, s);
  case kFunction: return detail::read_function_section(r, s);
  case kTable: return detail::read_table_section(r, s);
  case kMemory: return detail::read_memory_section(r, s);
  case kGlobal: return detail::read_global_section(r, s);
  case kExport: return detail::read_export_section(r, s);
  case kStart: return detail::read_start_section(r, s);
  case kElement: return detail::read_element_section(r, s);
  case kCode: return detail::read_code_section(r, s);
  case kData: return detail::read_data_section(r, s);
  case kDataCount: return detail::read_data_count_section(r, s);
  case kTag: return detail::read_tag_section(r, s);
  default: return support::ok();
  }
}

Status read_custom_section(ByteReader& r, detail::DecodeState& s) {
  ir::Module& m = s.module;
  WASMCAP_ASSIGN(std::string name, r.read_name());
  ir::CustomSection c{std::move(name), r.offset(), static_cast<uint32_t>(r.remaining())};
  if (c.name == "name") detail::read_name_section(ByteReader(r.rest(), r.offset()), m.names);
  if (c.name == "metadata.code.branch_hint") {
    s.duplicate_branch_hint_section |= s.branch_hint_section.has_value();
    s.branch_hint_section = ir::CodeRange{c.offset, c.size};
  }
  WASMCAP_TRY(r.skip(r.remaining()));
  m.customs.push_back(std::move(c));
  return support::ok();
}

void count_imports(ir::Module& m) {
  for (const ir::Import& imp : m.imports) {
    switch (imp.kind) {
    case ir::ExternKind::Func: ++m.num_imported_funcs; break;
    case ir::ExternKind::Table: ++m.num_imported_tables; break;
    case ir::ExternKind::Memory: ++m.num_imported_memories; break;
    case ir::ExternKind::Global: ++m.num_imported_globals; break;
    case ir::ExternKind::Tag: ++m.num_imported_tags; break;
    }
  }
}

void fill_index_spaces(ir::Module& m) {
  for (const ir::Import& imp : m.imports) {
    switch (imp.kind) {
    case ir::ExternKind::Func: m.func_type_indices.push_back(imp.func_type); break;
    case ir::ExternKind::Table: m.all_tables.push_back(imp.table); break;
    case ir::ExternKind::Memory: m.all_memories.push_back(imp.memory); break;
    case ir::ExternKind::Global: m.all_globals.push_back(imp.global); break;
    case ir::ExternKind::Tag: m.all_tags.push_back(imp.tag_type); break;
    }
  }
  for (const ir::Function& f : m.functions)
    m.func_type_indices.push_back(f.type_index);
  m.all_tables.insert(m.all_tables.end(), m.tables.begin(), m.tables.end());
  m.all_memories.insert(m.all_memories.end(), m.memories.begin(), m.memories.end());
  for (const ir::Global& g : m.globals)
    m.all_globals.push_back(g.type);
  m.all_tags.insert(m.all_tags.end(), m.tags.begin(), m.tags.end());
}

// "00 61 73 6e": bytes as a person compares them with a hex dump.
std::string hex_bytes(std::span<const uint8_t> bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (const uint8_t b : bytes) {
    if (!out.empty()) out += ' ';
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

Status read_preamble(ByteReader& r) {
  static constexpr uint8_t kMagic[] = {0x00, 0x61, 0x73, 0x6D};
  static constexpr uint8_t kVersion[] = {0x01, 0x00, 0x00, 0x00};
  const size_t size = r.remaining();
  const auto short_header = [size] {
    return make_error(ErrorKind::Malformed,
                      "unexpected end: the module is " + std::to_string(size) +
                          " bytes, shorter than the 8-byte header (magic and version)",
                      size);
  };
  if (size < 4) return short_header();
  WASMCAP_ASSIGN(auto magic, r.read_bytes(4));
  if (std::memcmp(magic.data(), kMagic, 4) != 0) {
    return make_error(ErrorKind::Malformed,
                      "magic header not detected: expected 00 61 73 6d (\"\\0asm\"), found " +
                          hex_bytes(magic),
                      0);
  }
  if (size < 8) return short_header();
  WASMCAP_ASSIGN(auto version, r.read_bytes(4));
  if (std::memcmp(version.data(), kVersion, 4) != 0) {
    return make_error(
        ErrorKind::Malformed,
        "unknown binary version: expected 01 00 00 00 (version 1), found " + hex_bytes(version), 4);
  }
  return support::ok();
}

// Adds the section (and function) to an error, and uses the spec's wording for running out of
// a section's bytes.
support::Error in_section(support::Error e, uint8_t id, const detail::DecodeState& s) {
  if (e.message == "unexpected end") e.message = "unexpected end of section or function";
  if (e.where.section.empty()) e.where.section = section_name(id);
  if (e.where.function < 0) e.where.function = s.current_function;
  return e;
}

// Checks between sections, made after all of them are read.
Status check_section_agreement(uint64_t end, detail::DecodeState& s) {
  ir::Module& m = s.module;
  if (s.bodies.size() != s.function_count) {
    return make_error(ErrorKind::Malformed, "function and code section have inconsistent lengths",
                      end);
  }
  for (size_t i = 0; i < s.bodies.size(); ++i) {
    s.bodies[i].type_index = m.functions[i].type_index;
    m.functions[i] = std::move(s.bodies[i]);
  }
  if (m.data_count && *m.data_count != m.datas.size()) {
    return make_error(ErrorKind::Malformed, "data count and data section have inconsistent lengths",
                      end);
  }
  // memory.init and data.drop need the data count section. Without a data section as well we
  // let validation report the (then certainly unknown) data segment instead: the spec tests
  // expect that for text modules, which wast2json turns into binaries without a data count.
  if (s.code_uses_data_idx && !m.data_count && s.has_data_section)
    return make_error(ErrorKind::Malformed, "data count section required", end);
  return support::ok();
}

Status read_sections(ByteReader& r, detail::DecodeState& s) {
  ir::Module& m = s.module;
  int last_rank = 0;
  while (!r.at_end()) {
    const uint64_t id_at = r.offset();
    WASMCAP_ASSIGN(uint8_t id, r.read_u8());
    if (id > kTag || (id == kTag && !s.exceptions))
      return make_error(ErrorKind::Malformed, "malformed section id", id_at);
    if (id != kCustom) {
      if (section_rank(id) <= last_rank) {
        return make_error(ErrorKind::Malformed, "unexpected content after last section", id_at);
      }
      last_rank = section_rank(id);
    }
    WASMCAP_ASSIGN(uint32_t size, r.read_u32());
    const uint64_t payload_at = r.offset();
    if (size > r.remaining()) {
      return make_error(ErrorKind::Malformed,
                        std::string("length out of bounds: the ") + section_name(id) +
                            " section's size is " + std::to_string(size) + " bytes, but only " +
                            std::to_string(r.remaining()) + " remain in the module",
                        payload_at);
    }
    // Custom sections are opaque and stay confined; the others may read on (see sections.h).
    ByteReader payload(id == kCustom ? r.rest().subspan(0, size) : r.rest(), payload_at);
    Status st =
        id == kCustom ? read_custom_section(payload, s) : read_section_payload(id, payload, s);
    if (!st) return in_section(std::move(st).error(), id, s);
    if (payload.position() != size) {
      return in_section(make_error(ErrorKind::Malformed, "section size mismatch", payload.offset()),
                        id, s);
    }
    WASMCAP_TRY(r.skip(size));
    if (id == kImport) count_imports(m);
  }
  return check_section_agreement(r.offset(), s);
}

} // namespace

Result<ir::Module> decode_module(std::span<const uint8_t> bytes) {
  return decode_module(bytes, DecodeOptions{});
}

Result<ir::Module> decode_module(std::span<const uint8_t> bytes, const DecodeOptions& options) {
  ir::Module m;
  m.bytes.assign(bytes.begin(), bytes.end());
  ByteReader r(m.bytes);
  WASMCAP_TRY(read_preamble(r));
  detail::DecodeState state(m);
  state.trust_bodies = options.trust_bodies;
  state.exceptions = options.exceptions;
  state.memory64 = options.memory64;
  state.shared_memory = options.shared_memory;
  WASMCAP_TRY(read_sections(r, state));
  detail::read_branch_hints(state);
  fill_index_spaces(m);
  return m;
}

} // namespace wasmcap::binary
