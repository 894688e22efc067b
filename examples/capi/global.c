/* global: host-created globals imported by a module and the module's own exported globals,
 * checked through wasm_global_get/set and through exported getter and setter functions. */
#include "example.h"

static wasm_global_t* get_export_global(const wasm_extern_vec_t* exports, size_t i) {
  if (exports->size <= i || !wasm_extern_as_global(exports->data[i])) {
    example_fail("export is not a global");
  }
  return wasm_extern_as_global(exports->data[i]);
}

static wasm_func_t* get_export_func(const wasm_extern_vec_t* exports, size_t i) {
  if (exports->size <= i || !wasm_extern_as_func(exports->data[i])) {
    example_fail("export is not a function");
  }
  return wasm_extern_as_func(exports->data[i]);
}

static void check_val(wasm_val_t v, wasm_valkind_t kind, double expected) {
  double actual = 0;
  if (v.kind != kind) example_fail("value of the wrong kind");
  switch (kind) {
  case WASM_I64: actual = (double)v.of.i64; break;
  case WASM_F32: actual = (double)v.of.f32; break;
  default: example_fail("unexpected kind");
  }
  if (actual != expected) {
    printf("> got %g, expected %g\n", actual, expected);
    example_fail("wrong value");
  }
}

static void check_global(const wasm_global_t* global, wasm_valkind_t kind, double expected) {
  wasm_val_t v;
  wasm_global_get(global, &v);
  check_val(v, kind, expected);
}

static void check_call(const wasm_func_t* func, wasm_valkind_t kind, double expected) {
  wasm_val_t rs[1] = {WASM_INIT_VAL};
  wasm_val_vec_t args = WASM_EMPTY_VEC;
  wasm_val_vec_t results = WASM_ARRAY_VEC(rs);
  wasm_trap_t* trap = wasm_func_call(func, &args, &results);
  if (trap) {
    example_print_trap(trap);
    example_fail("calling a getter");
  }
  check_val(rs[0], kind, expected);
}

static void call_setter(const wasm_func_t* func, wasm_val_t arg) {
  wasm_val_t as[1] = {arg};
  wasm_val_vec_t args = WASM_ARRAY_VEC(as);
  wasm_val_vec_t results = WASM_EMPTY_VEC;
  wasm_trap_t* trap = wasm_func_call(func, &args, &results);
  if (trap) {
    example_print_trap(trap);
    example_fail("calling a setter");
  }
}

static wasm_global_t* new_global(wasm_store_t* store, wasm_valtype_t* type,
                                 wasm_mutability_t mutability, wasm_val_t init) {
  wasm_globaltype_t* gt = wasm_globaltype_new(type, mutability);
  wasm_global_t* g = wasm_global_new(store, gt, &init);
  wasm_globaltype_delete(gt);
  if (!g) example_fail("creating a global");
  return g;
}

