// The policy text format, the capability classifier, strict-mode refusals and the producers
// section parser (include/wasmcap/policy.h, capabilities.h, producers.h).
#include <gtest/gtest.h>

#include "wasmcap/capabilities.h"
#include "wasmcap/policy.h"
#include "wasmcap/producers.h"

namespace {

using namespace wasmcap;

ImportType wasi_import(const std::string& name) {
  ImportType t;
  t.module = "wasi_snapshot_preview1";
  t.name = name;
  t.type.kind = ExternKind::Func;
  return t;
}

TEST(Policy, ParsesAllowDenyDirAndComments) {
  auto p = parse_policy("# a comment\nallow fs-read, stdio\n\ndeny net  # trailing\n"
                        "dir data::/data::ro\ndir out::/out\ndir /abs\n");
  ASSERT_TRUE(p) << p.error().to_string();
  EXPECT_TRUE(p->has_allow_list);
  const CapabilitySet a = p->allowed();
  EXPECT_TRUE(a.has(CapabilityGroup::FsRead));
  EXPECT_TRUE(a.has(CapabilityGroup::Stdio));
  EXPECT_FALSE(a.has(CapabilityGroup::Net));
  EXPECT_FALSE(a.has(CapabilityGroup::Clock));
  ASSERT_EQ(p->dirs.size(), 3u);
  EXPECT_EQ(p->dirs[0].host_path, "data");
  EXPECT_EQ(p->dirs[0].guest_path, "/data");
  EXPECT_TRUE(p->dirs[0].read_only);
  EXPECT_FALSE(p->dirs[1].read_only);
  EXPECT_EQ(p->dirs[2].guest_path, "/abs");
}

TEST(Policy, DenyOnlyStartsFromEverything) {
  auto p = parse_policy("deny net,proc\n");
  ASSERT_TRUE(p);
  CapabilitySet want = CapabilitySet::all();
  want.remove(CapabilityGroup::Net);
  want.remove(CapabilityGroup::Proc);
  EXPECT_EQ(p->allowed(), want);
  auto empty = parse_policy("");
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->allowed().is_all());
}

TEST(Policy, DenyWinsAndNoneAllowsNothing) {
  auto p = parse_policy("allow all\ndeny fs-write\n");
  ASSERT_TRUE(p);
  EXPECT_FALSE(p->allowed().has(CapabilityGroup::FsWrite));
  EXPECT_TRUE(p->allowed().has(CapabilityGroup::FsRead));
  auto none = parse_policy("allow none\n");
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->allowed().empty());
}

TEST(Policy, ErrorsNameTheLine) {
  auto bad_group = parse_policy("allow stdio\nallow sockets\n");
  ASSERT_FALSE(bad_group);
  EXPECT_EQ(bad_group.error().kind, ErrorKind::Usage);
  EXPECT_NE(bad_group.error().message.find("line 2"), std::string::npos);
  EXPECT_NE(bad_group.error().message.find("sockets"), std::string::npos);
  EXPECT_FALSE(parse_policy("grant everything\n"));
  EXPECT_FALSE(parse_policy("allow\n"));
  EXPECT_FALSE(parse_policy("dir a::b::rx\n"));
  EXPECT_FALSE(parse_policy("dir ::b\n"));
}

// `max-gc-heap SIZE` (docs/gc.md): sizes as the CLI writes them, the smaller of two lines wins,
// it survives formatting, and it only ever lowers an engine's limit.
TEST(Policy, MaxGcHeapLimitsTheEngine) {
  auto p = parse_policy("max-gc-heap 64MiB\nmax-gc-heap 16M # the smaller wins\n");
  ASSERT_TRUE(p) << p.error().message;
  ASSERT_TRUE(p->max_gc_heap);
  EXPECT_EQ(*p->max_gc_heap, 16u << 20);
  auto again = parse_policy(format_policy(*p));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->max_gc_heap, p->max_gc_heap);
  Config config;
  p->apply_limits(config);
  EXPECT_EQ(config.max_gc_heap, 16u << 20);
  config.max_gc_heap = 1u << 20; // the engine's own is lower: it stays
  p->apply_limits(config);
  EXPECT_EQ(config.max_gc_heap, 1u << 20);
  auto bad = parse_policy("allow all\nmax-gc-heap 12QB\n");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("policy line 2: max-gc-heap"), std::string::npos)
      << bad.error().message;
  EXPECT_FALSE(parse_policy("max-gc-heap\n"));
  EXPECT_EQ(*parse_byte_size("4096"), 4096u);
  EXPECT_EQ(*parse_byte_size("2GiB"), 2ull << 30);
  EXPECT_FALSE(parse_byte_size("99999999999999999999"));
}

TEST(Policy, FormatRoundTrips) {
  WasiPolicy p;
  p.has_allow_list = true;
  p.allow.add(CapabilityGroup::Stdio);
  p.allow.add(CapabilityGroup::FsWrite);
  p.deny.add(CapabilityGroup::Net);
  p.dirs.push_back({"in", "/in", true});
  p.dirs.push_back({"out", "/out", false});
  const std::string text = format_policy(p);
  EXPECT_EQ(text, "allow stdio,fs-write\ndeny net\ndir in::/in::ro\ndir out::/out::rw\n");
  auto back = parse_policy(text);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->allowed(), p.allowed());
  EXPECT_EQ(format_policy(*back), text);
}

