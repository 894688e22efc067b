// Validation of recursion groups and declared subtypes; the rules are the spec's "Types" and
// "Matching" sections for composite types.
#include "validate/type_section.h"

#include <string>

#include "ir/subtype.h"
#include "ir/type_registry.h"

namespace wasmcap::validate {
namespace {

using ir::ValType;
using support::ErrorKind;
using support::Status;

support::Error invalid(const std::string& message, uint32_t type_index) {
  support::Error e = support::make_error(ErrorKind::Invalid,
                                         message + " (in type " + std::to_string(type_index) + ")");
  e.where.section = "type";
  return e;
}

// A type may name any type before its recursion group ends (itself and later members of its
// group included: that is what makes a group recursive).
bool names_ok(ValType t, uint32_t group_end) {
  return !t.is_concrete() || t.index() < group_end;
}

// A field of a subtype matches the supertype's field: the same mutability and packing; an
// immutable field may narrow its type (covariance), a mutable one keeps it (invariance).
bool field_matches(const ir::Module& m, const ir::FieldType& sub, const ir::FieldType& super) {
  if (sub.is_mutable != super.is_mutable || sub.packed != super.packed) return false;
  if (!ir::is_subtype(m, sub.type, super.type)) return false;
  return !sub.is_mutable || ir::is_subtype(m, super.type, sub.type);
}

bool composite_matches(const ir::Module& m, uint32_t sub, uint32_t super) {
  const ir::SubType& s = m.subtypes[sub];
  const ir::SubType& p = m.subtypes[super];
  if (s.kind != p.kind) return false;
  switch (s.kind) {
  case ir::TypeKind::Func: {
    // Parameters are contravariant, results covariant.
    const ir::FuncType& sf = m.types[sub];
    const ir::FuncType& pf = m.types[super];
    if (sf.params.size() != pf.params.size() || sf.results.size() != pf.results.size())
      return false;
    for (size_t i = 0; i < sf.params.size(); ++i)
      if (!ir::is_subtype(m, pf.params[i], sf.params[i])) return false;
    for (size_t i = 0; i < sf.results.size(); ++i)
      if (!ir::is_subtype(m, sf.results[i], pf.results[i])) return false;
    return true;
  }
  case ir::TypeKind::Struct:
    // Width and depth: the supertype's fields are a prefix, each matched.
    if (s.fields.size() < p.fields.size()) return false;
    for (size_t i = 0; i < p.fields.size(); ++i)
      if (!field_matches(m, s.fields[i], p.fields[i])) return false;
    return true;
  case ir::TypeKind::Array: return field_matches(m, s.fields[0], p.fields[0]);
  }
  return false;
}

} // namespace

Status validate_type_section(const ir::Module& m) {
  for (uint32_t i = 0; i < m.types.size(); ++i) {
    const ir::SubType& s = m.subtypes[i];
    const uint32_t end = s.group + s.group_size;
    if (m.canonical[i] == ValType::kMaxIndex) return invalid("too many types", i);
    for (const auto* ts : {&m.types[i].params, &m.types[i].results})
      for (ValType t : *ts)
        if (!names_ok(t, end)) return invalid("unknown type", i);
    for (const ir::FieldType& f : s.fields)
      if (!names_ok(f.type, end)) return invalid("unknown type", i);
    if (!s.super) continue;
    // A supertype is defined before its subtype (so supertype chains never loop).
    if (*s.super >= i) return invalid("unknown type " + std::to_string(*s.super), i);
    if (m.subtypes[*s.super].is_final || !composite_matches(m, i, *s.super))
      return invalid("sub type: does not match its supertype " + std::to_string(*s.super), i);
  }
  return support::ok();
}

} // namespace wasmcap::validate
