// SpecJsonRunner: the wast2json command interpreter used by spec_json_test.
#include "spec_runner.h"

#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>

#include "binary/decoder.h"
#include "interp/compile.h"
#include "runtime/invoke.h"

namespace wasmcap::testing {
namespace {

using runtime::Value;

std::optional<std::vector<uint8_t>> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

ir::ValType type_of(const std::string& t) {
  if (t == "i32") return ir::ValType::I32;
  if (t == "i64") return ir::ValType::I64;
  if (t == "f32") return ir::ValType::F32;
  if (t == "f64") return ir::ValType::F64;
  if (t == "funcref") return ir::ValType::FuncRef;
  if (t == "externref") return ir::ValType::ExternRef;
  return ir::ValType::V128;
}

// Host externref N is represented as the pointer value N + 1 (so ref.extern 0 is not null).
void* extern_ref(uint64_t n) {
  return reinterpret_cast<void*>(static_cast<uintptr_t>(n + 1));
}

// v128 values: "lane_type" (i8 .. f64) and one decimal bit pattern (or NaN pattern) per lane.
size_t lane_bytes(const Json& v) {
  const std::string lt = v.get_str("lane_type");
  return lt == "i8" ? 1 : lt == "i16" ? 2 : (lt == "i32" || lt == "f32") ? 4 : 8;
}
bool nan_matches(const std::string& s, uint64_t bits, size_t width) {
  const uint64_t quiet = width == 4 ? 0x7FC00000 : 0x7FF8000000000000;
  const uint64_t mag = bits & (width == 4 ? 0x7FFFFFFF : 0x7FFFFFFFFFFFFFFF);
  return s == "nan:canonical" ? mag == quiet : (mag & quiet) == quiet;
}

Value to_value(const Json& v) {
  ir::ValType t = type_of(v.get_str("type"));
  if (t == ir::ValType::V128) {
    runtime::V128 x;
    const size_t w = lane_bytes(v);
    const Json* lanes = v.get("value");
    for (size_t i = 0; lanes != nullptr && i < lanes->items.size() && (i + 1) * w <= 16; ++i) {
      uint64_t bits = std::stoull(lanes->items[i].str);
      std::memcpy(x.bytes.data() + i * w, &bits, w);
    }
    return Value::make_v128(x);
  }
  std::string s = v.get_str("value");
  switch (t) {
  case ir::ValType::I32: return Value::make_i32(static_cast<uint32_t>(std::stoull(s)));
  case ir::ValType::I64: return Value::make_i64(std::stoull(s));
  case ir::ValType::F32: return Value::make_f32_bits(static_cast<uint32_t>(std::stoull(s)));
  case ir::ValType::F64: return Value::make_f64_bits(std::stoull(s));
  default: return Value::make_ref(t, s == "null" ? nullptr : extern_ref(std::stoull(s)));
  }
}

bool matches_v128(const Json& e, const Value& got, std::string& why) {
  why = "expected a different v128, got " + runtime::value_to_string(got);
  if (got.type != ir::ValType::V128) return false;
  const size_t w = lane_bytes(e);
  const Json* lanes = e.get("value");
  if (lanes == nullptr || lanes->items.size() * w != 16) return false;
  for (size_t i = 0; i < lanes->items.size(); ++i) {
    uint64_t bits = 0;
    std::memcpy(&bits, got.v128.bytes.data() + i * w, w);
    const std::string& s = lanes->items[i].str;
    if (s.rfind("nan:", 0) == 0) {
      if (!nan_matches(s, bits, w)) return false;
    } else if (bits !=
               (w == 8 ? std::stoull(s) : std::stoull(s) & ((uint64_t{1} << (8 * w)) - 1))) {
      return false;
    }
  }
  return true;
}

bool matches(const Json& e, const Value& got, std::string& why) {
  ir::ValType t = type_of(e.get_str("type"));
  if (t == ir::ValType::V128) return matches_v128(e, got, why);
  std::string s = e.get_str("value");
  why = "expected " + e.get_str("type") + ":" + s + ", got " + runtime::value_to_string(got);
  if (got.type != t) return false;
  if (t == ir::ValType::F32 && s.rfind("nan:", 0) == 0) {
    uint32_t b = got.f32_bits & 0x7FFFFFFF;
    return s == "nan:canonical" ? b == 0x7FC00000 : (b & 0x7FC00000) == 0x7FC00000;
  }
  if (t == ir::ValType::F64 && s.rfind("nan:", 0) == 0) {
    uint64_t b = got.f64_bits & 0x7FFFFFFFFFFFFFFF;
    return s == "nan:canonical" ? b == 0x7FF8000000000000
                                : (b & 0x7FF8000000000000) == 0x7FF8000000000000;
  }
  if (t == ir::ValType::FuncRef || t == ir::ValType::ExternRef) {
    if (s.empty()) return got.ref != nullptr; // any non-null reference
    if (s == "null") return got.ref == nullptr;
    return got.ref == extern_ref(std::stoull(s));
  }
  if (t == ir::ValType::I32 || t == ir::ValType::F32)
    return got.i32 == static_cast<uint32_t>(std::stoull(s));
  if (t == ir::ValType::I64 || t == ir::ValType::F64) return got.i64 == std::stoull(s);
  return false;
}

std::string describe(const support::Error& e) {
  std::string s = e.to_string();
  for (const TraceFrame& f : e.backtrace) {
    s += " [func " + std::to_string(f.func_index) + " @" + std::to_string(f.offset) + "]";
  }
  return s;
}

// Trap texts in the tests sometimes carry extra words (or ours do): prefix match either way.
bool message_matches(const std::string& got, const std::string& expected) {
  return got.rfind(expected, 0) == 0 || expected.rfind(got, 0) == 0;
}

} // namespace

SpecJsonRunner::SpecJsonRunner() {
  make_spectest();
}

void SpecJsonRunner::make_spectest() {
  auto print = [this](std::vector<ir::ValType> params) {
    return runtime::Extern::of(store_.create_host_function(
        ir::FuncType{std::move(params), {}},
        [](std::span<const Value>, std::span<Value>) { return support::ok(); }));
  };
  using VT = ir::ValType;
  spectest_["print"] = print({});
  spectest_["print_i32"] = print({VT::I32});
  spectest_["print_i64"] = print({VT::I64});
  spectest_["print_f32"] = print({VT::F32});
  spectest_["print_f64"] = print({VT::F64});
  spectest_["print_i32_f32"] = print({VT::I32, VT::F32});
  spectest_["print_f64_f64"] = print({VT::F64, VT::F64});
  spectest_["global_i32"] =
      runtime::Extern::of(store_.create_global({VT::I32, false}, Value::make_i32(666)));
  spectest_["global_i64"] =
      runtime::Extern::of(store_.create_global({VT::I64, false}, Value::make_i64(666)));
  spectest_["global_f32"] =
      runtime::Extern::of(store_.create_global({VT::F32, false}, Value::make_f32(666.6f)));
  spectest_["global_f64"] =
      runtime::Extern::of(store_.create_global({VT::F64, false}, Value::make_f64(666.6)));
  spectest_["table"] = runtime::Extern::of(store_.create_table({VT::FuncRef, {10, 20}}));
  spectest_["memory"] = runtime::Extern::of(store_.create_memory({{1, 2}}).value());
}

support::Result<runtime::ModuleInstance*> SpecJsonRunner::load(const std::string& path) {
  auto bytes = read_file(path);
  if (!bytes) return support::make_error(support::ErrorKind::Io, "cannot read " + path);
  // The 2.0 suite: one memory, zero-byte memory immediates, u32 limits.
  binary::DecodeOptions decode;
  decode.memory64 = false;
  WASMCAP_ASSIGN(ir::Module module, binary::decode_module(*bytes, decode));
  validate::Features features;
  features.multi_memory = false;
  features.extended_const = false;
  features.memory64 = false;
  WASMCAP_ASSIGN(auto code, interp::compile(std::move(module), features));
  WASMCAP_ASSIGN(
      std::vector<runtime::Extern> imports,
      runtime::resolve_imports(
          code->module(),
          [this](std::string_view mod, std::string_view field) -> std::optional<runtime::Extern> {
            if (mod == "spectest") {
              auto it = spectest_.find(field);
              if (it == spectest_.end()) return std::nullopt;
              return it->second;
            }
            auto it = registry_.find(std::string(mod));
            if (it == registry_.end()) return std::nullopt;
            return it->second->find_export(field);
          }));
  return runtime::instantiate(store_, code, imports);
}

support::Result<std::vector<Value>> SpecJsonRunner::action(const Json& a) {
  runtime::ModuleInstance* inst = current_;
  if (const Json* m = a.get("module")) inst = named_[m->str];
  if (inst == nullptr) return support::make_error(support::ErrorKind::Usage, "no module");
  std::string field = a.get_str("field");
  if (a.get_str("type") == "get") {
    runtime::Global* g = inst->exported_global(field);
    if (g == nullptr) return support::make_error(support::ErrorKind::Usage, "no global " + field);
    return std::vector<Value>{g->value};
  }
  runtime::FuncInstance* f = inst->exported_func(field);
  if (f == nullptr) return support::make_error(support::ErrorKind::Usage, "no function " + field);
  std::vector<Value> args;
  if (const Json* js = a.get("args")) {
    for (const Json& v : js->items)
      args.push_back(to_value(v));
  }
  return runtime::invoke(store_, f, args);
}

void SpecJsonRunner::run_command(const Json& cmd, const std::string& dir, SpecResult& r) {
  std::string type = cmd.get_str("type");
  std::string line = "line " + cmd.get("line")->str + ": " + type + ": ";
  auto fail = [&](const std::string& why) {
    ++r.failed;
    r.failures.push_back(line + why);
  };
  auto file = [&] { return dir + "/" + cmd.get_str("filename"); };
  if (type == "module") {
    auto inst = load(file());
    if (!inst) {
      current_ = nullptr;
      return fail(inst.error().to_string());
    }
    current_ = *inst;
    if (const Json* n = cmd.get("name")) named_[n->str] = current_;
    ++r.passed;
  } else if (type == "register") {
    runtime::ModuleInstance* inst = current_;
    if (const Json* n = cmd.get("name")) inst = named_[n->str];
    registry_[cmd.get_str("as")] = inst;
  } else if (type == "assert_return" || type == "action") {
    auto res = action(*cmd.get("action"));
    if (!res) return fail(describe(res.error()));
    if (type == "assert_return") {
      const Json& exp = *cmd.get("expected");
      if (exp.items.size() != res->size()) return fail("wrong result count");
      for (size_t i = 0; i < res->size(); ++i) {
        std::string why;
        if (!matches(exp.items[i], (*res)[i], why)) return fail(why);
      }
    }
    ++r.passed;
  } else if (type == "assert_trap" || type == "assert_exhaustion") {
    auto res = action(*cmd.get("action"));
    support::ErrorKind want =
        type == "assert_trap" ? support::ErrorKind::Trap : support::ErrorKind::Exhaustion;
    if (res) return fail("expected a trap: " + cmd.get_str("text"));
    if (res.error().kind != want || !message_matches(res.error().message, cmd.get_str("text"))) {
      return fail("expected " + cmd.get_str("text") + ", got " + res.error().to_string());
    }
    ++r.passed;
  } else if (type == "assert_uninstantiable" || type == "assert_unlinkable") {
    auto res = load(file());
    support::ErrorKind want =
        type == "assert_unlinkable" ? support::ErrorKind::Unlinkable : support::ErrorKind::Trap;
    if (res) return fail("expected failure: " + cmd.get_str("text"));
    if (res.error().kind != want || !message_matches(res.error().message, cmd.get_str("text"))) {
      return fail("expected " + cmd.get_str("text") + ", got " + res.error().to_string());
    }
    ++r.passed;
  } else if (type == "assert_malformed" || type == "assert_invalid") {
    if (cmd.get_str("module_type") == "text") return void(++r.skipped);
    auto res = load(file());
    if (res) return fail("expected rejection: " + cmd.get_str("text"));
    ++r.passed;
  } else {
    ++r.skipped;
  }
}

SpecResult SpecJsonRunner::run_file(const std::string& json_path) {
  SpecResult r;
  auto bytes = read_file(json_path);
  if (!bytes) {
    r.failures.push_back("cannot read " + json_path);
    ++r.failed;
    return r;
  }
  std::string text(bytes->begin(), bytes->end());
  auto json = JsonParser(text).parse();
  if (!json || json->get("commands") == nullptr) {
    r.failures.push_back("bad json " + json_path);
    ++r.failed;
    return r;
  }
  std::string dir = json_path.substr(0, json_path.rfind('/'));
  for (const Json& cmd : json->get("commands")->items)
    run_command(cmd, dir, r);
  return r;
}

} // namespace wasmcap::testing
