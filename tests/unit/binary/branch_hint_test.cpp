// Branch hints end to end below the tiers: `(@metadata.code.branch_hint ...)` in the text format
// (where it may stand, malformed and invalid uses), the `metadata.code.branch_hint` section the
// text encoder writes, and the decoder's reading of it into ir::Function::branch_hints, which
// drops a section that breaks the rules (written by hand through `(@custom ...)`) without failing
// the module.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "binary/decoder.h"
#include "text/wat_parser.h"

namespace {

using wasmcap::binary::decode_module;
using wasmcap::support::ErrorKind;
using wasmcap::text::parse_wat;
namespace ir = wasmcap::ir;

// One imported function (index 0) and one defined (index 1) whose code entry is `00` (no
// locals), `20 00` (local.get 0) and then, at entry offset 3, `if`: the hints below aim there.
std::string module_with(const std::string& hint_section) {
  return R"((module (func (import "m" "f")) )" + hint_section +
         R"( (func (param i32) (result i32)
      (if (result i32) (local.get 0) (then (i32.const 1)) (else (i32.const 2))))))";
}

// Decodes `wat`; the defined functions' hints as (opcode at the hint, likely).
std::vector<std::pair<uint8_t, bool>> hints_of(const std::string& wat, std::string* problem) {
  auto bytes = parse_wat(wat);
  EXPECT_TRUE(bytes) << bytes.error().to_string();
  if (!bytes) return {};
  auto m = decode_module(*bytes);
  EXPECT_TRUE(m) << m.error().to_string();
  if (!m) return {};
  std::vector<std::pair<uint8_t, bool>> out;
  for (const ir::Function& f : m->functions)
    for (const ir::BranchHint& h : f.branch_hints)
      out.emplace_back(m->bytes.at(h.at), h.likely);
  if (problem != nullptr) *problem = m->branch_hint_problem;
  return out;
}

constexpr uint8_t kIf = 0x04, kBrIf = 0x0D;

TEST(BranchHints, AnnotationsBecomeHintsOnTheirInstructions) {
  std::string problem = "unset";
  auto hints = hints_of(R"((module
    (func (param i32) (result i32)
      (block
        local.get 0
        (@metadata.code.branch_hint "\00") br_if 0
        (@metadata.code.branch_hint "\01")
        (br_if 0 (i32.eqz (local.get 0))))
      (@metadata.code.branch_hint "\01")
      (if (result i32) (local.get 0) (then (i32.const 1)) (else (i32.const 2))))
    (func (param i32)
      local.get 0
      (@metadata.code.branch_hint "\00") if end)))",
                        &problem);
  const std::vector<std::pair<uint8_t, bool>> want = {
      {kBrIf, false}, {kBrIf, true}, {kIf, true}, {kIf, false}};
  EXPECT_EQ(hints, want);
  EXPECT_EQ(problem, "");
}

TEST(BranchHints, TheSectionComesBeforeTheCodeSection) {
  auto bytes = parse_wat(R"((module (func (param i32)
    (@metadata.code.branch_hint "\01") (if (local.get 0) (then)))))");
  ASSERT_TRUE(bytes) << bytes.error().to_string();
  const std::string all(bytes->begin(), bytes->end());
  const size_t hints = all.find("metadata.code.branch_hint");
  ASSERT_NE(hints, std::string::npos);
  // One function (1) with one hint: entry offset 3, size 1, likely; then the code section (10).
  const std::string body = "\x01\x00\x01\x03\x01\x01\x0a";
  EXPECT_EQ(all.substr(hints + 25, body.size()), body);
}

TEST(BranchHints, HandWrittenSectionIsRead) {
  std::string problem;
  auto hints = hints_of(
      module_with(R"((@custom "metadata.code.branch_hint" (before code) "\01\01\01\03\01\00"))"),
      &problem);
  const std::vector<std::pair<uint8_t, bool>> want = {{kIf, false}};
  EXPECT_EQ(hints, want);
  EXPECT_EQ(problem, "");
}

