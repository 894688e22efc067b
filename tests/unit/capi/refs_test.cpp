// wasm.h references and values: funcrefs round-tripping through tables and globals, foreign
// objects as externrefs through wasm (and finalized once nothing holds them), identity and host
// info across handles, value ownership.
#include <thread>

#include "capi_helpers.h"

namespace capi_test {
namespace {

using CApiRefs = CApiTest;

wasm_trap_t* seven_cb(const wasm_val_vec_t*, wasm_val_vec_t* results) {
  results->data[0] = WASM_I32_VAL(7);
  return nullptr;
}

wasm_trap_t* echo_ref_cb(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  wasm_val_copy(&results->data[0], &args->data[0]); // results own their references
  return nullptr;
}

TEST_F(CApiRefs, FuncrefsRoundTripThroughTablesAndGlobals) {
  // A store of its own, so the test can watch host info being finalized when it goes.
  wasm_store_t* s = wasm_store_new(engine);
  wasm_functype_t* ft = wasm_functype_new_0_1(wasm_valtype_new_i32());
  wasm_func_t* seven = wasm_func_new(s, ft, seven_cb);
  wasm_functype_delete(ft);
  static int info_finalized = 0;
  wasm_func_set_host_info_with_finalizer(seven, &info_finalized,
                                         [](void* p) { ++*static_cast<int*>(p); });

  wasm_module_t* m = compile(R"((module
    (type $t (func (result i32)))
    (table (export "t") 2 funcref)
    (global (export "g") (mut funcref) (ref.null func))
    (func (export "call") (param i32) (result i32) (call_indirect (type $t) (local.get 0)))))");
  wasm_extern_vec_t none = WASM_EMPTY_VEC;
  wasm_instance_t* inst = wasm_instance_new(s, m, &none, nullptr);
  ASSERT_NE(inst, nullptr);
  wasm_extern_vec_t exports;
  wasm_instance_exports(inst, &exports);
  wasm_table_t* table = wasm_extern_as_table(exports.data[0]);
  wasm_global_t* global = wasm_extern_as_global(exports.data[1]);
  wasm_func_t* call = wasm_extern_as_func(exports.data[2]);

  ASSERT_TRUE(wasm_table_set(table, 1, wasm_func_as_ref(seven)));
  wasm_val_t a[1] = {WASM_I32_VAL(1)};
  wasm_val_t r[1] = {WASM_INIT_VAL};
  wasm_val_vec_t args = WASM_ARRAY_VEC(a);
  wasm_val_vec_t results = WASM_ARRAY_VEC(r);
  ASSERT_EQ(wasm_func_call(call, &args, &results), nullptr);
  EXPECT_EQ(r[0].of.i32, 7);

  wasm_ref_t* back = wasm_table_get(table, 1);
  ASSERT_NE(back, nullptr);
  wasm_func_t* back_func = wasm_ref_as_func(back);
  ASSERT_NE(back_func, nullptr);
  EXPECT_TRUE(wasm_func_same(back_func, seven));
  EXPECT_EQ(wasm_func_get_host_info(back_func), &info_finalized);
  EXPECT_EQ(wasm_func_result_arity(back_func), 1u);

