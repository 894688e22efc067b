// The WIT parser: one .wit file's text to its syntax tree (wit/ast.h), following the grammar of
// the component model's WIT.md. Errors are Malformed, at the offending token's line:column, with
// the file in Error::where.section.
#pragma once

#include <string_view>

#include "support/result.h"
#include "wit/ast.h"

namespace wasmcap::wit {

support::Result<ast::File> parse_file(std::string_view path, std::string_view text);

// True for `MAJOR.MINOR.PATCH` with an optional `-prerelease` and `+build` (semver 2.0.0).
bool is_valid_semver(std::string_view text);

} // namespace wasmcap::wit
