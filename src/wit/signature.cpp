// Type signatures (see signature.h for the grammar).
#include "wit/signature.h"

namespace wasmcap::wit {

std::string type_signature(const Resolve& resolve, const Type& type) {
  const Type& t = resolve.unalias(type);
  std::string_view prim = primitive_name(t.kind);
  if (!prim.empty()) return std::string(prim);
  auto args = [&](std::string_view head) {
    std::string s(head);
    s += '<';
    for (size_t k = 0; k < t.args.size(); ++k) {
      if (k) s += ',';
      s += type_signature(resolve, t.args[k]);
    }
    return s;
  };
  switch (t.kind) {
  case TypeKind::List: return args("list") + (t.length ? "," + std::to_string(t.length) : "") + ">";
  case TypeKind::Option: return args("option") + ">";
  case TypeKind::Tuple: return args("tuple") + ">";
  case TypeKind::Map: return args("map") + ">";
  case TypeKind::Future: return t.args.empty() ? "future" : args("future") + ">";
  case TypeKind::Stream: return t.args.empty() ? "stream" : args("stream") + ">";
  case TypeKind::Result:
    if (!t.has_ok && !t.has_err) return "result";
    if (!t.has_err) return "result<" + type_signature(resolve, *t.ok()) + ">";
    return "result<" + (t.has_ok ? type_signature(resolve, *t.ok()) : std::string("_")) + "," +
           type_signature(resolve, *t.err()) + ">";
  case TypeKind::Own: return "own<" + resolve.type_qualified_name(t.def) + ">";
  case TypeKind::Borrow: return "borrow<" + resolve.type_qualified_name(t.def) + ">";
  case TypeKind::Named: return resolve.type_qualified_name(t.def);
  default: return "?";
  }
}

} // namespace wasmcap::wit
