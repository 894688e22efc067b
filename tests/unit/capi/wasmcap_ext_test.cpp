// wasmcap.h: error objects, wasmcap_module_new for binary and text, wasmcap_instance_new
// telling link errors from traps, wasmcap_wat2wasm, trap kinds and configuration.
#include "capi_helpers.h"

namespace capi_test {
namespace {

using CApiExt = CApiTest;

wasmcap_error_t* module_from(wasm_engine_t* engine, std::string_view text, wasm_module_t** out) {
  wasm_byte_vec_t bytes;
  wasm_byte_vec_new(&bytes, text.size(), text.data());
  wasmcap_error_t* e = wasmcap_module_new(engine, &bytes, out);
  wasm_byte_vec_delete(&bytes);
  return e;
}

TEST_F(CApiExt, ModuleNewFromTextAndBinary) {
  wasm_module_t* m = nullptr;
  ASSERT_EQ(module_from(engine, "(module (func (export \"f\")))", &m), nullptr);
  ASSERT_NE(m, nullptr);
  wasm_byte_vec_t bin;
  wasm_module_serialize(m, &bin); // text modules serialize to their binary
  wasm_module_delete(m);
  wasm_module_t* m2 = nullptr;
  ASSERT_EQ(wasmcap_module_new(engine, &bin, &m2), nullptr);
  wasm_exporttype_vec_t exports;
  wasm_module_exports(m2, &exports);
  EXPECT_EQ(exports.size, 1u);
  wasm_exporttype_vec_delete(&exports);
  wasm_module_delete(m2);
  wasm_byte_vec_delete(&bin);
}

// wasm.h's memory and table types have 32-bit limits and no address type: a module importing or
// exporting a 64-bit memory or table (memory64) is refused by name; one that keeps its 64-bit
// memory to itself compiles and runs.
TEST_F(CApiExt, Memory64ImportsAndExportsRefusedByName) {
  wasm_module_t* m = nullptr;
  wasmcap_error_t* e = module_from(engine, "(module (memory (export \"mem\") i64 1))", &m);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(m, nullptr);
  EXPECT_EQ(wasmcap_error_kind(e), WASMCAP_ERROR_USAGE);
  EXPECT_NE(error_message(e).find("64-bit memory or table \"mem\""), std::string::npos);
  wasmcap_error_delete(e);

  e = module_from(engine, "(module (import \"env\" \"t\" (table i64 1 funcref)))", &m);
  ASSERT_NE(e, nullptr);
  EXPECT_NE(error_message(e).find("\"env\".\"t\""), std::string::npos);
  wasmcap_error_delete(e);

  e = module_from(engine,
                  "(module (memory i64 1) (func (export \"f\") (result i64)"
                  "  (i64.store (i64.const 8) (i64.const 42)) (i64.load (i64.const 8))))",
                  &m);
  ASSERT_EQ(e, nullptr);
  wasm_instance_t* inst = wasm_instance_new(store, m, nullptr, nullptr);
  ASSERT_NE(inst, nullptr);
  wasm_extern_vec_t exports;
  wasm_instance_exports(inst, &exports);
  ASSERT_EQ(exports.size, 1u);
  wasm_val_t result = WASM_INIT_VAL;
  wasm_val_vec_t args = WASM_EMPTY_VEC;
  wasm_val_vec_t results = {1, &result};
  wasm_trap_t* trap = wasm_func_call(wasm_extern_as_func(exports.data[0]), &args, &results);
  EXPECT_EQ(trap, nullptr);
  EXPECT_EQ(result.of.i64, 42);
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(inst);
  wasm_module_delete(m);
}

TEST_F(CApiExt, ErrorsCarryKindPlaceAndMessage) {
  wasm_module_t* m = nullptr;
  wasmcap_error_t* e = module_from(engine, "(module\n  (func (result i32) i64.const 1))", &m);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(m, nullptr);
  EXPECT_EQ(wasmcap_error_kind(e), WASMCAP_ERROR_INVALID);
  EXPECT_NE(wasmcap_error_offset(e), WASMCAP_ERROR_NO_OFFSET);
  EXPECT_NE(error_message(e).find("type mismatch"), std::string::npos);
  wasmcap_error_delete(e);

  e = module_from(engine, "(module\n  (func (bogus)))", &m);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(wasmcap_error_kind(e), WASMCAP_ERROR_MALFORMED);
  uint32_t line = 0, column = 0;
  EXPECT_TRUE(wasmcap_error_line_column(e, &line, &column));
  EXPECT_EQ(line, 2u);
  wasmcap_error_delete(e);

  const std::string bad_binary("\0asm\x01\0\0\0\x01", 9);
  e = module_from(engine, bad_binary, &m);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(wasmcap_error_kind(e), WASMCAP_ERROR_MALFORMED);
  EXPECT_FALSE(wasmcap_error_line_column(e, nullptr, nullptr));
  wasmcap_error_delete(e);

  e = wasmcap_module_new(nullptr, nullptr, &m);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(wasmcap_error_kind(e), WASMCAP_ERROR_USAGE);
  wasmcap_error_delete(e);
}

TEST_F(CApiExt, InstanceNewSeparatesLinkErrorsFromTraps) {
  wasm_module_t* needs = compile("(module (import \"env\" \"f\" (func)))");
  wasm_extern_vec_t none = WASM_EMPTY_VEC;
  wasm_instance_t* inst = nullptr;
  wasm_trap_t* trap = nullptr;
  wasmcap_error_t* e = wasmcap_instance_new(store, needs, &none, &inst, &trap);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(trap, nullptr);
  EXPECT_EQ(wasmcap_error_kind(e), WASMCAP_ERROR_UNLINKABLE);
  wasmcap_error_delete(e);

  wasm_module_t* traps = compile("(module (func $s unreachable) (start $s))");
  EXPECT_EQ(wasmcap_instance_new(store, traps, &none, &inst, &trap), nullptr);
  EXPECT_EQ(inst, nullptr);
  ASSERT_NE(trap, nullptr);
  EXPECT_EQ(wasmcap_trap_kind(trap), WASMCAP_ERROR_TRAP);
  int status = 0;
  EXPECT_FALSE(wasmcap_trap_exit_status(trap, &status));
  EXPECT_EQ(take_trap_message(trap), "unreachable");

  wasm_module_t* fine = compile("(module)");
  EXPECT_EQ(wasmcap_instance_new(store, fine, &none, &inst, &trap), nullptr);
  ASSERT_NE(inst, nullptr);
  wasm_instance_delete(inst);
}

TEST(CApiWat2Wasm, ConvertsAndReportsErrors) {
  const char wat[] = "(module (memory 1))";
  wasm_byte_vec_t out;
  ASSERT_EQ(wasmcap_wat2wasm(wat, sizeof wat - 1, &out), nullptr);
  ASSERT_GE(out.size, 8u);
  EXPECT_EQ(out.data[1], 'a');
  wasm_byte_vec_delete(&out);
  wasmcap_error_t* e = wasmcap_wat2wasm("(module", 7, &out);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(out.size, 0u);
  EXPECT_EQ(wasmcap_error_kind(e), WASMCAP_ERROR_MALFORMED);
  wasmcap_error_delete(e);
}

TEST(CApiConfig, SimdCanBeDisabled) {
  wasm_config_t* config = wasm_config_new();
  wasmcap_config_simd_set(config, false);
  wasm_engine_t* engine = wasm_engine_new_with_config(config);
  wasm_module_t* m = nullptr;
  wasmcap_error_t* e =
      module_from(engine, "(module (func (result v128) v128.const i64x2 0 0))", &m);
  EXPECT_NE(e, nullptr);
  if (e) wasmcap_error_delete(e);
  if (m) wasm_module_delete(m);
  wasm_engine_delete(engine);
}

} // namespace
} // namespace capi_test
