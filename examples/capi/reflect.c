/* reflect: the types of a module's exports, printed from the module (wasm_module_exports) and
 * from the instance's externs (wasm_extern_type), which must agree. */
#include <string.h>

#include "example.h"

static void print_valtype(const wasm_valtype_t* type) {
  switch (wasm_valtype_kind(type)) {
  case WASM_I32: printf("i32"); break;
  case WASM_I64: printf("i64"); break;
  case WASM_F32: printf("f32"); break;
  case WASM_F64: printf("f64"); break;
  case WASM_EXTERNREF: printf("externref"); break;
  case WASM_FUNCREF: printf("funcref"); break;
  default: printf("v128"); break;
  }
}

static void print_valtypes(const wasm_valtype_vec_t* types) {
  printf("[");
  for (size_t i = 0; i < types->size; ++i) {
    if (i > 0) printf(" ");
    print_valtype(types->data[i]);
  }
  printf("]");
}

static void print_limits(const wasm_limits_t* limits) {
  printf("%u", limits->min);
  if (limits->max != wasm_limits_max_default) printf(" %u", limits->max);
}

static void print_externtype(const wasm_externtype_t* type) {
  switch (wasm_externtype_kind(type)) {
  case WASM_EXTERN_FUNC: {
    const wasm_functype_t* f = wasm_externtype_as_functype_const(type);
    printf("func ");
    print_valtypes(wasm_functype_params(f));
    printf(" -> ");
    print_valtypes(wasm_functype_results(f));
    break;
  }
  case WASM_EXTERN_GLOBAL: {
    const wasm_globaltype_t* g = wasm_externtype_as_globaltype_const(type);
    printf("global %s", wasm_globaltype_mutability(g) == WASM_VAR ? "var " : "const ");
    print_valtype(wasm_globaltype_content(g));
    break;
  }
  case WASM_EXTERN_TABLE: {
    const wasm_tabletype_t* t = wasm_externtype_as_tabletype_const(type);
    printf("table ");
    print_limits(wasm_tabletype_limits(t));
    printf(" ");
    print_valtype(wasm_tabletype_element(t));
    break;
  }
  case WASM_EXTERN_MEMORY:
    printf("memory ");
    print_limits(wasm_memorytype_limits(wasm_externtype_as_memorytype_const(type)));
    break;
  }
}

int main(int argc, const char* argv[]) {
  if (argc < 2) example_fail("usage: reflect reflect.wat");
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = example_load(store, argv[1]);

  wasm_extern_vec_t imports = WASM_EMPTY_VEC;
  wasm_instance_t* instance = wasm_instance_new(store, module, &imports, NULL);
  if (!instance) example_fail("instantiating the module");

  wasm_exporttype_vec_t export_types;
  wasm_extern_vec_t exports;
  wasm_module_exports(module, &export_types);
  wasm_instance_exports(instance, &exports);
  if (exports.size != export_types.size || exports.size != 4) example_fail("export counts");

  const wasm_externkind_t kinds[4] = {WASM_EXTERN_FUNC, WASM_EXTERN_GLOBAL, WASM_EXTERN_TABLE,
                                      WASM_EXTERN_MEMORY};
  for (size_t i = 0; i < exports.size; ++i) {
    const wasm_name_t* name = wasm_exporttype_name(export_types.data[i]);
    printf("> export %zu \"%.*s\"\n", i, (int)name->size, name->data);
    if (wasm_extern_kind(exports.data[i]) != kinds[i]) example_fail("wrong extern kind");
    printf(">> initial: ");
    print_externtype(wasm_exporttype_type(export_types.data[i]));
    printf("\n>> current: ");
    wasm_externtype_t* current = wasm_extern_type(exports.data[i]);
    print_externtype(current);
    printf("\n");
    if (wasm_externtype_kind(current) != kinds[i]) example_fail("wrong extern type");
    wasm_externtype_delete(current);
    const wasm_func_t* func = wasm_extern_as_func(exports.data[i]);
    if (func) {
      printf(">> in-arity: %zu", wasm_func_param_arity(func));
      printf(", out-arity: %zu\n", wasm_func_result_arity(func));
      if (wasm_func_param_arity(func) != 3 || wasm_func_result_arity(func) != 1) {
        example_fail("wrong arity");
      }
    }
  }
  const wasm_tabletype_t* tt =
      wasm_externtype_as_tabletype_const(wasm_exporttype_type(export_types.data[2]));
  if (wasm_tabletype_limits(tt)->max != 50) example_fail("wrong table maximum");

  wasm_module_delete(module);
  wasm_instance_delete(instance);
  wasm_extern_vec_delete(&exports);
  wasm_exporttype_vec_delete(&export_types);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("Done.\n");
  return 0;
}
