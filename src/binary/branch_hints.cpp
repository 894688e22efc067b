// The `metadata.code.branch_hint` custom section (branch hinting, WebAssembly 3.0's custom
// annotations): per defined function, by increasing index, the `if` and `br_if` instructions
// whose branch is likely or unlikely taken, by increasing byte offset from the start of the
// function's code entry. Hints never change what a module does, so a section that breaks these
// rules is dropped as a whole and the module loads without hints (ir::Module::branch_hint_problem
// says why, for `wasmcap inspect`); the text format's checks (text/instr_parser.cpp) are where
// the spec tests expect malformed and invalid hints to be refused.
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "binary/code_reader.h"
#include "binary/sections.h"

namespace wasmcap::binary::detail {
namespace {

using support::ByteReader;
using support::ErrorKind;
using support::make_error;
using support::Status;

// Every hint must sit on an `if` or `br_if` opcode of the body, not inside an immediate nor in
// the local declarations: walk the body's instructions and match them with the sorted hints.
Status check_targets(const ir::Module& m, const ir::Function& fn, bool memory64) {
  const std::vector<ir::BranchHint>& hints = fn.branch_hints;
  ByteReader code(std::span(m.bytes).subspan(fn.body.offset, fn.body.size), fn.body.offset);
  InstrScratch scratch;
  scratch.u32_offsets = !memory64;
  ir::Instr instr;
  size_t k = 0;
  while (k < hints.size() && !code.at_end()) {
    WASMCAP_TRY(read_instruction(code, instr, scratch, false));
    if (instr.offset < hints[k].at) continue;
    if (instr.offset > hints[k].at || (instr.op != ir::Op::If && instr.op != ir::Op::BrIf)) {
      return make_error(ErrorKind::Invalid, "branch hint: invalid target", hints[k].at);
    }
    ++k;
  }
  if (k < hints.size())
    return make_error(ErrorKind::Invalid, "branch hint: invalid target", hints[k].at);
  return support::ok();
}

Status read_hints(DecodeState& s) {
  ir::Module& m = s.module;
  if (s.duplicate_branch_hint_section)
    return make_error(ErrorKind::Malformed, "branch hint: duplicate section",
                      s.branch_hint_section->offset);
  const ir::CodeRange range = *s.branch_hint_section;
  ByteReader r(std::span(m.bytes).subspan(range.offset, range.size), range.offset);
  WASMCAP_ASSIGN(uint32_t funcs, r.read_u32());
  int64_t last_func = -1;
  for (uint32_t i = 0; i < funcs; ++i) {
    const uint64_t func_at = r.offset();
    WASMCAP_ASSIGN(uint32_t func, r.read_u32());
    if (static_cast<int64_t>(func) <= last_func)
      return make_error(ErrorKind::Malformed, "branch hint: functions out of order", func_at);
    last_func = func;
    if (func < m.num_imported_funcs || func - m.num_imported_funcs >= m.functions.size())
      return make_error(ErrorKind::Invalid, "branch hint: unknown function", func_at);
    const uint32_t defined = func - m.num_imported_funcs;
    const uint64_t entry = s.entry_offsets[defined];
    ir::Function& fn = m.functions[defined];
    WASMCAP_ASSIGN(uint32_t count, r.read_u32());
    // Each hint takes at least 3 bytes: refuse a count the section cannot hold before reserving.
    if (count > r.remaining() / 3)
      return make_error(ErrorKind::Malformed, "branch hint: unexpected end", r.offset());
    fn.branch_hints.reserve(count);
    for (uint32_t j = 0; j < count; ++j) {
      const uint64_t hint_at = r.offset();
      WASMCAP_ASSIGN(uint32_t offset, r.read_u32());
      WASMCAP_ASSIGN(uint32_t size, r.read_u32());
      if (size != 1)
        return make_error(ErrorKind::Malformed, "branch hint: size must be 1", hint_at);
      WASMCAP_ASSIGN(uint8_t value, r.read_u8());
      if (value > 1)
        return make_error(ErrorKind::Malformed, "branch hint: value must be 0 or 1", hint_at);
      if (!fn.branch_hints.empty() && entry + offset <= fn.branch_hints.back().at)
        return make_error(ErrorKind::Malformed, "branch hint: offsets out of order", hint_at);
      fn.branch_hints.push_back({entry + offset, value == 1});
    }
    WASMCAP_TRY(check_targets(m, fn, s.memory64));
  }
  if (!r.at_end())
    return make_error(ErrorKind::Malformed, "branch hint: section size mismatch", r.offset());
  return support::ok();
}

} // namespace

void read_branch_hints(DecodeState& s) {
  if (!s.branch_hint_section) return;
  Status st = read_hints(s);
  if (st) return;
  for (ir::Function& fn : s.module.functions)
    fn.branch_hints.clear();
  s.module.branch_hint_problem = st.error().to_string();
}

} // namespace wasmcap::binary::detail
