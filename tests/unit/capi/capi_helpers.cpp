// The C API test fixture: owns what the tests create so each test reads as its scenario.
#include "capi_helpers.h"

#include <cstdlib>

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define WASMCAP_TEST_SANITIZED 1
#endif
#endif

namespace capi_test {

#ifdef WASMCAP_TEST_SANITIZED
namespace {
// The C API's default tier is auto, whose background compile starts 20 ms into a test and may
// still run when the process exits. A sanitizer build loads the LLVM plugin with plain dlopen
// (its plugin needs the main namespace's sanitizer runtime), where libLLVM's exit-time
// destructors can run under that compile (docs/tiering.md, "Process exit"); these tests are about
// the C API, so there the compile never starts.
[[maybe_unused]] const bool g_no_background_compile = [] {
  setenv("WASMCAP_TIER_UP_DELAY_MS", "600000", /*overwrite=*/0);
  return true;
}();
} // namespace
#endif

void CApiTest::SetUp() {
  engine = wasm_engine_new();
  store = wasm_store_new(engine);
}

void CApiTest::TearDown() {
  for (auto& v : exports_)
    wasm_extern_vec_delete(&v);
  for (auto* i : instances_)
    wasm_instance_delete(i);
  for (auto* m : modules_)
    wasm_module_delete(m);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
}

wasm_module_t* CApiTest::compile(std::string_view wat) {
  wasm_byte_vec_t bytes;
  wasm_byte_vec_new(&bytes, wat.size(), wat.data());
  wasm_module_t* module = nullptr;
  wasmcap_error_t* error = wasmcap_module_new(engine, &bytes, &module);
  wasm_byte_vec_delete(&bytes);
  EXPECT_EQ(error, nullptr) << (error ? error_message(error) : "");
  if (error) wasmcap_error_delete(error);
  if (module) modules_.push_back(module);
  return module;
}

wasm_instance_t* CApiTest::instantiate(wasm_module_t* module, const wasm_extern_vec_t* imports) {
  wasm_extern_vec_t empty = WASM_EMPTY_VEC;
  wasm_trap_t* trap = nullptr;
  wasm_instance_t* inst = wasm_instance_new(store, module, imports ? imports : &empty, &trap);
  EXPECT_EQ(trap, nullptr) << (trap ? take_trap_message(trap) : "");
  EXPECT_NE(inst, nullptr);
  if (inst) instances_.push_back(inst);
  return inst;
}

wasm_extern_t* CApiTest::export_at(wasm_instance_t* instance, size_t index) {
  wasm_extern_vec_t v;
  wasm_instance_exports(instance, &v);
  exports_.push_back(v);
  return index < v.size ? v.data[index] : nullptr;
}

std::string take_trap_message(wasm_trap_t* trap) {
  wasm_message_t m;
  wasm_trap_message(trap, &m);
  std::string s(m.data, m.size > 0 ? m.size - 1 : 0);
  wasm_byte_vec_delete(&m);
  wasm_trap_delete(trap);
  return s;
}

std::string error_message(const wasmcap_error_t* error) {
  wasm_message_t m;
  wasmcap_error_message(error, &m);
  std::string s(m.data, m.size > 0 ? m.size - 1 : 0);
  wasm_byte_vec_delete(&m);
  return s;
}

std::string name_of(const wasm_name_t* name) {
  return std::string(name->data, name->size);
}

} // namespace capi_test
