// Minimal C++ exception runtime for wasm guests built with `clang++-19 -fwasm-exceptions`.
// Debian's wasm32 libc++abi (libc++abi-19-dev-wasm32) is built without exception support: it
// has no __cxa_throw, __cxa_begin_catch, _Unwind_CallPersonality or __wasm_lpad_context, so a
// C++ program that throws does not link. This file is that missing piece, small and written
// for wasmcap's tests: what clang's code for throw, catch, rethrow and cleanups calls, over
// WebAssembly's own exceptions (the `__cpp_exception` tag carrying a pointer). Catch clauses
// match the thrown type exactly or through single public inheritance (enough for
// std::exception's hierarchy); no exception specifications, no foreign exceptions.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <typeinfo>

// The vtable of __cxxabiv1::__si_class_type_info (libc++abi): a type_info whose vtable pointer
// points into it describes a class with one public, non-virtual base.
extern "C" const char si_vtable[] asm("_ZTVN10__cxxabiv120__si_class_type_infoE");

namespace {

// In front of every thrown object, as __cxa_allocate_exception lays it out.
struct Header {
  const std::type_info* type;
  // WebAssembly's C++ ABI has destructors return `this`.
  void* (*destroy)(void*);
  int handlers;  // catch clauses that caught it and have not ended
  bool rethrown; // __cxa_rethrow: the end of its catch must not free it
  Header* next_caught;
  // Aligned as the thrown object needs; `exception` is what the wasm throw carries.
  alignas(16) unsigned char exception[16];
};

Header* caught_stack = nullptr; // the innermost catch's exception first

Header* header_of_object(void* object) {
  return reinterpret_cast<Header*>(static_cast<unsigned char*>(object) - sizeof(Header));
}
void* object_of(Header* h) {
  return reinterpret_cast<unsigned char*>(h) + sizeof(Header);
}

uint32_t read_uleb(const uint8_t*& p) {
  uint32_t v = 0;
  int shift = 0;
  uint8_t b;
  do {
    b = *p++;
    v |= static_cast<uint32_t>(b & 0x7f) << shift;
    shift += 7;
  } while (b & 0x80);
  return v;
}

int32_t read_sleb(const uint8_t*& p) {
  int32_t v = 0;
  int shift = 0;
  uint8_t b;
  do {
    b = *p++;
    v |= static_cast<int32_t>(b & 0x7f) << shift;
    shift += 7;
  } while (b & 0x80);
  if (shift < 32 && (b & 0x40)) v |= -(1 << shift);
  return v;
}

// The pointer-sized values of the LSDA (DW_EH_PE_absptr / udata4 on wasm32).
uint32_t read_u32(const uint8_t*& p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  p += 4;
  return v;
}

// Whether a handler for `handler` catches a thrown `thrown`: the same type, or a public base
// reached through single inheritance (the Itanium ABI's __si_class_type_info: its base's
// type_info follows the name).
bool catches(const std::type_info* handler, const std::type_info* thrown) {
  for (const std::type_info* t = thrown; t != nullptr;) {
    if (t == handler || std::strcmp(t->name(), handler->name()) == 0) return true;
    struct SiLayout {
      const void* vtable;
      const char* name;
      const std::type_info* base;
    };
    const auto* layout = reinterpret_cast<const SiLayout*>(t);
    if (layout->vtable != si_vtable + 2 * sizeof(void*)) return false;
    t = layout->base;
  }
  return false;
}

} // namespace

// What LLVM's WasmEHPrepare writes before calling the personality, and reads after.
struct LandingPadContext {
  uint32_t lpad_index;
  const uint8_t* lsda;
  uint32_t selector;
};

extern "C" {

LandingPadContext __wasm_lpad_context = {};

void* __cxa_allocate_exception(size_t size) {
  auto* h = static_cast<Header*>(std::calloc(1, sizeof(Header) + size));
  if (h == nullptr) std::abort();
  return object_of(h);
}

void __cxa_free_exception(void* object) {
  std::free(header_of_object(object));
}

[[noreturn]] void __cxa_throw(void* object, std::type_info* type, void* (*destroy)(void*)) {
  Header* h = header_of_object(object);
  h->type = type;
  h->destroy = destroy;
  __builtin_wasm_throw(0, h);
}

// Sets the selector for the landing pad __wasm_lpad_context names: the type filter of the
// first catch clause that takes the exception (0: none does; the pad cleans up and rethrows).
int _Unwind_CallPersonality(void* exception) {
  const auto* h = static_cast<const Header*>(exception);
  __wasm_lpad_context.selector = 0;
  const uint8_t* p = __wasm_lpad_context.lsda;
  if (p == nullptr) return 8; // _URC_CONTINUE_UNWIND
  const uint8_t lpstart_encoding = *p++;
  if (lpstart_encoding != 0xff) read_u32(p);
  const uint8_t ttype_encoding = *p++;
  const uint8_t* types_end = nullptr;
  if (ttype_encoding != 0xff) {
    const uint32_t offset = read_uleb(p);
    types_end = p + offset;
  }
  ++p; // call-site encoding: uleb128
  const uint32_t call_sites_length = read_uleb(p);
  const uint8_t* actions = p + call_sites_length;
  // The call-site table of WebAssembly's EH: (landing pad index, action) pairs, the action a
  // 1-based offset into the action table (0: the pad only cleans up).
  uint32_t action = 0;
  for (const uint8_t* end = actions; p < end;) {
    const uint32_t pad = read_uleb(p);
    const uint32_t a = read_uleb(p);
    if (pad == __wasm_lpad_context.lpad_index) {
      action = a;
      break;
    }
  }
  if (action == 0) return 8;
  const uint8_t* a = actions + action - 1;
  for (;;) {
    const int32_t filter = read_sleb(a);
    const uint8_t* here = a;
    const int32_t next = read_sleb(a);
    if (filter > 0 && types_end != nullptr) {
      const uint8_t* entry = types_end - 4 * filter;
      const auto* type = reinterpret_cast<const std::type_info*>(read_u32(entry));
      if (type == nullptr || catches(type, h->type)) {
        __wasm_lpad_context.selector = static_cast<uint32_t>(filter);
        return 6; // _URC_HANDLER_FOUND
      }
    }
    if (next == 0) return 8;
    a = here + next;
  }
}

void* __cxa_begin_catch(void* exception) {
  auto* h = static_cast<Header*>(exception);
  if (h->handlers++ == 0) {
    h->next_caught = caught_stack;
    caught_stack = h;
  }
  h->rethrown = false;
  return object_of(h);
}

void* __cxa_get_exception_ptr(void* exception) {
  return object_of(static_cast<Header*>(exception));
}

void __cxa_end_catch() {
  Header* h = caught_stack;
  if (h == nullptr || --h->handlers > 0) return;
  caught_stack = h->next_caught;
  if (h->rethrown) return; // a handler further up owns it now
  if (h->destroy != nullptr) h->destroy(object_of(h));
  std::free(h);
}

[[noreturn]] void __cxa_rethrow() {
  Header* h = caught_stack;
  if (h == nullptr) std::abort(); // `throw;` outside a handler: std::terminate
  h->rethrown = true;
  __builtin_wasm_throw(0, h);
}

} // extern "C"
