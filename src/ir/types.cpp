// Names and printing for the spec's types.
#include "ir/types.h"
#include "ir/module.h"

namespace wasmcap {

bool is_valtype_byte(uint8_t b) {
  return b == 0x7F || b == 0x7E || b == 0x7D || b == 0x7C || b == 0x7B || b == 0x70 || b == 0x6F ||
         b == 0x69;
}

const char* valtype_name(ValType t) {
  switch (t) {
  case ValType::I32: return "i32";
  case ValType::I64: return "i64";
  case ValType::F32: return "f32";
  case ValType::F64: return "f64";
  case ValType::V128: return "v128";
  case ValType::FuncRef: return "funcref";
  case ValType::ExternRef: return "externref";
  case ValType::ExnRef: return "exnref";
  }
  return "?";
}

const char* extern_kind_name(ExternKind k) {
  switch (k) {
  case ExternKind::Func: return "func";
  case ExternKind::Table: return "table";
  case ExternKind::Memory: return "memory";
  case ExternKind::Global: return "global";
  case ExternKind::Tag: return "tag";
  }
  return "?";
}

std::string functype_to_string(const FuncType& t) {
  auto list = [](const std::vector<ValType>& v) {
    std::string s = "(";
    for (size_t i = 0; i < v.size(); ++i) {
      if (i) s += ", ";
      s += valtype_name(v[i]);
    }
    return s + ")";
  };
  return list(t.params) + " -> " + list(t.results);
}

} // namespace wasmcap

namespace wasmcap::ir {

std::string_view Module::func_name(uint32_t func_index) const {
  auto it = names.functions.find(func_index);
  return it == names.functions.end() ? std::string_view{} : std::string_view(it->second);
}

} // namespace wasmcap::ir
