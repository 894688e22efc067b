// Table: a table instance of references (funcref = FuncInstance*, externref = host pointer;
// nullptr is null). Operations follow the spec's bounds rules and report failure, never crash.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "ir/types.h"

namespace wasmcap::runtime {

class Table {
public:
  Table(const ir::TableType& type, void* init, uint32_t host_max_elems);

  ir::TableType type() const; // min = current size
  ir::ValType elem_type() const { return declared_.elem; }
  uint32_t size() const { return static_cast<uint32_t>(elems_.size()); }

  // Returns false when out of bounds (the caller traps "out of bounds table access").
  bool get(uint32_t i, void*& out) const {
    if (i >= elems_.size()) return false;
    out = elems_[i];
    return true;
  }
  bool set(uint32_t i, void* ref) {
    if (i >= elems_.size()) return false;
    elems_[i] = ref;
    return true;
  }
  // Old size, or -1 when the maximum or host limit forbids it.
  int64_t grow(uint32_t delta, void* init);
  bool fill(uint32_t start, uint32_t n, void* ref);
  // table.copy within or across tables (overlap-safe).
  static bool copy(Table& dst, uint32_t d, const Table& src, uint32_t s, uint32_t n);
  // table.init / active element segments: copies refs[s, s+n) to [d, d+n).
  bool init(uint32_t d, std::span<void* const> refs, uint32_t s, uint32_t n);

  void** data() { return elems_.data(); }

private:
  ir::TableType declared_;
  uint32_t max_elems_; // min(declared max, host limit)
  std::vector<void*> elems_;
};

} // namespace wasmcap::runtime
