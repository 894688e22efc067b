// wasm.h engine, store, modules and instances: compile, validate, reflect, serialize, share,
// instantiate (with imports, trapping start, link errors) and exports.
#include "capi_helpers.h"

namespace capi_test {
namespace {

constexpr std::string_view kReflect = R"((module
  (import "env" "f" (func (param i32) (result i32)))
  (import "env" "m" (memory 1 2))
  (func (export "id") (param i64) (result i64) local.get 0)
  (global (export "g") (mut f32) (f32.const 1))
  (table (export "t") 2 funcref)
  (export "mem" (memory 0))))";

wasm_byte_vec_t wat2wasm(std::string_view wat) {
  wasm_byte_vec_t out;
  wasmcap_error_t* e = wasmcap_wat2wasm(wat.data(), wat.size(), &out);
  EXPECT_EQ(e, nullptr);
  if (e) wasmcap_error_delete(e);
  return out;
}

using CApiModule = CApiTest;

TEST(CApiEngine, ConfigEngineStoreLifecycle) {
  wasm_config_t* config = wasm_config_new();
  wasmcap_config_max_wasm_stack_set(config, 1 << 20);
  wasm_engine_t* engine = wasm_engine_new_with_config(config); // takes the config
  wasm_store_t* a = wasm_store_new(engine);
  wasm_store_t* b = wasm_store_new(engine);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  wasm_store_delete(a);
  wasm_store_delete(b);
  wasm_engine_delete(engine);
  EXPECT_EQ(wasm_store_new(nullptr), nullptr);
}

TEST_F(CApiModule, NewValidateAndRejectMalformed) {
  wasm_byte_vec_t bin = wat2wasm("(module (func (export \"f\")))");
  EXPECT_TRUE(wasm_module_validate(store, &bin));
  wasm_module_t* m = wasm_module_new(store, &bin);
  ASSERT_NE(m, nullptr);
  wasm_module_delete(m);
  wasm_byte_vec_delete(&bin);

  wasm_byte_vec_t junk;
  wasm_name_new_from_string(&junk, "\x00\x61\x73\x6d\x02");
  junk.size = 5;
  EXPECT_FALSE(wasm_module_validate(store, &junk));
  EXPECT_EQ(wasm_module_new(store, &junk), nullptr);
  wasm_byte_vec_delete(&junk);
  wasm_byte_vec_t empty = WASM_EMPTY_VEC;
  EXPECT_EQ(wasm_module_new(store, &empty), nullptr);
}

TEST_F(CApiModule, ImportsAndExports) {
  wasm_module_t* m = compile(kReflect);
  wasm_importtype_vec_t imports;
  wasm_module_imports(m, &imports);
  ASSERT_EQ(imports.size, 2u);
  EXPECT_EQ(name_of(wasm_importtype_module(imports.data[0])), "env");
  EXPECT_EQ(name_of(wasm_importtype_name(imports.data[1])), "m");
  const wasm_memorytype_t* mt =
      wasm_externtype_as_memorytype_const(wasm_importtype_type(imports.data[1]));
  ASSERT_NE(mt, nullptr);
  EXPECT_EQ(wasm_memorytype_limits(mt)->min, 1u);
  EXPECT_EQ(wasm_memorytype_limits(mt)->max, 2u);
  wasm_importtype_vec_delete(&imports);

  wasm_exporttype_vec_t exports;
  wasm_module_exports(m, &exports);
  ASSERT_EQ(exports.size, 4u);
  const char* names[] = {"id", "g", "t", "mem"};
  const wasm_externkind_t kinds[] = {WASM_EXTERN_FUNC, WASM_EXTERN_GLOBAL, WASM_EXTERN_TABLE,
                                     WASM_EXTERN_MEMORY};
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(name_of(wasm_exporttype_name(exports.data[i])), names[i]);
    EXPECT_EQ(wasm_externtype_kind(wasm_exporttype_type(exports.data[i])), kinds[i]);
  }
  const wasm_globaltype_t* gt =
      wasm_externtype_as_globaltype_const(wasm_exporttype_type(exports.data[1]));
  EXPECT_EQ(wasm_globaltype_mutability(gt), WASM_VAR);
  EXPECT_EQ(wasm_valtype_kind(wasm_globaltype_content(gt)), WASM_F32);
  wasm_exporttype_vec_delete(&exports);
}

