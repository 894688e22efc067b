/* multi: a host callback taking and returning four values (reversing them), called from wasm
 * which swaps the middle two on the way in. */
#include <inttypes.h>

#include "example.h"

static wasm_trap_t* reverse_callback(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  printf("Calling back...\n> %" PRId32 " %" PRId64 " %" PRId64 " %" PRId32 "\n",
         args->data[0].of.i32, args->data[1].of.i64, args->data[2].of.i64, args->data[3].of.i32);
  for (size_t i = 0; i < 4; ++i)
    wasm_val_copy(&results->data[i], &args->data[3 - i]);
  return NULL;
}

int main(int argc, const char* argv[]) {
  if (argc < 2) example_fail("usage: multi multi.wat");
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = example_load(store, argv[1]);

  wasm_valtype_t* types[4] = {wasm_valtype_new_i32(), wasm_valtype_new_i64(),
                              wasm_valtype_new_i64(), wasm_valtype_new_i32()};
  wasm_valtype_vec_t tuple1, tuple2;
  wasm_valtype_vec_new(&tuple1, 4, types);
  wasm_valtype_vec_copy(&tuple2, &tuple1);
  wasm_functype_t* callback_type = wasm_functype_new(&tuple1, &tuple2);
  wasm_func_t* callback_func = wasm_func_new(store, callback_type, reverse_callback);
  wasm_functype_delete(callback_type);

  wasm_extern_t* externs[] = {wasm_func_as_extern(callback_func)};
  wasm_extern_vec_t imports = WASM_ARRAY_VEC(externs);
  wasm_instance_t* instance = wasm_instance_new(store, module, &imports, NULL);
  if (!instance) example_fail("instantiating the module");
  wasm_func_delete(callback_func);

  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  const wasm_func_t* run_func = wasm_extern_as_func(exports.data[0]);
  if (!run_func || wasm_func_param_arity(run_func) != 4 || wasm_func_result_arity(run_func) != 4) {
    example_fail("export 0 is not the expected function");
  }
  wasm_module_delete(module);
  wasm_instance_delete(instance);

  printf("Calling export...\n");
  wasm_val_t vals[4] = {WASM_I32_VAL(1), WASM_I64_VAL(2), WASM_I64_VAL(3), WASM_I32_VAL(4)};
  wasm_val_t res[4] = {WASM_INIT_VAL, WASM_INIT_VAL, WASM_INIT_VAL, WASM_INIT_VAL};
  wasm_val_vec_t args = WASM_ARRAY_VEC(vals);
  wasm_val_vec_t results = WASM_ARRAY_VEC(res);
  wasm_trap_t* trap = wasm_func_call(run_func, &args, &results);
  if (trap) {
    example_print_trap(trap);
    example_fail("calling the export");
  }
  wasm_extern_vec_delete(&exports);

  printf("Printing result...\n> %" PRId32 " %" PRId64 " %" PRId64 " %" PRId32 "\n", res[0].of.i32,
         res[1].of.i64, res[2].of.i64, res[3].of.i32);
  /* In: 1 2 3 4; wasm swaps the middle (1 3 2 4); the callback reverses (4 2 3 1). */
  if (res[0].kind != WASM_I32 || res[0].of.i32 != 4 || res[1].of.i64 != 2 || res[2].of.i64 != 3 ||
      res[3].of.i32 != 1) {
    example_fail("wrong results");
  }

  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("Done.\n");
  return 0;
}
