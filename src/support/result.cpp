// Error formatting: one line saying what went wrong and where.
#include "wasmcap/error.h"

#include <cstdio>

namespace wasmcap {

const char* error_kind_name(ErrorKind kind) {
  switch (kind) {
  case ErrorKind::Malformed: return "malformed";
  case ErrorKind::Invalid: return "invalid";
  case ErrorKind::Unlinkable: return "unlinkable";
  case ErrorKind::Trap: return "trap";
  case ErrorKind::Exhaustion: return "exhaustion";
  case ErrorKind::Io: return "io";
  case ErrorKind::Usage: return "usage";
  case ErrorKind::Exit: return "exit";
  case ErrorKind::Exception: return "exception";
  }
  return "error";
}

std::string Error::to_string() const {
  std::string out = error_kind_name(kind);
  std::string place;
  char buf[64];
  if (where.line != 0) {
    std::snprintf(buf, sizeof buf, "%u:%u", where.line, where.column);
    place += buf;
  } else if (where.offset != Location::kNone) {
    std::snprintf(buf, sizeof buf, "offset 0x%llx", static_cast<unsigned long long>(where.offset));
    place += buf;
  }
  std::string context;
  if (!where.section.empty()) context += "section " + where.section;
  if (where.function >= 0) {
    if (!context.empty()) context += ", ";
    context += "function " + std::to_string(where.function);
  }
  if (!place.empty()) out += " at " + place;
  if (!context.empty()) out += " (" + context + ")";
  out += ": " + message;
  return out;
}

} // namespace wasmcap
