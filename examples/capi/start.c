/* start: instantiation fails when the start function traps; the trap says why and where, and
 * wasmcap_instance_new reports it the same way while keeping link errors apart. */
#include <string.h>

#include "example.h"

int main(int argc, const char* argv[]) {
  if (argc < 2) example_fail("usage: start start.wat");
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = example_load(store, argv[1]);

  printf("Instantiating module...\n");
  wasm_extern_vec_t imports = WASM_EMPTY_VEC;
  wasm_trap_t* trap = NULL;
  wasm_instance_t* instance = wasm_instance_new(store, module, &imports, &trap);
  if (instance || !trap) example_fail("instantiation should have trapped");

  printf("Printing message...\n");
  wasm_message_t message;
  wasm_trap_message(trap, &message);
  printf("> %s\n", message.data);
  if (strcmp(message.data, "unreachable") != 0) example_fail("wrong message");
  wasm_name_delete(&message);

  printf("Printing origin...\n");
  wasm_frame_t* frame = wasm_trap_origin(trap);
  if (!frame) example_fail("no origin");
  printf("> func %u @ 0x%zx\n", wasm_frame_func_index(frame), wasm_frame_module_offset(frame));
  if (wasm_frame_func_index(frame) != 0) example_fail("wrong origin");
  wasm_frame_delete(frame);

  printf("Printing trace...\n");
  wasm_frame_vec_t trace;
  wasm_trap_trace(trap, &trace);
  if (trace.size != 1) example_fail("wrong trace length");
  wasm_frame_vec_delete(&trace);
  wasm_trap_delete(trap);

  printf("Instantiating through wasmcap_instance_new...\n");
  wasmcap_error_t* error = wasmcap_instance_new(store, module, &imports, &instance, &trap);
  if (error || instance || !trap) example_fail("expected a trap, not an error");
  example_print_trap(trap);

  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("Done.\n");
  return 0;
}
