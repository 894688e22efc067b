// Instruction sequences: flat (`i32.const 1 i32.const 2 i32.add`) and folded (`(i32.add (...)
// (...))`) forms, encoded to binary code. Immediates are driven by ir::op_info(op).imm, so adding
// an opcode to opcodes.def is enough for the text format to accept it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "ir/opcode.h"
#include "support/byte_writer.h"
#include "support/result.h"
#include "text/module_builder.h"
#include "text/sexpr.h"

namespace wasmcap::text {

// Parses a type use starting at items[pos] (advancing pos past it): `(type x)? (param ...)*
// (result ...)*`. `allow_param_ids` is false where params cannot be named (block types).
support::Result<TypeUse> parse_type_use(const ModuleBuilder& m, const std::vector<Sexpr>& items,
                                        size_t& pos, bool allow_param_ids);

// Parses `i32`, `funcref`, ... at an atom.
// A value type; `types` resolves `(ref $t)` (a numeric index alone when null).
support::Result<ir::ValType> parse_valtype(const Sexpr& s, const IndexSpace* types = nullptr);
// A heap type (`func`, `any`, `$t`, `3`, ...) as the reference type to it.
support::Result<ir::ValType> parse_heaptype(const Sexpr& s, bool nullable,
                                            const IndexSpace* types = nullptr);
// The binary encoding of a value type: a shorthand byte, or 0x63/0x64 and the heap type (s33).
void write_valtype(support::ByteWriter& w, ir::ValType t);

class InstrParser {
public:
  // `locals` maps local $names to indices; may be null (constant expressions).
  InstrParser(ModuleBuilder& m, const std::unordered_map<std::string_view, uint32_t>* locals)
      : m_(m), locals_(locals) {}

  // Encodes the instructions items[from..] (without a final `end`) into out().
  support::Status parse_seq(const std::vector<Sexpr>& items, size_t from);
  // Encodes one folded instruction (an offset or element expression abbreviation).
  support::Status parse_one(const Sexpr& list);
  support::ByteWriter& out() { return out_; }
  // The named labels, by label index (every block/loop/if in order), for the name section.
  const std::vector<std::pair<uint32_t, std::string>>& label_names() const { return label_names_; }
  // The body's `(@metadata.code.branch_hint ...)` hints: (offset in out() of the `if` or `br_if`
  // opcode, 0 unlikely or 1 likely), in increasing offset order.
  const std::vector<std::pair<uint32_t, uint8_t>>& branch_hints() const { return hints_; }

private:
  support::Status parse_folded(const Sexpr& list, size_t depth);
  support::Status parse_seq_at(const std::vector<Sexpr>& items, size_t from, size_t depth);
  // Immediates of `op` starting at items[pos]; writes opcode + immediates to `w`.
  support::Status parse_ref_cast(const Token& kw, ir::Op op, const std::vector<Sexpr>& items,
                                 size_t& pos, support::ByteWriter& w);
  support::Status parse_br_on_cast(const Token& kw, ir::Op op, const std::vector<Sexpr>& items,
                                   size_t& pos, support::ByteWriter& w);
  support::Status parse_plain(const Sexpr& keyword, const std::vector<Sexpr>& items, size_t& pos,
                              support::ByteWriter& w);
  support::Status parse_block_type(const std::vector<Sexpr>& items, size_t& pos,
                                   support::ByteWriter& w);
  support::Status parse_try_table_head(const std::vector<Sexpr>& items, size_t& pos,
                                       support::ByteWriter& w);
  // Legacy exception handling, folded: `(try $l? bt (do ...) (catch x ...)* (catch_all ...)?)`
  // or `(try $l? bt (do ...) (delegate l))`.
  support::Status parse_folded_try(const std::vector<Sexpr>& items, size_t pos, size_t depth,
                                   const Token& where);
  support::Result<uint32_t> label_depth(const Sexpr& s) const;
  support::Result<uint32_t> local_index(const Sexpr& s) const;
  // The second index of a GC instruction (a field of `type`, a count, a data or element segment,
  // a second type), by what `imm` says it is.
  support::Result<uint32_t> second_gc_index(ir::Imm imm, uint32_t type,
                                            const std::vector<Sexpr>& items, size_t& pos,
                                            const Token& kw);
  support::Result<uint32_t> optional_memory(const std::vector<Sexpr>& items, size_t& pos,
                                            bool lane_follows) const;
  // A hint annotation: pending until the next instruction takes it.
  support::Status note_hint(const Sexpr& annotation);
  // At instruction `kw`: the pending hint, if any, which only an `if` or `br_if` may take.
  support::Result<std::optional<uint8_t>> take_hint(std::string_view kw);
  // Fails if a hint is still pending where no instruction follows it.
  support::Status no_pending_hint() const;
  const Token* take_label(const std::vector<Sexpr>& items, size_t& pos);
  void push_label(const Token* label);

  ModuleBuilder& m_;
  const std::unordered_map<std::string_view, uint32_t>* locals_;
  std::vector<std::string_view> labels_; // innermost last; "" for an unnamed block
  uint32_t block_count_ = 0;
  std::vector<std::pair<uint32_t, std::string>> label_names_;
  support::ByteWriter out_;
  std::optional<uint8_t> pending_hint_;
  const Token* pending_hint_at_ = nullptr;
  std::vector<std::pair<uint32_t, uint8_t>> hints_;
};

} // namespace wasmcap::text
