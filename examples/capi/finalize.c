/* finalize: host info with finalizers on many instances in two stores. Instances live as long
 * as their store, so each finalizer runs exactly once, when its store is deleted. */
#include <stdint.h>

#include "example.h"

enum { kIterations = 1000 };

static int live_count = 0;

static void finalize(void* data) {
  intptr_t i = (intptr_t)data;
  if (i % (kIterations / 10) == 0) printf("Finalizing #%d...\n", (int)i);
  --live_count;
}

static void run_in_store(wasm_store_t* store, const char* path) {
  wasm_module_t* module = example_load(store, path);
  printf("Instantiating modules...\n");
  for (int i = 0; i < kIterations; ++i) {
    if (i % (kIterations / 10) == 0) printf("%d\n", i);
    wasm_extern_vec_t imports = WASM_EMPTY_VEC;
    wasm_instance_t* instance = wasm_instance_new(store, module, &imports, NULL);
    if (!instance) example_fail("instantiating the module");
    wasm_instance_set_host_info_with_finalizer(instance, (void*)(intptr_t)i, finalize);
    ++live_count;
    wasm_instance_delete(instance);
  }
  wasm_module_delete(module);
}

int main(int argc, const char* argv[]) {
  if (argc < 2) example_fail("usage: finalize finalize.wat");
  wasm_engine_t* engine = wasm_engine_new();

  printf("Live count %d\n", live_count);
  printf("Creating store 1...\n");
  wasm_store_t* store1 = wasm_store_new(engine);
  printf("Running in store 1...\n");
  run_in_store(store1, argv[1]);
  printf("Live count %d\n", live_count);

  printf("Creating store 2...\n");
  wasm_store_t* store2 = wasm_store_new(engine);
  printf("Running in store 2...\n");
  run_in_store(store2, argv[1]);
  printf("Live count %d\n", live_count);
  if (live_count != 2 * kIterations) example_fail("instances died before their store");

  printf("Deleting store 2...\n");
  wasm_store_delete(store2);
  printf("Live count %d\n", live_count);
  if (live_count != kIterations) example_fail("store 2's finalizers did not all run");

  printf("Deleting store 1...\n");
  wasm_store_delete(store1);
  printf("Live count %d\n", live_count);
  if (live_count != 0) example_fail("store 1's finalizers did not all run");

  wasm_engine_delete(engine);
  printf("Done.\n");
  return 0;
}