TEST(Policy, LearnedPolicyKeepsUsedDirsReadOnlyUnlessWritten) {
  WasiConfig config;
  config.preopens = {{"a", "/a", false}, {"b", "/b", false}, {"c", "/c", true}};
  WasiUsage usage;
  usage.groups.add(CapabilityGroup::FsRead);
  usage.preopens = {PreopenUse::Read, PreopenUse::Unused, PreopenUse::Read};
  const WasiPolicy p = learned_policy(config, usage);
  EXPECT_EQ(format_policy(p), "allow fs-read\ndir a::/a::ro\ndir c::/c::ro\n");
  usage.preopens[0] = PreopenUse::Write;
  EXPECT_EQ(format_policy(learned_policy(config, usage)),
            "allow fs-read\ndir a::/a::rw\ndir c::/c::ro\n");
  EXPECT_EQ(format_policy(learned_policy(WasiConfig{}, WasiUsage{})), "allow none\n");
}

TEST(Classifier, EveryWasiFunctionHasOneGroup) {
  size_t total = 0;
  for (size_t i = 0; i < kCapabilityGroupCount; ++i)
    total += wasi_functions_in(static_cast<CapabilityGroup>(i)).size();
  EXPECT_EQ(total, 46u); // preview1's functions; preview0's are a subset
  EXPECT_EQ(wasi_function_group("sock_accept"), CapabilityGroup::Net);
  EXPECT_EQ(wasi_function_group("path_unlink_file"), CapabilityGroup::FsWrite);
  EXPECT_EQ(wasi_function_group("path_open"), CapabilityGroup::FsRead);
  EXPECT_EQ(wasi_function_group("fd_write"), CapabilityGroup::Stdio);
  EXPECT_EQ(wasi_function_group("clock_time_get"), CapabilityGroup::Clock);
  EXPECT_EQ(wasi_function_group("random_get"), CapabilityGroup::Random);
  EXPECT_EQ(wasi_function_group("environ_get"), CapabilityGroup::Env);
  EXPECT_EQ(wasi_function_group("args_get"), CapabilityGroup::Args);
  EXPECT_EQ(wasi_function_group("proc_exit"), CapabilityGroup::Proc);
  EXPECT_FALSE(wasi_function_group("open_the_pod_bay_doors"));
}

TEST(Classifier, SummaryGroupsBothWasiModulesAndFlagsFileWriters) {
  std::vector<ImportType> reader = {wasi_import("path_open"), wasi_import("fd_read")};
  ImportType old = wasi_import("clock_time_get");
  old.module = "wasi_unstable";
  reader.push_back(old);
  ImportType host;
  host.module = "env";
  host.name = "log";
  reader.push_back(host);
  ImportType bogus = wasi_import("not_a_function");
  reader.push_back(bogus);
  const CapabilitySummary s = summarize_capabilities(reader);
  EXPECT_TRUE(s.groups.has(CapabilityGroup::FsRead));
  EXPECT_TRUE(s.groups.has(CapabilityGroup::Clock));
  EXPECT_FALSE(s.groups.has(CapabilityGroup::FsWrite));
  EXPECT_EQ(s.wasi.size(), 3u);
  ASSERT_EQ(s.other.size(), 1u);
  EXPECT_EQ(s.other[0].name, "log");
  ASSERT_EQ(s.unknown_wasi.size(), 1u);

  const CapabilitySummary w =
      summarize_capabilities({wasi_import("path_open"), wasi_import("fd_write")});
  EXPECT_TRUE(w.groups.has(CapabilityGroup::FsWrite)); // could open a file and write it
  EXPECT_TRUE(summarize_capabilities({}).groups.empty());
}

TEST(Classifier, RefusedImportsForStrictMode) {
  const std::vector<ImportType> imports = {wasi_import("sock_accept"), wasi_import("fd_write"),
                                           wasi_import("fd_prestat_get"), wasi_import("path_open")};
  CapabilitySet allowed = CapabilitySet::all();
  allowed.remove(CapabilityGroup::Net);
  auto r = refused_imports(imports, allowed);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].name, "sock_accept");
  EXPECT_EQ(r[0].group, CapabilityGroup::Net);
  // fd_write serves stdio, files and sockets: refused only once all three are denied.
  allowed.remove(CapabilityGroup::Stdio);
  EXPECT_EQ(refused_imports(imports, allowed).size(), 1u);
  allowed.remove(CapabilityGroup::FsWrite);
  EXPECT_EQ(refused_imports(imports, allowed).size(), 2u);
  // path_open reads or writes; fd_prestat_get needs nothing (it names a grant already held).
  allowed.remove(CapabilityGroup::FsRead);
  r = refused_imports(imports, allowed);
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[2].name, "path_open");
  EXPECT_TRUE(refused_imports(imports, CapabilitySet::all()).empty());
}

