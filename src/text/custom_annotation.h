// The annotations the text parser gives meaning to (the lexer drops every other `(@id ...)`):
// `(@custom "name" (before|after section)? "bytes"*)`, a custom section placed relative to the
// module's other sections, and `(@name "text")` after a module's, function's or tag's $id, a name
// for the `name` section, and `(@metadata.code.branch_hint "\00"|"\01")` right before an `if` or
// `br_if` in a function body, a hint for the `metadata.code.branch_hint` section (instr_parser.h).
// Anywhere else they are malformed, as the field parsers reject them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "support/result.h"
#include "text/sexpr.h"

namespace wasmcap::text {

// Where encode() puts a custom section: before the known section at position `slot` of the
// binary's section order (type, import, func, table, memory, tag, global, export, start, elem,
// datacount, code, data), or after all of them when slot == kCustomSlotLast.
inline constexpr uint8_t kCustomSlotLast = 13;

struct CustomSection {
  std::string name;
  std::vector<uint8_t> bytes;
  uint8_t slot = kCustomSlotLast; // the default placement is `(after last)`
};

// True if `s` is a `(@custom ...)` list (the lexer keeps its `(` and `@custom` tokens).
bool is_custom_annotation(const Sexpr& s);

// Parses a module field `(@custom ...)`. Errors are Malformed ("@custom annotation: ...").
support::Result<CustomSection> parse_custom_annotation(const Sexpr& s);

// True if `s` is a `(@name ...)` list.
bool is_name_annotation(const Sexpr& s);

// The name of `(@name "text")`: one string, UTF-8. Errors are Malformed.
support::Result<std::string> parse_name_annotation(const Sexpr& s);

// True if `s` is a `(@metadata.code.branch_hint ...)` list.
bool is_branch_hint_annotation(const Sexpr& s);

// The hint of `(@metadata.code.branch_hint "\00")` (0, unlikely) or `"\01"` (1, likely). Errors
// are Malformed ("@metadata.code.branch_hint annotation: ...").
support::Result<uint8_t> parse_branch_hint_annotation(const Sexpr& s);

} // namespace wasmcap::text
