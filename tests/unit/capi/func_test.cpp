// wasm.h functions and traps: host functions with and without environments, wasm_func_call,
// traps from wasm and from the host, trap messages, origins and traces.
#include "capi_helpers.h"

namespace capi_test {
namespace {

using CApiFunc = CApiTest;

wasm_trap_t* add_cb(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  results->data[0] = WASM_I32_VAL(args->data[0].of.i32 + args->data[1].of.i32);
  return nullptr;
}

struct Env {
  int calls = 0;
  int finalized = 0;
  wasm_store_t* store = nullptr;
};

wasm_trap_t* counting_cb(void* env, const wasm_val_vec_t*, wasm_val_vec_t* results) {
  auto* e = static_cast<Env*>(env);
  results->data[0] = WASM_I64_VAL(++e->calls);
  results->data[1] = WASM_F64_VAL(0.5);
  return nullptr;
}

wasm_trap_t* failing_cb(void* env, const wasm_val_vec_t*, wasm_val_vec_t*) {
  wasm_message_t msg;
  wasm_name_new_from_string_nt(&msg, "host says no");
  wasm_trap_t* trap = wasm_trap_new(static_cast<Env*>(env)->store, &msg);
  wasm_byte_vec_delete(&msg);
  return trap;
}

TEST_F(CApiFunc, HostFunctionCalledDirectlyAndFromWasm) {
  wasm_functype_t* t =
      wasm_functype_new_2_1(wasm_valtype_new_i32(), wasm_valtype_new_i32(), wasm_valtype_new_i32());
  wasm_func_t* add = wasm_func_new(store, t, add_cb);
  wasm_functype_delete(t);
  ASSERT_NE(add, nullptr);
  EXPECT_EQ(wasm_func_param_arity(add), 2u);
  EXPECT_EQ(wasm_func_result_arity(add), 1u);
  wasm_functype_t* ft = wasm_func_type(add);
  EXPECT_EQ(wasm_functype_params(ft)->size, 2u);
  wasm_functype_delete(ft);

  wasm_val_t a[2] = {WASM_I32_VAL(2), WASM_I32_VAL(3)};
  wasm_val_t r[1] = {WASM_INIT_VAL};
  wasm_val_vec_t args = WASM_ARRAY_VEC(a);
  wasm_val_vec_t results = WASM_ARRAY_VEC(r);
  ASSERT_EQ(wasm_func_call(add, &args, &results), nullptr);
  EXPECT_EQ(r[0].of.i32, 5);

  wasm_module_t* m = compile(R"((module
    (import "" "add" (func $add (param i32 i32) (result i32)))
    (func (export "twice") (param i32) (result i32)
      (call $add (local.get 0) (local.get 0)))))");
  wasm_extern_t* items[] = {wasm_func_as_extern(add)};
  wasm_extern_vec_t imports = WASM_ARRAY_VEC(items);
  wasm_func_t* twice = wasm_extern_as_func(export_at(instantiate(m, &imports), 0));
  wasm_val_t a1[1] = {WASM_I32_VAL(21)};
  wasm_val_vec_t args1 = WASM_ARRAY_VEC(a1);
  ASSERT_EQ(wasm_func_call(twice, &args1, &results), nullptr);
  EXPECT_EQ(r[0].of.i32, 42);
  wasm_func_delete(add);
}

TEST_F(CApiFunc, EnvironmentAndFinalizer) {
  Env env;
  {
    wasm_store_t* s = wasm_store_new(engine);
    wasm_functype_t* t = wasm_functype_new_0_2(wasm_valtype_new_i64(), wasm_valtype_new_f64());
    wasm_func_t* f = wasm_func_new_with_env(s, t, counting_cb, &env,
                                            [](void* p) { ++static_cast<Env*>(p)->finalized; });
    wasm_functype_delete(t);
    wasm_val_t r[2] = {WASM_INIT_VAL, WASM_INIT_VAL};
    wasm_val_vec_t results = WASM_ARRAY_VEC(r);
    wasm_val_vec_t args = WASM_EMPTY_VEC;
    ASSERT_EQ(wasm_func_call(f, &args, &results), nullptr);
    ASSERT_EQ(wasm_func_call(f, &args, &results), nullptr);
    EXPECT_EQ(r[0].of.i64, 2);
    EXPECT_EQ(r[1].of.f64, 0.5);
    wasm_func_delete(f);
    EXPECT_EQ(env.finalized, 0); // functions live as long as their store
    wasm_store_delete(s);
  }
  EXPECT_EQ(env.calls, 2);
  EXPECT_EQ(env.finalized, 1);
}

TEST_F(CApiFunc, HostTrapPropagatesWithTrace) {
  Env env;
  env.store = store;
  wasm_functype_t* t = wasm_functype_new_0_0();
  wasm_func_t* fail = wasm_func_new_with_env(store, t, failing_cb, &env, nullptr);
  wasm_functype_delete(t);
  wasm_module_t* m = compile(R"((module
    (import "" "fail" (func $fail))
    (func $inner (call $fail))
    (func (export "outer") (call $inner))))");
  wasm_extern_t* items[] = {wasm_func_as_extern(fail)};
  wasm_extern_vec_t imports = WASM_ARRAY_VEC(items);
  wasm_func_t* outer = wasm_extern_as_func(export_at(instantiate(m, &imports), 0));
  wasm_val_vec_t none = WASM_EMPTY_VEC;
  wasm_trap_t* trap = wasm_func_call(outer, &none, &none);
  ASSERT_NE(trap, nullptr);
  wasm_frame_vec_t trace;
  wasm_trap_trace(trap, &trace);
  ASSERT_GE(trace.size, 2u);
  EXPECT_EQ(wasm_frame_func_index(trace.data[0]), 1u); // $inner, innermost first
  EXPECT_EQ(wasm_frame_func_index(trace.data[1]), 2u);
  EXPECT_GT(wasm_frame_module_offset(trace.data[0]), 0u);
  wasm_frame_t* copy = wasm_frame_copy(trace.data[0]);
  EXPECT_EQ(wasm_frame_func_index(copy), 1u);
  EXPECT_EQ(wasm_frame_instance(copy), nullptr);
  wasm_frame_delete(copy);
  wasm_frame_vec_delete(&trace);
  wasm_frame_t* origin = wasm_trap_origin(trap);
  ASSERT_NE(origin, nullptr);
  EXPECT_EQ(wasm_frame_func_index(origin), 1u);
  wasm_frame_delete(origin);
  EXPECT_EQ(take_trap_message(trap), "host says no");
  wasm_func_delete(fail);
}

