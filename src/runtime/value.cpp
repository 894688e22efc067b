// value_to_string: the printable form of a runtime value for messages and the CLI.
#include "runtime/value.h"

#include "ir/types.h"

#include <cstdio>

namespace wasmcap {

std::string value_to_string(const Value& v) {
  char buf[96];
  switch (v.type) {
  case ValType::I32: std::snprintf(buf, sizeof buf, "i32:%u", v.i32); break;
  case ValType::I64:
    std::snprintf(buf, sizeof buf, "i64:%llu", static_cast<unsigned long long>(v.i64));
    break;
  case ValType::F32: std::snprintf(buf, sizeof buf, "f32:%a", static_cast<double>(v.f32())); break;
  case ValType::F64: std::snprintf(buf, sizeof buf, "f64:%a", v.f64()); break;
  case ValType::V128: {
    std::string s = "v128:0x";
    for (int i = 15; i >= 0; --i) {
      std::snprintf(buf, sizeof buf, "%02x", v.v128.bytes[static_cast<size_t>(i)]);
      s += buf;
    }
    return s;
  }
  case ValType::FuncRef:
  case ValType::ExternRef:
  case ValType::ExnRef:
  WASMCAP_CASE_OTHER_REFS:
    if (v.ref == nullptr) {
      std::snprintf(buf, sizeof buf, "%s:null", valtype_name(v.type));
    } else {
      std::snprintf(buf, sizeof buf, "%s:%p", valtype_name(v.type), v.ref);
    }
    break;
  }
  return buf;
}

} // namespace wasmcap
