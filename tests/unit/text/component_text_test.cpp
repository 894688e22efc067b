// Component text to binary: golden pairs whose expected bytes come from `jco parse` (wasm-tools'
// text parser), so CI needs no jco; $id resolution, inline abbreviations and malformed text.
// tests/unit/text/compare_components_with_jco.py compares every reference test component.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "text/wat_parser.h"

namespace wasmcap::text {
namespace {

std::string hex(const std::vector<uint8_t>& bytes) {
  static const char* digits = "0123456789abcdef";
  std::string s;
  for (uint8_t b : bytes) {
    s += digits[b >> 4];
    s += digits[b & 15];
  }
  return s;
}

uint32_t read_leb(const std::vector<uint8_t>& b, size_t& i) {
  uint32_t v = 0;
  for (int shift = 0; i < b.size(); shift += 7) {
    v |= static_cast<uint32_t>(b[i] & 0x7f) << shift;
    if (!(b[i++] & 0x80)) break;
  }
  return v;
}

// The bytes without custom sections, recursing into nested modules and components, to compare
// encodings whose only difference is the names $ids give.
std::vector<uint8_t> strip_custom(const std::vector<uint8_t>& b) {
  if (b.size() < 8) return b;
  const bool component = b[4] == 0x0d;
  std::vector<uint8_t> out(b.begin(), b.begin() + 8);
  for (size_t i = 8; i < b.size();) {
    const uint8_t id = b[i++];
    const uint32_t size = read_leb(b, i);
    std::vector<uint8_t> body(b.begin() + static_cast<ptrdiff_t>(i),
                              b.begin() + static_cast<ptrdiff_t>(i + size));
    i += size;
    if (id == 0) continue;
    if (component && (id == 1 || id == 4)) body = strip_custom(body);
    out.push_back(id);
    for (uint32_t n = static_cast<uint32_t>(body.size());;) { // LEB128
      out.push_back(static_cast<uint8_t>((n & 0x7f) | (n > 0x7f ? 0x80 : 0)));
      n >>= 7;
      if (n == 0) break;
    }
    out.insert(out.end(), body.begin(), body.end());
  }
  return out;
}

// Encodes without custom sections (for comparing a named form with its numeric form).
std::string encode_stripped(const std::string& wat) {
  auto r = parse_wat(wat);
  if (!r) return "error " + r.error().message;
  return hex(strip_custom(*r));
}

std::string encode_hex(const std::string& wat) {
  auto r = parse_wat(wat);
  if (!r)
    return "error " + std::to_string(r.error().where.line) + ":" +
           std::to_string(r.error().where.column) + " " + r.error().message;
  return hex(*r);
}

struct Golden {
  const char* wat;
  const char* hex; // jco parse output
};

// Without $ids, so wasm-tools writes no name sections and the bytes must match exactly.
const Golden kGolden[] = {
    {R"((component))", "0061736d0d000100"},
    {R"((component (core module) (core instance (instantiate 0)) (core instance (export "f" (func 0 "f")))))",
     "0061736d0d00010001080061736d010000000204010000000607010000010001660207010101"
     "01660000"},
    {R"((component (import "a" (func (param "x" u32) (result string))) (import "b:c/d@1.0.0" (instance (export "f" (func))))))",
     "0061736d0d000100070801400101787900730a06010001610100070e01420201400001000400"
     "016601000a1001000b623a632f6440312e302e300501"},
    {R"((component (type (record (field "a" u32) (field "b" (list string)))) (type (tuple u8 u8)) (type (option (tuple u8))) (type (result)) (type (result u32 (error string))) (type (result (error u8)))))",
     "0061736d0d000100072008707372020161790162006f027d7d6f017d6b036a00006a01790173"
     "6a00017d"},
    {R"((component (type (variant (case "a") (case "b" u8))) (type (flags "a" "b")) (type (enum "x")) (type (stream u8)) (type (future)) (type (list u8 4)) (type (map string u32)) (type (own 0))))",
     "0061736d0d0001000723087102016100000162017d006e02016101626d01017866017d650067"
     "7d046373796900"},
    {R"((component (type (resource (rep i32))) (type (own 0)) (import "x" (func (param "a" (borrow 0))))))",
     "0061736d0d000100070f043f7f0069006800400101610201000a06010001780103"},
    {R"((component (type (component (import "a" (func)) (export "b" (instance (export "c" (func)) (export "t" (type (sub resource)))))))))",
     "0061736d0d000100072801410401400001000300016101000142030140000100040001630100"
     "040001740301040001620501"},
    {R"((component (import "i" (instance (export "f" (func)) (export "t" (type (sub resource))))) (alias export 0 "f" (func)) (export "g" (func 0) (func)) (instance (export "a" (func 0 "f")) (export "t" (type 0 "t"))) (func (alias export 0 "f"))))",
     "0061736d0d000100071401420301400001000400016601000400017403010a06010001690500"
     "0606010100000166070501400001000b09010001670100010101060b02010000016603000001"
     "74050d010102000161010200017403020606010100000166"},
    {R"((component (import "a" (implements "a:b/c") (external-id "q") (instance)) (import "b" (external-id "id") (func))))",
     "0061736d0d00010007030142000a1101020161020005613a622f630201710500070501400001"
     "000a0b0102016201020269640101"},
    {R"((component (type (func async (result u8))) (core type (func (param i32))) (core type (module (import "a" "b" (func (type 0))) (type (func)) (export "x" (func (type 0))) (alias outer 1 0 (type))))))",
     "0061736d0d0001000705014300007d031c0260017f0050040001610162000001600000030178"
     "00000210010100"},
    {R"((component (type u8) (component (alias outer 1 0 (type)) (type (list 0)))))",
     "0061736d0d0001000702017d04140061736d0d000100060501030201000703017000"},
    {R"((component (core module (memory (export "mem") 1) (func (export "r") (param i32 i32 i32 i32) (result i32) unreachable)) (core instance (instantiate 0)) (import "f" (func (param "s" string))) (core func (canon lower (func 0) string-encoding=utf16 (memory (core memory 0 "mem")) (realloc (core func 0 "r"))))))",
     "0061736d0d00010001300061736d0100000001090160047f7f7f7f017f030201000503010001"
     "070b02036d656d0200017200000a05010300000b020401000000070801400101737301000a06"
     "010001660100060f0200020100036d656d000001000172080a01010000030103000400"},
    {R"((component (core module (func (export "f") (result i32) i32.const 0) (func (export "pr") (param i32))) (core instance (instantiate 0)) (func (export "f") (result u32) (canon lift (core func 0 "f") (post-return (core func 0 "pr")))) (export "g" (func 0))))",
     "0061736d0d000100012f0061736d010000000109026000017f60017f000303020001070a0201"
     "66000002707200010a0902040041000b02000b02040100000007050140000079060e02000001"
     "00016600000100027072080801000000010501000b0d02000167010000000166010000"},
    {R"((component (component (import "x" (func))) (import "i" (instance (export "f" (func)))) (instance (instantiate 0 (with "x" (func 0 "f")))) (instance (export "k") (instantiate 0 (with "x" (instance (export "y" (func 0 "f"))))))))",
     "0061736d0d00010004170061736d0d000100070501400001000a06010001780100070e014202"
     "01400001000400016601000a0601000169050006060101000001660508010000010178010006"
     "06010100000166050f0201010001790101000001017805020b070100016b050300"},
    {R"((component (type (resource (rep i32))) (core func (canon resource.new 0)) (core func (canon resource.drop 0)) (core func (canon resource.rep 0)) (canon resource.drop 0 (core func))))",
     "0061736d0d0001000704013f7f000809040200030004000300"},
    {R"((component (core module) (export "m" (core module 0)) (import "c" (component)) (export "c" (component 0)) (type (func)) (export "t" (type 0))))",
     "0061736d0d00010001080061736d010000000b080100016d0011000007030141000a06010001"
     "6304000b0701000163040000070501400001000b0701000174030000"},
};

TEST(ComponentText, GoldenBytesMatchJco) {
  for (const Golden& g : kGolden)
    EXPECT_EQ(encode_hex(g.wat), g.hex) << g.wat;
}

// Regression: a type index used as a value type is an s33, so index 66 is 0xc2 0x00; it was
// written as the single byte 0x42, which decoders read as a negative index ("invalid value type
// 0x42": every wit-component-made proxy has more than 64 types in its wasi:http import).
TEST(ComponentText, ValueTypeIndicesAreSignedLeb) {
  std::string wat = "(component";
  for (int i = 0; i < 67; ++i)
    wat += " (type u8)";
  wat += " (type (list 66)) (type (list 63)))";
  const std::string hex = encode_hex(wat);
  EXPECT_NE(hex.find("70c200"), std::string::npos) << hex; // (list 66)
  EXPECT_NE(hex.find("703f"), std::string::npos) << hex;   // (list 63): one byte still
}

// $ids resolve to the indices the numeric form spells out (the bytes are then equal).
TEST(ComponentText, IdsResolveInEveryIndexSpace) {
  EXPECT_EQ(encode_stripped(R"((component $C
      (core module $M (func (export "f")))
      (core instance $m (instantiate $M))
      (core func $f (alias core export $m "f"))
      (type $t (func))
      (func $g (type $t) (canon lift (core func $f)))
      (component $D (import "x" (func)))
      (instance $i (instantiate $D (with "x" (func $g))))
      (export "g" (func $g))))"),
            encode_stripped(R"((component
      (core module (func (export "f")))
      (core instance (instantiate 0))
      (core func (alias core export 0 "f"))
      (type (func))
      (func (type 0) (canon lift (core func 0)))
      (component (import "x" (func)))
      (instance (instantiate 0 (with "x" (func 0))))
      (export "g" (func 0))))"));
}

// A reference may name a definition that comes later in the text.
TEST(ComponentText, ForwardReferences) {
  EXPECT_EQ(encode_stripped(R"((component
      (core module $m)
      (core instance (instantiate $m (with "a" (instance (export "x" (func $f))))))
      (core func $f (canon resource.drop 0))))"),
            encode_stripped(R"((component
      (core module)
      (core instance (instantiate 0 (with "a" (instance (export "x" (func 0))))))
      (core func (canon resource.drop 0))))"));
}

