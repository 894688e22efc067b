// The canonical type registry: recursion groups keyed by their shape, types stored in chunks
// that never move, so a canonical type can be read without a lock once its id is known.
#include "ir/type_registry.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace wasmcap::ir {
namespace {

// The id of references the validator rejects; never registered.
constexpr uint32_t kInvalid = ValType::kMaxIndex;

constexpr uint32_t kChunkBits = 12;
constexpr uint32_t kChunkSize = uint32_t{1} << kChunkBits;
constexpr uint32_t kChunks = (kInvalid >> kChunkBits) + 1;

// Types live in fixed-size chunks published through atomic pointers: a reader that got an id
// from the registry (through the mutex, or through a module that did) sees its chunk.
struct Registry {
  std::mutex mu;
  std::unordered_map<std::string, uint32_t> groups; // shape key -> id of the first type
  uint32_t count = 0;                               // under mu
  std::atomic<uint32_t> published{0};               // ids below it are complete (read without mu)
  std::array<std::atomic<CanonicalType*>, kChunks> chunks{};

  CanonicalType& slot(uint32_t id) { // under mu, for a new id
    auto& c = chunks[id >> kChunkBits];
    CanonicalType* p = c.load(std::memory_order_relaxed);
    if (p == nullptr) {
      p = new CanonicalType[kChunkSize]; // lives for the process, like the ids
      c.store(p, std::memory_order_release);
    }
    return p[id & (kChunkSize - 1)];
  }
};

Registry& registry() {
  static Registry* r = new Registry; // never destroyed: ids may be used during exit
  return *r;
}

void put_u32(std::string& key, uint32_t v) {
  for (int i = 0; i < 4; ++i)
    key.push_back(static_cast<char>(v >> (8 * i)));
}

// How a group's types name a type index: by position inside the group, by canonical id before
// it, and anything else (an index past the group: invalid) as such.
struct GroupRefs {
  const Module* m = nullptr;
  uint32_t first = 0, size = 0;

  void key(std::string& k, uint32_t index) const {
    if (index >= first && index - first < size) {
      k.push_back('r');
      put_u32(k, index - first);
    } else if (index < first) {
      k.push_back('c');
      put_u32(k, m->canonical[index]);
    } else {
      k.push_back('x');
    }
  }
  uint32_t canonical(uint32_t index, uint32_t first_id) const {
    if (index >= first && index - first < size) return first_id + (index - first);
    return index < first ? m->canonical[index] : kInvalid;
  }
};

void key_valtype(std::string& k, const GroupRefs& refs, ValType t) {
  if (!t.is_concrete()) {
    put_u32(k, t.bits());
    return;
  }
  put_u32(k, t.bits() & 0x1FF); // the code and the nullable bit, without the index
  refs.key(k, t.index());
}

ValType canonical_valtype(const GroupRefs& refs, uint32_t first_id, ValType t) {
  if (!t.is_concrete()) return t;
  return ValType::ref_index(refs.canonical(t.index(), first_id), t.nullable());
}

void key_type(std::string& k, const GroupRefs& refs, const SubType& s, const FuncType& f) {
  k.push_back(static_cast<char>(s.kind));
  k.push_back(s.is_final ? 'f' : 'o');
  if (s.super) {
    k.push_back('s');
    refs.key(k, *s.super);
  }
  auto list = [&](const std::vector<ValType>& ts) {
    put_u32(k, static_cast<uint32_t>(ts.size()));
    for (ValType t : ts)
      key_valtype(k, refs, t);
  };
  switch (s.kind) {
  case TypeKind::Func:
    list(f.params);
    list(f.results);
    break;
  case TypeKind::Struct:
  case TypeKind::Array:
    put_u32(k, static_cast<uint32_t>(s.fields.size()));
    for (const FieldType& field : s.fields) {
      k.push_back(static_cast<char>(field.packed));
      k.push_back(field.is_mutable ? 'm' : 'i');
      key_valtype(k, refs, field.type);
    }
    break;
  }
}

// Registers the group of `size` types starting at `first` (or finds it) and returns the id of
// its first type. `unique` makes a key no other group has (host types naming indices).
uint32_t register_group(const Module& m, uint32_t first, uint32_t size, bool unique) {
  const GroupRefs refs{&m, first, size};
  std::string k;
  for (uint32_t i = first; i < first + size; ++i)
    key_type(k, refs, m.subtypes[i], m.types[i]);
  Registry& r = registry();
  const std::lock_guard lock(r.mu);
  if (unique) {
    k.push_back('u');
    put_u32(k, r.count);
  }
  if (auto it = r.groups.find(k); it != r.groups.end()) return it->second;
  if (r.count + size >= kInvalid) return kInvalid; // the validator says "too many types"
  const uint32_t first_id = r.count;
  for (uint32_t i = 0; i < size; ++i) {
    const SubType& s = m.subtypes[first + i];
    CanonicalType& c = r.slot(first_id + i);
    c.def = s;
    c.def.group = first_id;
    if (s.super) c.def.super = refs.canonical(*s.super, first_id);
    for (FieldType& f : c.def.fields)
      f.type = canonical_valtype(refs, first_id, f.type);
    for (ValType t : m.types[first + i].params)
      c.func.params.push_back(canonical_valtype(refs, first_id, t));
    for (ValType t : m.types[first + i].results)
      c.func.results.push_back(canonical_valtype(refs, first_id, t));
    // A supertype comes before its subtype (the validator checks it), so its depth is known.
    const uint32_t super = c.def.super.value_or(kInvalid);
    c.depth = super < first_id + i ? r.slot(super).depth + 1 : 0;
  }
  r.count += size;
  r.published.store(r.count, std::memory_order_release);
  r.groups.emplace(std::move(k), first_id);
  return first_id;
}

} // namespace

