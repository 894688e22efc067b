/* Shared by the C API examples: loading a .wat file into a module, and failing loudly. */
#ifndef WASMCAP_EXAMPLE_H
#define WASMCAP_EXAMPLE_H

#include <stdio.h>
#include <stdlib.h>

#include "wasm.h"
#include "wasmcap.h"

/* Prints the message and exits with status 1: the examples are tests, so any surprise fails. */
static inline void example_fail(const char* message) {
  fprintf(stderr, "> Error: %s\n", message);
  exit(1);
}

/* Reads the whole file at `path` into `out` (owned by the caller). */
static inline void example_read_file(const char* path, wasm_byte_vec_t* out) {
  FILE* file = fopen(path, "rb");
  if (!file) example_fail("cannot open the module file");
  fseek(file, 0L, SEEK_END);
  long size = ftell(file);
  fseek(file, 0L, SEEK_SET);
  wasm_byte_vec_new_uninitialized(out, (size_t)size);
  if (size > 0 && fread(out->data, (size_t)size, 1, file) != 1) example_fail("cannot read file");
  fclose(file);
}

/* Loads a .wat file and compiles it with the standard wasm_module_new (text is converted to a
 * binary first with wasmcap_wat2wasm). Returns an owned module. */
static inline wasm_module_t* example_load(wasm_store_t* store, const char* path) {
  wasm_byte_vec_t text;
  example_read_file(path, &text);
  wasm_byte_vec_t binary;
  wasmcap_error_t* error = wasmcap_wat2wasm(text.data, text.size, &binary);
  wasm_byte_vec_delete(&text);
  if (error) {
    wasm_message_t message;
    wasmcap_error_message(error, &message);
    fprintf(stderr, "> %s\n", message.data);
    wasm_byte_vec_delete(&message);
    wasmcap_error_delete(error);
    example_fail("cannot convert the text module");
  }
  wasm_module_t* module = wasm_module_new(store, &binary);
  wasm_byte_vec_delete(&binary);
  if (!module) example_fail("cannot compile the module");
  return module;
}

/* Prints a trap's message and deletes the trap. */
static inline void example_print_trap(wasm_trap_t* trap) {
  wasm_message_t message;
  wasm_trap_message(trap, &message);
  printf("> Trap: %s\n", message.data);
  wasm_byte_vec_delete(&message);
  wasm_trap_delete(trap);
}

#endif /* WASMCAP_EXAMPLE_H */
