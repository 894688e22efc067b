/* embed-c: a C program hosting a WebAssembly plugin with wasm.h + wasmcap.h. The plugin gets a
 * host function ("env" "log"), one read-only preopened directory (WASI), and nothing else; the
 * host writes a file name into its memory, calls its "process" export and reads the result out
 * of its memory, checking every guest pointer against the memory's size.
 * Usage: embed-c PLUGIN.wat DATA_DIR   (built in-tree and against an installed wasmcap) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wasm.h"
#include "wasmcap.h"

static void fail(const char* what) {
  fprintf(stderr, "embed-c: %s\n", what);
  exit(1);
}

static void fail_error(const char* what, wasmcap_error_t* error) {
  wasm_message_t message;
  wasmcap_error_message(error, &message);
  fprintf(stderr, "embed-c: %s: %.*s\n", what, (int)message.size, message.data);
  wasm_byte_vec_delete(&message);
  wasmcap_error_delete(error);
  exit(1);
}

static void read_file(const char* path, wasm_byte_vec_t* out) {
  FILE* file = fopen(path, "rb");
  if (!file) fail("cannot open the plugin");
  fseek(file, 0L, SEEK_END);
  long size = ftell(file);
  fseek(file, 0L, SEEK_SET);
  if (size < 0) fail("cannot size the plugin");
  wasm_byte_vec_new_uninitialized(out, (size_t)size);
  if (size > 0 && fread(out->data, (size_t)size, 1, file) != 1) fail("cannot read the plugin");
  fclose(file);
}

/* A guest pointer + length is untrusted: this is the one place the host turns it into a host
 * pointer, and only when the whole range is inside the memory. */
static const char* guest_bytes(wasm_memory_t* memory, uint32_t ptr, uint32_t len) {
  size_t size = wasm_memory_data_size(memory);
  if (ptr > size || len > size - ptr) return NULL;
  return wasm_memory_data(memory) + ptr;
}

/* The log function's environment: the plugin's memory is known only after instantiation. */
typedef struct {
  wasm_store_t* store;
  wasm_memory_t* memory;
  int calls;
} log_env_t;

static wasm_trap_t* host_log(void* env, const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  (void)results;
  log_env_t* log = env;
  uint32_t ptr = (uint32_t)args->data[0].of.i32, len = (uint32_t)args->data[1].of.i32;
  const char* text = log->memory ? guest_bytes(log->memory, ptr, len) : NULL;
  if (!text) {
    /* A bad pointer traps the plugin; the host carries on. */
    wasm_message_t message;
    wasm_name_new_from_string_nt(&message, "log: message out of bounds");
    wasm_trap_t* trap = wasm_trap_new(log->store, &message);
    wasm_byte_vec_delete(&message);
    return trap;
  }
  ++log->calls;
  printf("[plugin] %.*s\n", (int)len, text);
  return NULL;
}

/* The export called `name`, found through the module's export list (same order). */
static wasm_extern_t* find_export(const wasm_module_t* module, const wasm_extern_vec_t* exports,
                                  const char* name) {
  wasm_exporttype_vec_t types;
  wasm_module_exports(module, &types);
  wasm_extern_t* found = NULL;
  for (size_t i = 0; i < types.size && i < exports->size; ++i) {
    const wasm_name_t* n = wasm_exporttype_name(types.data[i]);
    if (n->size == strlen(name) && memcmp(n->data, name, n->size) == 0) found = exports->data[i];
  }
  wasm_exporttype_vec_delete(&types);
  if (!found) fail(name);
  return found;
}