TEST(BranchHints, ABrokenSectionIsDroppedNotTheModule) {
  const struct {
    const char* payload;
    const char* problem;
  } cases[] = {
      {R"("\01\01\01\01\01\01")", "invalid target"},        // local.get
      {R"("\01\01\01\02\01\01")", "invalid target"},        // local.get's immediate
      {R"("\01\01\01\09\01\01")", "invalid target"},        // past the body
      {R"("\01\00\01\03\01\01")", "unknown function"},      // the import
      {R"("\01\02\01\03\01\01")", "unknown function"},      // no such function
      {R"("\01\01\01\03\02\01\00")", "size must be 1"},     // a 2-byte hint
      {R"("\01\01\01\03\01\02")", "value must be 0 or 1"},  // neither likely nor unlikely
      {R"("\01\01\02\03\01\01\03\01\01")", "out of order"}, // the same offset twice
      {R"("\02\01\00\01\00")", "out of order"},             // the same function twice
      {R"("\01\01\01\03\01\01\00")", "size mismatch"},      // a byte left over
      {R"("\01\01\05")", "unexpected end"},                 // five hints promised
  };
  for (const auto& c : cases) {
    std::string problem;
    auto hints =
        hints_of(module_with(std::string(R"((@custom "metadata.code.branch_hint" (before code) )") +
                             c.payload + ")"),
                 &problem);
    EXPECT_TRUE(hints.empty()) << c.payload;
    EXPECT_NE(problem.find(c.problem), std::string::npos) << c.payload << ": " << problem;
  }
  // Two sections, however right each is.
  std::string problem;
  const std::string one =
      R"((@custom "metadata.code.branch_hint" (before code) "\01\01\01\03\01\01"))";
  EXPECT_TRUE(hints_of(module_with(one + one), &problem).empty());
  EXPECT_NE(problem.find("duplicate section"), std::string::npos) << problem;
}

TEST(BranchHints, TextErrors) {
  const struct {
    const char* wat;
    ErrorKind kind;
  } cases[] = {
      // Twice before one instruction, outside functions, in a constant expression, a bad hint.
      {R"((module (func (param i32) local.get 0 (@metadata.code.branch_hint "\01")
           (@metadata.code.branch_hint "\01") if end)))",
       ErrorKind::Malformed},
      {R"((module (@metadata.code.branch_hint "\01") (func)))", ErrorKind::Malformed},
      {R"((module (global i32 (@metadata.code.branch_hint "\01") (i32.const 0))))",
       ErrorKind::Malformed},
      {R"((module (func (param i32) local.get 0 (@metadata.code.branch_hint "\02") if end)))",
       ErrorKind::Malformed},
      {R"((module (func (param i32) local.get 0 (@metadata.code.branch_hint) if end)))",
       ErrorKind::Malformed},
      // Well-formed but aimed at no `if` or `br_if`: invalid.
      {R"((module (func (@metadata.code.branch_hint "\01") nop)))", ErrorKind::Invalid},
      {R"((module (func (block (@metadata.code.branch_hint "\01")))))", ErrorKind::Invalid},
      {R"((module (func (@metadata.code.branch_hint "\01"))))", ErrorKind::Invalid},
      {R"((module (func (param i32)
           (if (local.get 0) (@metadata.code.branch_hint "\01") (then)))))",
       ErrorKind::Invalid},
  };
  for (const auto& c : cases) {
    auto r = parse_wat(c.wat);
    ASSERT_FALSE(r) << c.wat;
    EXPECT_EQ(r.error().kind, c.kind) << c.wat << ": " << r.error().to_string();
    EXPECT_NE(r.error().message.find("@metadata.code.branch_hint annotation"), std::string::npos)
        << r.error().message;
  }
}

} // namespace