TEST_F(CApiFunc, WasmTrapsAndBadCalls) {
  wasm_module_t* m = compile(R"((module
    (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
    (func $loop (export "loop") (call $loop))))");
  wasm_instance_t* inst = instantiate(m);
  wasm_func_t* div = wasm_extern_as_func(export_at(inst, 0));
  wasm_func_t* loop = wasm_extern_as_func(export_at(inst, 1));
  wasm_val_t a[2] = {WASM_I32_VAL(1), WASM_I32_VAL(0)};
  wasm_val_t r[1] = {WASM_INIT_VAL};
  wasm_val_vec_t args = WASM_ARRAY_VEC(a);
  wasm_val_vec_t results = WASM_ARRAY_VEC(r);
  wasm_trap_t* trap = wasm_func_call(div, &args, &results);
  ASSERT_NE(trap, nullptr);
  wasm_frame_t* origin = wasm_trap_origin(trap);
  ASSERT_NE(origin, nullptr);
  EXPECT_EQ(wasm_frame_func_index(origin), 0u);
  wasm_frame_delete(origin);
  EXPECT_EQ(take_trap_message(trap), "integer divide by zero");

  wasm_val_vec_t none = WASM_EMPTY_VEC;
  trap = wasm_func_call(loop, &none, &none);
  ASSERT_NE(trap, nullptr);
  EXPECT_EQ(wasmcap_trap_kind(trap), WASMCAP_ERROR_EXHAUSTION);
  EXPECT_EQ(take_trap_message(trap), "call stack exhausted");

  // Wrong arity, wrong type, results too small: traps, not crashes.
  EXPECT_NE(take_trap_message(wasm_func_call(div, &none, &results)), "");
  wasm_val_t bad[2] = {WASM_I64_VAL(1), WASM_I32_VAL(1)};
  wasm_val_vec_t bad_args = WASM_ARRAY_VEC(bad);
  EXPECT_NE(take_trap_message(wasm_func_call(div, &bad_args, &results)), "");
  a[1] = WASM_I32_VAL(1);
  EXPECT_NE(take_trap_message(wasm_func_call(div, &args, &none)), "");
  EXPECT_NE(take_trap_message(wasm_func_call(nullptr, &args, &results)), "");
  EXPECT_EQ(wasm_func_new(store, nullptr, add_cb), nullptr);
}

TEST_F(CApiFunc, TrapObjects) {
  wasm_message_t msg;
  wasm_name_new_from_string_nt(&msg, "boom");
  wasm_trap_t* trap = wasm_trap_new(store, &msg);
  wasm_byte_vec_delete(&msg);
  EXPECT_EQ(wasm_trap_origin(trap), nullptr);
  wasm_frame_vec_t trace;
  wasm_trap_trace(trap, &trace);
  EXPECT_EQ(trace.size, 0u);
  wasm_frame_vec_delete(&trace);
  wasm_trap_t* copy = wasm_trap_copy(trap);
  EXPECT_TRUE(wasm_trap_same(trap, copy));
  EXPECT_NE(wasm_ref_as_trap(wasm_trap_as_ref(copy)), nullptr);
  wasm_message_t out;
  wasm_trap_message(copy, &out);
  EXPECT_EQ(out.size, 5u);
  EXPECT_STREQ(out.data, "boom");
  wasm_byte_vec_delete(&out);
  wasm_trap_delete(trap);
  wasm_trap_delete(copy);
}

} // namespace
} // namespace capi_test
