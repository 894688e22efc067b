// The host's GC references (include/wasmcap/gc_ref.h, docs/gc.md "The host's references"):
// GcRef handles are slots of the store's root table, and new_extern_ref's finalizers ride on
// the collector's watch of host references.
#include "wasmcap/gc_ref.h"

#include "ir/subtype.h"
#include "runtime/gc_ref.h"
#include "runtime/invoke.h"
#include "runtime/store.h"
#include "wasmcap/store.h"

namespace wasmcap {

GcRef::GcRef(const GcRef& other) : type_(other.type_) {
  if (other.store_ != nullptr) {
    store_ = other.store_;
    slot_ = store_->add_gc_root(store_->gc_root(other.slot_));
  }
}

GcRef& GcRef::operator=(const GcRef& other) {
  if (this != &other) {
    GcRef copy(other);
    *this = std::move(copy);
  }
  return *this;
}

GcRef& GcRef::operator=(GcRef&& other) noexcept {
  if (this != &other) {
    reset();
    store_ = other.store_;
    slot_ = other.slot_;
    type_ = other.type_;
    other.store_ = nullptr;
  }
  return *this;
}

Value GcRef::value() const {
  if (store_ == nullptr) return Value::make_ref(type_, nullptr);
  return Value::make_ref(type_, reinterpret_cast<void*>(store_->gc_root(slot_)));
}

void GcRef::reset() {
  if (store_ != nullptr) store_->remove_gc_root(slot_);
  store_ = nullptr;
}

Result<GcRef> Store::root(const Value& value) {
  if (!value.type.is_ref() || (ir::heap_top(value.type) != ir::HeapKind::Any &&
                               ir::heap_top(value.type) != ir::HeapKind::Extern)) {
    return make_error(ErrorKind::Usage, "Store::root: " + value_to_string(value) +
                                            " is not a reference of the any or extern hierarchy");
  }
  WASMCAP_TRY(runtime::check_host_ref(*impl_, value, "Store::root: the reference"));
  const auto bits = reinterpret_cast<uintptr_t>(value.ref);
  return GcRef(impl_.get(), impl_->add_gc_root(bits), value.type);
}

void Store::collect_garbage() {
  impl_->collect_garbage();
}

namespace {
// Runs the finalizer once, when the last owner (the store's watch) lets go.
struct Finalized {
  Finalized(void* d, std::function<void(void*)> f) : data(d), finalizer(std::move(f)) {}
  ~Finalized() {
    if (finalizer) finalizer(data);
  }
  Finalized(const Finalized&) = delete;
  Finalized& operator=(const Finalized&) = delete;
  void* data;
  std::function<void(void*)> finalizer;
};
} // namespace

Result<Value> Store::new_extern_ref(void* data, std::function<void(void*)> finalizer) {
  const auto bits = reinterpret_cast<uintptr_t>(data);
  if (data == nullptr || (bits & kHostRefInAnyBit) != 0) {
    return make_error(ErrorKind::Usage, "Store::new_extern_ref: not a host pointer");
  }
  if (!impl_->watch_host_ref(
          bits, [owner = std::make_shared<Finalized>(data, std::move(finalizer))]() mutable {
            owner.reset(); // the finalizer runs here
            return true;
          })) {
    return make_error(ErrorKind::Usage,
                      "Store::new_extern_ref: this pointer already has a finalizer in this store");
  }
  return Value::make_ref(ValType::ExternRef, data);
}

} // namespace wasmcap