// `(type $t u8)` in an outer component, used by name inside a nested one: an implicit outer alias.
TEST(ComponentText, ImplicitOuterAlias) {
  EXPECT_EQ(encode_stripped(R"((component (type $t u8) (component (type (list $t)))))"),
            encode_stripped(
                R"((component (type u8) (component (alias outer 1 0 (type)) (type (list 0)))))"));
}

TEST(ComponentText, InlineAbbreviations) {
  // `(func (export "f") ...)` exports come after every other definition (wasm-tools' layout);
  // `(core func $i "f")` is a core export alias, the func's inline type a type definition.
  EXPECT_EQ(encode_stripped(R"((component
      (core module (func (export "f")))
      (core instance $i (instantiate 0))
      (func (export "a") (canon lift (core func $i "f")))
      (func (export "b") (canon lift (core func $i "f")))))"),
            encode_stripped(R"((component
      (core module (func (export "f")))
      (core instance (instantiate 0))
      (type (func))
      (alias core export 0 "f" (core func))
      (canon lift (core func 0) (func (type 0)))
      (type (func))
      (alias core export 0 "f" (core func))
      (canon lift (core func 1) (func (type 1)))
      (export "a" (func 0))
      (export "b" (func 1))))"));
  // `(func $f (import "x") ...)` is `(import "x" (func $f ...))`.
  EXPECT_EQ(
      encode_stripped(
          R"((component (func $f (import "x") (param "a" u32)) (export "y" (func $f))))"),
      encode_stripped(R"((component (import "x" (func (param "a" u32))) (export "y" (func 0))))"));
}