  wasm_val_t gv;
  gv.kind = WASM_FUNCREF;
  gv.of.ref = back;
  wasm_global_set(global, &gv);
  wasm_ref_delete(back);
  wasm_val_t out;
  wasm_global_get(global, &out);
  EXPECT_EQ(out.kind, WASM_FUNCREF);
  ASSERT_NE(out.of.ref, nullptr);
  EXPECT_TRUE(wasm_ref_same(out.of.ref, wasm_func_as_ref(seven)));
  wasm_val_t copy;
  wasm_val_copy(&copy, &out);
  EXPECT_NE(copy.of.ref, out.of.ref);
  EXPECT_TRUE(wasm_ref_same(copy.of.ref, out.of.ref));
  wasm_val_delete(&out);
  wasm_val_delete(&copy);
  wasm_func_delete(seven);
  EXPECT_EQ(info_finalized, 0); // the function lives until the store goes
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(inst);
  EXPECT_EQ(info_finalized, 0);
  wasm_store_delete(s);
  EXPECT_EQ(info_finalized, 1);
}

TEST_F(CApiRefs, ForeignObjectsAsExternrefs) {
  wasm_functype_t* ft =
      wasm_functype_new_1_1(wasm_valtype_new_externref(), wasm_valtype_new_externref());
  wasm_func_t* echo = wasm_func_new(store, ft, echo_ref_cb);
  wasm_functype_delete(ft);
  wasm_module_t* m = compile(R"((module
    (import "" "echo" (func $echo (param externref) (result externref)))
    (table (export "t") 1 externref)
    (func (export "roundtrip") (param externref) (result externref)
      (table.set 0 (i32.const 0) (local.get 0))
      (call $echo (table.get 0 (i32.const 0))))))");
  wasm_extern_t* items[] = {wasm_func_as_extern(echo)};
  wasm_extern_vec_t imports = WASM_ARRAY_VEC(items);
  wasm_instance_t* inst = instantiate(m, &imports);
  wasm_table_t* table = wasm_extern_as_table(export_at(inst, 0));
  wasm_func_t* roundtrip = wasm_extern_as_func(export_at(inst, 1));

  wasm_foreign_t* foreign = wasm_foreign_new(store);
  int tag = 5;
  wasm_foreign_set_host_info(foreign, &tag);
  wasm_val_t a[1] = {WASM_REF_VAL(wasm_foreign_as_ref(foreign))};
  wasm_val_t r[1] = {WASM_INIT_VAL};
  wasm_val_vec_t args = WASM_ARRAY_VEC(a);
  wasm_val_vec_t results = WASM_ARRAY_VEC(r);
  ASSERT_EQ(wasm_func_call(roundtrip, &args, &results), nullptr);
  ASSERT_EQ(r[0].kind, WASM_EXTERNREF);
  wasm_foreign_t* back = wasm_ref_as_foreign(r[0].of.ref);
  ASSERT_NE(back, nullptr);
  EXPECT_TRUE(wasm_foreign_same(back, foreign));
  EXPECT_EQ(wasm_foreign_get_host_info(back), &tag);
  wasm_val_delete(&r[0]);

  wasm_ref_t* in_table = wasm_table_get(table, 0);
  EXPECT_TRUE(wasm_ref_same(in_table, wasm_foreign_as_ref(foreign)));
  wasm_ref_delete(in_table);
  // Any store object is a valid externref, e.g. a function.
  ASSERT_TRUE(wasm_table_set(table, 0, wasm_func_as_ref(echo)));
  wasm_ref_t* f = wasm_table_get(table, 0);
  EXPECT_NE(wasm_ref_as_func(f), nullptr);
  wasm_ref_delete(f);
  // References from another store are refused.
  wasm_store_t* other = wasm_store_new(engine);
  wasm_foreign_t* alien = wasm_foreign_new(other);
  EXPECT_FALSE(wasm_table_set(table, 0, wasm_foreign_as_ref(alien)));
  wasm_foreign_delete(alien);
  wasm_store_delete(other);
  wasm_foreign_delete(foreign);
  wasm_func_delete(echo);
}

TEST_F(CApiRefs, ValueVectorsOwnReferences) {
  wasm_foreign_t* f = wasm_foreign_new(store);
  wasm_val_t vals[2] = {WASM_I32_VAL(1), WASM_REF_VAL(wasm_foreign_as_ref(f))};
  wasm_val_vec_t v;
  wasm_val_vec_new(&v, 2, vals); // takes the reference over
  wasm_val_vec_t c;
  wasm_val_vec_copy(&c, &v);
  EXPECT_NE(c.data[1].of.ref, v.data[1].of.ref);
  EXPECT_TRUE(wasm_ref_same(c.data[1].of.ref, v.data[1].of.ref));
  wasm_val_vec_delete(&v);
  wasm_val_vec_delete(&c);
  wasm_val_vec_t u;
  wasm_val_vec_new_uninitialized(&u, 3);
  wasm_val_vec_delete(&u);
  wasm_val_t p;
  int x = 0;
  wasm_val_init_ptr(&p, &x);
  EXPECT_EQ(wasm_val_ptr(&p), &x);
}

