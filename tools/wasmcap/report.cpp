// Error reporting shared by every subcommand (subcommands.h): one line saying what went wrong
// and where (file, byte offset, section and function, or LINE:COLUMN), a wasm backtrace for a
// trap, and an exit status per kind of mistake (the table is in docs/cli.md).
#include <cinttypes>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "subcommands.h"

namespace wasmcap::cli {

int exit_status_for(const Error& e) {
  switch (e.kind) {
  case ErrorKind::Malformed: return kExitMalformed;
  case ErrorKind::Invalid: return kExitInvalid;
  case ErrorKind::Unlinkable: return kExitUnlinkable;
  case ErrorKind::Trap:
  case ErrorKind::Exception: // an uncaught exception ends the run as a trap does
  case ErrorKind::Exhaustion: return kExitTrap;
  case ErrorKind::Io: return kExitUnreadable;
  case ErrorKind::Usage: return kExitUsage;
  case ErrorKind::Exit: return e.exit_code;
  }
  return kExitFailure;
}

namespace {

std::string hex(uint64_t v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "0x%" PRIx64, v);
  return buf;
}

std::string frame_name(const TraceFrame& f) {
  std::string name =
      f.func_name.empty() ? "<func " + std::to_string(f.func_index) + ">" : f.func_name;
  if (!f.module_name.empty()) name = f.module_name + "!" + name;
  return name;
}

bool same_frame(const TraceFrame& a, const TraceFrame& b) {
  return a.func_index == b.func_index && a.offset == b.offset && a.module_name == b.module_name;
}

// The backtrace, innermost first. A run of identical frames (deep recursion) is shown by its
// first few and a count, and the whole is capped, so a stack overflow prints a screenful.
void print_backtrace(const std::vector<TraceFrame>& frames) {
  constexpr size_t kShownPerRun = 3, kMaxLines = 60;
  std::fprintf(stderr, "wasm backtrace:\n");
  size_t lines = 0;
  for (size_t i = 0; i < frames.size();) {
    size_t run = 1;
    while (i + run < frames.size() && same_frame(frames[i], frames[i + run]))
      ++run;
    for (size_t k = 0; k < run && k < kShownPerRun; ++k, ++lines) {
      if (lines == kMaxLines) {
        std::fprintf(stderr, "  ... %zu more frames\n", frames.size() - (i + k));
        return;
      }
      std::fprintf(stderr, "  %3zu: %s - %s\n", i + k, hex(frames[i].offset).c_str(),
                   frame_name(frames[i]).c_str());
    }
    if (run > kShownPerRun) {
      std::fprintf(stderr, "  ... the frame above repeats %zu more times\n", run - kShownPerRun);
      ++lines;
    }
    i += run;
  }
}

// "at offset 0x1a (section code, function 3)": where in a binary, as precisely as known.
std::string binary_place(const Error& e) {
  std::string out;
  if (e.where.offset != Location::kNone) out += " at offset " + hex(e.where.offset);
  std::string context;
  if (!e.where.section.empty()) context += "section " + e.where.section;
  if (e.where.function >= 0) {
    context +=
        (context.empty() ? "" : ", ") + std::string("function ") + std::to_string(e.where.function);
  }
  if (!context.empty()) out += " (" + context + ")";
  return out;
}

std::string kind_label(ErrorKind k, std::string_view subject) {
  switch (k) {
  case ErrorKind::Malformed: return "malformed " + std::string(subject);
  case ErrorKind::Invalid: return "invalid " + std::string(subject);
  case ErrorKind::Unlinkable: return "cannot link";
  default: return error_kind_name(k);
  }
}

} // namespace

int report_error(const std::string& file, const Error& e, std::string_view subject) {
  const std::string prefix = file.empty() ? "Error: " : "Error: " + file;
  switch (e.kind) {
  case ErrorKind::Io:
  case ErrorKind::Usage:
    // These messages name their subject themselves (the file, the option).
    std::fprintf(stderr, "Error: %s\n", e.message.c_str());
    break;
  case ErrorKind::Trap:
  case ErrorKind::Exception:
  case ErrorKind::Exhaustion: {
    std::string where;
    if (!e.backtrace.empty()) {
      where = ", in " + frame_name(e.backtrace.front()) + " at offset " +
              hex(e.backtrace.front().offset);
    }
    // An exhausted limit with no wasm frame happened before any code ran (a memory or table
    // larger than --max-memory / --max-table-elements at instantiation): not a trap.
    const char* what = e.kind == ErrorKind::Exhaustion && e.backtrace.empty()
                           ? "resource limit exceeded"
                       : e.kind == ErrorKind::Exception ? "wasm exception"
                                                        : "wasm trap";
    std::fprintf(stderr, "%s%s%s: %s%s\n", prefix.c_str(), file.empty() ? "" : ": ", what,
                 e.message.c_str(), where.c_str());
    if (!e.backtrace.empty()) print_backtrace(e.backtrace);
    break;
  }
  default:
    if (e.where.line != 0) {
      // Text: FILE:LINE:COL, as compilers say it.
      std::fprintf(stderr, "%s:%u:%u: %s: %s\n", prefix.c_str(), e.where.line, e.where.column,
                   kind_label(e.kind, subject).c_str(), e.message.c_str());
    } else {
      std::fprintf(stderr, "%s%s%s%s: %s\n", prefix.c_str(), file.empty() ? "" : ": ",
                   kind_label(e.kind, subject).c_str(), binary_place(e).c_str(), e.message.c_str());
    }
    break;
  }
  return exit_status_for(e);
}

} // namespace wasmcap::cli
