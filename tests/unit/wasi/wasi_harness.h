// WasiHarness: a WasiCtx over a TempTree (fd 3 = "/sandbox" read-write, fd 4 = "/ro" read-only,
// fd 5 = "/second" read-write), a one-page memory, and call() to invoke any WASI host function
// through its FuncInstance callback exactly as wasm code would.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "runtime/store.h"
#include "temp_tree.h"
#include "wasi/errno.h"
#include "wasi/wasi_ctx.h"

namespace wasmcap::wasi::testing {

constexpr uint32_t kSandboxFd = 3, kReadOnlyFd = 4, kSecondFd = 5;

class WasiHarness : public ::testing::Test {
public: // the helpers are used by free functions in the tests too
  void SetUp() override;
  // Extra configuration before the context is created (args, env, stdio).
  virtual void configure(WasiConfig&) {}

  // Calls module.name with i32/i64 arguments given as uint64_t in signature order.
  // Returns the errno result (or 0 for functions without one); a host Error fails the test.
  uint32_t call(const std::string& name, std::vector<uint64_t> args,
                const std::string& module = "wasi_snapshot_preview1");
  Errno callv(const std::string& name, std::vector<uint64_t> args,
              const std::string& module = "wasi_snapshot_preview1") {
    return static_cast<Errno>(call(name, std::move(args), module));
  }
  // The host function itself (for signature checks and raw invocation).
  runtime::FuncInstance* func(const std::string& module, const std::string& name);

  // Guest memory helpers.
  uint8_t* mem() { return memory_->data(); }
  uint64_t mem_size() const { return memory_->size_bytes(); }
  void put(uint32_t addr, const std::string& s);
  uint32_t u32(uint32_t addr);
  uint64_t u64(uint32_t addr);
  void set_u32(uint32_t addr, uint32_t v);
  std::string str(uint32_t addr, uint32_t len);

  // path_open through fd `dir` with the given oflags and rights; returns the new fd or errno.
  Errno open(uint32_t dir, const std::string& path, uint32_t oflags, uint64_t rights, uint32_t& fd,
             uint32_t lookup = 1, uint32_t fdflags = 0);
  // fd_write/fd_read of a whole string through one iovec.
  Errno write(uint32_t fd, const std::string& data);
  std::string read(uint32_t fd, uint32_t max = 256);

  TempTree tree_;
  runtime::Store store_;
  runtime::Memory* memory_ = nullptr;
  std::unique_ptr<WasiCtx> ctx_;
  std::map<std::pair<std::string, std::string>, runtime::FuncInstance*> funcs_;
};

} // namespace wasmcap::wasi::testing