int main(int argc, const char* argv[]) {
  if (argc != 3) fail("usage: embed-c PLUGIN.wat DATA_DIR");
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);

  /* wasmcap_module_new takes binary or WAT text and says why a module is refused. */
  wasm_byte_vec_t bytes;
  read_file(argv[1], &bytes);
  wasm_module_t* module = NULL;
  wasmcap_error_t* error = wasmcap_module_new(engine, &bytes, &module);
  wasm_byte_vec_delete(&bytes);
  if (error) fail_error("cannot compile the plugin", error);

  /* WASI: the data directory as /data, read-only; stderr for the guest's complaints. */
  wasmcap_wasi_config_t* config = wasmcap_wasi_config_new();
  wasmcap_wasi_config_preopen_dir(config, argv[2], "/data", true);
  wasmcap_wasi_config_inherit_stderr(config);
  wasmcap_wasi_t* wasi = NULL;
  error = wasmcap_wasi_new(store, config, &wasi);
  wasmcap_wasi_config_delete(config);
  if (error) fail_error("cannot grant the data directory", error);

  /* WASI fills its imports; the one left (NULL) is "env" "log". */
  wasm_extern_vec_t imports;
  error = wasmcap_wasi_imports(wasi, module, &imports);
  if (error) fail_error("cannot link WASI", error);
  log_env_t log = {store, NULL, 0};
  wasm_valtype_vec_t params, no_results;
  wasm_valtype_t* ps[2] = {wasm_valtype_new(WASM_I32), wasm_valtype_new(WASM_I32)};
  wasm_valtype_vec_new(&params, 2, ps);
  wasm_valtype_vec_new_empty(&no_results);
  wasm_functype_t* log_type = wasm_functype_new(&params, &no_results);
  wasm_func_t* log_func = wasm_func_new_with_env(store, log_type, host_log, &log, NULL);
  wasm_functype_delete(log_type);
  for (size_t i = 0; i < imports.size; ++i) {
    if (!imports.data[i]) imports.data[i] = wasm_extern_copy(wasm_func_as_extern(log_func));
  }

  wasm_instance_t* instance = NULL;
  wasm_trap_t* trap = NULL;
  error = wasmcap_instance_new(store, module, &imports, &instance, &trap);
  wasm_extern_vec_delete(&imports);
  wasm_func_delete(log_func);
  if (error) fail_error("cannot instantiate the plugin", error);
  if (trap) fail("the plugin trapped while starting");
  error = wasmcap_wasi_bind_instance(wasi, instance);
  if (error) fail_error("cannot bind the plugin's memory", error);

  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_memory_t* memory = wasm_extern_as_memory(find_export(module, &exports, "memory"));
  wasm_func_t* name_buffer = wasm_extern_as_func(find_export(module, &exports, "name_buffer"));
  wasm_func_t* process = wasm_extern_as_func(find_export(module, &exports, "process"));
  if (!memory || !name_buffer || !process) fail("the plugin's exports have the wrong kinds");
  log.memory = memory;

  /* Write the file name where the plugin asks for it. */
  const char* name = "greeting.txt";
  const uint32_t name_len = (uint32_t)strlen(name);
  wasm_val_t buffer_result[1] = {WASM_INIT_VAL};
  wasm_val_vec_t none = WASM_EMPTY_VEC, buffer_results = WASM_ARRAY_VEC(buffer_result);
  trap = wasm_func_call(name_buffer, &none, &buffer_results);
  if (trap) fail("name_buffer trapped");
  char* target = (char*)guest_bytes(memory, (uint32_t)buffer_result[0].of.i32, name_len);
  if (!target) fail("the plugin's name buffer is out of bounds");
  memcpy(target, name, name_len);

  /* process(name_len) -> (ptr, len): multi-value results. */
  wasm_val_t args[1] = {WASM_I32_VAL((int32_t)name_len)};
  wasm_val_t results[2] = {WASM_INIT_VAL, WASM_INIT_VAL};
  wasm_val_vec_t arg_vec = WASM_ARRAY_VEC(args), result_vec = WASM_ARRAY_VEC(results);
  trap = wasm_func_call(process, &arg_vec, &result_vec);
  if (trap) {
    wasm_message_t message;
    wasm_trap_message(trap, &message);
    fprintf(stderr, "embed-c: process trapped: %.*s\n", (int)message.size, message.data);
    wasm_byte_vec_delete(&message);
    wasm_trap_delete(trap);
    return 1;
  }
  const uint32_t ptr = (uint32_t)results[0].of.i32, len = (uint32_t)results[1].of.i32;
  const char* text = guest_bytes(memory, ptr, len);
  if (!text || len == 0) fail("the plugin returned no result");
  printf("result: %.*s", (int)len, text);
  printf("log calls: %d\n", log.calls);

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasmcap_wasi_delete(wasi);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return 0;
}
