// wasmcap.h: errors as values for compilation and instantiation, WAT to binary, exit statuses
// and engine settings -- the parts of wasmcap the standard wasm.h cannot express.
#include "wasmcap.h"

#include "api/c_api/instantiate.h"
#include "api/c_api/objects.h"
#include "text/wat_parser.h"

using namespace wasmcap;
using namespace wasmcap::capi;

namespace {

wasmcap_error_t* new_error(Error e) {
  return new wasmcap_error_t{std::move(e)};
}

wasmcap_error_t* usage(const char* message) {
  return new_error(make_error(ErrorKind::Usage, message));
}

wasmcap_error_kind_t to_c(ErrorKind k) {
  switch (k) {
  case ErrorKind::Malformed: return WASMCAP_ERROR_MALFORMED;
  case ErrorKind::Invalid: return WASMCAP_ERROR_INVALID;
  case ErrorKind::Unlinkable: return WASMCAP_ERROR_UNLINKABLE;
  case ErrorKind::Trap: return WASMCAP_ERROR_TRAP;
  case ErrorKind::Exhaustion: return WASMCAP_ERROR_EXHAUSTION;
  case ErrorKind::Io: return WASMCAP_ERROR_IO;
  case ErrorKind::Usage: return WASMCAP_ERROR_USAGE;
  case ErrorKind::Exit: return WASMCAP_ERROR_EXIT;
  case ErrorKind::Exception: return WASMCAP_ERROR_EXCEPTION;
  }
  return WASMCAP_ERROR_USAGE;
}

std::span<const uint8_t> bytes_of(const wasm_byte_vec_t* v) {
  if (!v || !v->data) return {};
  return {reinterpret_cast<const uint8_t*>(v->data), v->size};
}

} // namespace

extern "C" {

void wasmcap_error_delete(wasmcap_error_t* error) {
  delete error;
}

void wasmcap_error_message(const wasmcap_error_t* error, wasm_message_t* out) {
  set_bytes(out, error->error.to_string(), true);
}

wasmcap_error_kind_t wasmcap_error_kind(const wasmcap_error_t* error) {
  return to_c(error->error.kind);
}

uint64_t wasmcap_error_offset(const wasmcap_error_t* error) {
  return error->error.where.offset; // Location::kNone == WASMCAP_ERROR_NO_OFFSET
}

bool wasmcap_error_line_column(const wasmcap_error_t* error, uint32_t* line, uint32_t* column) {
  const Location& w = error->error.where;
  if (w.line == 0) return false;
  if (line) *line = w.line;
  if (column) *column = w.column;
  return true;
}

wasmcap_error_t* wasmcap_module_new(wasm_engine_t* engine, const wasm_byte_vec_t* bytes,
                                    wasm_module_t** out) {
  if (!engine || !out) return usage("wasmcap_module_new: null engine or out");
  *out = nullptr;
  static constexpr char kMagic[4] = {0x00, 0x61, 0x73, 0x6d};
  const std::span<const uint8_t> in = bytes_of(bytes);
  // Text is converted here rather than by Module::from_text so the module keeps its binary
  // for wasm_module_serialize.
  if (in.size() >= 4 && std::memcmp(in.data(), kMagic, 4) == 0) {
    auto m = compile(*engine->data, in);
    if (!m) return new_error(std::move(m).error());
    *out = *m;
    return nullptr;
  }
  auto binary =
      text::parse_wat(std::string_view(reinterpret_cast<const char*>(in.data()), in.size()));
  if (!binary) return new_error(std::move(binary).error());
  auto m = compile(*engine->data, *binary);
  if (!m) return new_error(std::move(m).error());
  *out = *m;
  return nullptr;
}

wasmcap_error_t* wasmcap_instance_new(wasm_store_t* store, const wasm_module_t* module,
                                      const wasm_extern_vec_t* imports, wasm_instance_t** out,
                                      wasm_trap_t** trap) {
  if (!out) return usage("wasmcap_instance_new: null out");
  *out = nullptr;
  if (trap) *trap = nullptr;
  auto r = instantiate(store, module, imports);
  if (r) {
    *out = *r;
    return nullptr;
  }
  Error e = std::move(r).error();
  if (e.kind == ErrorKind::Trap && trap) {
    *trap = new wasm_trap_t(std::move(e));
    return nullptr;
  }
  return new_error(std::move(e));
}

wasmcap_error_t* wasmcap_wat2wasm(const char* wat, size_t wat_len, wasm_byte_vec_t* out) {
  if (!out) return usage("wasmcap_wat2wasm: null out");
  wasm_byte_vec_new_empty(out);
  if (!wat && wat_len != 0) return usage("wasmcap_wat2wasm: null text");
  auto binary = text::parse_wat(std::string_view(wat ? wat : "", wat_len));
  if (!binary) return new_error(std::move(binary).error());
  wasm_byte_vec_new(out, binary->size(), reinterpret_cast<const wasm_byte_t*>(binary->data()));
  return nullptr;
}

bool wasmcap_trap_exit_status(const wasm_trap_t* trap, int* status) {
  if (!trap || trap->error.kind != ErrorKind::Exit) return false;
  if (status) *status = trap->error.exit_code;
  return true;
}

wasmcap_error_kind_t wasmcap_trap_kind(const wasm_trap_t* trap) {
  return to_c(trap->error.kind);
}

} // extern "C"
