/* table: reading, writing and growing a funcref table from the host, calling through it with
 * call_indirect, putting a host function in it, and a stand-alone table. */
#include "example.h"

static wasm_trap_t* neg_callback(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  results->data[0].kind = WASM_I32;
  results->data[0].of.i32 = -args->data[0].of.i32;
  return NULL;
}

static void check(bool ok, const char* what) {
  if (!ok) example_fail(what);
}

/* Checks that slot `i` holds `expected` (NULL: the null reference). */
static void check_table(wasm_table_t* table, int32_t i, const wasm_func_t* expected) {
  wasm_ref_t* ref = wasm_table_get(table, (wasm_table_size_t)i);
  if (expected == NULL) {
    check(ref == NULL, "slot should be null");
    return;
  }
  check(ref != NULL && wasm_ref_same(ref, wasm_func_as_ref_const(expected)), "slot content");
  wasm_ref_delete(ref);
}

/* call_indirect(arg, i); returns whether it trapped. */
static bool call_indirect(const wasm_func_t* func, int32_t arg, int32_t i, int32_t* out) {
  wasm_val_t as[2] = {WASM_I32_VAL(arg), WASM_I32_VAL(i)};
  wasm_val_t rs[1] = {WASM_INIT_VAL};
  wasm_val_vec_t args = WASM_ARRAY_VEC(as);
  wasm_val_vec_t results = WASM_ARRAY_VEC(rs);
  wasm_trap_t* trap = wasm_func_call(func, &args, &results);
  if (trap) {
    wasm_trap_delete(trap);
    return true;
  }
  *out = rs[0].of.i32;
  return false;
}

int main(int argc, const char* argv[]) {
  if (argc < 2) example_fail("usage: table table.wat");
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = example_load(store, argv[1]);

  wasm_extern_vec_t imports = WASM_EMPTY_VEC;
  wasm_instance_t* instance = wasm_instance_new(store, module, &imports, NULL);
  if (!instance) example_fail("instantiating the module");
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_table_t* table = wasm_extern_as_table(exports.data[0]);
  wasm_func_t* call_indirect_func = wasm_extern_as_func(exports.data[1]);
  wasm_func_t* f = wasm_extern_as_func(exports.data[2]);
  wasm_func_t* g = wasm_extern_as_func(exports.data[3]);
  check(table && call_indirect_func && f && g, "exports");
  wasm_module_delete(module);

  printf("Creating callback...\n");
  wasm_functype_t* neg_type = wasm_functype_new_1_1(wasm_valtype_new_i32(), wasm_valtype_new_i32());
  wasm_func_t* h = wasm_func_new(store, neg_type, neg_callback);
  wasm_functype_delete(neg_type);

  printf("Checking table...\n");
  int32_t r = 0;
  check(wasm_table_size(table) == 2, "size");
  check_table(table, 0, NULL);
  check_table(table, 1, f);
  check(wasm_table_get(table, 2) == NULL, "out of bounds get");
  check(!call_indirect(call_indirect_func, 7, 1, &r) && r == 7, "call f");
  check(call_indirect(call_indirect_func, 7, 0, &r), "call of a null slot must trap");
  check(call_indirect(call_indirect_func, 7, 2, &r), "call out of bounds must trap");

  printf("Mutating table...\n");
  check(wasm_table_set(table, 0, wasm_func_as_ref(g)), "set 0");
  check(wasm_table_set(table, 1, NULL), "set 1");
  check(!wasm_table_set(table, 2, wasm_func_as_ref(f)), "set out of bounds must fail");
  check_table(table, 0, g);
  check_table(table, 1, NULL);
  check(!call_indirect(call_indirect_func, 7, 0, &r) && r == 666, "call g");
  check(call_indirect(call_indirect_func, 7, 1, &r), "call of a null slot must trap");

  printf("Growing table...\n");
  check(wasm_table_grow(table, 3, NULL), "grow by 3");
  check(wasm_table_size(table) == 5, "size after grow");
  check(wasm_table_set(table, 2, wasm_func_as_ref(f)), "set 2");
  check(wasm_table_set(table, 3, wasm_func_as_ref(h)), "set 3 to the host function");
  check(!call_indirect(call_indirect_func, 5, 2, &r) && r == 5, "call f in slot 2");
  check(!call_indirect(call_indirect_func, 5, 3, &r) && r == -5, "call the host function");
  check(wasm_table_grow(table, 2, wasm_func_as_ref(f)), "grow with an initial value");
  check_table(table, 6, f);
  check(!wasm_table_grow(table, 5, NULL), "grow beyond the maximum must fail");
  check(wasm_table_grow(table, 3, NULL), "grow to the maximum");
  check(wasm_table_grow(table, 0, NULL), "grow by 0");

  wasm_func_delete(h);
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);

  printf("Creating stand-alone table...\n");
  wasm_limits_t limits = {5, 5};
  wasm_tabletype_t* tabletype = wasm_tabletype_new(wasm_valtype_new_funcref(), &limits);
  wasm_table_t* table2 = wasm_table_new(store, tabletype, NULL);
  check(table2 != NULL && wasm_table_size(table2) == 5, "stand-alone size");
  check(!wasm_table_grow(table2, 1, NULL), "stand-alone grow must fail");
  check(wasm_table_grow(table2, 0, NULL), "stand-alone grow by 0");
  wasm_tabletype_delete(tabletype);
  wasm_table_delete(table2);

  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("Done.\n");
  return 0;
}