void canonicalize(Module& m) {
  m.canonical.assign(m.types.size(), kInvalid);
  for (uint32_t i = 0; i < m.types.size();) {
    const uint32_t size = std::max<uint32_t>(m.subtypes[i].group_size, 1);
    if (m.subtypes[i].group != i || i + size > m.types.size()) break; // decoder's invariant
    const uint32_t first_id = register_group(m, i, size, false);
    for (uint32_t k = 0; k < size; ++k)
      m.canonical[i + k] = first_id == kInvalid ? kInvalid : first_id + k;
    i += size;
  }
}

const CanonicalType& canonical_type(uint32_t id) {
  const CanonicalType* chunk = registry().chunks[id >> kChunkBits].load(std::memory_order_acquire);
  return chunk[id & (kChunkSize - 1)];
}

bool is_canonical_id(uint32_t id) {
  return id < registry().published.load(std::memory_order_acquire);
}

uint32_t canonical_func_type(const FuncType& t) {
  bool names_index = false;
  for (const auto* ts : {&t.params, &t.results})
    for (ValType v : *ts)
      names_index = names_index || v.is_concrete();
  // A one-type module of this type; its thread-local cache keeps the common case lock-free.
  thread_local std::unordered_map<std::string, uint32_t> seen;
  std::string k;
  if (!names_index) {
    for (ValType v : t.params)
      put_u32(k, v.bits());
    k.push_back('|');
    for (ValType v : t.results)
      put_u32(k, v.bits());
    if (auto it = seen.find(k); it != seen.end()) return it->second;
  }
  Module m;
  m.types.push_back(t);
  m.subtypes.emplace_back();
  const uint32_t id = register_group(m, 0, 1, names_index);
  if (!names_index) seen.emplace(std::move(k), id);
  return id;
}

bool canonical_subtype(uint32_t sub, uint32_t super) {
  if (sub == super) return true;
  if (!is_canonical_id(sub) || !is_canonical_id(super)) return false;
  const CanonicalType* s = &canonical_type(sub);
  const uint32_t target_depth = canonical_type(super).depth;
  while (s->depth > target_depth) {
    const uint32_t up = *s->def.super;
    if (up == super) return true;
    s = &canonical_type(up);
  }
  return false;
}

ValType to_canonical(const Module& m, ValType t) {
  if (!t.is_concrete()) return t;
  const uint32_t id = t.index() < m.canonical.size() ? m.canonical[t.index()] : kInvalid;
  return ValType::ref_index(id, t.nullable());
}

} // namespace wasmcap::ir
