// The policy inside src/wasi: every defined function has a row in function_info.cpp, denied
// groups are refused before the body runs, descriptor functions take the group of their fd,
// and audit lines are written as the calls happen.
#include <fcntl.h>
#include <unistd.h>

#include <cstring>

#include <string>

#include "wasi/function_info.h"
#include "wasi_harness.h"

namespace wasmcap::wasi::testing {
namespace {

TEST(FunctionInfo, EveryDefinedFunctionIsClassified) {
  runtime::Store store;
  WasiConfig config;
  auto ctx = WasiCtx::create(config);
  ASSERT_TRUE(ctx);
  size_t count = 0;
  (*ctx)->define_all(store,
                     [&](std::string_view module, std::string_view name, runtime::FuncInstance*) {
                       EXPECT_TRUE(is_wasi_module(module));
                       EXPECT_NE(function_info(name), nullptr) << name;
                       ++count;
                     });
  EXPECT_EQ(count, 46u + 45u);
}

class WasiPolicyTest : public WasiHarness {
public:
  void configure(WasiConfig& c) override {
    c.allowed = CapabilitySet::all();
    c.allowed.remove(Group::Stdio);
    c.allowed.remove(Group::Random);
    ASSERT_EQ(::pipe2(audit_, O_NONBLOCK), 0);
    c.audit_fd = audit_[1];
  }
  void TearDown() override {
    ::close(audit_[0]);
    ::close(audit_[1]);
  }
  std::string audit() {
    char buf[4096];
    const ssize_t n = ::read(audit_[0], buf, sizeof buf);
    return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
  }
  int audit_[2] = {-1, -1};
};

TEST_F(WasiPolicyTest, DeniedGroupIsRefusedWithoutRunning) {
  std::memset(mem() + 100, 0xaa, 16);
  EXPECT_EQ(callv("random_get", {100, 16}), Errno::Notcapable);
  EXPECT_EQ(mem()[100], 0xaa); // nothing was written
  const std::string line = audit();
  EXPECT_NE(line.find("\"func\":\"random_get\""), std::string::npos) << line;
  EXPECT_NE(line.find("\"group\":\"random\""), std::string::npos) << line;
}

TEST_F(WasiPolicyTest, DescriptorFunctionsTakeTheirFdsGroup) {
  // stdout is denied (stdio), but a file beneath a grant is fs-write and works.
  EXPECT_EQ(write(1, "x"), Errno::Notcapable);
  EXPECT_NE(audit().find("\"group\":\"stdio\""), std::string::npos);
  uint32_t fd = 0;
  ASSERT_EQ(open(kSandboxFd, "f.txt", /*creat*/ 1, right::kFdWrite | right::kFdRead, fd),
            Errno::Success);
  EXPECT_EQ(write(fd, "data"), Errno::Success);
}

TEST_F(WasiPolicyTest, ReadOnlyRefusalNamesPathAndPreopen) {
  uint32_t fd = 0;
  EXPECT_EQ(open(kReadOnlyFd, "new.txt", 1, right::kFdWrite, fd), Errno::Notcapable);
  const std::string line = audit();
  EXPECT_NE(line.find("\"path\":\"new.txt\""), std::string::npos) << line;
  EXPECT_NE(line.find("\"fd_preopen\":\"/ro\""), std::string::npos) << line;
  EXPECT_NE(line.find("read-only grant"), std::string::npos) << line;
}

} // namespace
} // namespace wasmcap::wasi::testing
