// Reader for the code section: per body, the local declarations and the instructions, decoded
// fully (so malformed code is reported at decode time, as the spec requires) but not typed.
#include "binary/code_reader.h"
#include "binary/decode_helpers.h"
#include "binary/sections.h"

namespace wasmcap::binary::detail {

using support::ByteReader;
using support::ErrorKind;
using support::make_error;
using support::Status;

namespace {

// The spec allows up to 2^32-1 locals; we also refuse more than this many, the limit other
// engines use, because Function::locals is expanded (one entry per local).
constexpr uint64_t kMaxLocals = 50000;

// Checks the block structure CodeReader does not (an `else` must close an `if`'s then-arm),
// notes uses of data segment indices, which require a data count section, and counts the
// body's legacy `try` blocks (ir::Function::legacy_tries).
class BodyScanner {
public:
  BodyScanner(DecodeState& state, ir::Function& fn) : state_(state), fn_(fn) {}

  Status operator()(const ir::Instr& instr) {
    switch (instr.op) {
    case ir::Op::Try: ++fn_.legacy_tries; [[fallthrough]];
    case ir::Op::TryTable:
    case ir::Op::Block:
    case ir::Op::Loop: open_.push_back(Frame::Block); break;
    case ir::Op::If: open_.push_back(Frame::If); break;
    case ir::Op::Else:
      if (open_.empty() || open_.back() != Frame::If)
        return make_error(ErrorKind::Malformed, "END opcode expected", instr.offset);
      open_.back() = Frame::Else;
      break;
    case ir::Op::End:
    case ir::Op::Delegate: // ends its try as `end` would
      if (!open_.empty()) open_.pop_back();
      break;
    case ir::Op::MemoryInit:
    case ir::Op::DataDrop:
    case ir::Op::ArrayNewData:
    case ir::Op::ArrayInitData: state_.code_uses_data_idx = true; break;
    default: break;
    }
    return support::ok();
  }

private:
  enum class Frame : uint8_t { Block, If, Else };
  DecodeState& state_;
  ir::Function& fn_;
  std::vector<Frame> open_;
};

Status read_locals(ByteReader& r, std::vector<ir::ValType>& locals) {
  const uint64_t at = r.offset();
  WASMCAP_ASSIGN(uint32_t groups, read_vec_count(r));
  std::vector<std::pair<uint32_t, ir::ValType>> decls;
  uint64_t total = 0;
  for (uint32_t i = 0; i < groups; ++i) {
    WASMCAP_ASSIGN(uint32_t count, r.read_u32());
    WASMCAP_ASSIGN(ir::ValType type, read_valtype(r));
    decls.emplace_back(count, type);
    total += count;
  }
  if (total > kMaxLocals) return make_error(ErrorKind::Malformed, "too many locals", at);
  locals.reserve(total);
  for (const auto& [count, type] : decls)
    locals.insert(locals.end(), count, type);
  return support::ok();
}

// The body is read past its declared size if need be (see sections.h), then the size checked.
Status read_body(ByteReader& r, DecodeState& s, ir::Function& fn) {
  WASMCAP_ASSIGN(uint32_t size, r.read_u32());
  const size_t start = r.position();
  s.entry_offsets.push_back(r.offset());
  WASMCAP_TRY(read_locals(r, fn.locals));
  const uint64_t code_offset = r.offset();
  if (s.trust_bodies) { // known well-formed: the body is the rest of its declared size
    const size_t used = r.position() - start;
    if (used > size) return make_error(ErrorKind::Malformed, "section size mismatch", r.offset());
    WASMCAP_TRY(r.skip(size - used));
    fn.body = ir::CodeRange{code_offset, static_cast<uint32_t>(size - used)};
    return support::ok();
  }
  BodyScanner scanner(s, fn);
  CodeReader<BodyScanner> code(r.rest(), code_offset, scanner);
  code.set_u32_offsets(!s.memory64);
  WASMCAP_TRY(code.read_expression());
  WASMCAP_TRY(r.skip(code.position()));
  if (r.position() - start != size)
    return make_error(ErrorKind::Malformed, "section size mismatch", r.offset());
  fn.body = ir::CodeRange{code_offset, static_cast<uint32_t>(code.position())};
  return support::ok();
}

} // namespace

Status read_code_section(ByteReader& r, DecodeState& s) {
  WASMCAP_ASSIGN(uint32_t n, read_vec_count(r));
  for (uint32_t i = 0; i < n; ++i) {
    s.current_function = static_cast<int32_t>(s.module.num_imported_funcs + i);
    WASMCAP_TRY(read_body(r, s, s.bodies.emplace_back()));
  }
  s.current_function = -1;
  return support::ok();
}

} // namespace wasmcap::binary::detail
