// Calls between instances that run on different tiers: under Tier::Jit a module the LLVM tier
// cannot compile runs on the interpreter, and may import functions of a compiled module, or
// export functions to one. Each side must call the other through the runtime, not assume its
// own tier's code. The tier compiles everything in WebAssembly 2.0, so its testing hook
// WASMCAP_LLVM_REFUSE=v128 (src/llvm/codegen.cpp) makes it refuse the module with v128 locals.
#include <gtest/gtest.h>

#include <cstdlib>

#include "wasmcap/wasmcap.hpp"

namespace {

using namespace wasmcap;

constexpr const char* kCompiled = R"((module
  (import "interp" "add1" (func $add1 (param i32) (result i32)))
  (func (export "triple") (param i32) (result i32)
    (i32.mul (local.get 0) (i32.const 3)))
  (func (export "add1_then_double") (param i32) (result i32)
    (i32.shl (call $add1 (local.get 0)) (i32.const 1)))
  (func (export "boom") (param i32) (result i32) (unreachable))))";

// The v128 local keeps this module on the interpreter under Tier::Jit (WASMCAP_LLVM_REFUSE).
constexpr const char* kInterpreted = R"((module
  (import "jit" "triple" (func $triple (param i32) (result i32)))
  (import "jit" "boom" (func $boom (param i32) (result i32)))
  (func (export "call_boom") (param i32) (result i32) (local v128)
    (call $boom (local.get 0)))
  (func (export "add1") (param i32) (result i32) (local v128)
    (i32.add (local.get 0) (i32.const 1)))
  (func (export "triple_plus_one") (param i32) (result i32) (local v128)
    (i32.add (call $triple (local.get 0)) (i32.const 1)))
  (table 1 funcref) (elem (i32.const 0) $triple)
  (type $t (func (param i32) (result i32)))
  (func (export "indirect_triple") (param i32) (result i32) (local v128)
    (call_indirect (type $t) (local.get 0) (i32.const 0)))))";

TEST(MixedTiers, InterpreterAndCompiledCodeCallEachOther) {
  if (Engine::jit_unavailable_reason()) GTEST_SKIP() << "no LLVM tier";
  ::setenv("WASMCAP_LLVM_REFUSE", "v128", 1);
  Config config;
  config.tier = Tier::Jit;
  Engine engine(config);
  Store store(engine);
  auto interp_mod = Module::from_text(engine, kInterpreted);
  ASSERT_TRUE(interp_mod) << interp_mod.error().to_string();
  EXPECT_NE(interp_mod->jit_fallback_reason().find("v128"), std::string::npos);
  auto jit_mod = Module::from_text(engine, kCompiled);
  ASSERT_TRUE(jit_mod) << jit_mod.error().to_string();

  // The compiled module's import is filled by a forwarder the test swaps in after the
  // interpreted module exists (the two import each other).
  Func* add1 = nullptr;
  Linker linker;
  linker.define("interp", "add1",
                Func::create_host(store, FuncType{{ValType::I32}, {ValType::I32}},
                                  [&](std::span<const Value> args, std::span<Value> results) {
                                    auto r = add1->call(args);
                                    if (!r) return Status(r.error());
                                    results[0] = (*r)[0];
                                    return ok();
                                  }));
  auto jit = linker.instantiate(store, *jit_mod);
  ASSERT_TRUE(jit) << jit.error().to_string();
  linker.define_instance("jit", *jit);
  auto interp = linker.instantiate(store, *interp_mod);
  ASSERT_TRUE(interp) << interp.error().to_string();
  auto add1_export = interp->get_func("add1");
  ASSERT_TRUE(add1_export);
  add1 = &*add1_export;

  auto call = [&](Instance& inst, const char* name, uint32_t arg) -> uint32_t {
    auto f = inst.get_func(name);
    EXPECT_TRUE(f) << name;
    if (!f) return 0;
    const Value args[] = {Value::make_i32(arg)};
    auto r = f->call(args);
    EXPECT_TRUE(r) << name << ": " << r.error().to_string();
    return r ? (*r)[0].i32 : 0;
  };
  EXPECT_EQ(call(*interp, "triple_plus_one", 5), 16u); // interpreter -> compiled
  EXPECT_EQ(call(*interp, "indirect_triple", 7), 21u); // ... through a table
  EXPECT_EQ(call(*jit, "add1_then_double", 4), 10u);   // compiled -> host -> interpreter
}

} // namespace
