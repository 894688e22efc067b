// The vendored WASI 0.2.12 WIT (wit/wasi-0.2.12): every package parses and resolves with its
// dependencies, and a few facts the WASI host relies on hold.
#include <gtest/gtest.h>

#include "wasi_dirs.h"
#include "wit/resolver.h"
#include "wit/signature.h"

namespace wasmcap::wit {
namespace {

// Each package alone with just the dependencies its deps.toml lists.
struct PackageDeps {
  const char* package;
  std::vector<const char*> deps;
};

class WasiPackage : public testing::TestWithParam<PackageDeps> {};

TEST_P(WasiPackage, ResolvesWithItsDependencies) {
  std::vector<std::filesystem::path> deps;
  for (const char* d : GetParam().deps)
    deps.push_back(test::wasi_dir(d));
  auto r = load_packages(test::wasi_dir(GetParam().package), deps);
  ASSERT_TRUE(r) << r.error().to_string();
  const Package& root = r->packages.at(r->root);
  EXPECT_EQ(root.ns, "wasi");
  EXPECT_EQ(root.name, GetParam().package);
  EXPECT_EQ(root.version, "0.2.12");
  EXPECT_FALSE(root.interfaces.empty());
  EXPECT_FALSE(root.worlds.empty());
}

INSTANTIATE_TEST_SUITE_P(
    Wasi, WasiPackage,
    testing::Values(PackageDeps{"io", {}}, PackageDeps{"clocks", {"io"}}, PackageDeps{"random", {}},
                    PackageDeps{"filesystem", {"io", "clocks"}},
                    PackageDeps{"sockets", {"io", "clocks"}},
                    PackageDeps{"cli", {"io", "clocks", "random", "filesystem", "sockets"}},
                    PackageDeps{"http",
                                {"io", "clocks", "random", "cli", "filesystem", "sockets"}}),
    [](const auto& info) { return std::string(info.param.package); });

TEST(WitWasi, AllPackagesTogether) {
  auto r = test::load_all_wasi();
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->packages.size(), 7u);
  size_t interfaces = 0;
  for (const Package& p : r->packages)
    interfaces += p.interfaces.size();
  EXPECT_EQ(interfaces, 32u);
}

TEST(WitWasi, FilesystemStreamsResolveToWasiIo) {
  auto r = test::load_all_wasi();
  ASSERT_TRUE(r) << r.error().to_string();
  Id types = r->find_interface("wasi:filesystem/types@0.2.12");
  ASSERT_NE(types, kNoId);
  Id out = r->interfaces[types].find_type("output-stream");
  ASSERT_NE(out, kNoId);
  EXPECT_EQ(r->type_qualified_name(out), "wasi:io/streams@0.2.12.output-stream");
  EXPECT_EQ(r->types[out].kind, TypeDefKind::Resource);

  const Function* read = r->interfaces[types].find_function("[method]descriptor.read-via-stream");
  ASSERT_NE(read, nullptr);
  EXPECT_EQ(read->kind, FunctionKind::Method);
  EXPECT_EQ(type_signature(*r, read->params.at(0).type),
            "borrow<wasi:filesystem/types@0.2.12.descriptor>");
  EXPECT_EQ(type_signature(*r, *read->result),
            "result<own<wasi:io/streams@0.2.12.input-stream>,wasi:filesystem/types@0.2.12.error-"
            "code>");
}

TEST(WitWasi, HttpRenamesIoErrorAndHasADeprecatedAlias) {
  auto r = test::load_all_wasi();
  ASSERT_TRUE(r) << r.error().to_string();
  const Interface& http = r->interfaces[r->find_interface("wasi:http/types@0.2.12")];
  Id io_error = http.find_type("io-error");
  ASSERT_NE(io_error, kNoId);
  EXPECT_EQ(r->type_qualified_name(io_error), "wasi:io/error@0.2.12.error");
  const TypeDef& key = r->types[http.find_type("field-key")];
  EXPECT_EQ(key.gate, (Gate{"0.2.0", "", "0.2.2"}));
  EXPECT_NE(http.find_function("[static]fields.from-list"), nullptr);
  EXPECT_NE(http.find_function("[constructor]fields"), nullptr);
  EXPECT_NE(http.find_function("[method]incoming-body.stream"), nullptr); // `%stream`
}

TEST(WitWasi, CommandWorldIncludesEverything) {
  auto r = test::load_all_wasi();
  ASSERT_TRUE(r) << r.error().to_string();
  Id command = r->find_world("wasi:cli/command@0.2.12");
  ASSERT_NE(command, kNoId);
  const World& w = r->worlds[command];
  std::vector<std::string> imports;
  for (const WorldItem& i : w.imports) {
    EXPECT_TRUE(i.by_interface_name) << i.name;
    imports.push_back(i.name);
  }
  auto has = [&](std::string_view n) {
    return std::find(imports.begin(), imports.end(), n) != imports.end();
  };
  EXPECT_TRUE(has("wasi:io/poll@0.2.12"));
  EXPECT_TRUE(has("wasi:io/error@0.2.12"));
  EXPECT_TRUE(has("wasi:clocks/timezone@0.2.12")); // unstable, but listed with its gate
  EXPECT_TRUE(has("wasi:filesystem/preopens@0.2.12"));
  EXPECT_TRUE(has("wasi:sockets/udp@0.2.12"));
  EXPECT_TRUE(has("wasi:cli/terminal-stderr@0.2.12"));
  // Each interface once, although several included worlds import it.
  std::sort(imports.begin(), imports.end());
  EXPECT_EQ(std::adjacent_find(imports.begin(), imports.end()), imports.end());
  ASSERT_EQ(w.exports.size(), 1u);
  EXPECT_EQ(w.exports[0].name, "wasi:cli/run@0.2.12");
}

// Robustness: every prefix (sampled) of every vendored file parses or fails with a place in
// the file; nothing crashes or aborts.
TEST(WitWasi, TruncatedFilesFailCleanly) {
  size_t checked = 0;
  for (const char* p : test::kWasiPackages) {
    auto group = read_directory(test::wasi_dir(p));
    ASSERT_TRUE(group) << group.error().to_string();
    for (const SourceFile& f : *group) {
      for (size_t n = 0; n < f.text.size(); n += 37) {
        auto r = resolve_sources({{SourceFile{f.path, f.text.substr(0, n)}}});
        if (r) continue;
        const support::Error& e = r.error();
        EXPECT_EQ(e.where.section, f.path);
        EXPECT_GE(e.where.line, 1u) << e.to_string();
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 1000u);
}

} // namespace
} // namespace wasmcap::wit
