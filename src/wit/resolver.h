// The WIT resolver: parses a set of packages' .wit files and resolves every name into the model
// (wit/model.h). Errors are values with a place: Error::where.line/column, and the file in
// where.section; Malformed for syntax, Invalid for names and structure, Io for unreadable files.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "support/result.h"
#include "wit/model.h"

namespace wasmcap::wit {

struct SourceFile {
  std::string path; // used in error places and Place::file
  std::string text;
};

// One package's files (a directory's `*.wit`); its nested `package a:b { ... }` blocks are
// further packages.
using SourceGroup = std::vector<SourceFile>;

// Resolves groups together: references between them may go any way (no cycles). Resolve::root
// is the package of groups[0]. Items keep declaration order: files as given, then within files.
support::Result<Resolve> resolve_sources(const std::vector<SourceGroup>& groups);

// The `*.wit` files directly in `dir`, sorted by name (so the model's order is stable).
support::Result<SourceGroup> read_directory(const std::filesystem::path& dir);

// As WIT tooling does: `root` is one package's directory, `deps` are its dependencies' (one
// package each, in any order). Resolve::root is root's package.
support::Result<Resolve> load_packages(const std::filesystem::path& root,
                                       const std::vector<std::filesystem::path>& deps = {});

} // namespace wasmcap::wit
