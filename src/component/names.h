// Import and export names (Explainer.md, "Import and Export Definitions"): kebab-case labels,
// plain names with their [constructor]/[method]/[static] annotations, interface names with
// their versions, and the "strongly-unique" canonical form that uniqueness is checked on.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "support/result.h"

namespace wasmcap::component {

bool is_kebab_label(std::string_view s);

struct ParsedName {
  enum class Kind : uint8_t { Plain, Constructor, Method, Static, Interface };
  Kind kind = Kind::Plain;
  std::string resource; // Constructor/Method/Static: the resource's label
  std::string field;    // Method/Static: the function's label; Plain: the label
};

// Parses an extern name; an Invalid error naming the rule it breaks.
support::Result<ParsedName> parse_extern_name(std::string_view name, uint64_t offset);
// An interface name `ns:pkg/iface[@version]`; Invalid otherwise.
support::Status check_interface_name(std::string_view name, uint64_t offset);
// The name strong uniqueness compares (acronyms lowercased, [method]l.l -> l, other annotations
// but [constructor] stripped).
std::string strongly_unique_key(std::string_view name);

} // namespace wasmcap::component
