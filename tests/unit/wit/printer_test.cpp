// WIT printer tests: the exact text for a small package, and the round trip print -> parse ->
// print giving the same text, on the vendored WASI packages and on worlds with every kind of item.
#include <gtest/gtest.h>

#include "wasi_dirs.h"
#include "wit/printer.h"
#include "wit/resolver.h"

namespace wasmcap::wit {
namespace {

// Prints every package, resolves the printed texts together (one group each) and prints again.
void expect_round_trip(const Resolve& first) {
  std::vector<SourceGroup> groups;
  std::vector<std::string> texts;
  for (Id p = 0; p < first.packages.size(); ++p) {
    texts.push_back(print_package(first, p));
    groups.push_back({SourceFile{"printed-" + first.packages[p].name + ".wit", texts.back()}});
  }
  auto second = resolve_sources(groups);
  ASSERT_TRUE(second) << second.error().to_string() << "\n" << texts[0];
  ASSERT_EQ(second->packages.size(), first.packages.size());
  for (Id p = 0; p < first.packages.size(); ++p)
    EXPECT_EQ(print_package(*second, p), texts[p]) << first.packages[p].full_name();
}

TEST(WitPrinter, SmallPackageExactText) {
  auto r = resolve_sources({{SourceFile{"a.wit", R"(package local:demo@1.0.0;
// a comment, dropped
interface types {
  @since(version = 1.0.0)
  resource blob {
    constructor(init: list<u8>);
    /// doc comments are dropped too
    write: func(bytes: list<u8>) -> result<_, error>;
    merge: static func(lhs: borrow<blob>, rhs: borrow<blob>) -> blob;
  }
  enum error { too-big, %type }
  type pair = tuple<u32, option<string>>;
}
world w {
  use types.{blob as b};
  import host: interface { log: func(msg: string); }
  export run: func(x: b) -> result;
}
)"}}});
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(print_package(*r, 0), R"(package local:demo@1.0.0;

interface types {
  @since(version = 1.0.0)
  resource blob {
    constructor(init: list<u8>);
    write: func(bytes: list<u8>) -> result<_, error>;
    merge: static func(lhs: borrow<blob>, rhs: borrow<blob>) -> blob;
  }
  enum error {
    too-big,
    %type,
  }
  type pair = tuple<u32, option<string>>;
}

world w {
  use types.{blob as b};
  import types;
  import host: interface {
    log: func(msg: string);
  }

  export run: func(x: b) -> result;
}
)");
  expect_round_trip(*r);
}

TEST(WitPrinter, WasiRoundTrip) {
  auto r = test::load_all_wasi();
  ASSERT_TRUE(r) << r.error().to_string();
  expect_round_trip(*r);
  // A spot check of the text: gates, `%` names and cross-package uses survive.
  std::string fs = print_package(*r, r->find_package("wasi", "filesystem", "0.2.12"));
  EXPECT_NE(fs.find("  use wasi:io/streams@0.2.12.{input-stream, output-stream, error};\n"),
            std::string::npos);
  EXPECT_NE(fs.find("    %type: descriptor-type,\n"), std::string::npos);
  EXPECT_NE(fs.find("    @since(version = 0.2.0)\n    read-via-stream: func(offset: filesize) -> "
                    "result<input-stream, error-code>;\n"),
            std::string::npos);
}

TEST(WitPrinter, WorldRoundTripWithIncludesAndPlainNames) {
  auto r = resolve_sources({{SourceFile{"a.wit", R"(package l:d;
interface a { resource r; }
interface b { use a.{r}; get: func() -> r; }
world base { import cache: b; import f: func(); }
world both {
  include base with { cache as my-cache }
  import cache: func();

  export b;
}
)"}}});
  ASSERT_TRUE(r) << r.error().to_string();
  std::string both = print_world(*r, r->find_world("l:d/both"));
  EXPECT_EQ(both, R"(world both {
  import a;
  import my-cache: b;
  import f: func();
  import cache: func();

  export b;
}
)");
  expect_round_trip(*r);
}

} // namespace
} // namespace wasmcap::wit