int main(int argc, const char* argv[]) {
  if (argc < 2) example_fail("usage: global global.wat");
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = example_load(store, argv[1]);

  printf("Creating globals...\n");
  wasm_val_t v1 = WASM_F32_VAL(1);
  wasm_val_t v2 = WASM_I64_VAL(2);
  wasm_val_t v3 = WASM_F32_VAL(3);
  wasm_val_t v4 = WASM_I64_VAL(4);
  wasm_global_t* const_f32_import = new_global(store, wasm_valtype_new_f32(), WASM_CONST, v1);
  wasm_global_t* const_i64_import = new_global(store, wasm_valtype_new_i64(), WASM_CONST, v2);
  wasm_global_t* var_f32_import = new_global(store, wasm_valtype_new_f32(), WASM_VAR, v3);
  wasm_global_t* var_i64_import = new_global(store, wasm_valtype_new_i64(), WASM_VAR, v4);

  printf("Instantiating module...\n");
  wasm_extern_t* externs[] = {
      wasm_global_as_extern(const_f32_import), wasm_global_as_extern(const_i64_import),
      wasm_global_as_extern(var_f32_import), wasm_global_as_extern(var_i64_import)};
  wasm_extern_vec_t imports = WASM_ARRAY_VEC(externs);
  wasm_instance_t* instance = wasm_instance_new(store, module, &imports, NULL);
  if (!instance) example_fail("instantiating the module");
  wasm_module_delete(module);

  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  size_t i = 0;
  wasm_global_t* const_f32_export = get_export_global(&exports, i++);
  wasm_global_t* const_i64_export = get_export_global(&exports, i++);
  wasm_global_t* var_f32_export = get_export_global(&exports, i++);
  wasm_global_t* var_i64_export = get_export_global(&exports, i++);
  wasm_func_t* get_const_f32_import = get_export_func(&exports, i++);
  wasm_func_t* get_const_i64_import = get_export_func(&exports, i++);
  wasm_func_t* get_var_f32_import = get_export_func(&exports, i++);
  wasm_func_t* get_var_i64_import = get_export_func(&exports, i++);
  wasm_func_t* get_const_f32_export = get_export_func(&exports, i++);
  wasm_func_t* get_const_i64_export = get_export_func(&exports, i++);
  wasm_func_t* get_var_f32_export = get_export_func(&exports, i++);
  wasm_func_t* get_var_i64_export = get_export_func(&exports, i++);
  wasm_func_t* set_var_f32_import = get_export_func(&exports, i++);
  wasm_func_t* set_var_i64_import = get_export_func(&exports, i++);
  wasm_func_t* set_var_f32_export = get_export_func(&exports, i++);
  wasm_func_t* set_var_i64_export = get_export_func(&exports, i++);
  wasm_instance_delete(instance);

  printf("Checking the types of the globals...\n");
  wasm_globaltype_t* gt = wasm_global_type(var_f32_export);
  if (wasm_globaltype_mutability(gt) != WASM_VAR ||
      wasm_valtype_kind(wasm_globaltype_content(gt)) != WASM_F32) {
    example_fail("wrong global type");
  }
  wasm_globaltype_delete(gt);

  printf("Accessing globals...\n");
  check_global(const_f32_import, WASM_F32, 1);
  check_global(const_i64_import, WASM_I64, 2);
  check_global(var_f32_import, WASM_F32, 3);
  check_global(var_i64_import, WASM_I64, 4);
  check_global(const_f32_export, WASM_F32, 5);
  check_global(const_i64_export, WASM_I64, 6);
  check_global(var_f32_export, WASM_F32, 7);
  check_global(var_i64_export, WASM_I64, 8);
  check_call(get_const_f32_import, WASM_F32, 1);
  check_call(get_const_i64_import, WASM_I64, 2);
  check_call(get_var_f32_import, WASM_F32, 3);
  check_call(get_var_i64_import, WASM_I64, 4);
  check_call(get_const_f32_export, WASM_F32, 5);
  check_call(get_const_i64_export, WASM_I64, 6);
  check_call(get_var_f32_export, WASM_F32, 7);
  check_call(get_var_i64_export, WASM_I64, 8);

  printf("Modifying globals from the host...\n");
  wasm_val_t v33 = WASM_F32_VAL(33);
  wasm_val_t v34 = WASM_I64_VAL(34);
  wasm_val_t v37 = WASM_F32_VAL(37);
  wasm_val_t v38 = WASM_I64_VAL(38);
  wasm_global_set(var_f32_import, &v33);
  wasm_global_set(var_i64_import, &v34);
  wasm_global_set(var_f32_export, &v37);
  wasm_global_set(var_i64_export, &v38);
  wasm_global_set(const_f32_export, &v37); /* refused: the global is immutable */
  check_global(const_f32_export, WASM_F32, 5);
  check_call(get_var_f32_import, WASM_F32, 33);
  check_call(get_var_i64_import, WASM_I64, 34);
  check_call(get_var_f32_export, WASM_F32, 37);
  check_call(get_var_i64_export, WASM_I64, 38);

  printf("Modifying globals from wasm...\n");
  wasm_val_t v73 = WASM_F32_VAL(73);
  wasm_val_t v74 = WASM_I64_VAL(74);
  wasm_val_t v77 = WASM_F32_VAL(77);
  wasm_val_t v78 = WASM_I64_VAL(78);
  call_setter(set_var_f32_import, v73);
  call_setter(set_var_i64_import, v74);
  call_setter(set_var_f32_export, v77);
  call_setter(set_var_i64_export, v78);
  check_global(var_f32_import, WASM_F32, 73);
  check_global(var_i64_import, WASM_I64, 74);
  check_global(var_f32_export, WASM_F32, 77);
  check_global(var_i64_export, WASM_I64, 78);

  wasm_global_delete(const_f32_import);
  wasm_global_delete(const_i64_import);
  wasm_global_delete(var_f32_import);
  wasm_global_delete(var_i64_import);
  wasm_extern_vec_delete(&exports);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("Done.\n");
  return 0;
}
