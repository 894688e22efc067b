// Test fixture shared by the interpreter's fusion tests (fused_ops_test, chain_pairs_test,
// long_chains_test): a WAT module compiled and instantiated on the interpreter, the op list each
// export lowers to (pairs included, not threaded) with the wasm offsets of its loads and stores,
// calls, memory accessors and the offset of a memory trap.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "binary/decoder.h"
#include "interp/compile.h"
#include "interp/lower.h"
#include "runtime/instantiate.h"
#include "runtime/invoke.h"
#include "text/wat_parser.h"
#include "validate/module_validator.h"
#include "validate/validate_function.h"

namespace wasmcap::test {

struct Lowered {
  std::vector<interp::IOp> ops;
  std::vector<uint64_t> store_offsets, load_offsets; // in body order
};

// Lowers defined function `index` as compile() does and records its loads' and stores' offsets.
inline Lowered lower(const ir::Module& module, uint32_t index) {
  struct Recorder {
    interp::Lowering lowering;
    Lowered* out;
    support::Status before(const ir::Instr& in, const validate::FunctionValidator& v) {
      std::string_view text = ir::op_info(in.op).text;
      if (text.find(".store") != std::string_view::npos) out->store_offsets.push_back(in.offset);
      if (text.find(".load") != std::string_view::npos) out->load_offsets.push_back(in.offset);
      return lowering.before(in, v);
    }
    support::Status after(const ir::Instr& in, const validate::FunctionValidator& v) {
      return lowering.after(in, v);
    }
  };
  Lowered out;
  Recorder rec{interp::Lowering(module, index, false), &out};
  support::Status s = validate::validate_function(module, index, validate::Features{}, rec);
  EXPECT_TRUE(s) << s.error().to_string();
  interp::FunctionCode fc = rec.lowering.take();
  for (const interp::OffsetEntry& e : fc.offsets) {
    if (!e.inner) out.ops.push_back(static_cast<interp::IOp>(fc.code[e.code_pos]));
  }
  return out;
}

class LoweredModule : public ::testing::Test {
protected:
  // Call from SetUp.
  void load(const char* wat) {
    auto bytes = text::parse_wat(wat);
    ASSERT_TRUE(bytes) << bytes.error().to_string();
    auto module = binary::decode_module(*bytes);
    ASSERT_TRUE(module) << module.error().to_string();
    module_ = std::make_shared<const ir::Module>(std::move(*module));
    ASSERT_TRUE(validate::validate_module_without_bodies(*module_, validate::Features{}));
    auto code = interp::compile(module_, validate::Features{});
    ASSERT_TRUE(code) << code.error().to_string();
    auto inst = runtime::instantiate(store_, *code, {});
    ASSERT_TRUE(inst) << inst.error().to_string();
    inst_ = *inst;
  }
  // The lowering of the export `name`.
  Lowered lowered(const std::string& name) {
    for (const ir::Export& e : module_->exports) {
      if (e.name == name) return lower(*module_, e.index);
    }
    ADD_FAILURE() << "no export " << name;
    return {};
  }
  support::Result<std::vector<runtime::Value>> call(const char* name,
                                                    std::vector<runtime::Value> args) {
    return runtime::invoke(store_, inst_->exported_func(name), args);
  }
  std::vector<runtime::Value> ok(const char* name, std::vector<runtime::Value> args) {
    auto r = call(name, std::move(args));
    EXPECT_TRUE(r) << name << ": " << r.error().to_string();
    return r ? *r : std::vector<runtime::Value>{};
  }

  // Memory through the module's own accessor exports (load_f64, store_f64, load_i32,
  // store_i32: each test module defines the ones it uses).
  double f64_at(uint32_t addr) { return ok("load_f64", {runtime::Value::make_i32(addr)})[0].f64(); }
  void set_f64(uint32_t addr, double v) {
    ok("store_f64", {runtime::Value::make_i32(addr), runtime::Value::make_f64(v)});
  }
  uint32_t i32_at(uint32_t addr) { return ok("load_i32", {runtime::Value::make_i32(addr)})[0].i32; }
  void set_i32(uint32_t addr, uint32_t v) {
    ok("store_i32", {runtime::Value::make_i32(addr), runtime::Value::make_i32(v)});
  }
  // The offset of the innermost frame of a trap, after checking it is a memory trap.
  uint64_t trap_offset(const support::Result<std::vector<runtime::Value>>& r) {
    EXPECT_FALSE(r);
    if (r) return UINT64_MAX;
    EXPECT_EQ(r.error().message, "out of bounds memory access");
    EXPECT_FALSE(r.error().backtrace.empty());
    return r.error().backtrace.empty() ? UINT64_MAX : r.error().backtrace[0].offset;
  }

  std::shared_ptr<const ir::Module> module_;
  runtime::Store store_;
  runtime::ModuleInstance* inst_ = nullptr;
};

} // namespace wasmcap::test
