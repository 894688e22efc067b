// Table operations with the spec's bounds rules (checks happen before any write).
#include "runtime/table.h"

#include <algorithm>
#include <cstring>

namespace wasmcap::runtime {

Table::Table(const ir::TableType& type, void* init, uint32_t host_max_elems)
    : declared_(type), max_elems_(static_cast<uint32_t>(std::min<uint64_t>(
                           type.limits.max.value_or(UINT32_MAX), host_max_elems))),
      elems_(static_cast<size_t>(type.limits.min), init) {}

ir::TableType Table::type() const {
  ir::TableType t = declared_;
  t.limits.min = elems_.size();
  return t;
}

int64_t Table::grow(uint32_t delta, void* init) {
  uint64_t old_size = elems_.size();
  if (old_size + delta > max_elems_) return -1;
  elems_.resize(static_cast<size_t>(old_size + delta), init);
  return static_cast<int64_t>(old_size);
}

bool Table::fill(uint32_t start, uint32_t n, void* ref) {
  if (uint64_t{start} + n > elems_.size()) return false;
  std::fill_n(elems_.begin() + start, n, ref);
  return true;
}

bool Table::copy(Table& dst, uint32_t d, const Table& src, uint32_t s, uint32_t n) {
  if (uint64_t{s} + n > src.elems_.size() || uint64_t{d} + n > dst.elems_.size()) return false;
  if (n == 0) return true;
  // memmove semantics: correct for overlapping ranges of the same table.
  std::memmove(dst.elems_.data() + d, src.elems_.data() + s, n * sizeof(void*));
  return true;
}

bool Table::init(uint32_t d, std::span<void* const> refs, uint32_t s, uint32_t n) {
  if (uint64_t{s} + n > refs.size() || uint64_t{d} + n > elems_.size()) return false;
  std::copy_n(refs.begin() + s, n, elems_.begin() + d);
  return true;
}

} // namespace wasmcap::runtime
