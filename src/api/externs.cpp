// Func, Memory, Table, Global and Extern handles: thin, checked wrappers over runtime objects.
#include "wasmcap/externs.h"

#include "api/caller_scope.h"
#include "runtime/func.h"
#include "runtime/global.h"
#include "runtime/invoke.h"
#include "runtime/memory.h"
#include "runtime/store.h"
#include "runtime/table.h"
#include "wasmcap/store.h"

namespace wasmcap {

namespace {

runtime::FuncInstance* as_func(void* h) {
  return static_cast<runtime::FuncInstance*>(h);
}
runtime::Memory* as_memory(void* h) {
  return static_cast<runtime::Memory*>(h);
}
runtime::Table* as_table(void* h) {
  return static_cast<runtime::Table*>(h);
}
runtime::Global* as_global(void* h) {
  return static_cast<runtime::Global*>(h);
}

Error usage(std::string message) {
  return make_error(ErrorKind::Usage, std::move(message));
}

} // namespace

// --- Func ------------------------------------------------------------------------------------

Func Func::create_host(Store& store, FuncType type, HostCallback callback) {
  return Func(&store, store.impl().create_host_function(std::move(type), std::move(callback)));
}

FuncType Func::type() const {
  return *as_func(handle_)->type;
}

// Calls into wasm record the callee's instance as the Caller that wrapped host functions see.
Result<std::vector<Value>> Func::call(std::span<const Value> args) const {
  if (!handle_) return usage("call of an empty Func handle");
  runtime::FuncInstance* f = as_func(handle_);
  detail::CallerScope scope(store_,
                            f->kind == runtime::FuncInstance::Kind::Wasm ? f->instance : nullptr);
  return runtime::invoke(store_->impl(), f, args);
}

Status Func::call_into(std::span<const Value> args, std::span<Value> results) const {
  if (!handle_) return usage("call of an empty Func handle");
  runtime::FuncInstance* f = as_func(handle_);
  detail::CallerScope scope(store_,
                            f->kind == runtime::FuncInstance::Kind::Wasm ? f->instance : nullptr);
  return runtime::invoke_into(store_->impl(), *f, args, results);
}

Value Func::to_ref() const {
  return Value::make_ref(ValType::FuncRef, handle_);
}

std::optional<Func> Func::from_ref(Store& store, const Value& ref) {
  if (ref.type != ValType::FuncRef || ref.ref == nullptr) return std::nullopt;
  return Func(&store, ref.ref);
}

// --- Memory ----------------------------------------------------------------------------------

Result<Memory> Memory::create(Store& store, MemoryType type) {
  auto m = store.impl().create_memory(type);
  if (!m) return m.error();
  return Memory(&store, *m);
}

MemoryType Memory::type() const {
  return as_memory(handle_)->type();
}
uint64_t Memory::size_pages() const {
  return as_memory(handle_)->size_pages();
}
uint64_t Memory::size_bytes() const {
  return as_memory(handle_)->size_bytes();
}

Result<uint64_t> Memory::grow(uint64_t delta_pages) {
  if (delta_pages > UINT32_MAX) return usage("memory.grow: delta too large");
  const int64_t old = as_memory(handle_)->grow(static_cast<uint32_t>(delta_pages));
  if (old < 0) return make_error(ErrorKind::Exhaustion, "memory cannot grow that far");
  return static_cast<uint64_t>(old);
}

uint8_t* Memory::data() const {
  return as_memory(handle_)->data();
}

Error Memory::view_error(const char* what) {
  return usage(std::string("memory view: ") + what);
}

Result<std::span<uint8_t>> Memory::bytes(uint64_t offset, uint64_t length) const {
  const uint64_t size = as_memory(handle_)->size_bytes();
  // Written so that no sum can overflow: a guest controls both numbers.
  if (offset > size || length > size - offset) {
    return usage("memory view out of bounds: " + std::to_string(length) + " bytes at " +
                 std::to_string(offset) + " in a memory of " + std::to_string(size));
  }
  return std::span<uint8_t>(as_memory(handle_)->data() + offset, length);
}

Result<std::string> Memory::read_string(uint64_t offset, uint64_t length) const {
  auto b = bytes(offset, length);
  if (!b) return std::move(b).error();
  return std::string(reinterpret_cast<const char*>(b->data()), b->size());
}

Status Memory::read(uint64_t offset, std::span<uint8_t> out) const {
  if (!as_memory(handle_)->read(offset, out.data(), out.size())) {
    return usage("memory read out of bounds");
  }
  return ok();
}

Status Memory::write(uint64_t offset, std::span<const uint8_t> data) {
  if (!as_memory(handle_)->write(offset, data.data(), data.size())) {
    return usage("memory write out of bounds");
  }
  return ok();
}

// --- Table -----------------------------------------------------------------------------------

Result<Table> Table::create(Store& store, TableType type, Value init) {
  if (init.type != type.elem) return usage("table initial value has the wrong type");
  WASMCAP_TRY(runtime::check_host_ref(store.impl(), init, "the table's initial value"));
  return Table(&store, store.impl().create_table(type, init.ref));
}

TableType Table::type() const {
  return as_table(handle_)->type();
}
uint64_t Table::size() const {
  return as_table(handle_)->size();
}

Result<Value> Table::get(uint64_t index) const {
  void* ref = nullptr;
  if (index > UINT32_MAX || !as_table(handle_)->get(static_cast<uint32_t>(index), ref)) {
    return usage("table index out of bounds");
  }
  return Value::make_ref(as_table(handle_)->elem_type(), ref);
}

Status Table::set(uint64_t index, const Value& v) {
  if (v.type != as_table(handle_)->elem_type()) return usage("table value has the wrong type");
  WASMCAP_TRY(runtime::check_host_ref(store_->impl(), v, "the table value"));
  if (index > UINT32_MAX || !as_table(handle_)->set(static_cast<uint32_t>(index), v.ref)) {
    return usage("table index out of bounds");
  }
  return ok();
}

Result<uint64_t> Table::grow(uint64_t delta, const Value& init) {
  if (init.type != as_table(handle_)->elem_type()) return usage("table value has the wrong type");
  WASMCAP_TRY(runtime::check_host_ref(store_->impl(), init, "the table value"));
  if (delta > UINT32_MAX) return usage("table.grow: delta too large");
  const int64_t old = as_table(handle_)->grow(static_cast<uint32_t>(delta), init.ref);
  if (old < 0) return make_error(ErrorKind::Exhaustion, "table cannot grow that far");
  return static_cast<uint64_t>(old);
}

// --- Global ----------------------------------------------------------------------------------

Result<Global> Global::create(Store& store, GlobalType type, Value init) {
  if (init.type != type.type) return usage("global initial value has the wrong type");
  WASMCAP_TRY(runtime::check_host_ref(store.impl(), init, "the global's initial value"));
  return Global(&store, store.impl().create_global(type, init));
}

GlobalType Global::type() const {
  return as_global(handle_)->type;
}
Value Global::get() const {
  return as_global(handle_)->value;
}

Status Global::set(const Value& v) {
  runtime::Global* g = as_global(handle_);
  if (!g->type.is_mutable) return usage("cannot set an immutable global");
  if (v.type != g->type.type) return usage("global value has the wrong type");
  WASMCAP_TRY(runtime::check_host_ref(store_->impl(), v, "the global value"));
  g->value = v;
  return ok();
}

// --- Tag -------------------------------------------------------------------------------------

Result<Tag> Tag::create(Store& store, FuncType type) {
  if (!type.results.empty()) return usage("a tag's type has no results");
  return Tag(&store, store.impl().create_tag(type));
}

FuncType Tag::type() const {
  return static_cast<const runtime::Tag*>(handle_)->type;
}

// --- Extern ----------------------------------------------------------------------------------

ExternType Extern::type() const {
  ExternType t;
  t.kind = kind_;
  switch (kind_) {
  case ExternKind::Func: t.func = func_.type(); break;
  case ExternKind::Memory: t.memory = memory_.type(); break;
  case ExternKind::Table: t.table = table_.type(); break;
  case ExternKind::Global: t.global = global_.type(); break;
  case ExternKind::Tag: t.func = tag_.type(); break;
  }
  return t;
}

} // namespace wasmcap
