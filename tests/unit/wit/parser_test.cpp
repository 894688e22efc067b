// WIT lexer and parser tests: the syntax tree of small files, and syntax errors at their exact
// line:column.
#include <gtest/gtest.h>

#include "wit/lexer.h"
#include "wit/parser.h"

namespace wasmcap::wit {
namespace {

support::Error parse_error(std::string_view text) {
  auto r = parse_file("t.wit", text);
  EXPECT_FALSE(r.has_value()) << "expected a syntax error";
  return r ? support::Error{} : r.error();
}

TEST(WitLexer, KeepsPositionsAndSkipsNestedComments) {
  auto toks = tokenize("f.wit", "/* a /* nested */ b */ record\n  %record -> @0.2.12.{");
  ASSERT_TRUE(toks) << toks.error().to_string();
  ASSERT_EQ(toks->size(), 8u);
  EXPECT_EQ((*toks)[0].kind, TokenKind::Id);
  EXPECT_EQ((*toks)[0].column, 24u);
  EXPECT_EQ((*toks)[1].kind, TokenKind::ExplicitId);
  EXPECT_EQ((*toks)[1].text, "record");
  EXPECT_EQ((*toks)[1].line, 2u);
  EXPECT_EQ((*toks)[1].column, 3u);
  EXPECT_EQ((*toks)[2].kind, TokenKind::Arrow);
  EXPECT_EQ((*toks)[4].kind, TokenKind::Integer);
  EXPECT_EQ((*toks)[4].text, "0.2.12"); // the version stops before `.{`
  EXPECT_EQ((*toks)[5].kind, TokenKind::Dot);
}

TEST(WitLexer, RejectsNonKebabIdentifiers) {
  auto toks = tokenize("f.wit", "interface\n  fooBar");
  ASSERT_FALSE(toks);
  EXPECT_EQ(toks.error().where.line, 2u);
  EXPECT_EQ(toks.error().where.column, 3u);
  EXPECT_EQ(toks.error().where.section, "f.wit");
  EXPECT_NE(toks.error().message.find("mixes cases"), std::string::npos);
}

TEST(WitLexer, UnterminatedBlockCommentIsAnError) {
  auto toks = tokenize("f.wit", "a /* b /* c */");
  ASSERT_FALSE(toks);
  EXPECT_EQ(toks.error().where.column, 3u);
}

TEST(WitParser, ParsesAnInterfaceWithEveryKindOfItem) {
  auto f = parse_file("t.wit", R"(package a:b@1.2.3;
interface i {
  use other.{x, y as z};
  type t = result<_, list<u8>>;
  record r { a: u32, b: tuple<u8, string>, }
  variant v { none, some(option<r>) }
  enum e { one, two }
  flags fl { read, write }
  resource res {
    constructor(x: u32);
    get: func() -> result<u32>;
    make: static func() -> own<res>;
    %type: async func(b: borrow<res>) -> result;
  }
  f: func(a: list<u8, 4>, b: %type);
}
world w {
  import a:b/c@1.0.0;
  import x: func() -> u32;
  export y: interface { g: func(); }
  import z: q;
  include other with { a as b }
}
)");
  ASSERT_TRUE(f) << f.error().to_string();
  ASSERT_TRUE(f->top.name);
  EXPECT_EQ(f->top.name->version, "1.2.3");
  const ast::Interface& i = f->top.interfaces.at(0);
  ASSERT_EQ(i.uses.size(), 1u);
  EXPECT_EQ(i.uses[0].names[1].as, "z");
  ASSERT_EQ(i.types.size(), 6u);
  EXPECT_EQ(i.types[0].alias->kind, TypeKind::Result);
  EXPECT_FALSE(i.types[0].alias->has_ok);
  EXPECT_TRUE(i.types[0].alias->has_err);
  EXPECT_EQ(i.types[1].fields.size(), 2u);
  EXPECT_FALSE(i.types[2].fields[0].type);
  ASSERT_EQ(i.types[5].funcs.size(), 4u);
  EXPECT_EQ(i.types[5].funcs[0].kind, FunctionKind::Constructor);
  EXPECT_EQ(i.types[5].funcs[2].kind, FunctionKind::Static);
  EXPECT_EQ(i.types[5].funcs[3].name, "type");
  EXPECT_TRUE(i.types[5].funcs[3].is_async);
  ASSERT_EQ(i.funcs.size(), 1u);
  EXPECT_EQ(i.funcs[0].params[0].type.length, 4u);
  EXPECT_EQ(i.funcs[0].params[1].type.name, "type");
  const ast::World& w = f->top.worlds.at(0);
  ASSERT_EQ(w.items.size(), 5u);
  EXPECT_EQ(w.items[0].kind, ast::WorldItem::Path);
  EXPECT_TRUE(w.items[0].path.qualified);
  EXPECT_EQ(w.items[1].kind, ast::WorldItem::Function);
  EXPECT_EQ(w.items[2].kind, ast::WorldItem::InlineInterface);
  EXPECT_TRUE(w.items[2].is_export);
  EXPECT_EQ(w.items[3].kind, ast::WorldItem::NamedPath);
  EXPECT_EQ(w.items[4].kind, ast::WorldItem::Include);
  EXPECT_EQ(w.items[4].with.at(0).as, "b");
}

TEST(WitParser, NestedPackages) {
  auto f = parse_file("t.wit", "package a:b { interface i {} }\npackage c:d@0.1.0 { world w {} }");
  ASSERT_TRUE(f) << f.error().to_string();
  EXPECT_FALSE(f->top.name);
  ASSERT_EQ(f->nested.size(), 2u);
  EXPECT_EQ(f->nested[1].name->name, "d");
  EXPECT_EQ(f->nested[1].worlds.size(), 1u);
}

TEST(WitParser, KeepsGates) {
  auto f = parse_file("t.wit", R"(package a:b@0.2.0;
@unstable(feature = fancy)
interface i {
  @since(version = 0.2.0)
  @deprecated(version = 0.2.1)
  f: func();
})");
  ASSERT_TRUE(f) << f.error().to_string();
  EXPECT_EQ(f->top.interfaces[0].gate.unstable, "fancy");
  EXPECT_EQ(f->top.interfaces[0].funcs[0].gate.since, "0.2.0");
  EXPECT_EQ(f->top.interfaces[0].funcs[0].gate.deprecated, "0.2.1");
}

TEST(WitParser, BadVersionIsReportedAtTheVersion) {
  support::Error e = parse_error("package a:b@1.02.0;");
  EXPECT_EQ(e.kind, support::ErrorKind::Malformed);
  EXPECT_EQ(e.where.line, 1u);
  EXPECT_EQ(e.where.column, 13u);
  EXPECT_NE(e.message.find("bad version `1.02.0`"), std::string::npos) << e.message;
  e = parse_error("package a:b;\ninterface i {\n  @since(version = 1.0)\n  f: func();\n}");
  EXPECT_EQ(e.where.line, 3u);
  EXPECT_EQ(e.where.column, 20u);
}

TEST(WitParser, KeywordAsNameNeedsPercent) {
  support::Error e = parse_error("package a:b;\ninterface i {\n  record: func();\n}");
  EXPECT_EQ(e.where.line, 3u);
  EXPECT_EQ(e.where.column, 3u);
  EXPECT_NE(e.message.find("%record"), std::string::npos) << e.message;
}

TEST(WitParser, SinceAndUnstableTogetherIsAnError) {
  support::Error e = parse_error(
      "package a:b@1.0.0;\n@since(version = 1.0.0)\n@unstable(feature = x)\ninterface i {}");
  EXPECT_EQ(e.where.line, 4u);
  EXPECT_EQ(e.where.column, 1u);
}

TEST(WitParser, MissingSemicolon) {
  support::Error e = parse_error("package a:b;\ninterface i {\n  f: func()\n}");
  EXPECT_EQ(e.where.line, 4u);
  EXPECT_EQ(e.where.column, 1u);
  EXPECT_EQ(e.message, "expected `;`, found `}`");
}

TEST(WitParser, DeepTypesAreAnErrorNotACrash) {
  std::string deep = "package a:b;\ninterface i { type t = ";
  for (int k = 0; k < 100000; ++k)
    deep += "list<";
  support::Error e = parse_error(deep);
  EXPECT_EQ(e.message, "type nested too deeply");
  EXPECT_EQ(e.where.line, 2u);
}

TEST(WitSemver, AcceptsSemverOnly) {
  EXPECT_TRUE(is_valid_semver("0.2.12"));
  EXPECT_TRUE(is_valid_semver("1.0.0-rc.1+build.5"));
  EXPECT_FALSE(is_valid_semver("1.0"));
  EXPECT_FALSE(is_valid_semver("01.0.0"));
  EXPECT_FALSE(is_valid_semver("1.0.0-01"));
}

} // namespace
} // namespace wasmcap::wit
