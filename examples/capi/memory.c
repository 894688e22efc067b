/* memory: linear memory seen from the host (wasm_memory_data) and from wasm (exported load and
 * store functions): bounds traps, growth up to the maximum, and a host-created memory. */
#include "example.h"

static wasm_func_t* get_export_func(const wasm_extern_vec_t* exports, size_t i) {
  if (exports->size <= i || !wasm_extern_as_func(exports->data[i])) {
    example_fail("export is not a function");
  }
  return wasm_extern_as_func(exports->data[i]);
}

/* Calls `func` with up to two i32 arguments; returns whether it trapped, the result in *out. */
static bool call(const wasm_func_t* func, size_t nargs, int32_t a, int32_t b, int32_t* out) {
  wasm_val_t as[2] = {WASM_I32_VAL(a), WASM_I32_VAL(b)};
  wasm_val_t rs[1] = {WASM_INIT_VAL};
  wasm_val_vec_t args = {nargs, as};
  wasm_val_vec_t results = {wasm_func_result_arity(func), rs};
  wasm_trap_t* trap = wasm_func_call(func, &args, &results);
  if (trap) {
    wasm_trap_delete(trap);
    return true;
  }
  if (out) *out = rs[0].of.i32;
  return false;
}

static void check(bool ok, const char* what) {
  if (!ok) example_fail(what);
}

static void check_result(const wasm_func_t* func, size_t nargs, int32_t a, int32_t b,
                         int32_t expected) {
  int32_t r = 0;
  check(!call(func, nargs, a, b, &r), "unexpected trap");
  check(r == expected, "unexpected result");
}

int main(int argc, const char* argv[]) {
  if (argc < 2) example_fail("usage: memory memory.wat");
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = example_load(store, argv[1]);

  wasm_extern_vec_t imports = WASM_EMPTY_VEC;
  wasm_instance_t* instance = wasm_instance_new(store, module, &imports, NULL);
  if (!instance) example_fail("instantiating the module");
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_memory_t* memory = wasm_extern_as_memory(exports.data[0]);
  check(memory != NULL, "export 0 is not a memory");
  wasm_func_t* size_func = get_export_func(&exports, 1);
  wasm_func_t* load_func = get_export_func(&exports, 2);
  wasm_func_t* store_func = get_export_func(&exports, 3);
  wasm_module_delete(module);

  printf("Checking memory...\n");
  check(wasm_memory_size(memory) == 2, "size");
  check(wasm_memory_data_size(memory) == 0x20000, "data size");
  check(wasm_memory_data(memory)[0] == 0, "data[0]");
  check(wasm_memory_data(memory)[0x1000] == 1, "data[0x1000]");
  check(wasm_memory_data(memory)[0x1003] == 4, "data[0x1003]");
  check_result(size_func, 0, 0, 0, 2);
  check_result(load_func, 1, 0, 0, 0);
  check_result(load_func, 1, 0x1000, 0, 1);
  check_result(load_func, 1, 0x1003, 0, 4);
  check_result(load_func, 1, 0x1ffff, 0, 0);
  check(call(load_func, 1, 0x20000, 0, NULL), "load out of bounds must trap");

  printf("Mutating memory...\n");
  wasm_memory_data(memory)[0x1003] = 5;
  check(!call(store_func, 2, 0x1002, 6, NULL), "store");
  check(call(store_func, 2, 0x20000, 0, NULL), "store out of bounds must trap");
  check(wasm_memory_data(memory)[0x1002] == 6, "data[0x1002]");
  check(wasm_memory_data(memory)[0x1003] == 5, "data[0x1003]");
  check_result(load_func, 1, 0x1002, 0, 6);
  check_result(load_func, 1, 0x1003, 0, 5);

  printf("Growing memory...\n");
  check(wasm_memory_grow(memory, 1), "grow by 1");
  check(wasm_memory_size(memory) == 3, "size after grow");
  check(wasm_memory_data_size(memory) == 0x30000, "data size after grow");
  check_result(load_func, 1, 0x20000, 0, 0);
  check(!call(store_func, 2, 0x20000, 0, NULL), "store in the new page");
  check(call(load_func, 1, 0x30000, 0, NULL), "load beyond must trap");
  check(!wasm_memory_grow(memory, 1), "grow beyond the maximum must fail");
  check(wasm_memory_grow(memory, 0), "grow by 0");

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);

  printf("Creating stand-alone memory...\n");
  wasm_limits_t limits = {5, 5};
  wasm_memorytype_t* memorytype = wasm_memorytype_new(&limits);
  wasm_memory_t* memory2 = wasm_memory_new(store, memorytype);
  check(wasm_memory_size(memory2) == 5, "stand-alone size");
  check(!wasm_memory_grow(memory2, 1), "stand-alone grow must fail");
  check(wasm_memory_grow(memory2, 0), "stand-alone grow by 0");
  wasm_memorytype_delete(memorytype);
  wasm_memory_delete(memory2);

  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("Done.\n");
  return 0;
}
