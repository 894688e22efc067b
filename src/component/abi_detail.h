// Pieces the Canonical ABI's files share (abi.cpp, abi_strings.cpp, abi_layout.cpp): bounds
// checked memory ranges, trap errors, the layout of variant-like types, and strings.
#pragma once

#include <span>
#include <utility>
#include <vector>

#include "component/abi.h"
#include "support/byte_reader.h"

namespace wasmcap::component::detail {

using support::Result;

inline support::Error trap(std::string message) {
  return make_error(ErrorKind::Trap, std::move(message));
}

// memory[ptr, ptr + len), or a trap when it is not all inside the memory.
inline Result<std::span<uint8_t>> mem_range(AbiContext& cx, uint64_t ptr, uint64_t len) {
  std::span<uint8_t> m = cx.memory();
  if (ptr > m.size() || len > m.size() - ptr) {
    return trap("out of bounds memory access (" + std::to_string(len) + " bytes at " +
                std::to_string(ptr) + ", memory is " + std::to_string(m.size()) + " bytes)");
  }
  return m.subspan(static_cast<size_t>(ptr), static_cast<size_t>(len));
}

// The cases of a variant-like type (variant, option, result, enum) as optional payload types,
// read from the type in place: lifting and lowering ask for them for every value, so no list is
// built.
class CaseView {
public:
  explicit CaseView(const Type& t) : t_(&t) {}
  size_t size() const {
    switch (t_->kind) {
    case Type::Kind::Variant: return t_->fields.size();
    case Type::Kind::Option:
    case Type::Kind::Result: return 2;
    case Type::Kind::Enum: return t_->labels.size();
    default: return 0;
    }
  }
  const Type* operator[](size_t i) const {
    switch (t_->kind) {
    case Type::Kind::Variant: return t_->fields[i].second.get();
    case Type::Kind::Option: return i == 0 ? nullptr : t_->types[0].get();
    case Type::Kind::Result: return i == 0 ? t_->ok.get() : t_->err.get();
    default: return nullptr;
    }
  }

private:
  const Type* t_;
};

inline CaseView abi_cases(const Type& t) {
  return CaseView(t);
}
uint32_t abi_discriminant_size(size_t cases);
uint32_t abi_payload_offset(const Type& t);
uint32_t abi_align_to(uint32_t x, uint32_t a);
uint32_t abi_flags_size(size_t n);

Result<Val> load_string_range(AbiContext& cx, uint32_t ptr, uint32_t tagged_units);
// Stores a string into newly realloc'd memory: (pointer, tagged code units).
Result<std::pair<uint32_t, uint32_t>> store_string_range(AbiContext& cx, const Val& v);

} // namespace wasmcap::component::detail
