// Exception handling through the public C++ API: an uncaught exception's error (kind, message
// with the payload, the throw's backtrace), exceptions crossing a host function (passed on
// unchanged they can be caught further out; swallowed they are gone), host-created tags shared
// with a module, and the wasm.h C API refusing modules with tags by name instead of crashing.
#include "wasm.h"
#include "wasmcap.h"
#include "wasmcap/wasmcap.hpp"

#include <gtest/gtest.h>

#include <cstring>

namespace {

using namespace wasmcap;

Module compile_text(const Engine& engine, const char* wat) {
  auto m = Module::from_text(engine, wat);
  EXPECT_TRUE(m) << (m ? "" : m.error().to_string());
  return std::move(m).value();
}

TEST(Exceptions, UncaughtIsAnErrorWithMessageAndBacktrace) {
  Engine engine;
  Store store(engine);
  Module m = compile_text(engine, R"((module
    (tag $oops (param i32 i64))
    (func $inner (throw $oops (i32.const 7) (i64.const -1)))
    (func $middle (call $inner))
    (func $outer (export "run") (call $middle))))");
  auto inst = Instance::create(store, m, {});
  ASSERT_TRUE(inst) << inst.error().to_string();
  auto r = inst->get_func("run")->call({});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::Exception);
  EXPECT_EQ(r.error().message, "uncaught exception (payload i32:7, i64:18446744073709551615)");
  EXPECT_NE(r.error().exception, nullptr);
  ASSERT_EQ(r.error().backtrace.size(), 3u);
  EXPECT_EQ(r.error().backtrace[0].func_name, "inner");
  EXPECT_EQ(r.error().backtrace[1].func_name, "middle");
  EXPECT_EQ(r.error().backtrace[2].func_name, "outer");
  EXPECT_EQ(std::string(error_kind_name(r.error().kind)), "exception");
}

// wasm -> host -> wasm: the inner module's exception comes back to the host as an error; a host
// that returns it unchanged lets the outer module catch it by the shared (imported) tag.
const char* kThrower = R"((module
  (tag $e (export "e") (param i32))
  (func (export "throw") (param i32) (throw $e (local.get 0)))))";
const char* kCatcher = R"((module
  (tag $e (import "m" "e") (param i32))
  (import "env" "bounce" (func $bounce (param i32)))
  (func (export "run") (param i32) (result i32)
    (block $h (result i32)
      (try_table (catch $e $h) (call $bounce (local.get 0)))
      (i32.const -1)))))";

Result<std::vector<Value>> run_through_host(bool pass_on, int& host_calls) {
  Engine engine;
  Store store(engine);
  Linker linker;
  auto thrower = linker.instantiate(store, compile_text(engine, kThrower));
  EXPECT_TRUE(thrower);
  linker.define_instance("m", *thrower);
  Func inner = *thrower->get_func("throw");
  linker.define("env", "bounce",
                Func::create_host(store, FuncType{{ValType::I32}, {}},
                                  [&, inner](std::span<const Value> args, std::span<Value>) {
                                    ++host_calls;
                                    auto r = inner.call(args);
                                    EXPECT_FALSE(r);
                                    EXPECT_EQ(r.error().kind, ErrorKind::Exception);
                                    if (pass_on) return Status(r.error());
                                    return ok(); // swallowed: the call returns normally
                                  }));
  auto inst = linker.instantiate(store, compile_text(engine, kCatcher));
  EXPECT_TRUE(inst) << inst.error().to_string();
  Value args[] = {Value::make_i32(41)};
  return inst->get_func("run")->call(args);
}

TEST(Exceptions, PassedOnByAHostFunctionItIsCaughtFurtherOut) {
  int calls = 0;
  auto r = run_through_host(true, calls);
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ((*r)[0].i32, 41u);
  EXPECT_EQ(calls, 1);
}

TEST(Exceptions, SwallowedByAHostFunctionItIsGone) {
  int calls = 0;
  auto r = run_through_host(false, calls);
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ((*r)[0].i32, static_cast<uint32_t>(-1));
  EXPECT_EQ(calls, 1);
}

TEST(Exceptions, HostTagIsSharedWithTheModuleAndTyped) {
  Engine engine;
  Store store(engine);
  auto tag = Tag::create(store, FuncType{{ValType::I32}, {}});
  ASSERT_TRUE(tag);
  EXPECT_EQ(tag->type(), (FuncType{{ValType::I32}, {}}));
  EXPECT_FALSE(Tag::create(store, FuncType{{}, {ValType::I32}})); // tags have no results
  Module m = compile_text(engine, R"((module
    (tag $t (import "env" "t") (param i32))
    (func (export "run") (result i32)
      (block $h (result i32) (try_table (catch $t $h) (throw $t (i32.const 5))) (i32.const 0)))))");
  ASSERT_EQ(m.imports().size(), 1u);
  EXPECT_EQ(m.imports()[0].type.kind, ExternKind::Tag);
  EXPECT_EQ(extern_type_to_string(m.imports()[0].type), "tag (i32) -> ()");
  Linker linker;
  linker.define("env", "t", *tag);
  auto inst = linker.instantiate(store, m);
  ASSERT_TRUE(inst) << inst.error().to_string();
  auto r = inst->get_func("run")->call({});
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ((*r)[0].i32, 5u);
  // A tag of another type does not link.
  Store other(engine);
  Linker wrong;
  wrong.define("env", "t", *Tag::create(other, FuncType{{ValType::I64}, {}}));
  auto bad = wrong.instantiate(other, m);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().kind, ErrorKind::Unlinkable);
}

TEST(Exceptions, CApiRefusesModulesWithTagsByName) {
  wasm_engine_t* engine = wasm_engine_new();
  const char* wat = "(module (tag (export \"boom\")))";
  wasm_byte_vec_t bytes;
  wasm_byte_vec_new(&bytes, std::strlen(wat), wat);
  wasm_module_t* m = nullptr;
  wasmcap_error_t* e = wasmcap_module_new(engine, &bytes, &m);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(m, nullptr);
  EXPECT_EQ(wasmcap_error_kind(e), WASMCAP_ERROR_USAGE);
  wasm_message_t msg;
  wasmcap_error_message(e, &msg);
  const std::string text(msg.data, msg.size);
  EXPECT_NE(text.find("exports tag \"boom\""), std::string::npos) << text;
  wasm_byte_vec_delete(&msg);
  wasmcap_error_delete(e);
  wasm_byte_vec_delete(&bytes);
  wasm_engine_delete(engine);
}

} // namespace
