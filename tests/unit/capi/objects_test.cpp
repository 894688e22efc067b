// wasm.h globals, tables and memories: host-created and exported, reads, writes, growth,
// bounds, and the extern views over them.
#include "capi_helpers.h"

namespace capi_test {
namespace {

using CApiObjects = CApiTest;

TEST_F(CApiObjects, Globals) {
  wasm_globaltype_t* vt = wasm_globaltype_new(wasm_valtype_new_f64(), WASM_VAR);
  wasm_val_t init = WASM_F64_VAL(1.5);
  wasm_global_t* g = wasm_global_new(store, vt, &init);
  ASSERT_NE(g, nullptr);
  wasm_val_t mismatched = WASM_I32_VAL(1);
  EXPECT_EQ(wasm_global_new(store, vt, &mismatched), nullptr);
  wasm_globaltype_delete(vt);

  wasm_val_t out;
  wasm_global_get(g, &out);
  EXPECT_EQ(out.kind, WASM_F64);
  EXPECT_EQ(out.of.f64, 1.5);
  wasm_val_t nv = WASM_F64_VAL(-2.0);
  wasm_global_set(g, &nv);
  wasm_global_set(g, &mismatched); // ignored: wrong type
  wasm_global_get(g, &out);
  EXPECT_EQ(out.of.f64, -2.0);
  wasm_globaltype_t* t = wasm_global_type(g);
  EXPECT_EQ(wasm_globaltype_mutability(t), WASM_VAR);
  wasm_globaltype_delete(t);
  wasm_externtype_t* et = wasm_extern_type(wasm_global_as_extern(g));
  EXPECT_EQ(wasm_externtype_kind(et), WASM_EXTERN_GLOBAL);
  wasm_externtype_delete(et);

  wasm_module_t* m = compile(R"((module
    (global (export "c") i32 (i32.const 9))
    (global (export "v") (mut i64) (i64.const 1))
    (func (export "get_v") (result i64) global.get 1)))");
  wasm_instance_t* inst = instantiate(m);
  wasm_global_t* c = wasm_extern_as_global(export_at(inst, 0));
  wasm_global_t* v = wasm_extern_as_global(export_at(inst, 1));
  wasm_val_t seven = WASM_I32_VAL(7);
  wasm_global_set(c, &seven); // ignored: immutable
  wasm_global_get(c, &out);
  EXPECT_EQ(out.of.i32, 9);
  wasm_val_t big = WASM_I64_VAL(1LL << 40);
  wasm_global_set(v, &big);
  wasm_val_t r[1] = {WASM_INIT_VAL};
  wasm_val_vec_t results = WASM_ARRAY_VEC(r);
  wasm_val_vec_t none = WASM_EMPTY_VEC;
  ASSERT_EQ(wasm_func_call(wasm_extern_as_func(export_at(inst, 2)), &none, &results), nullptr);
  EXPECT_EQ(r[0].of.i64, 1LL << 40);
  wasm_global_delete(g);
}

TEST_F(CApiObjects, Memories) {
  const wasm_limits_t l = {1, 3};
  wasm_memorytype_t* mt = wasm_memorytype_new(&l);
  wasm_memory_t* mem = wasm_memory_new(store, mt);
  wasm_memorytype_delete(mt);
  ASSERT_NE(mem, nullptr);
  EXPECT_EQ(wasm_memory_size(mem), 1u);
  EXPECT_EQ(wasm_memory_data_size(mem), MEMORY_PAGE_SIZE);
  wasm_memory_data(mem)[100] = 42;
  EXPECT_TRUE(wasm_memory_grow(mem, 2));
  EXPECT_FALSE(wasm_memory_grow(mem, 1)); // beyond the maximum
  EXPECT_EQ(wasm_memory_size(mem), 3u);
  EXPECT_EQ(wasm_memory_data(mem)[100], 42);
  wasm_memorytype_t* t = wasm_memory_type(mem);
  EXPECT_EQ(wasm_memorytype_limits(t)->max, 3u);
  wasm_memorytype_delete(t);

  wasm_module_t* m = compile(R"((module (import "" "m" (memory 1))
    (func (export "load") (param i32) (result i32) (i32.load8_u (local.get 0)))))");
  wasm_extern_t* items[] = {wasm_memory_as_extern(mem)};
  wasm_extern_vec_t imports = WASM_ARRAY_VEC(items);
  wasm_func_t* load = wasm_extern_as_func(export_at(instantiate(m, &imports), 0));
  wasm_val_t a[1] = {WASM_I32_VAL(100)};
  wasm_val_t r[1] = {WASM_INIT_VAL};
  wasm_val_vec_t args = WASM_ARRAY_VEC(a);
  wasm_val_vec_t results = WASM_ARRAY_VEC(r);
  ASSERT_EQ(wasm_func_call(load, &args, &results), nullptr);
  EXPECT_EQ(r[0].of.i32, 42);
  a[0] = WASM_I32_VAL(3 * 65536);
  EXPECT_EQ(take_trap_message(wasm_func_call(load, &args, &results)),
            "out of bounds memory access");
  wasm_memory_delete(mem);
}

TEST_F(CApiObjects, Tables) {
  const wasm_limits_t l = {2, 4};
  wasm_tabletype_t* tt = wasm_tabletype_new(wasm_valtype_new_funcref(), &l);
  wasm_table_t* table = wasm_table_new(store, tt, nullptr);
  wasm_tabletype_delete(tt);
  ASSERT_NE(table, nullptr);
  EXPECT_EQ(wasm_table_size(table), 2u);
  EXPECT_EQ(wasm_table_get(table, 0), nullptr);
  EXPECT_EQ(wasm_table_get(table, 99), nullptr);
  EXPECT_TRUE(wasm_table_grow(table, 2, nullptr));
  EXPECT_FALSE(wasm_table_grow(table, 1, nullptr));
  EXPECT_FALSE(wasm_table_set(table, 4, nullptr));
  EXPECT_TRUE(wasm_table_set(table, 3, nullptr));
  wasm_tabletype_t* t = wasm_table_type(table);
  EXPECT_EQ(wasm_tabletype_limits(t)->min, 4u);
  EXPECT_EQ(wasm_valtype_kind(wasm_tabletype_element(t)), WASM_FUNCREF);
  wasm_tabletype_delete(t);
  // A foreign object is not a funcref.
  wasm_foreign_t* f = wasm_foreign_new(store);
  EXPECT_FALSE(wasm_table_set(table, 0, wasm_foreign_as_ref(f)));
  wasm_foreign_delete(f);
  EXPECT_EQ(wasm_extern_kind(wasm_table_as_extern(table)), WASM_EXTERN_TABLE);
  wasm_table_delete(table);
}

} // namespace
} // namespace capi_test
