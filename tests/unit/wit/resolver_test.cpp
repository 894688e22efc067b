// WIT resolver tests on small packages: names resolved to their defining item, canonical
// function names, worlds' includes, gates, and errors at their exact file:line:column.
#include <gtest/gtest.h>

#include "wit/resolver.h"

namespace wasmcap::wit {
namespace {

support::Result<Resolve> resolve_one(std::string_view text) {
  return resolve_sources({{SourceFile{"a.wit", std::string(text)}}});
}

support::Error resolve_error(std::vector<SourceGroup> groups) {
  auto r = resolve_sources(groups);
  EXPECT_FALSE(r.has_value()) << "expected a resolution error";
  return r ? support::Error{} : r.error();
}

support::Error resolve_error(std::string_view text) {
  return resolve_error({{SourceFile{"a.wit", std::string(text)}}});
}

TEST(WitResolve, UseAcrossPackagesPointsAtTheDefiningType) {
  SourceGroup dep = {SourceFile{"io.wit", R"(package x:io@1.0.0;
interface streams { resource output-stream; }
)"}};
  SourceGroup root = {SourceFile{"fs.wit", R"(package x:fs@1.0.0;
interface types {
  use x:io/streams@1.0.0.{output-stream as out};
  resource descriptor {
    write-via-stream: func(offset: u64) -> result<out, u8>;
    open: static func() -> descriptor;
    constructor(a: borrow<out>);
  }
}
)"}};
  auto r = resolve_sources({root, dep}); // the dependency comes second: order does not matter
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->packages[r->root].full_name(), "x:fs@1.0.0");
  Id types = r->find_interface("x:fs/types@1.0.0");
  Id streams = r->find_interface("x:io/streams@1.0.0");
  ASSERT_NE(types, kNoId);
  ASSERT_NE(streams, kNoId);
  Id out = r->interfaces[types].find_type("out");
  ASSERT_NE(out, kNoId);
  EXPECT_EQ(r->types[out].owner, (Owner{Owner::Interface, streams}));
  EXPECT_EQ(r->type_qualified_name(out), "x:io/streams@1.0.0.output-stream");

  const Function* write = r->interfaces[types].find_function("[method]descriptor.write-via-stream");
  ASSERT_NE(write, nullptr);
  EXPECT_EQ(write->kind, FunctionKind::Method);
  ASSERT_EQ(write->params.size(), 2u);
  EXPECT_EQ(write->params[0].name, "self");
  EXPECT_EQ(write->params[0].type.kind, TypeKind::Borrow);
  EXPECT_EQ(r->types[write->params[0].type.def].name, "descriptor");
  ASSERT_TRUE(write->result);
  ASSERT_NE(write->result->ok(), nullptr);
  EXPECT_EQ(write->result->ok()->kind, TypeKind::Own);
  EXPECT_EQ(write->result->ok()->def, out);

  const Function* open = r->interfaces[types].find_function("[static]descriptor.open");
  ASSERT_NE(open, nullptr);
  EXPECT_TRUE(open->params.empty());
  const Function* ctor = r->interfaces[types].find_function("[constructor]descriptor");
  ASSERT_NE(ctor, nullptr);
  EXPECT_EQ(ctor->result->kind, TypeKind::Own);
  EXPECT_EQ(ctor->params.at(0).type.kind, TypeKind::Borrow);
  EXPECT_EQ(ctor->params.at(0).type.def, out);
}

TEST(WitResolve, TypesMayBeUsedBeforeTheyAreDefined) {
  auto r =
      resolve_one("package a:b;\ninterface i {\n  type foo = bar;\n  record bar { x: u32 }\n}");
  ASSERT_TRUE(r) << r.error().to_string();
  Id foo = r->interfaces[0].find_type("foo");
  EXPECT_EQ(r->unalias(*r->types[foo].alias).kind, TypeKind::Named);
}

TEST(WitResolve, InterfacesOfAPackageMaySpanFiles) {
  auto r =
      resolve_sources({{SourceFile{"a.wit", "interface host { use types.{t}; f: func(x: t); }"},
                        SourceFile{"b.wit", "package l:d;\ninterface types { type t = u8; }"}}});
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->packages.at(0).interfaces.size(), 2u);
}

TEST(WitResolve, TopLevelUseRenamesAnInterface) {
  SourceGroup dep = {SourceFile{"d.wit", "package x:d@2.0.0;\ninterface t { type n = u32; }"}};
  SourceGroup root = {
      SourceFile{"r.wit", "package x:r;\nuse x:d/t@2.0.0 as dt;\ninterface i { use dt.{n}; }"}};
  auto r = resolve_sources({root, dep});
  ASSERT_TRUE(r) << r.error().to_string();
  Id i = r->find_interface("x:r/i");
  EXPECT_EQ(r->type_qualified_name(r->interfaces[i].find_type("n")), "x:d/t@2.0.0.n");
}

TEST(WitResolve, WorldsIncludeWithRenamesAndDeduplicate) {
  auto r = resolve_one(R"(package l:d;
interface a { resource r; }
interface b { use a.{r}; get: func() -> r; }
world one { import f: func(); import b; }
world two { import f: func(); import b; export run: func(); }
world both {
  include one;
  include two with { f as g }
}
)");
  ASSERT_TRUE(r) << r.error().to_string();
  Id both = r->find_world("l:d/both");
  ASSERT_NE(both, kNoId);
  const World& w = r->worlds[both];
  std::vector<std::string> imports;
  for (const WorldItem& i : w.imports)
    imports.push_back(i.name);
  // `a` is imported because `b` uses it (transitive imports), just before `b`.
  EXPECT_EQ(imports, (std::vector<std::string>{"f", "l:d/a", "l:d/b", "g"}));
  ASSERT_EQ(w.exports.size(), 1u);
  EXPECT_EQ(w.exports[0].name, "run");
}

TEST(WitResolve, IncludeConflictNeedsWith) {
  support::Error e = resolve_error(
      "package l:d;\nworld one { import f: func(); }\nworld two { import f: func(); }\n"
      "world both {\n  include one;\n  include two;\n}");
  EXPECT_EQ(e.kind, support::ErrorKind::Invalid);
  EXPECT_EQ(e.where.line, 6u);
  EXPECT_EQ(e.where.column, 3u);
}

TEST(WitResolve, GatesAreKeptOnItems) {
  auto r = resolve_one(R"(package a:b@0.2.1;
@since(version = 0.2.0)
interface i {
  @since(version = 0.2.0)
  type t = u32;
  @unstable(feature = fancy-thing)
  resource r {
    @unstable(feature = fancy-thing)
    m: func();
  }
  @since(version = 0.2.0)
  @deprecated(version = 0.2.1)
  old: func();
  @unstable(feature = fancy-thing)
  use j.{u};
}
interface j { type u = u8; }
@since(version = 0.2.0)
world w {
  @unstable(feature = fancy-thing)
  import i;
}
)");
  ASSERT_TRUE(r) << r.error().to_string();
  const Interface& i = r->interfaces[r->find_interface("a:b/i")];
  EXPECT_EQ(i.gate.since, "0.2.0");
  EXPECT_EQ(r->types[i.find_type("t")].gate.since, "0.2.0");
  EXPECT_EQ(r->types[i.find_type("r")].gate.unstable, "fancy-thing");
  EXPECT_EQ(i.find_function("[method]r.m")->gate.unstable, "fancy-thing");
  EXPECT_EQ(i.find_function("old")->gate, (Gate{"0.2.0", "", "0.2.1"}));
  EXPECT_EQ(i.uses.at(0).gate.unstable, "fancy-thing");
  const World& w = r->worlds.at(0);
  EXPECT_EQ(w.gate.since, "0.2.0");
  // `i` uses `j`, so j is imported too, ungated; i keeps its gate.
  ASSERT_EQ(w.imports.size(), 2u);
  EXPECT_EQ(w.imports[1].name, "a:b/i@0.2.1");
  EXPECT_EQ(w.imports[1].gate.unstable, "fancy-thing");
}

TEST(WitResolveError, UnknownType) {
  support::Error e = resolve_error("package a:b;\ninterface i {\n  f: func(x: list<nope>);\n}");
  EXPECT_EQ(e.kind, support::ErrorKind::Invalid);
  EXPECT_EQ(e.where.section, "a.wit");
  EXPECT_EQ(e.where.line, 3u);
  EXPECT_EQ(e.where.column, 19u);
  EXPECT_EQ(e.message, "unknown type `nope`");
}

TEST(WitResolveError, DuplicateName) {
  support::Error e =
      resolve_error("package a:b;\ninterface i {\n  type t = u8;\n  record t { x: u8 }\n}");
  EXPECT_EQ(e.where.line, 4u);
  EXPECT_EQ(e.where.column, 3u);
  EXPECT_EQ(e.message, "duplicate name `t`");
  e = resolve_error("package a:b;\ninterface i {\n  f: func(a: u8, a: u8);\n}");
  EXPECT_EQ(e.where.line, 3u);
  EXPECT_EQ(e.where.column, 18u);
  e = resolve_error({{SourceFile{"x.wit", "package a:b;\ninterface i {}"},
                      SourceFile{"y.wit", "\n\n  world i {}"}}});
  EXPECT_EQ(e.where.section, "y.wit");
  EXPECT_EQ(e.where.line, 3u);
  EXPECT_EQ(e.where.column, 3u);
}

TEST(WitResolveError, UnresolvedUse) {
  support::Error e = resolve_error("package a:b;\ninterface i {\n  use nowhere.{t};\n}");
  EXPECT_EQ(e.where.line, 3u);
  EXPECT_EQ(e.where.column, 7u);
  EXPECT_EQ(e.message, "interface `nowhere` not found in package `a:b`");
  e = resolve_error("package a:b;\ninterface i {\n  use x:y/z@1.0.0.{t};\n}");
  EXPECT_EQ(e.where.column, 7u);
  EXPECT_EQ(e.message, "package `x:y@1.0.0` not found");
  e = resolve_error("package a:b;\ninterface j {}\ninterface i {\n  use j.{a, missing};\n}");
  EXPECT_EQ(e.where.line, 4u);
  EXPECT_EQ(e.where.column, 10u);
  EXPECT_EQ(e.message, "type `a` not defined in interface `a:b/j`");
}

TEST(WitResolveError, Cycles) {
  support::Error e = resolve_error("package a:b;\ninterface i {\n  type foo = foo;\n}");
  EXPECT_EQ(e.where.line, 3u);
  EXPECT_EQ(e.message, "type `foo` refers to itself");
  e = resolve_error(
      "package a:b;\ninterface i {\n  record r1 { a: r2 }\n  record r2 { a: option<r1> }\n}");
  EXPECT_EQ(e.where.line, 3u);
  e = resolve_error("package a:b;\ninterface i { use j.{t}; type u = u8; }\ninterface j { use "
                    "i.{u}; type t = u8; }");
  EXPECT_NE(e.message.find("depends on itself"), std::string::npos) << e.message;
  e = resolve_error("package a:b;\nworld w { include v; }\nworld v { include w; }");
  EXPECT_NE(e.message.find("includes itself"), std::string::npos) << e.message;
}

TEST(WitResolveError, BorrowOfANonResource) {
  support::Error e =
      resolve_error("package a:b;\ninterface i {\n  type t = borrow<u>;\n  type u = u8;\n}");
  EXPECT_EQ(e.where.line, 3u);
  EXPECT_EQ(e.where.column, 12u);
  EXPECT_EQ(e.message, "`u` is not a resource");
}

TEST(WitResolveError, GatesNeedAVersionedPackage) {
  support::Error e =
      resolve_error("package a:b;\ninterface i {\n  @since(version = 1.0.0)\n  f: func();\n}");
  EXPECT_EQ(e.where.line, 4u);
  EXPECT_EQ(e.where.column, 3u);
  EXPECT_NE(e.message.find("versioned package"), std::string::npos) << e.message;
}

TEST(WitResolveError, IncludeWithUnknownName) {
  support::Error e =
      resolve_error("package a:b;\ninterface i {}\nworld v { import i; import f: func(); }\n"
                    "world w { include v with { f as g, i as j } }");
  EXPECT_EQ(e.where.line, 4u);
  EXPECT_EQ(e.where.column, 36u);
  EXPECT_EQ(e.message, "`i` is not a plain-named import or export of world `v`");
}

TEST(WitResolveError, LongUseChainsAreAnErrorNotACrash) {
  // i-a uses i-b uses ... (names spelled with letters: identifiers' words start with one).
  auto name = [](int k) {
    std::string s = "i";
    for (char c : std::to_string(k))
      s += std::string("-") + static_cast<char>('a' + (c - '0'));
    return s;
  };
  std::string text = "package a:b;\n";
  for (int k = 0; k < 500; ++k)
    text += "interface " + name(k) + " { use " + name(k + 1) + ".{t}; }\n";
  text += "interface " + name(500) + " { type t = u8; }\n";
  support::Error e = resolve_error(text);
  EXPECT_EQ(e.message, "`use` chain too deep");
}

TEST(WitResolveError, MissingDirectoryIsAnIoError) {
  auto r = load_packages("/nonexistent/wit/dir");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, support::ErrorKind::Io);
}

} // namespace
} // namespace wasmcap::wit
