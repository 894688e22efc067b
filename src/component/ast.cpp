// Names of the component model's sorts and primitive types, as the text format spells them.
#include "component/ast.h"

namespace wasmcap::component {

const char* sort_name(Sort sort, CoreSort core) {
  switch (sort) {
  case Sort::Core:
    switch (core) {
    case CoreSort::Func: return "core func";
    case CoreSort::Table: return "core table";
    case CoreSort::Memory: return "core memory";
    case CoreSort::Global: return "core global";
    case CoreSort::Tag: return "core tag";
    case CoreSort::Type: return "core type";
    case CoreSort::Module: return "core module";
    case CoreSort::Instance: return "core instance";
    }
    return "core ?";
  case Sort::Func: return "func";
  case Sort::Value: return "value";
  case Sort::Type: return "type";
  case Sort::Component: return "component";
  case Sort::Instance: return "instance";
  }
  return "?";
}

const char* prim_name(PrimType t) {
  static const char* const names[] = {"bool", "s8",   "u8",     "s16",          "u16",
                                      "s32",  "u32",  "s64",    "u64",          "f32",
                                      "f64",  "char", "string", "error-context"};
  return names[static_cast<size_t>(t)];
}

} // namespace wasmcap::component
