// wasi:filesystem (WASI 0.2) driven directly with component values: preopens, open-at and the
// streams, positional I/O, stat, directory listings, path operations, the sandbox (the same
// escapes as preview1's tests, through the 0.2 surface), read-only grants, rights from
// descriptor-flags, the policy and audit log, and the registration against the WIT table.
#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "temp_tree.h"
#include "wasi/p2/host.h"
#include "wasi/p2/objects.h"
#include "wasi/p2/values.h"
#include "wasi/wasi_ctx.h"
#include "wit/wasi_table.h"

namespace wasmcap::wasi::testing {
namespace {

using p2::P2Ctx;
using p2::Val;
namespace res = p2::resources;

constexpr const char* kTypes = "wasi:filesystem/types@0.2.12";
constexpr const char* kStreams = "wasi:io/streams@0.2.12";
constexpr std::string_view kErrorCode = "wasi:filesystem/types.error-code";

Val borrow(uint32_t rep, const p2::HostResourceType& t = res::kDescriptor) {
  Val v = Val::make(Val::Kind::Borrow, rep);
  v.resource = &t;
  return v;
}
Val str(const std::string& s) {
  return Val::string(s);
}
Val u64(uint64_t v) {
  return p2::u64_val(v);
}
Val flags(std::string_view type, std::initializer_list<std::string_view> names) {
  uint64_t bits = 0;
  for (auto n : names) {
    const uint64_t b = p2::flag_bit(type, n);
    EXPECT_NE(b, 0u) << n;
    bits |= b;
  }
  return Val::make(Val::Kind::Flags, bits);
}
Val path_flags(bool follow) {
  return follow ? flags("wasi:filesystem/types.path-flags", {"symlink-follow"})
                : flags("wasi:filesystem/types.path-flags", {});
}
Val open_flags(std::initializer_list<std::string_view> names) {
  return flags("wasi:filesystem/types.open-flags", names);
}
Val desc_flags(std::initializer_list<std::string_view> names) {
  return flags("wasi:filesystem/types.descriptor-flags", names);
}

// The WIT name of an error-code case (for readable failures).
std::string code_name(uint64_t index) {
  const auto* t = wit::table::find_type(std::string(kTypes) + ".error-code");
  if (!t || index >= t->fields().size()) return "?";
  return t->fields()[index].name;
}

class P2FsTest : public ::testing::Test {
protected:
  virtual void configure(WasiConfig&) {}

  void SetUp() override {
    tree_.mkdir("ro");
    tree_.write("ro/keep.txt", "keep");
    WasiConfig config;
    config.preopens = {{tree_.grant(), "/sandbox", false}, {tree_.path("ro"), "/ro", true}};
    configure(config);
    auto ctx = WasiCtx::create(config);
    ASSERT_TRUE(ctx) << ctx.error().to_string();
    wasi_ = std::move(ctx.value());
    cx_ = std::make_unique<P2Ctx>(*wasi_);
    auto dirs = get_directories();
    ASSERT_EQ(dirs.size(), 2u);
    for (const auto& [rep, name] : dirs) {
      (name == "/sandbox" ? rw_ : ro_) = rep;
    }
  }

  // Calls interface.name; a host error (a trap) fails the test.
  Val call(const std::string& iface, const std::string& name, std::vector<Val> args) {
    const p2::HostFunction* f = p2::find_host_function(iface, name);
    EXPECT_NE(f, nullptr) << iface << " " << name;
    if (!f) return Val{};
    auto r = f->fn(*cx_, args);
    EXPECT_TRUE(r) << name << ": " << r.error().to_string();
    if (!r || !*r) return Val{};
    return std::move(**r);
  }
  // A descriptor method: "[method]descriptor.<m>" with `self` first.
  Val m(const std::string& method, uint32_t self, std::vector<Val> args = {}) {
    args.insert(args.begin(), borrow(self));
    return call(kTypes, "[method]descriptor." + method, std::move(args));
  }
  // A method that must trap.
  bool traps(const std::string& name, std::vector<Val> args) {
    const p2::HostFunction* f = p2::find_host_function(kTypes, name);
    EXPECT_NE(f, nullptr);
    auto r = f->fn(*cx_, args);
    return !r && r.error().kind == ErrorKind::Trap;
  }

  std::vector<std::pair<uint32_t, std::string>> get_directories() {
    Val list = call("wasi:filesystem/preopens@0.2.12", "get-directories", {});
    std::vector<std::pair<uint32_t, std::string>> out;
    for (const Val& t : list.items) {
      EXPECT_EQ(t.items[0].kind, Val::Kind::Own);
      EXPECT_EQ(t.items[0].resource, &res::kDescriptor);
      out.emplace_back(static_cast<uint32_t>(t.items[0].bits), t.items[1].str);
    }
    return out;
  }

