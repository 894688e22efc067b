// WebAssembly 3.0's text-format additions: quoted identifiers (`$"..."`), annotations (`(@id ...)`
// skipped; `@custom` sections with their placement; `@name`), and the script commands
// `module definition` / `module instance` and `(either ...)` results.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "text/lexer.h"
#include "text/wast_script.h"
#include "text/wat_parser.h"

using namespace wasmcap::text;

namespace {

using Bytes = std::vector<uint8_t>;

// The sections of a binary module: id, and for custom sections (id 0) the name.
std::vector<std::pair<int, std::string>> sections(const Bytes& b) {
  std::vector<std::pair<int, std::string>> out;
  size_t i = 8;
  auto leb = [&] {
    uint32_t v = 0;
    for (int shift = 0;; shift += 7) {
      const uint8_t byte = b.at(i++);
      v |= static_cast<uint32_t>(byte & 0x7F) << shift;
      if (!(byte & 0x80)) return v;
    }
  };
  while (i < b.size()) {
    const int id = b[i++];
    const uint32_t size = leb();
    const size_t end = i + size;
    std::string name;
    if (id == 0) {
      const uint32_t len = leb();
      name.assign(b.begin() + static_cast<long>(i), b.begin() + static_cast<long>(i + len));
    }
    out.emplace_back(id, name);
    i = end;
  }
  return out;
}

TEST(QuotedIds, SameNameAsTheUnquotedForm) {
  auto quoted = parse_wat(R"((module (func $"f g") (func $"h" (call $h) (call $"\66 g"))))");
  ASSERT_TRUE(quoted) << quoted.error().message;
  auto toks = tokenize(R"($"\41B" $AB)");
  ASSERT_TRUE(toks);
  EXPECT_EQ((*toks)[0].kind, TokenKind::Id);
  EXPECT_EQ((*toks)[0].text, (*toks)[1].text); // `$"\41B"` is `$AB`
  // A copy of the token keeps its decoded text alive.
  const Token copy = (*toks)[0];
  toks->clear();
  EXPECT_EQ(copy.text, "$AB");
}

TEST(QuotedIds, EmptyOrNotUtf8IsMalformed) {
  for (const char* src : {R"((module (func $"")))", R"((module (func $"\ef")))",
                          R"((module (func $"a"b)))", "(module (func $))"}) {
    auto r = parse_wat(src);
    ASSERT_FALSE(r) << src;
    EXPECT_EQ(r.error().kind, wasmcap::support::ErrorKind::Malformed) << src;
  }
  EXPECT_EQ(parse_wat(R"((module (func $"")))").error().message, "empty identifier");
}

TEST(Annotations, AreSkippedAnywhere) {
  auto plain = parse_wat("(module (func (export \"f\") (result i32) (i32.const 1)))");
  auto annotated = parse_wat(
      "((@a) module (@x y (z \"(\") , ; [ ] {}) (func (@b) (export \"f\") (@c 0x) (result i32)\n"
      "  (@d (@e) $q) (i32.const (@f) 1)) (@\"quoted id\" 1))");
  ASSERT_TRUE(plain);
  ASSERT_TRUE(annotated) << annotated.error().message;
  EXPECT_EQ(*plain, *annotated);
}

TEST(Annotations, LexicalErrors) {
  const std::pair<const char*, const char*> cases[] = {
      {"(@)", "empty annotation id"},
      {"(@ x)", "empty annotation id"},
      {"(@\"\")", "empty annotation id"},
      {"(@x (y)", "unclosed annotation"},
      {"(@a \x01)", "illegal character"},
      {"(@a \x80)", "malformed UTF-8 encoding"},
      {"(@a Stra\xC3\x9F"
       "e)",
       "illegal character"},
  };
  for (const auto& [src, message] : cases) {
    auto r = parse_wat(src);
    ASSERT_FALSE(r) << src;
    EXPECT_EQ(r.error().message, message) << src;
  }
}

TEST(Annotations, CustomSectionsGoWherePlaced) {
  auto r = parse_wat(R"((module
    (@custom "end" "z")
    (type (func))
    (@custom "first" (before first) "a")
    (func (type 0))
    (@custom "after-func" (after func))
    (@custom "before-code" (before code) "b" "c")
    (@custom "last" (after last))))");
  ASSERT_TRUE(r) << r.error().message;
  const std::vector<std::pair<int, std::string>> want = {
      {0, "first"},       {1, ""},  {3, ""},    {0, "after-func"},
      {0, "before-code"}, {10, ""}, {0, "end"}, {0, "last"}};
  EXPECT_EQ(sections(*r), want);
  // The contents are the strings concatenated.
  const Bytes& b = *r;
  const std::string all(b.begin(), b.end());
  EXPECT_NE(all.find(std::string("\x0b"
                                 "before-code"
                                 "bc")),
            std::string::npos);
}

