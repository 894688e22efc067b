/* callback: a plain host function that echoes its argument and a closure that reads its
 * environment; the environment's finalizer runs when the store is deleted. */
#include "example.h"

static wasm_trap_t* print_callback(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  printf("Calling back...\n> %d\n", args->data[0].of.i32);
  wasm_val_copy(&results->data[0], &args->data[0]);
  return NULL;
}

static wasm_trap_t* closure_callback(void* env, const wasm_val_vec_t* args,
                                     wasm_val_vec_t* results) {
  (void)args;
  int i = *(int*)env;
  printf("Calling back closure...\n> %d\n", i);
  results->data[0].kind = WASM_I32;
  results->data[0].of.i32 = (int32_t)i;
  return NULL;
}

static int finalized = 0;
static void closure_finalizer(void* env) {
  (void)env;
  ++finalized;
}

int main(int argc, const char* argv[]) {
  if (argc < 2) example_fail("usage: callback callback.wat");
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = example_load(store, argv[1]);

  printf("Creating callbacks...\n");
  wasm_functype_t* print_type =
      wasm_functype_new_1_1(wasm_valtype_new_i32(), wasm_valtype_new_i32());
  wasm_func_t* print_func = wasm_func_new(store, print_type, print_callback);
  wasm_functype_delete(print_type);

  int i = 42;
  wasm_functype_t* closure_type = wasm_functype_new_0_1(wasm_valtype_new_i32());
  wasm_func_t* closure_func =
      wasm_func_new_with_env(store, closure_type, closure_callback, &i, closure_finalizer);
  wasm_functype_delete(closure_type);

  printf("Instantiating module...\n");
  wasm_extern_t* externs[] = {wasm_func_as_extern(print_func), wasm_func_as_extern(closure_func)};
  wasm_extern_vec_t imports = WASM_ARRAY_VEC(externs);
  wasm_trap_t* trap = NULL;
  wasm_instance_t* instance = wasm_instance_new(store, module, &imports, &trap);
  if (!instance) example_fail("instantiating the module");
  wasm_func_delete(print_func);
  wasm_func_delete(closure_func);

  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  const wasm_func_t* run_func = wasm_extern_as_func(exports.data[0]);
  if (!run_func) example_fail("export 0 is not a function");
  wasm_instance_delete(instance);

  printf("Calling export...\n");
  wasm_val_t as[2] = {WASM_I32_VAL(3), WASM_I32_VAL(4)};
  wasm_val_t rs[1] = {WASM_INIT_VAL};
  wasm_val_vec_t args = WASM_ARRAY_VEC(as);
  wasm_val_vec_t results = WASM_ARRAY_VEC(rs);
  trap = wasm_func_call(run_func, &args, &results);
  if (trap) {
    example_print_trap(trap);
    example_fail("calling the export");
  }
  wasm_extern_vec_delete(&exports);

  printf("Printing result...\n> %d\n", rs[0].of.i32);
  if (rs[0].of.i32 != 3 + 4 + 42) example_fail("wrong result");

  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  if (finalized != 1) example_fail("the environment was not finalized");
  printf("Done.\n");
  return 0;
}