  // Asserting on results.
  static ::testing::AssertionResult ok(const Val& r) {
    if (r.kind == Val::Kind::Result && r.bits == 0) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure()
           << "error-code " << (r.has_payload() ? code_name(r.payload().bits) : "?");
  }
  static ::testing::AssertionResult err(const Val& r, std::string_view code) {
    if (r.kind != Val::Kind::Result || r.bits != 1) return ::testing::AssertionFailure() << "ok";
    if (r.payload().bits == p2::case_index(kErrorCode, code)) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure()
           << "error-code " << code_name(r.payload().bits) << ", expected " << code;
  }
  void check_escapes();

  uint32_t handle(const Val& r) {
    EXPECT_TRUE(ok(r));
    return r.has_payload() ? static_cast<uint32_t>(r.payload().bits) : 0;
  }

  uint32_t open(uint32_t dir, const std::string& path, Val oflags, Val dflags,
                bool follow = false) {
    return handle(m("open-at", dir, {path_flags(follow), str(path), oflags, dflags}));
  }
  Val try_open(uint32_t dir, const std::string& path, Val oflags, Val dflags, bool follow = false) {
    return m("open-at", dir, {path_flags(follow), str(path), oflags, dflags});
  }

  // Writes through write-via-stream at `offset` (or append-via-stream).
  void stream_write(uint32_t fd, const std::string& data, std::optional<uint64_t> offset) {
    Val s = offset ? m("write-via-stream", fd, {u64(*offset)}) : m("append-via-stream", fd);
    const uint32_t out = handle(s);
    Val w = call(kStreams, "[method]output-stream.blocking-write-and-flush",
                 {borrow(out, res::kOutputStream), Val::bytes(data)});
    EXPECT_EQ(w.bits, 0u);
    EXPECT_TRUE(cx_->drop(res::kOutputStream, out));
  }
  std::string stream_read(uint32_t fd, uint64_t offset) {
    const uint32_t in = handle(m("read-via-stream", fd, {u64(offset)}));
    std::string all;
    for (;;) {
      Val r = call(kStreams, "[method]input-stream.blocking-read",
                   {borrow(in, res::kInputStream), u64(4096)});
      if (r.bits != 0) break; // closed
      all += r.payload().str;
    }
    EXPECT_TRUE(cx_->drop(res::kInputStream, in));
    return all;
  }

  TempTree tree_;
  std::unique_ptr<WasiCtx> wasi_;
  std::unique_ptr<P2Ctx> cx_;
  uint32_t rw_ = 0, ro_ = 0;
};

TEST(P2FsRegistration, EveryFunctionMatchesTheWitTable) {
  std::set<std::pair<std::string, std::string>> registered;
  for (const p2::HostFunction& f : p2::host_functions()) {
    if (f.interface.substr(0, 16) != "wasi:filesystem/") continue;
    const std::string iface = std::string(f.interface) + "@0.2.12";
    EXPECT_NE(wit::table::find_function(iface, f.name), nullptr) << iface << " " << f.name;
    registered.emplace(iface, f.name);
  }
  size_t wit_count = 0;
  for (const wit::table::Function& f : wit::table::functions()) {
    const std::string_view iface = f.interface;
    if (iface != "wasi:filesystem/types@0.2.12" && iface != "wasi:filesystem/preopens@0.2.12") {
      continue;
    }
    ++wit_count;
    EXPECT_TRUE(registered.count({std::string(iface), f.name})) << iface << " " << f.name;
  }
  EXPECT_EQ(wit_count, registered.size());
  EXPECT_EQ(wit_count, 30u); // 27 descriptor methods, the entry stream, the error code, preopens
  EXPECT_EQ(p2::find_host_resource("wasi:filesystem/types@0.2.3", "directory-entry-stream"),
            &res::kDirectoryEntryStream);
}

// case_index reads an index built once from the WIT table: positions as the WIT declares
// them, unknown names ~0u, and the same answer from many threads at once (no lock any more).
TEST(P2Values, CaseIndexFollowsTheWitOrder) {
  EXPECT_EQ(p2::case_index("wasi:filesystem/types.descriptor-type", "unknown"), 0u);
  EXPECT_EQ(p2::case_index("wasi:filesystem/types.descriptor-type", "block-device"), 1u);
  EXPECT_EQ(p2::case_index("wasi:filesystem/types.descriptor-type", "directory"), 3u);
  EXPECT_EQ(p2::case_index("wasi:filesystem/types.descriptor-type", "no-such-case"), ~0u);
  EXPECT_EQ(p2::case_index("wasi:filesystem/types.no-such-type", "unknown"), ~0u);
  EXPECT_EQ(p2::case_index("wasi:filesystem/types@0.2.12.descriptor-type", "unknown"), ~0u)
      << "names are unversioned";
  EXPECT_EQ(p2::case_name("wasi:filesystem/types.descriptor-type", 3), "directory");
  EXPECT_EQ(p2::case_name("wasi:filesystem/types.descriptor-type", 999), "case 999");
  EXPECT_EQ(p2::flag_bit("wasi:filesystem/types.descriptor-flags", "write"), 2u);
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) {
        if (p2::case_index(kErrorCode, "access") != 0) ++wrong;
      }
    });
  }
  for (auto& th : threads)
    th.join();
  EXPECT_EQ(wrong.load(), 0);
}

