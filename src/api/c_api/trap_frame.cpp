// wasm.h traps and frames: a trap is a wasmcap::Error (message, kind, backtrace); frames are
// the backtrace's entries, innermost first.
#include "api/c_api/objects.h"

using namespace wasmcap;
using namespace wasmcap::capi;

wasm_trap_t::wasm_trap_t(Error e)
    : wasm_ref_t(nullptr, std::make_shared<capi::Identity>(RefKind::Trap, nullptr)),
      error(std::move(e)) {}

extern "C" {

wasm_trap_t* wasm_trap_new(wasm_store_t* store, const wasm_message_t* message) {
  std::string_view text = view(message);
  // Messages are NUL-terminated by convention; the terminator is not part of the text.
  if (!text.empty() && text.back() == '\0') text.remove_suffix(1);
  return new wasm_trap_t(make_error(ErrorKind::Trap, std::string(text)));
}

void wasm_trap_message(const wasm_trap_t* trap, wasm_message_t* out) {
  // Traps carry the spec's wording; other errors (e.g. link errors from wasm_instance_new)
  // say what kind of error they are.
  const Error& e = trap->error;
  const bool plain = e.kind == ErrorKind::Trap || e.kind == ErrorKind::Exhaustion;
  set_bytes(out, plain ? e.message : e.to_string(), true);
}

wasm_frame_t* wasm_trap_origin(const wasm_trap_t* trap) {
  if (trap->error.backtrace.empty()) return nullptr;
  return new wasm_frame_t{trap->error.backtrace.front()};
}

void wasm_trap_trace(const wasm_trap_t* trap, wasm_frame_vec_t* out) {
  const auto& bt = trap->error.backtrace;
  wasm_frame_vec_new_uninitialized(out, bt.size());
  for (size_t i = 0; i < out->size; ++i)
    out->data[i] = new wasm_frame_t{bt[i]};
}

void wasm_frame_delete(wasm_frame_t* frame) {
  delete frame;
}

wasm_frame_t* wasm_frame_copy(const wasm_frame_t* frame) {
  return frame ? new wasm_frame_t{*frame} : nullptr;
}

// Backtraces record function indices and module offsets, not instances: see docs/embedding.md.
wasm_instance_t* wasm_frame_instance(const wasm_frame_t*) {
  return nullptr;
}

uint32_t wasm_frame_func_index(const wasm_frame_t* frame) {
  return frame->frame.func_index;
}

size_t wasm_frame_func_offset(const wasm_frame_t*) {
  return 0;
}

size_t wasm_frame_module_offset(const wasm_frame_t* frame) {
  return static_cast<size_t>(frame->frame.offset);
}

} // extern "C"
