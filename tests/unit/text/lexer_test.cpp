// Lexer: comments, string escapes, token positions.
#include "text/lexer.h"

#include <gtest/gtest.h>

using namespace wasmcap::text;

namespace {

TEST(Lexer, SkipsNestedBlockAndLineComments) {
  auto toks = tokenize("(; a (; nested ;) b ;) x ;; line\n y");
  ASSERT_TRUE(toks);
  ASSERT_EQ(toks->size(), 3u);
  EXPECT_EQ((*toks)[0].text, "x");
  EXPECT_EQ((*toks)[1].text, "y");
  EXPECT_EQ((*toks)[1].line, 2u);
  EXPECT_EQ((*toks)[1].column, 2u);
}

// Regression: a line comment also ends at a bare carriage return (spec comments.wast, "f2").
TEST(Lexer, LineCommentEndsAtCarriageReturn) {
  auto toks = tokenize("a ;; comment\r b");
  ASSERT_TRUE(toks);
  ASSERT_EQ(toks->size(), 3u);
  EXPECT_EQ((*toks)[1].text, "b");
}

TEST(Lexer, UnclosedCommentIsMalformedAtItsStart) {
  auto toks = tokenize("x\n  (; never closed");
  ASSERT_FALSE(toks);
  EXPECT_EQ(toks.error().where.line, 2u);
  EXPECT_EQ(toks.error().where.column, 3u);
}

TEST(Lexer, DecodesStringEscapes) {
  auto toks = tokenize(R"("a\n\t\\\'\"\41\u{1F600}\u{e9}")");
  ASSERT_TRUE(toks);
  auto s = decode_string((*toks)[0]);
  ASSERT_TRUE(s);
  EXPECT_EQ(*s, std::string("a\n\t\\'\"A\xF0\x9F\x98\x80\xC3\xA9"));
}

TEST(Lexer, RejectsBadEscapes) {
  for (const char* src : {R"("\x")", R"("\u{D800}")", R"("\u{110000}")", R"("\4")"}) {
    auto toks = tokenize(src);
    ASSERT_TRUE(toks) << src;
    EXPECT_FALSE(decode_string((*toks)[0])) << src;
  }
}

TEST(Lexer, ClassifiesAtoms) {
  auto toks = tokenize("$id i32.add -0x1 \"s\" 0x1p3");
  ASSERT_TRUE(toks);
  EXPECT_EQ((*toks)[0].kind, TokenKind::Id);
  EXPECT_EQ((*toks)[1].kind, TokenKind::Keyword);
  EXPECT_EQ((*toks)[2].kind, TokenKind::Number);
  EXPECT_EQ((*toks)[3].kind, TokenKind::String);
  EXPECT_EQ((*toks)[4].kind, TokenKind::Number);
}

TEST(Lexer, Utf8Validation) {
  EXPECT_TRUE(is_valid_utf8("h\xC3\xA9"));
  EXPECT_FALSE(is_valid_utf8("\xC0\x80"));
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));
  EXPECT_FALSE(is_valid_utf8("\xE0\x80"));
}

} // namespace