TEST_F(CApiRefs, ObjectsOutliveTheirStoreHandle) {
  wasm_store_t* s = wasm_store_new(engine);
  const wasm_limits_t l = {1, 1};
  wasm_memorytype_t* mt = wasm_memorytype_new(&l);
  wasm_memory_t* mem = wasm_memory_new(s, mt);
  wasm_memorytype_delete(mt);
  wasm_store_delete(s); // the memory keeps the store's data alive
  EXPECT_EQ(wasm_memory_size(mem), 1u);
  wasm_memory_t* copy = wasm_memory_copy(mem);
  wasm_memory_delete(mem);
  EXPECT_EQ(wasm_memory_data_size(copy), MEMORY_PAGE_SIZE);
  wasm_ref_t* as_ref = wasm_memory_as_ref(copy);
  EXPECT_EQ(wasm_ref_as_memory_const(as_ref), copy);
  EXPECT_EQ(wasm_ref_as_extern(as_ref), wasm_memory_as_extern(copy));
  wasm_memory_delete(copy);
}

// A foreign object wasm held is dropped by the collector once neither wasm (a global here) nor a
// wasm_ref_t handle holds it: its host-info finalizer runs then, not at the store's end. It is
// made and passed on another thread, whose stack is gone when this one collects (so the test
// holds with WASMCAP_GC_PRECISE=0 too, where the running thread's stack is scanned
// conservatively, docs/gc.md).
int finalized_foreigns = 0;
void count_finalized(void*) {
  ++finalized_foreigns;
}

TEST_F(CApiRefs, ForeignObjectsWasmDroppedAreFinalizedByACollection) {
  wasm_module_t* m = compile(R"((module
    (global $g (mut externref) (ref.null extern))
    (func (export "hold") (param externref) (global.set $g (local.get 0)))
    (func (export "drop") (global.set $g (ref.null extern)))))");
  wasm_extern_vec_t imports = WASM_EMPTY_VEC;
  wasm_instance_t* inst = instantiate(m, &imports);
  wasm_func_t* hold = wasm_extern_as_func(export_at(inst, 0));
  wasm_func_t* drop = wasm_extern_as_func(export_at(inst, 1));
  finalized_foreigns = 0;
  std::thread([&] {
    wasm_foreign_t* foreign = wasm_foreign_new(store);
    wasm_foreign_set_host_info_with_finalizer(foreign, nullptr, count_finalized);
    wasm_val_t a[1] = {WASM_REF_VAL(wasm_foreign_as_ref(foreign))};
    wasm_val_vec_t args = WASM_ARRAY_VEC(a);
    wasm_val_vec_t none = WASM_EMPTY_VEC;
    ASSERT_EQ(wasm_func_call(hold, &args, &none), nullptr);
    wasmcap_store_gc(store);
    EXPECT_EQ(finalized_foreigns, 0) << "the handle still holds it";
    wasm_foreign_delete(foreign);
  }).join();
  wasmcap_store_gc(store);
  EXPECT_EQ(finalized_foreigns, 0) << "the global still holds it";
  wasm_val_vec_t none = WASM_EMPTY_VEC;
  ASSERT_EQ(wasm_func_call(drop, &none, &none), nullptr);
  wasmcap_store_gc(store);
  EXPECT_EQ(finalized_foreigns, 1);
}

