// WasiHarness: drives WASI host functions through their callbacks (see wasi_harness.h).
#include "wasi_harness.h"

#include <cstring>

#include "wasi/wasi_types.h"

namespace wasmcap::wasi::testing {

void WasiHarness::SetUp() {
  tree_.mkdir("ro");
  tree_.write("ro/keep.txt", "keep");
  tree_.mkdir("second");
  WasiConfig config;
  config.args = {"prog", "arg one", "2"};
  config.env = {{"HOME", "/sandbox"}, {"EMPTY", ""}};
  config.preopens = {{tree_.grant(), "/sandbox", false},
                     {tree_.path("ro"), "/ro", true},
                     {tree_.path("second"), "/second", false}};
  configure(config);
  auto ctx = WasiCtx::create(config);
  ASSERT_TRUE(ctx) << ctx.error().to_string();
  ctx_ = std::move(ctx.value());
  auto m = store_.create_memory({{1, 1}});
  ASSERT_TRUE(m);
  memory_ = *m;
  ctx_->bind_memory(memory_);
  ctx_->define_all(
      store_, [this](std::string_view module, std::string_view name, runtime::FuncInstance* f) {
        funcs_[{std::string(module), std::string(name)}] = f;
      });
}

runtime::FuncInstance* WasiHarness::func(const std::string& module, const std::string& name) {
  auto it = funcs_.find({module, name});
  return it == funcs_.end() ? nullptr : it->second;
}

uint32_t WasiHarness::call(const std::string& name, std::vector<uint64_t> args,
                           const std::string& module) {
  runtime::FuncInstance* f = func(module, name);
  EXPECT_NE(f, nullptr) << name;
  if (!f) return 0xffff;
  EXPECT_EQ(f->type->params.size(), args.size()) << name;
  std::vector<runtime::Value> vals;
  for (size_t i = 0; i < args.size() && i < f->type->params.size(); ++i) {
    vals.push_back(f->type->params[i] == ir::ValType::I64
                       ? runtime::Value::make_i64(args[i])
                       : runtime::Value::make_i32(static_cast<uint32_t>(args[i])));
  }
  std::vector<runtime::Value> results(f->type->results.size());
  auto status = f->callback(vals, results);
  EXPECT_TRUE(status) << name << ": " << (status ? "" : status.error().to_string());
  return results.empty() ? 0 : results[0].i32;
}

void WasiHarness::put(uint32_t addr, const std::string& s) {
  std::memcpy(mem() + addr, s.data(), s.size());
}
uint32_t WasiHarness::u32(uint32_t addr) {
  uint32_t v;
  std::memcpy(&v, mem() + addr, 4);
  return v;
}
uint64_t WasiHarness::u64(uint32_t addr) {
  uint64_t v;
  std::memcpy(&v, mem() + addr, 8);
  return v;
}
void WasiHarness::set_u32(uint32_t addr, uint32_t v) {
  std::memcpy(mem() + addr, &v, 4);
}
std::string WasiHarness::str(uint32_t addr, uint32_t len) {
  return std::string(reinterpret_cast<const char*>(mem() + addr), len);
}

// Scratch layout: 1000 = path, 2000 = iovec, 2100 = out values, 3000.. = data buffers.
Errno WasiHarness::open(uint32_t dir, const std::string& path, uint32_t oflags, uint64_t rights,
                        uint32_t& fd, uint32_t lookup, uint32_t fdflags) {
  put(1000, path);
  const Errno e =
      callv("path_open", {dir, lookup, 1000, path.size(), oflags, rights, rights, fdflags, 2100});
  fd = e == Errno::Success ? u32(2100) : ~0u;
  return e;
}

Errno WasiHarness::write(uint32_t fd, const std::string& data) {
  put(3000, data);
  set_u32(2000, 3000);
  set_u32(2004, static_cast<uint32_t>(data.size()));
  return callv("fd_write", {fd, 2000, 1, 2100});
}

std::string WasiHarness::read(uint32_t fd, uint32_t max) {
  set_u32(2000, 3000);
  set_u32(2004, max);
  if (callv("fd_read", {fd, 2000, 1, 2100}) != Errno::Success) return "<error>";
  return str(3000, u32(2100));
}

} // namespace wasmcap::wasi::testing
