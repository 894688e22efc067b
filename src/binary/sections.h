// One reader per binary section. Each gets a ByteReader positioned at the section's payload
// and fills its part of the module; decoder.cpp drives them, checks order and payload sizes.
//
// Like the spec's reference decoder, readers are *not* confined to their section: they read
// on, to the end of the module, and decoder.cpp checks afterwards that exactly the declared
// size was used ("section size mismatch"). That gives the same first error, with the same
// wording, as the spec tests expect for inconsistent counts and sizes.
#pragma once

#include <cstdint>
#include <optional>

#include "ir/module.h"
#include "support/byte_reader.h"
#include "support/result.h"

namespace wasmcap::binary::detail {

// Facts gathered while decoding that later sections or final checks need.
struct DecodeState {
  explicit DecodeState(ir::Module& m) : module(m) {}
  ir::Module& module;
  bool has_function_section = false;
  uint32_t function_count = 0; // entries of the function section
  bool has_data_section = false;
  bool code_uses_data_idx = false; // some body has memory.init or data.drop
  bool trust_bodies = false;       // DecodeOptions::trust_bodies: bodies are not scanned
  bool exceptions = true;          // DecodeOptions::exceptions
  bool memory64 = true;            // DecodeOptions::memory64
  bool shared_memory = true;       // DecodeOptions::shared_memory
  // Bodies of the code section, matched with the function section once all sections are read
  // (the count check comes last, as in the reference decoder).
  std::vector<ir::Function> bodies;
  // Module offset of each body's code entry (its local declarations), which branch hint
  // offsets count from.
  std::vector<uint64_t> entry_offsets;
  // The `metadata.code.branch_hint` section's payload (after its name), read after the others.
  std::optional<ir::CodeRange> branch_hint_section;
  bool duplicate_branch_hint_section = false;
  // Whole-module function index of the body being decoded (for error locations).
  int32_t current_function = -1;
};

support::Status read_type_section(support::ByteReader& r, DecodeState& s);
support::Status read_import_section(support::ByteReader& r, DecodeState& s);
support::Status read_function_section(support::ByteReader& r, DecodeState& s);
support::Status read_table_section(support::ByteReader& r, DecodeState& s);
support::Status read_memory_section(support::ByteReader& r, DecodeState& s);
support::Status read_global_section(support::ByteReader& r, DecodeState& s);
support::Status read_export_section(support::ByteReader& r, DecodeState& s);
support::Status read_tag_section(support::ByteReader& r, DecodeState& s);
support::Status read_start_section(support::ByteReader& r, DecodeState& s);
support::Status read_element_section(support::ByteReader& r, DecodeState& s);
support::Status read_data_count_section(support::ByteReader& r, DecodeState& s);
support::Status read_code_section(support::ByteReader& r, DecodeState& s);
support::Status read_data_section(support::ByteReader& r, DecodeState& s);

// The `name` custom section. Never fails the module: a malformed section leaves names empty.
void read_name_section(support::ByteReader r, ir::Names& names);

// The `metadata.code.branch_hint` section (noted in DecodeState while the sections were read),
// once the bodies are matched with their functions: fills ir::Function::branch_hints. Never
// fails the module: a section that breaks the rules sets ir::Module::branch_hint_problem and no
// function keeps any hint.
void read_branch_hints(DecodeState& s);

} // namespace wasmcap::binary::detail