// With $ids: the `component-name` section and the core `name` sections (module, function, type,
// memory, ... names) are wasm-tools' too.
TEST(ComponentText, NameSectionsMatchJco) {
  EXPECT_EQ(
      encode_hex(R"((component $c (core module $m (memory $mem 1) (global $g i32 (i32.const 0)))
      (core instance $i (instantiate $m)) (type $t (func)) (import "x" (func $h (type $t)))
      (component $d))
)"),
      "0061736d0d000100012e0061736d0100000005030100010606017f0041000b0017046e616d650002"
      "016d06060100036d656d070401000167020401000000070501400001000a06010001780100041d00"
      "61736d0d00010000130e636f6d706f6e656e742d6e616d650002016400380e636f6d706f6e656e74"
      "2d6e616d6500020163010600110100016d0106001201000169010501010001680105030100017401"
      "050401000164");
}

// A later local definition wins over an outer one of the same name (and an export adds an index).
TEST(ComponentText, LocalForwardReferenceBeatsOuterName) {
  EXPECT_EQ(
      encode_hex(
          R"((component (import "f" (func $f)) (component (export "x" (func $f)) (import "g" (func $f)))))"),
      "0061736d0d000100070501400001000a0601000166010004380061736d0d0001000b070100017801"
      "0100070501400001000a0601000167010000160e636f6d706f6e656e742d6e616d65010501010101"
      "6600160e636f6d706f6e656e742d6e616d6501050101000166");
}

TEST(ComponentText, MalformedHasLineAndColumn) {
  EXPECT_EQ(encode_hex("(component\n  (foo))"), "error 2:4 unexpected token");
  EXPECT_EQ(encode_hex("(component\n  (export \"x\" (func $nope)))"),
            "error 2:21 unknown func $nope");
  EXPECT_EQ(encode_hex("(component (import \"x\" (func $x)) (component (export \"x\" (func $x))))"),
            "error 1:64 outer item `x` is not a module, type, or component");
  EXPECT_EQ(encode_hex(
                R"((component (import "a" (implements "a:b/c") (implements "a:b/c") (instance))))"),
            "error 1:45 unexpected token");
  EXPECT_EQ(encode_hex(R"((component (type $t u8) (type $t u8)))"),
            "error 1:31 duplicate type identifier");
}

} // namespace
} // namespace wasmcap::text