TEST(Annotations, CustomSectionErrors) {
  for (const char* src :
       {"(@custom)", "(@custom 4)", "(@custom \"\\df\")", "(@custom \"a\" here)",
        "(@custom \"a\" (after))", "(@custom \"a\" (type))", "(@custom \"a\" (before types))",
        "(func (@custom \"a\"))", "(type (@custom \"a\") (func))"}) {
    auto r = parse_wat(src);
    ASSERT_FALSE(r) << src;
    EXPECT_EQ(r.error().kind, wasmcap::support::ErrorKind::Malformed) << src;
  }
  EXPECT_EQ(parse_wat("(@custom \"a\" (aft type))").error().message,
            "@custom annotation: malformed placement");
}

TEST(Annotations, NamesForTheModuleAndFunctions) {
  auto r = parse_wat(R"((module (@name "Mod") (func $f (@name "lambda"))))");
  ASSERT_TRUE(r) << r.error().message;
  const std::string all(r->begin(), r->end());
  EXPECT_NE(all.find("Mod"), std::string::npos);
  EXPECT_NE(all.find("lambda"), std::string::npos);
  EXPECT_EQ(all.find("\x01"
                     "f"),
            std::string::npos); // the annotation replaces $f's name
  EXPECT_EQ(parse_wat("(module (@name \"a\") (@name \"b\"))").error().message,
            "@name annotation: multiple module names");
  EXPECT_EQ(parse_wat("(module (func) (@name \"a\"))").error().message,
            "misplaced @name annotation");
  EXPECT_FALSE(parse_wat("(module (start 0 (@name \"a\")) (func))"));
}

TEST(WastScript, ModuleDefinitionInstanceAndEither) {
  auto s = parse_wast(R"W((module definition $M (func (export "f")))
(module instance $I $M)
(module instance)
(assert_return (invoke $I "f" (i32.const 1)) (either (i32.const 1) (i32.const 2)))
(assert_malformed_custom (module quote "(@custom)") "@custom annotation: missing section name")
)W");
  ASSERT_TRUE(s) << s.error().message;
  const auto& c = s->commands;
  ASSERT_EQ(c.size(), 5u);
  EXPECT_EQ(c[0].kind, Command::Kind::Module);
  EXPECT_TRUE(c[0].module->is_definition);
  EXPECT_EQ(c[0].module->name, "$M");
  EXPECT_EQ(c[1].kind, Command::Kind::ModuleInstance);
  EXPECT_EQ(c[1].instance_name, "$I");
  EXPECT_EQ(c[1].definition_name, "$M");
  EXPECT_EQ(c[2].kind, Command::Kind::ModuleInstance);
  EXPECT_TRUE(c[2].instance_name.empty());
  ASSERT_EQ(c[3].expected.size(), 1u);
  EXPECT_EQ(c[3].expected[0].kind, ScriptValue::Kind::Either);
  ASSERT_EQ(c[3].expected[0].elements.size(), 2u);
  EXPECT_EQ(c[3].expected[0].elements[1].bits, 2u);
  EXPECT_EQ(c[4].kind, Command::Kind::AssertMalformed);
  EXPECT_FALSE(parse_wast("(module instance \"x\")"));
}

} // namespace