TEST_F(P2FsTest, GetDirectoriesHandsOutNewDescriptorsEachCall) {
  auto again = get_directories();
  ASSERT_EQ(again.size(), 2u);
  std::set<uint32_t> reps = {rw_, ro_};
  for (const auto& [rep, name] : again) {
    EXPECT_TRUE(reps.insert(rep).second) << "representation " << rep << " handed out twice";
  }
  const uint32_t rw2 = again[0].second == "/sandbox" ? again[0].first : again[1].first;
  EXPECT_TRUE(m("is-same-object", rw_, {borrow(rw2)}).bits);
  EXPECT_FALSE(m("is-same-object", rw_, {borrow(ro_)}).bits);
  // Dropping one copy leaves the other, and the grant itself, working.
  ASSERT_TRUE(cx_->drop(res::kDescriptor, rw_));
  EXPECT_TRUE(traps("[method]descriptor.stat", {borrow(rw_)}));
  EXPECT_TRUE(ok(m("create-directory-at", rw2, {str("after-drop")})));
  EXPECT_TRUE(tree_.exists("grant/after-drop"));
  EXPECT_TRUE(wasi_->fds().get(3).ok());
  auto third = get_directories();
  EXPECT_EQ(third.size(), 2u);
}

TEST_F(P2FsTest, OpenCreateAndStreamRoundTrip) {
  const uint32_t f = open(rw_, "f.txt", open_flags({"create"}), desc_flags({"read", "write"}));
  stream_write(f, "hello", 0);
  EXPECT_EQ(tree_.read("grant/f.txt"), "hello");
  EXPECT_EQ(stream_read(f, 0), "hello");
  EXPECT_EQ(stream_read(f, 2), "llo");
  stream_write(f, " world", std::nullopt); // append
  stream_write(f, "J", 0);
  EXPECT_EQ(tree_.read("grant/f.txt"), "Jello world");
  // The stream outlives its descriptor (it holds its own host fd).
  const uint32_t out = handle(m("write-via-stream", f, {u64(11)}));
  ASSERT_TRUE(cx_->drop(res::kDescriptor, f));
  Val w = call(kStreams, "[method]output-stream.blocking-write-and-flush",
               {borrow(out, res::kOutputStream), Val::bytes("!")});
  EXPECT_EQ(w.bits, 0u);
  EXPECT_EQ(tree_.read("grant/f.txt"), "Jello world!");
  // exclusive on an existing file; directory on a file.
  EXPECT_TRUE(err(try_open(rw_, "f.txt", open_flags({"create", "exclusive"}), desc_flags({"read"})),
                  "exist"));
  EXPECT_TRUE(err(try_open(rw_, "f.txt", open_flags({"directory"}), desc_flags({"read"})),
                  "not-directory"));
  EXPECT_TRUE(err(try_open(rw_, "missing", open_flags({}), desc_flags({"read"})), "no-entry"));
  // truncate
  const uint32_t t = open(rw_, "f.txt", open_flags({"truncate"}), desc_flags({"write"}));
  EXPECT_EQ(tree_.read("grant/f.txt"), "");
  // A stream on a directory is refused: it is not a file.
  EXPECT_TRUE(err(m("read-via-stream", rw_, {u64(0)}), "is-directory"));
  EXPECT_TRUE(ok(m("sync", t)));
  EXPECT_TRUE(ok(m("sync-data", t)));
}