// Wasm GC's any hierarchy in the C API (WASMCAP_ANYREF): a struct result comes back as a rooted
// handle, survives collections (made on another thread, so no stack word of this one keeps it),
// goes back into wasm, and compares `same` with another handle to it; i31 values both ways.
TEST_F(CApiRefs, AnyrefValuesAreRootedHandles) {
  wasm_module_t* m = compile(R"((module
    (type $s (struct (field i32)))
    (func (export "make") (param i32) (result anyref) (struct.new $s (local.get 0)))
    (func (export "field") (param anyref) (result i32)
      (struct.get $s 0 (ref.cast (ref $s) (local.get 0))))
    (func (export "churn") (param $n i32)
      (loop $l
        (drop (struct.new $s (i32.const 0)))
        (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
    (func (export "i31") (param i31ref) (result i32) (i31.get_s (local.get 0)))))");
  wasm_extern_vec_t imports = WASM_EMPTY_VEC;
  wasm_instance_t* inst = instantiate(m, &imports);
  wasm_func_t* make = wasm_extern_as_func(export_at(inst, 0));
  wasm_func_t* field = wasm_extern_as_func(export_at(inst, 1));
  wasm_func_t* churn = wasm_extern_as_func(export_at(inst, 2));
  wasm_func_t* i31 = wasm_extern_as_func(export_at(inst, 3));

  wasm_functype_t* ft = wasm_func_type(field);
  EXPECT_EQ(wasm_valtype_kind(wasm_functype_params(ft)->data[0]), WASMCAP_ANYREF);
  wasm_functype_delete(ft);

  wasm_ref_t* kept = nullptr;
  std::thread([&] {
    wasm_val_t a[1] = {WASM_I32_VAL(42)};
    wasm_val_t r[1] = {WASM_INIT_VAL};
    wasm_val_vec_t args = WASM_ARRAY_VEC(a);
    wasm_val_vec_t results = WASM_ARRAY_VEC(r);
    ASSERT_EQ(wasm_func_call(make, &args, &results), nullptr);
    ASSERT_EQ(r[0].kind, WASMCAP_ANYREF);
    kept = r[0].of.ref; // owned by us now
  }).join();
  ASSERT_NE(kept, nullptr);
  EXPECT_EQ(wasmcap_ref_gc_kind(kept), WASMCAP_GC_STRUCT);
  {
    wasm_val_t a[1] = {WASM_I32_VAL(200000)};
    wasm_val_vec_t args = WASM_ARRAY_VEC(a);
    wasm_val_vec_t none = WASM_EMPTY_VEC;
    ASSERT_EQ(wasm_func_call(churn, &args, &none), nullptr); // several collections
  }
  wasmcap_store_gc(store);
  wasm_val_t a[1];
  a[0].kind = WASMCAP_ANYREF;
  a[0].of.ref = kept;
  wasm_val_t r[1] = {WASM_INIT_VAL};
  wasm_val_vec_t args = WASM_ARRAY_VEC(a);
  wasm_val_vec_t results = WASM_ARRAY_VEC(r);
  ASSERT_EQ(wasm_func_call(field, &args, &results), nullptr);
  EXPECT_EQ(r[0].of.i32, 42);
  wasm_ref_t* copy = wasm_ref_copy(kept);
  EXPECT_TRUE(wasm_ref_same(copy, kept));
  wasm_ref_delete(copy);
  wasm_ref_delete(kept);

  wasm_ref_t* seven = wasmcap_ref_i31_new(store, -7);
  int32_t back = 0;
  ASSERT_TRUE(wasmcap_ref_i31_get(seven, &back));
  EXPECT_EQ(back, -7);
  a[0].of.ref = seven;
  ASSERT_EQ(wasm_func_call(i31, &args, &results), nullptr);
  EXPECT_EQ(r[0].of.i32, -7);
  wasm_ref_delete(seven);
  // An externref is not an anyref.
  wasm_val_t wrong[1] = {WASM_REF_VAL(nullptr)};
  wasm_val_vec_t wrong_args = WASM_ARRAY_VEC(wrong);
  wasm_trap_t* trap = wasm_func_call(field, &wrong_args, &results);
  EXPECT_NE(trap, nullptr);
  wasm_trap_delete(trap);
}

} // namespace
} // namespace capi_test
