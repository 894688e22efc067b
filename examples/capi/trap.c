/* trap: a trap made by a host callback (wasm_trap_new) and one raised by wasm itself, each
 * inspected through its message, origin frame and trace. */
#include <string.h>

#include "example.h"

static wasm_trap_t* fail_callback(void* env, const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  (void)args;
  (void)results;
  printf("Calling back...\n");
  wasm_name_t message;
  wasm_name_new_from_string_nt(&message, "callback abort");
  wasm_trap_t* trap = wasm_trap_new((wasm_store_t*)env, &message);
  wasm_name_delete(&message);
  return trap;
}

static void print_frame(const wasm_frame_t* frame) {
  printf("> func %u @ 0x%zx\n", wasm_frame_func_index(frame), wasm_frame_module_offset(frame));
}

int main(int argc, const char* argv[]) {
  if (argc < 2) example_fail("usage: trap trap.wat");
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = example_load(store, argv[1]);

  wasm_functype_t* fail_type = wasm_functype_new_0_1(wasm_valtype_new_i32());
  wasm_func_t* fail_func = wasm_func_new_with_env(store, fail_type, fail_callback, store, NULL);
  wasm_functype_delete(fail_type);

  wasm_extern_t* externs[] = {wasm_func_as_extern(fail_func)};
  wasm_extern_vec_t imports = WASM_ARRAY_VEC(externs);
  wasm_instance_t* instance = wasm_instance_new(store, module, &imports, NULL);
  if (!instance) example_fail("instantiating the module");
  wasm_func_delete(fail_func);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  if (exports.size < 2) example_fail("expected two exports");
  wasm_module_delete(module);
  wasm_instance_delete(instance);

  const char* expected[2] = {"callback abort", "unreachable"};
  for (size_t i = 0; i < 2; ++i) {
    const wasm_func_t* func = wasm_extern_as_func(exports.data[i]);
    if (!func) example_fail("export is not a function");
    printf("Calling export %zu...\n", i);
    wasm_val_t rs[1] = {WASM_INIT_VAL};
    wasm_val_vec_t args = WASM_EMPTY_VEC;
    wasm_val_vec_t results = WASM_ARRAY_VEC(rs);
    wasm_trap_t* trap = wasm_func_call(func, &args, &results);
    if (!trap) example_fail("no trap");

    wasm_message_t message;
    wasm_trap_message(trap, &message);
    printf("Printing message...\n> %s\n", message.data);
    if (strcmp(message.data, expected[i]) != 0) example_fail("wrong message");
    wasm_name_delete(&message);

    printf("Printing origin...\n");
    wasm_frame_t* frame = wasm_trap_origin(trap);
    if (!frame) example_fail("no origin");
    print_frame(frame);
    /* Function 1 is the first defined function ("callback"), 2 is "unreachable". */
    if (wasm_frame_func_index(frame) != (uint32_t)(i + 1)) example_fail("wrong origin");
    wasm_frame_delete(frame);

    printf("Printing trace...\n");
    wasm_frame_vec_t trace;
    wasm_trap_trace(trap, &trace);
    if (trace.size == 0) example_fail("empty trace");
    for (size_t j = 0; j < trace.size; ++j)
      print_frame(trace.data[j]);
    wasm_frame_vec_delete(&trace);
    wasm_trap_delete(trap);
  }

  wasm_extern_vec_delete(&exports);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("Done.\n");
  return 0;
}
