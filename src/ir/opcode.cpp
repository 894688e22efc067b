// Tables derived from opcodes.def: metadata, binary lookup arrays, and the keyword map.
#include "ir/opcode.h"

#include <array>
#include <string>
#include <unordered_map>

namespace wasmcap::ir {
namespace {

constexpr OpInfo kOps[] = {
#define WASM_OP(name, text, prefix, code, imm, sig, align)                                         \
  OpInfo{#name, text, prefix, code, Imm::imm, Sig::sig, align},
#include "ir/opcodes.def"
#undef WASM_OP
};
static_assert(sizeof(kOps) / sizeof(kOps[0]) == kOpCount);

constexpr ValType I = ValType::I32, L = ValType::I64, F = ValType::F32, D = ValType::F64,
                  X = ValType::V128;

struct SigEntry {
  std::array<ValType, 3> params;
  uint8_t nparams;
  ValType result;
  uint8_t nresults;
};

// Indexed by Sig; the order must match the enum.
constexpr SigEntry kSigs[] = {
    {{}, 0, I, 0},        // Special
    {{}, 0, I, 1},        // i_v
    {{}, 0, L, 1},        // l_v
    {{}, 0, F, 1},        // f_v
    {{}, 0, D, 1},        // d_v
    {{I}, 1, I, 1},       // i_i
    {{L}, 1, I, 1},       // i_l
    {{F}, 1, I, 1},       // i_f
    {{D}, 1, I, 1},       // i_d
    {{I}, 1, L, 1},       // l_i
    {{L}, 1, L, 1},       // l_l
    {{F}, 1, L, 1},       // l_f
    {{D}, 1, L, 1},       // l_d
    {{I}, 1, F, 1},       // f_i
    {{L}, 1, F, 1},       // f_l
    {{F}, 1, F, 1},       // f_f
    {{D}, 1, F, 1},       // f_d
    {{I}, 1, D, 1},       // d_i
    {{L}, 1, D, 1},       // d_l
    {{F}, 1, D, 1},       // d_f
    {{D}, 1, D, 1},       // d_d
    {{I, I}, 2, I, 1},    // i_ii
    {{L, L}, 2, I, 1},    // i_ll
    {{F, F}, 2, I, 1},    // i_ff
    {{D, D}, 2, I, 1},    // i_dd
    {{L, L}, 2, L, 1},    // l_ll
    {{F, F}, 2, F, 1},    // f_ff
    {{D, D}, 2, D, 1},    // d_dd
    {{}, 0, I, 0},        // v_v
    {{I, I}, 2, I, 0},    // v_ii
    {{I, L}, 2, I, 0},    // v_il
    {{I, F}, 2, I, 0},    // v_if
    {{I, D}, 2, I, 0},    // v_id
    {{I, I, I}, 3, I, 0}, // v_iii
    {{}, 0, X, 1},        // x_v
    {{I}, 1, X, 1},       // x_i
    {{L}, 1, X, 1},       // x_l
    {{F}, 1, X, 1},       // x_f
    {{D}, 1, X, 1},       // x_d
    {{X}, 1, X, 1},       // x_x
    {{X, X}, 2, X, 1},    // x_xx
    {{X, X, X}, 3, X, 1}, // x_xxx
    {{X, I}, 2, X, 1},    // x_xi
    {{X, L}, 2, X, 1},    // x_xl
    {{X, F}, 2, X, 1},    // x_xf
    {{X, D}, 2, X, 1},    // x_xd
    {{I, X}, 2, X, 1},    // x_ix
    {{X}, 1, I, 1},       // i_x
    {{X}, 1, L, 1},       // l_x
    {{X}, 1, F, 1},       // f_x
    {{X}, 1, D, 1},       // d_x
    {{I, X}, 2, I, 0},    // v_ix
};
static_assert(sizeof(kSigs) / sizeof(kSigs[0]) == static_cast<size_t>(Sig::v_ix) + 1);

// The binary decoder's tables, built at compile time: decoding needs no start-up work.
struct ByteTables {
  std::array<int16_t, 256> single{};
  std::array<int16_t, 32> fb{};
  std::array<int16_t, 32> fc{};
  std::array<int16_t, 512> fd{};
};

constexpr ByteTables make_byte_tables() {
  ByteTables t;
  t.single.fill(-1);
  t.fb.fill(-1);
  t.fc.fill(-1);
  t.fd.fill(-1);
  for (size_t i = 0; i < kOpCount; ++i) {
    const OpInfo& o = kOps[i];
    if (o.prefix == 0)
      t.single[o.code] = static_cast<int16_t>(i);
    else if (o.prefix == 0xFB)
      t.fb[o.code] = static_cast<int16_t>(i);
    else if (o.prefix == 0xFC)
      t.fc[o.code] = static_cast<int16_t>(i);
    else
      t.fd[o.code] = static_cast<int16_t>(i);
  }
  return t;
}
constexpr ByteTables kByteTables = make_byte_tables();

// The text parser's keyword map, built on its first use (only .wat/.wast input pays for it).
const std::unordered_map<std::string, Op>& text_map() {
  static const auto map = [] {
    std::unordered_map<std::string, Op> m;
    m.reserve(kOpCount);
    // SelectT shares "select" with Select; emplace keeps the first (plain) one.
    for (size_t i = 0; i < kOpCount; ++i)
      m.emplace(kOps[i].text, static_cast<Op>(i));
    return m;
  }();
  return map;
}

std::optional<Op> from_index(int16_t i) {
  if (i < 0) return std::nullopt;
  return static_cast<Op>(i);
}

} // namespace

const OpInfo& op_info(Op op) {
  return kOps[static_cast<size_t>(op)];
}

uint32_t lane_limit(Op op) {
  const OpInfo& o = op_info(op);
  switch (o.imm) {
  case Imm::Shuffle: return 32;
  case Imm::MemArgLane: return 16u >> o.natural_align;
  case Imm::Lane: {
    const std::string_view shape = std::string_view(o.text).substr(0, 5);
    if (shape == "i8x16") return 16;
    if (shape == "i16x8") return 8;
    return shape == "i64x2" || shape == "f64x2" ? 2 : 4;
  }
  default: return 0;
  }
}

SigTypes sig_types(Sig sig) {
  const SigEntry& e = kSigs[static_cast<size_t>(sig)];
  return {std::span<const ValType>(e.params.data(), e.nparams),
          std::span<const ValType>(&e.result, e.nresults)};
}

std::optional<Op> op_from_byte(uint8_t byte) {
  return from_index(kByteTables.single[byte]);
}

std::optional<Op> op_from_prefixed(uint8_t prefix, uint32_t code) {
  const ByteTables& l = kByteTables;
  if (prefix == 0xFB) return code < l.fb.size() ? from_index(l.fb[code]) : std::nullopt;
  if (prefix == 0xFC) return code < l.fc.size() ? from_index(l.fc[code]) : std::nullopt;
  if (prefix == 0xFD) return code < l.fd.size() ? from_index(l.fd[code]) : std::nullopt;
  return std::nullopt;
}

std::optional<Op> op_from_text(std::string_view text) {
  const auto& m = text_map();
  auto it = m.find(std::string(text));
  if (it == m.end()) return std::nullopt;
  return it->second;
}

} // namespace wasmcap::ir
