// Shared fixture for the C API tests: an engine and store, and modules built from WAT text.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "wasm.h"
#include "wasmcap.h"

namespace capi_test {

class CApiTest : public ::testing::Test {
protected:
  void SetUp() override;
  void TearDown() override;

  // Compiles WAT (failing the test on errors); the fixture deletes it.
  wasm_module_t* compile(std::string_view wat);
  // Instantiates with the given imports (failing the test on errors); the fixture deletes it.
  wasm_instance_t* instantiate(wasm_module_t* module, const wasm_extern_vec_t* imports = nullptr);
  // The export at `index` of `instance`; borrowed from a vector the fixture deletes.
  wasm_extern_t* export_at(wasm_instance_t* instance, size_t index);

  wasm_engine_t* engine = nullptr;
  wasm_store_t* store = nullptr;

private:
  std::vector<wasm_module_t*> modules_;
  std::vector<wasm_instance_t*> instances_;
  std::vector<wasm_extern_vec_t> exports_;
};

// The trap's message without the terminating NUL; deletes the trap.
std::string take_trap_message(wasm_trap_t* trap);
std::string error_message(const wasmcap_error_t* error);
std::string name_of(const wasm_name_t* name);

} // namespace capi_test