TEST_F(P2FsTest, ReadAndWriteAtOffsets) {
  const uint32_t f = open(rw_, "o.bin", open_flags({"create"}), desc_flags({"read", "write"}));
  Val w = m("write", f, {Val::bytes("abc"), u64(0)});
  ASSERT_TRUE(ok(w));
  EXPECT_EQ(w.payload().bits, 3u);
  ASSERT_TRUE(ok(m("write", f, {Val::bytes("XY"), u64(5)})));
  EXPECT_EQ(tree_.read("grant/o.bin"), std::string("abc\0\0XY", 7));
  Val r = m("read", f, {u64(3), u64(1)});
  ASSERT_TRUE(ok(r));
  EXPECT_EQ(r.payload().items[0].str, std::string("bc\0", 3));
  EXPECT_FALSE(r.payload().items[1].bits); // not at the end
  r = m("read", f, {u64(100), u64(5)});
  ASSERT_TRUE(ok(r));
  EXPECT_EQ(r.payload().items[0].str, "XY");
  EXPECT_TRUE(r.payload().items[1].bits); // the end
  // Rights follow the descriptor-flags: no write without `write`, no read without `read`.
  const uint32_t ro = open(rw_, "o.bin", open_flags({}), desc_flags({"read"}));
  EXPECT_TRUE(err(m("write", ro, {Val::bytes("z"), u64(0)}), "bad-descriptor"));
  EXPECT_TRUE(err(m("write-via-stream", ro, {u64(0)}), "bad-descriptor"));
  EXPECT_TRUE(err(m("set-size", ro, {u64(0)}), "bad-descriptor"));
  const uint32_t wo = open(rw_, "o.bin", open_flags({}), desc_flags({"write"}));
  EXPECT_TRUE(err(m("read", wo, {u64(1), u64(0)}), "bad-descriptor"));
  EXPECT_TRUE(ok(m("set-size", wo, {u64(2)})));
  EXPECT_EQ(tree_.read("grant/o.bin"), "ab");
  Val fl = m("get-flags", ro);
  ASSERT_TRUE(ok(fl));
  EXPECT_EQ(fl.payload().bits, desc_flags({"read"}).bits);
  fl = m("get-flags", wo);
  EXPECT_EQ(fl.payload().bits, desc_flags({"write"}).bits);
}

