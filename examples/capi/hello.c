/* hello: a host function imported by a module and called back through an exported function,
 * the smallest complete round of the wasm.h API. */
#include "example.h"

static int hello_calls = 0;

static wasm_trap_t* hello_callback(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  (void)args;
  (void)results;
  printf("Calling back...\n> Hello World!\n");
  ++hello_calls;
  return NULL;
}

int main(int argc, const char* argv[]) {
  if (argc < 2) example_fail("usage: hello hello.wat");
  printf("Initializing...\n");
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);

  printf("Compiling module...\n");
  wasm_module_t* module = example_load(store, argv[1]);

  printf("Creating callback...\n");
  wasm_functype_t* hello_type = wasm_functype_new_0_0();
  wasm_func_t* hello_func = wasm_func_new(store, hello_type, hello_callback);
  wasm_functype_delete(hello_type);

  printf("Instantiating module...\n");
  wasm_extern_t* externs[] = {wasm_func_as_extern(hello_func)};
  wasm_extern_vec_t imports = WASM_ARRAY_VEC(externs);
  wasm_instance_t* instance = wasm_instance_new(store, module, &imports, NULL);
  if (!instance) example_fail("instantiating the module");
  wasm_func_delete(hello_func);

  printf("Extracting export...\n");
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  if (exports.size == 0) example_fail("no exports");
  const wasm_func_t* run_func = wasm_extern_as_func(exports.data[0]);
  if (!run_func) example_fail("export 0 is not a function");
  wasm_module_delete(module);
  wasm_instance_delete(instance);

  printf("Calling export...\n");
  wasm_val_vec_t args = WASM_EMPTY_VEC;
  wasm_val_vec_t results = WASM_EMPTY_VEC;
  wasm_trap_t* trap = wasm_func_call(run_func, &args, &results);
  if (trap) {
    example_print_trap(trap);
    example_fail("calling the export");
  }
  wasm_extern_vec_delete(&exports);

  printf("Shutting down...\n");
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  if (hello_calls != 1) example_fail("the callback was not called exactly once");
  printf("Done.\n");
  return 0;
}