TEST(Producers, ParsesFieldsAndRejectsTruncation) {
  // 2 fields: language [C11 ""], processed-by [clang "19"].
  const std::vector<uint8_t> bytes = {2,   8,   'l', 'a', 'n', 'g', 'u', 'a', 'g', 'e',
                                      1,   3,   'C', '1', '1', 0,   12,  'p', 'r', 'o',
                                      'c', 'e', 's', 's', 'e', 'd', '-', 'b', 'y', 1,
                                      5,   'c', 'l', 'a', 'n', 'g', 2,   '1', '9'};
  auto p = parse_producers(bytes);
  ASSERT_TRUE(p) << p.error().to_string();
  ASSERT_EQ(p->size(), 2u);
  EXPECT_EQ((*p)[0].name, "language");
  EXPECT_EQ((*p)[0].values[0].name, "C11");
  EXPECT_EQ((*p)[0].values[0].version, "");
  EXPECT_EQ((*p)[1].values[0].name, "clang");
  EXPECT_EQ((*p)[1].values[0].version, "19");
  for (size_t cut = 0; cut < bytes.size(); ++cut) {
    EXPECT_FALSE(parse_producers(std::span(bytes).first(cut))) << cut;
  }
}

TEST(Policy, NetworkGrantLines) {
  auto p = parse_policy("tcp-connect 127.0.0.1:8080\ntcp-listen 0.0.0.0:8000-8010\n"
                        "udp 10.0.0.0/8:53  # DNS\nudp [fd00::]/8:*\nip-name-lookup\n");
  ASSERT_TRUE(p) << p.error().to_string();
  ASSERT_EQ(p->net.tcp_connect.size(), 1u);
  EXPECT_EQ(p->net.tcp_connect[0].port_lo, 8080);
  ASSERT_EQ(p->net.tcp_listen.size(), 1u);
  EXPECT_EQ(p->net.tcp_listen[0].port_hi, 8010);
  ASSERT_EQ(p->net.udp.size(), 2u);
  EXPECT_EQ(p->net.udp[0].prefix, 8);
  EXPECT_TRUE(p->net.udp[1].v6);
  EXPECT_TRUE(p->net.ip_name_lookup);
  // Printed and read back: the same grants.
  const std::string text = format_policy(*p);
  EXPECT_EQ(text, "tcp-connect 127.0.0.1:8080\ntcp-listen 0.0.0.0:8000-8010\n"
                  "udp 10.0.0.0/8:53\nudp [fd00::]/8:*\nip-name-lookup\n");
  auto again = parse_policy(text);
  ASSERT_TRUE(again);
  EXPECT_EQ(format_policy(*again), text);
  // Merging appends.
  WasiPolicy merged = *p;
  merged.merge(*again);
  EXPECT_EQ(merged.net.udp.size(), 4u);
}

TEST(Policy, BadNetworkLinesNameTheLine) {
  for (const char* bad : {"tcp-connect example.com:80\n", "udp 1.2.3.4\n", "tcp-listen\n",
                          "tcp-connect ::1:80\n", "ip-name-lookup yes\n"}) {
    auto p = parse_policy(std::string("allow net\n") + bad);
    ASSERT_FALSE(p) << bad;
    EXPECT_EQ(p.error().kind, ErrorKind::Usage);
    EXPECT_NE(p.error().message.find("policy line 2"), std::string::npos) << p.error().message;
  }
}

TEST(Policy, LearnedPolicyListsTheEndpointsUsed) {
  WasiConfig config;
  WasiUsage usage;
  usage.groups.add(CapabilityGroup::Net);
  auto r = parse_net_rule("127.0.0.1:8080");
  ASSERT_TRUE(r);
  usage.net.tcp_connect.push_back(*r);
  usage.net.ip_name_lookup = true;
  const std::string text = format_policy(learned_policy(config, usage));
  EXPECT_EQ(text, "allow net\ntcp-connect 127.0.0.1:8080\nip-name-lookup\n");
}

TEST(ModuleInfo, CustomSectionsStartAndDefinitions) {
  Engine engine;
  auto m = Module::from_text(engine, R"((module $m
    (import "env" "g" (global i32))
    (memory 1 2) (table 3 funcref) (global (mut i64) (i64.const 0))
    (func $init) (start $init)))");
  ASSERT_TRUE(m) << m.error().to_string();
  ASSERT_EQ(m->memories().size(), 1u);
  EXPECT_EQ(m->memories()[0].limits.max, 2u);
  EXPECT_EQ(m->tables().size(), 1u);
  ASSERT_EQ(m->globals().size(), 1u); // the imported one is listed by imports()
  EXPECT_TRUE(m->globals()[0].is_mutable);
  EXPECT_EQ(m->start_function(), 0u);
  EXPECT_EQ(m->function_name(0), "init");
  bool has_name = false;
  for (const CustomSection& c : m->custom_sections())
    has_name |= c.name == "name" && !c.payload.empty();
  EXPECT_TRUE(has_name);
}

} // namespace