TEST_F(P2FsTest, StatStatAtTypesAndTimes) {
  tree_.write("grant/f", "12345");
  tree_.symlink("f", "grant/l");
  Val st = m("stat-at", rw_, {path_flags(true), str("l")});
  ASSERT_TRUE(ok(st));
  const Val& rec = st.payload();
  EXPECT_EQ(rec.items[0].bits,
            p2::case_index("wasi:filesystem/types.descriptor-type", "regular-file"));
  EXPECT_EQ(rec.items[1].bits, 1u); // link-count
  EXPECT_EQ(rec.items[2].bits, 5u); // size
  EXPECT_EQ(rec.items[4].bits, 1u); // some(mtime)
  st = m("stat-at", rw_, {path_flags(false), str("l")});
  EXPECT_EQ(st.payload().items[0].bits,
            p2::case_index("wasi:filesystem/types.descriptor-type", "symbolic-link"));
  Val type = m("get-type", rw_);
  EXPECT_EQ(type.payload().bits,
            p2::case_index("wasi:filesystem/types.descriptor-type", "directory"));
  EXPECT_EQ(m("get-flags", rw_).payload().bits, desc_flags({"read", "mutate-directory"}).bits);
  EXPECT_EQ(m("get-flags", ro_).payload().bits, desc_flags({"read"}).bits);
  // set-times-at to a given mtime; no-change leaves atime.
  Val when = p2::variant_val("wasi:filesystem/types.new-timestamp", "timestamp",
                             p2::record_val({u64(5), p2::u32_val(7)}));
  Val keep = p2::variant_val("wasi:filesystem/types.new-timestamp", "no-change");
  ASSERT_TRUE(ok(m("set-times-at", rw_, {path_flags(true), str("l"), keep, when})));
  const uint32_t f = open(rw_, "f", open_flags({}), desc_flags({"read", "write"}));
  st = m("stat", f);
  ASSERT_TRUE(ok(st));
  const Val& mtime = st.payload().items[4].payload();
  EXPECT_EQ(mtime.items[0].bits, 5u);
  EXPECT_EQ(mtime.items[1].bits, 7u);
  Val now = p2::variant_val("wasi:filesystem/types.new-timestamp", "now");
  EXPECT_TRUE(ok(m("set-times", f, {now, now})));
  Val bad = p2::variant_val("wasi:filesystem/types.new-timestamp", "timestamp",
                            p2::record_val({u64(5), p2::u32_val(1'000'000'000)}));
  EXPECT_TRUE(err(m("set-times", f, {keep, bad}), "invalid"));
  // metadata-hash: the same object hashes the same through a path and a descriptor, and the
  // hash moves when the file changes.
  Val h1 = m("metadata-hash", f);
  Val h2 = m("metadata-hash-at", rw_, {path_flags(false), str("f")});
  ASSERT_TRUE(ok(h1));
  EXPECT_EQ(h1.payload().items[0].bits, h2.payload().items[0].bits);
  EXPECT_EQ(h1.payload().items[1].bits, h2.payload().items[1].bits);
  ASSERT_TRUE(ok(m("write", f, {Val::bytes("more"), u64(5)})));
  Val h3 = m("metadata-hash", f);
  EXPECT_NE(h1.payload().items[0].bits, h3.payload().items[0].bits);
  EXPECT_TRUE(ok(m("advise", f,
                   {u64(0), u64(0), p2::enum_val("wasi:filesystem/types.advice", "sequential")})));
}

TEST_F(P2FsTest, ReadDirectoryListsEntriesWithoutDots) {
  tree_.write("grant/b", "");
  tree_.write("grant/a", "");
  tree_.mkdir("grant/c");
  const uint32_t s = handle(m("read-directory", rw_));
  std::vector<std::pair<std::string, uint64_t>> seen;
  for (;;) {
    Val e = call(kTypes, "[method]directory-entry-stream.read-directory-entry",
                 {borrow(s, res::kDirectoryEntryStream)});
    ASSERT_TRUE(ok(e));
    if (e.payload().bits == 0) break; // none
    const Val& entry = e.payload().payload();
    seen.emplace_back(entry.items[1].str, entry.items[0].bits);
  }
  const uint64_t file = p2::case_index("wasi:filesystem/types.descriptor-type", "regular-file");
  const uint64_t dir = p2::case_index("wasi:filesystem/types.descriptor-type", "directory");
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0], std::make_pair(std::string("a"), file));
  EXPECT_EQ(seen[1], std::make_pair(std::string("b"), file));
  EXPECT_EQ(seen[2], std::make_pair(std::string("c"), dir));
  EXPECT_TRUE(cx_->drop(res::kDirectoryEntryStream, s));
  const uint32_t f = open(rw_, "a", open_flags({}), desc_flags({"read"}));
  EXPECT_TRUE(err(m("read-directory", f), "not-directory"));
  // A read-only grant lists too.
  EXPECT_TRUE(ok(m("read-directory", ro_)));
}

TEST_F(P2FsTest, PathOperations) {
  EXPECT_TRUE(ok(m("create-directory-at", rw_, {str("d")})));
  EXPECT_TRUE(tree_.exists("grant/d"));
  EXPECT_TRUE(err(m("create-directory-at", rw_, {str("d")}), "exist"));
  tree_.write("grant/d/f", "x");
  EXPECT_TRUE(err(m("remove-directory-at", rw_, {str("d")}), "not-empty"));
  EXPECT_TRUE(err(m("unlink-file-at", rw_, {str("d")}), "is-directory"));
  EXPECT_TRUE(ok(m("rename-at", rw_, {str("d/f"), borrow(rw_), str("g")})));
  EXPECT_EQ(tree_.read("grant/g"), "x");
  EXPECT_TRUE(ok(m("link-at", rw_, {path_flags(false), str("g"), borrow(rw_), str("h")})));
  EXPECT_EQ(tree_.read("grant/h"), "x");
  EXPECT_TRUE(err(m("link-at", rw_, {path_flags(false), str("d"), borrow(rw_), str("dd")}),
                  "not-permitted"));
  EXPECT_TRUE(ok(m("symlink-at", rw_, {str("g"), str("l")})));
  Val target = m("readlink-at", rw_, {str("l")});
  ASSERT_TRUE(ok(target));
  EXPECT_EQ(target.payload().str, "g");
  EXPECT_TRUE(err(m("readlink-at", rw_, {str("g")}), "invalid"));
  EXPECT_TRUE(ok(m("unlink-file-at", rw_, {str("l")})));
  EXPECT_TRUE(ok(m("unlink-file-at", rw_, {str("h")})));
  EXPECT_TRUE(ok(m("remove-directory-at", rw_, {str("d")})));
  EXPECT_FALSE(tree_.exists("grant/d"));
  EXPECT_FALSE(tree_.exists("grant/l"));
  EXPECT_TRUE(err(m("remove-directory-at", rw_, {str(".")}), "invalid"));
  // A file is no base for paths.
  tree_.write("grant/file", "");
  const uint32_t file = open(rw_, "file", open_flags({}), desc_flags({"read", "write"}));
  EXPECT_TRUE(err(m("create-directory-at", file, {str("x")}), "not-directory"));
  EXPECT_TRUE(err(try_open(file, "x", open_flags({}), desc_flags({"read"})), "not-directory"));
  EXPECT_TRUE(err(m("rename-at", rw_, {str("file"), borrow(file), str("y")}), "not-directory"));
  // A subdirectory opened with mutate-directory works as a base; without, it is read-only.
  tree_.mkdir("grant/sub");
  const uint32_t mut =
      open(rw_, "sub", open_flags({"directory"}), desc_flags({"read", "mutate-directory"}));
  EXPECT_TRUE(ok(m("create-directory-at", mut, {str("x")})));
  const uint32_t f = open(mut, "new", open_flags({"create"}), desc_flags({"read", "write"}));
  EXPECT_TRUE(ok(m("write", f, {Val::bytes("ok"), u64(0)})));
  EXPECT_EQ(tree_.read("grant/sub/new"), "ok");
  const uint32_t plain = open(rw_, "sub", open_flags({"directory"}), desc_flags({"read"}));
  EXPECT_TRUE(err(m("create-directory-at", plain, {str("y")}), "read-only"));
  EXPECT_TRUE(err(m("unlink-file-at", plain, {str("new")}), "read-only"));
  EXPECT_TRUE(err(try_open(plain, "new", open_flags({}), desc_flags({"write"})), "read-only"));
  EXPECT_TRUE(err(try_open(plain, "z", open_flags({"create"}), desc_flags({"read"})), "read-only"));
  EXPECT_TRUE(
      err(try_open(plain, ".", open_flags({"directory"}), desc_flags({"read", "mutate-directory"})),
          "read-only"));
  EXPECT_TRUE(ok(try_open(plain, "new", open_flags({}), desc_flags({"read"}))));
  EXPECT_FALSE(tree_.exists("grant/sub/y"));
  EXPECT_FALSE(tree_.exists("grant/sub/z"));
  EXPECT_EQ(tree_.read("grant/sub/new"), "ok");
}

// The escapes of preview1's path tests, through every wasi:filesystem path method.
void P2FsTest::check_escapes() {
  tree_.symlink("../outside/secret", "grant/out");
  tree_.symlink("/etc/passwd", "grant/abs");
  tree_.mkdir("grant/a");
  const Val rd = desc_flags({"read"});
  for (const char* p : {"../outside/secret", "/etc/passwd", "a/../../outside/secret", ".."}) {
    EXPECT_TRUE(err(try_open(rw_, p, open_flags({}), rd, true), "not-permitted")) << p;
    EXPECT_TRUE(err(m("stat-at", rw_, {path_flags(true), str(p)}), "not-permitted")) << p;
  }
  EXPECT_TRUE(err(try_open(rw_, "out", open_flags({}), rd, true), "not-permitted"));
  EXPECT_TRUE(err(try_open(rw_, "abs", open_flags({}), rd, true), "not-permitted"));
  EXPECT_TRUE(err(m("stat-at", rw_, {path_flags(true), str("out")}), "not-permitted"));
  EXPECT_TRUE(err(try_open(rw_, "../outside/new", open_flags({"create"}), desc_flags({"write"})),
                  "not-permitted"));
  EXPECT_FALSE(tree_.exists("outside/new"));
  EXPECT_TRUE(err(m("create-directory-at", rw_, {str("../escaped")}), "not-permitted"));
  EXPECT_FALSE(tree_.exists("escaped"));
  EXPECT_TRUE(err(m("unlink-file-at", rw_, {str("../outside/secret")}), "not-permitted"));
  EXPECT_TRUE(err(m("unlink-file-at", rw_, {str("out/")}), "not-permitted"));
  EXPECT_TRUE(err(m("rename-at", rw_, {str("out"), borrow(rw_), str("../outside/moved")}),
                  "not-permitted"));
  EXPECT_TRUE(err(m("link-at", rw_, {path_flags(true), str("out"), borrow(rw_), str("hard")}),
                  "not-permitted"));
  EXPECT_TRUE(err(m("symlink-at", rw_, {str("/etc/passwd"), str("l1")}), "not-permitted"));
  EXPECT_TRUE(err(m("symlink-at", rw_, {str("../outside/secret"), str("l2")}), "not-permitted"));
  EXPECT_TRUE(err(m("readlink-at", rw_, {str("abs")}), "not-permitted"));
  EXPECT_TRUE(err(m("set-times-at", rw_,
                    {path_flags(true), str("out"),
                     p2::variant_val("wasi:filesystem/types.new-timestamp", "now"),
                     p2::variant_val("wasi:filesystem/types.new-timestamp", "now")}),
                  "not-permitted"));
  EXPECT_TRUE(err(m("metadata-hash-at", rw_, {path_flags(true), str("out")}), "not-permitted"));
  EXPECT_TRUE(
      err(m("open-at", rw_, {path_flags(false), str(std::string("a\0b", 3)), open_flags({}), rd}),
          "invalid"));
  EXPECT_EQ(tree_.read("outside/secret"), "SECRET");
  EXPECT_FALSE(tree_.exists("grant/l1"));
  EXPECT_FALSE(tree_.exists("grant/l2"));
  // /proc magic links: refused (not-permitted by the walk, loop by openat2), never followed.
  if (::access("/proc/self/root", F_OK) == 0) {
    tree_.symlink("/proc/self/root", "grant/proc_root");
    Val r = try_open(rw_, "proc_root/etc/passwd", open_flags({}), rd, true);
    EXPECT_TRUE(err(r, "not-permitted") || err(r, "loop"));
  }
}

TEST_F(P2FsTest, SandboxEscapesAreNotPermitted) {
  check_escapes();
}

// The same through the portable walk resolver (what hosts without openat2 use).
class P2FsWalkTest : public P2FsTest {
protected:
  void configure(WasiConfig& c) override { c.resolve_mode = sandbox::ResolveMode::Walk; }
};

TEST_F(P2FsWalkTest, SandboxEscapesAreNotPermitted) {
  check_escapes();
}

TEST_F(P2FsTest, ReadOnlyGrantRefusesEveryChange) {
  const Val rd = desc_flags({"read"});
  EXPECT_TRUE(err(try_open(ro_, "keep.txt", open_flags({}), desc_flags({"write"})), "read-only"));
  EXPECT_TRUE(
      err(try_open(ro_, "keep.txt", open_flags({}), desc_flags({"read", "write"})), "read-only"));
  EXPECT_TRUE(err(try_open(ro_, "new.txt", open_flags({"create"}), rd), "read-only"));
  EXPECT_TRUE(err(try_open(ro_, "keep.txt", open_flags({"truncate"}), rd), "read-only"));
  EXPECT_TRUE(
      err(try_open(ro_, ".", open_flags({"directory"}), desc_flags({"read", "mutate-directory"})),
          "read-only"));
  EXPECT_TRUE(err(m("create-directory-at", ro_, {str("d")}), "read-only"));
  EXPECT_TRUE(err(m("unlink-file-at", ro_, {str("keep.txt")}), "read-only"));
  EXPECT_TRUE(err(m("remove-directory-at", ro_, {str(".")}), "read-only"));
  EXPECT_TRUE(
      err(m("rename-at", ro_, {str("keep.txt"), borrow(ro_), str("moved.txt")}), "read-only"));
  EXPECT_TRUE(err(m("link-at", ro_, {path_flags(false), str("keep.txt"), borrow(ro_), str("h")}),
                  "read-only"));
  EXPECT_TRUE(err(m("symlink-at", ro_, {str("keep.txt"), str("l")}), "read-only"));
  const Val now = p2::variant_val("wasi:filesystem/types.new-timestamp", "now");
  EXPECT_TRUE(
      err(m("set-times-at", ro_, {path_flags(false), str("keep.txt"), now, now}), "read-only"));
  // Cross-grant: renaming from the writable grant into the read-only one is refused too.
  tree_.write("grant/x", "x");
  EXPECT_TRUE(err(m("rename-at", rw_, {str("x"), borrow(ro_), str("x")}), "read-only"));
  // Reading works; the opened file cannot be written or resized.
  const uint32_t f = open(ro_, "keep.txt", open_flags({}), rd);
  EXPECT_EQ(stream_read(f, 0), "keep");
  EXPECT_TRUE(err(m("write", f, {Val::bytes("x"), u64(0)}), "read-only"));
  EXPECT_TRUE(err(m("write-via-stream", f, {u64(0)}), "read-only"));
  EXPECT_TRUE(err(m("append-via-stream", f), "read-only"));
  EXPECT_TRUE(err(m("set-size", f, {u64(0)}), "read-only"));
  EXPECT_TRUE(err(m("set-times", f, {now, now}), "read-only"));
  EXPECT_TRUE(ok(m("sync", f))); // no effect: not open for writing
  // A directory opened beneath it stays read-only.
  tree_.mkdir("ro/sub");
  const uint32_t sub = open(ro_, "sub", open_flags({"directory"}), rd);
  EXPECT_TRUE(err(try_open(sub, "n", open_flags({"create"}), rd), "read-only"));
  EXPECT_EQ(tree_.read("ro/keep.txt"), "keep");
  EXPECT_FALSE(tree_.exists("ro/new.txt"));
  EXPECT_FALSE(tree_.exists("ro/moved.txt"));
  EXPECT_FALSE(tree_.exists("ro/d"));
  EXPECT_FALSE(tree_.exists("ro/l"));
  EXPECT_FALSE(tree_.exists("ro/sub/n"));
  EXPECT_EQ(tree_.read("grant/x"), "x");
}

TEST_F(P2FsTest, BadHandlesTrap) {
  EXPECT_TRUE(traps("[method]descriptor.stat", {borrow(999)}));
  EXPECT_TRUE(traps("[method]descriptor.stat", {borrow(rw_, res::kOutputStream)}));
  EXPECT_TRUE(
      traps("[method]descriptor.rename-at", {borrow(rw_), str("a"), borrow(4242), str("b")}));
  EXPECT_TRUE(traps("[method]directory-entry-stream.read-directory-entry",
                    {borrow(77, res::kDirectoryEntryStream)}));
}

TEST_F(P2FsTest, FilesystemErrorCodeOfAStreamError) {
  auto e = std::make_unique<p2::ErrorObject>();
  e->host_errno = ENOSPC;
  const uint32_t with = cx_->add(std::move(e));
  const uint32_t without = cx_->add(std::make_unique<p2::ErrorObject>());
  Val r = call(kTypes, "filesystem-error-code", {borrow(with, res::kError)});
  ASSERT_EQ(r.bits, 1u);
  EXPECT_EQ(r.payload().bits, p2::case_index(kErrorCode, "insufficient-space"));
  r = call(kTypes, "filesystem-error-code", {borrow(without, res::kError)});
  EXPECT_EQ(r.bits, 0u);
}

// A policy denying fs-write: writing calls answer not-permitted without running, reading ones
// work, and every refusal is in the audit log as preview1's are.
class P2FsPolicyTest : public P2FsTest {
protected:
  void configure(WasiConfig& c) override {
    c.allowed = CapabilitySet::all();
    c.allowed.remove(CapabilityGroup::FsWrite);
    ASSERT_EQ(::pipe2(audit_, O_NONBLOCK), 0);
    c.audit_fd = audit_[1];
  }
  void TearDown() override {
    ::close(audit_[0]);
    ::close(audit_[1]);
  }
  std::string audit() {
    std::string out;
    char buf[4096];
    ssize_t n;
    while ((n = ::read(audit_[0], buf, sizeof buf)) > 0)
      out.append(buf, static_cast<size_t>(n));
    return out;
  }
  int audit_[2] = {-1, -1};
};

TEST_F(P2FsPolicyTest, DeniedWritesAreRefusedAndAudited) {
  EXPECT_TRUE(err(m("create-directory-at", rw_, {str("d")}), "not-permitted"));
  EXPECT_FALSE(tree_.exists("grant/d"));
  EXPECT_TRUE(
      err(try_open(rw_, "n", open_flags({"create"}), desc_flags({"read"})), "not-permitted"));
  EXPECT_FALSE(tree_.exists("grant/n"));
  tree_.write("grant/f", "data");
  const uint32_t f = open(rw_, "f", open_flags({}), desc_flags({"read"}));
  EXPECT_EQ(stream_read(f, 0), "data");
  const std::string log = audit();
  EXPECT_NE(log.find("\"func\":\"[method]descriptor.create-directory-at\""), std::string::npos)
      << log;
  EXPECT_NE(log.find("\"func\":\"[method]descriptor.open-at\""), std::string::npos) << log;
  EXPECT_NE(log.find("\"group\":\"fs-write\""), std::string::npos) << log;
  EXPECT_NE(log.find("\"fd_preopen\":\"/sandbox\""), std::string::npos) << log;
  EXPECT_NE(log.find("\"path\":\"d\""), std::string::npos) << log;
  EXPECT_EQ(log.find("\"path\":\"f\""), std::string::npos) << "allowed calls are not refusals";
}

// The read-only grant's refusal is audited too (reason "read-only grant"), with policies on.
class P2FsAuditTest : public P2FsPolicyTest {
protected:
  void configure(WasiConfig& c) override {
    ASSERT_EQ(::pipe2(audit_, O_NONBLOCK), 0);
    c.audit_fd = audit_[1];
  }
};

TEST_F(P2FsAuditTest, ReadOnlyRefusalIsAudited) {
  EXPECT_TRUE(err(try_open(ro_, "keep.txt", open_flags({}), desc_flags({"write"})), "read-only"));
  EXPECT_TRUE(err(try_open(rw_, "../x", open_flags({}), desc_flags({"read"})), "not-permitted"));
  const std::string log = audit();
  EXPECT_NE(log.find("\"reason\":\"read-only grant\""), std::string::npos) << log;
  EXPECT_NE(log.find("\"reason\":\"path escapes the grant\""), std::string::npos) << log;
  EXPECT_EQ(tree_.read("ro/keep.txt"), "keep");
}

// Learn mode counts 0.2 calls as preview1's: per grant, read or written; get-directories (run by
// SetUp) uses nothing.
class P2FsLearnTest : public P2FsTest {
protected:
  void configure(WasiConfig& c) override { c.learn = true; }
};

TEST_F(P2FsLearnTest, UsageNamesTheGrantsUsed) {
  EXPECT_TRUE(wasi_->usage().groups.empty());
  EXPECT_TRUE(ok(m("create-directory-at", rw_, {str("d")})));
  open(ro_, "keep.txt", open_flags({}), desc_flags({"read"}));
  const Usage& u = wasi_->usage();
  EXPECT_TRUE(u.groups.has(CapabilityGroup::FsWrite));
  EXPECT_TRUE(u.groups.has(CapabilityGroup::FsRead));
  ASSERT_EQ(u.preopen_use.size(), 2u);
  EXPECT_EQ(u.preopen_use[0], 2); // written
  EXPECT_EQ(u.preopen_use[1], 1); // read
}

} // namespace
} // namespace wasmcap::wasi::testing