TEST_F(CApiModule, SerializeShareAndHostInfo) {
  wasm_module_t* m = compile("(module (func (export \"f\") (result i32) i32.const 7))");
  wasm_byte_vec_t ser;
  wasm_module_serialize(m, &ser);
  ASSERT_GT(ser.size, 8u);
  wasm_module_t* d = wasm_module_deserialize(store, &ser);
  ASSERT_NE(d, nullptr);
  wasm_byte_vec_delete(&ser);

  wasm_shared_module_t* shared = wasm_module_share(d);
  wasm_store_t* other = wasm_store_new(engine);
  wasm_module_t* obtained = wasm_module_obtain(other, shared);
  ASSERT_NE(obtained, nullptr);
  wasm_extern_vec_t none = WASM_EMPTY_VEC;
  wasm_instance_t* inst = wasm_instance_new(other, obtained, &none, nullptr);
  ASSERT_NE(inst, nullptr);

  static int finalized = 0;
  wasm_module_t* copy = wasm_module_copy(d);
  EXPECT_TRUE(wasm_module_same(copy, d));
  EXPECT_FALSE(wasm_module_same(copy, obtained));
  wasm_module_set_host_info_with_finalizer(d, &finalized, [](void* p) { ++*static_cast<int*>(p); });
  EXPECT_EQ(wasm_module_get_host_info(copy), &finalized);
  EXPECT_EQ(wasm_ref_as_module(wasm_module_as_ref(copy)), copy);
  EXPECT_EQ(wasm_ref_as_func(wasm_module_as_ref(copy)), nullptr);
  wasm_module_delete(d);
  EXPECT_EQ(finalized, 0); // the copy keeps the module alive
  wasm_module_delete(copy);
  EXPECT_EQ(finalized, 1);

  wasm_instance_delete(inst);
  wasm_module_delete(obtained);
  wasm_shared_module_delete(shared);
  wasm_store_delete(other);
}

TEST_F(CApiModule, InstantiateWithImportsAndExports) {
  wasm_module_t* m = compile(R"((module
    (import "env" "g" (global i32))
    (func (export "get") (result i32) global.get 0)))");
  wasm_val_t v = WASM_I32_VAL(41);
  wasm_globaltype_t* gt = wasm_globaltype_new(wasm_valtype_new_i32(), WASM_CONST);
  wasm_global_t* g = wasm_global_new(store, gt, &v);
  wasm_globaltype_delete(gt);
  wasm_extern_t* items[] = {wasm_global_as_extern(g)};
  wasm_extern_vec_t imports = WASM_ARRAY_VEC(items);
  wasm_instance_t* inst = instantiate(m, &imports);
  wasm_func_t* get = wasm_extern_as_func(export_at(inst, 0));
  ASSERT_NE(get, nullptr);
  wasm_val_t r[1] = {WASM_INIT_VAL};
  wasm_val_vec_t results = WASM_ARRAY_VEC(r);
  wasm_val_vec_t args = WASM_EMPTY_VEC;
  EXPECT_EQ(wasm_func_call(get, &args, &results), nullptr);
  EXPECT_EQ(r[0].kind, WASM_I32);
  EXPECT_EQ(r[0].of.i32, 41);
  wasm_global_delete(g);
}

TEST_F(CApiModule, LinkErrorsAndStartTraps) {
  wasm_module_t* needs = compile("(module (import \"env\" \"f\" (func)))");
  wasm_extern_vec_t none = WASM_EMPTY_VEC;
  wasm_trap_t* trap = nullptr;
  EXPECT_EQ(wasm_instance_new(store, needs, &none, &trap), nullptr);
  ASSERT_NE(trap, nullptr);
  EXPECT_NE(take_trap_message(trap).find("imports"), std::string::npos);

  // An import of the wrong kind.
  const wasm_limits_t l = {1, 1};
  wasm_memorytype_t* mt = wasm_memorytype_new(&l);
  wasm_memory_t* mem = wasm_memory_new(store, mt);
  wasm_memorytype_delete(mt);
  wasm_extern_t* items[] = {wasm_memory_as_extern(mem)};
  wasm_extern_vec_t wrong = WASM_ARRAY_VEC(items);
  EXPECT_EQ(wasm_instance_new(store, needs, &wrong, &trap), nullptr);
  ASSERT_NE(trap, nullptr);
  wasm_trap_delete(trap);
  EXPECT_EQ(wasm_instance_new(store, needs, &wrong, nullptr), nullptr); // trap out may be NULL
  wasm_memory_delete(mem);

  wasm_module_t* traps = compile("(module (func $s unreachable) (start $s))");
  EXPECT_EQ(wasm_instance_new(store, traps, &none, &trap), nullptr);
  ASSERT_NE(trap, nullptr);
  EXPECT_EQ(take_trap_message(trap), "unreachable");
  EXPECT_EQ(wasm_instance_new(nullptr, traps, &none, nullptr), nullptr);
}

TEST_F(CApiModule, InstanceIdentityAndHostInfo) {
  wasm_module_t* m = compile("(module)");
  wasm_instance_t* inst = instantiate(m);
  wasm_instance_t* copy = wasm_instance_copy(inst);
  EXPECT_TRUE(wasm_instance_same(inst, copy));
  int tag = 0;
  wasm_instance_set_host_info(copy, &tag);
  EXPECT_EQ(wasm_instance_get_host_info(inst), &tag);
  wasm_extern_vec_t exports;
  wasm_instance_exports(inst, &exports);
  EXPECT_EQ(exports.size, 0u);
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(copy);
}

} // namespace
} // namespace capi_test
