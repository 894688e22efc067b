// The .wast runner: executes a parsed spec script against the public API and counts verdicts.
// The engine configuration (and so the tier) is a parameter, so every tier runs the same tests.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "text/wast_script.h"
#include "wasmcap/config.h"
#include "wasmcap/error.h"

namespace wasmcap::wast {

struct Failure {
  std::string file;
  uint32_t line = 0;
  std::string message; // what was expected and what happened
};

struct Report {
  uint64_t passed = 0;
  uint64_t failed = 0;
  std::vector<Failure> failures;
  // Tier::Jit: the modules that ran on the interpreter instead, with the reason (not failures:
  // the results are right, but the tier under test did not run them).
  std::vector<Failure> fallbacks;
  void merge(const Report& other);
};

// Runs one script; `file_name` only labels failures.
Report run_script(const text::Script& script, std::string_view file_name, const Config& config);

// Parses a script's text, then runs it; `file_name` only labels failures. A parse error is an
// error, with its LINE:COL and no file name (the caller knows which file it read).
Result<Report> run_wast_text(std::string_view text, std::string_view file_name,
                             const Config& config);

// Reads and parses a .wast file, then runs it. A file that cannot be read or parsed is an error.
Result<Report> run_wast_file(const std::string& path, const Config& config);

} // namespace wasmcap::wast
