// Names and printing for the spec's types.
#include "ir/types.h"
#include "ir/module.h"

#include <mutex>
#include <string>
#include <unordered_set>

namespace wasmcap {

bool is_valtype_byte(uint8_t b) {
  return (b >= 0x7B && b <= 0x7F) || (b >= 0x69 && b <= 0x74);
}

ValType valtype_from_byte(uint8_t b) {
  return ValType(static_cast<ValType::Code>(b));
}

uint8_t valtype_byte(ValType t) {
  if (t.is_concrete() || (t.is_ref() && !t.nullable())) return 0;
  return static_cast<uint8_t>(t.code());
}

namespace {

const char* heap_name(HeapKind h) {
  switch (h) {
  case HeapKind::Func: return "func";
  case HeapKind::Extern: return "extern";
  case HeapKind::Exn: return "exn";
  case HeapKind::Any: return "any";
  case HeapKind::Eq: return "eq";
  case HeapKind::I31: return "i31";
  case HeapKind::Struct: return "struct";
  case HeapKind::Array: return "array";
  case HeapKind::None: return "none";
  case HeapKind::NoFunc: return "nofunc";
  case HeapKind::NoExtern: return "noextern";
  case HeapKind::NoExn: return "noexn";
  case HeapKind::Concrete: break;
  }
  return "?";
}

// Names of non-shorthand reference types, built once each. valtype_name hands out pointers that
// callers keep (in error messages built later), so the strings never move or die; there are at
// most two per type index a module can have.
const char* intern(std::string s) {
  static std::mutex mu;
  static std::unordered_set<std::string> names;
  const std::lock_guard<std::mutex> lock(mu);
  return names.insert(std::move(s)).first->c_str();
}

} // namespace

const char* valtype_name(ValType t) {
  switch (t) {
  case ValType::I32: return "i32";
  case ValType::I64: return "i64";
  case ValType::F32: return "f32";
  case ValType::F64: return "f64";
  case ValType::V128: return "v128";
  default: break;
  }
  if (!t.is_ref()) return "?";
  if (t.nullable() && !t.is_concrete()) {
    switch (t.heap()) {
    case HeapKind::Func: return "funcref";
    case HeapKind::Extern: return "externref";
    case HeapKind::Exn: return "exnref";
    case HeapKind::Any: return "anyref";
    case HeapKind::Eq: return "eqref";
    case HeapKind::I31: return "i31ref";
    case HeapKind::Struct: return "structref";
    case HeapKind::Array: return "arrayref";
    case HeapKind::None: return "nullref";
    case HeapKind::NoFunc: return "nullfuncref";
    case HeapKind::NoExtern: return "nullexternref";
    case HeapKind::NoExn: return "nullexnref";
    case HeapKind::Concrete: break;
    }
  }
  const std::string ht = t.is_concrete() ? "$" + std::to_string(t.index()) : heap_name(t.heap());
  return intern(std::string(t.nullable() ? "(ref null " : "(ref ") + ht + ")");
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
