// Decoding of type definitions: component types (defvaltype, functype, componenttype,
// instancetype, resourcetype) and core types (function types and module types), Binary.md's
// "Type Definitions".
#include "binary/decode_helpers.h"
#include "component/decode_reader.h"

namespace wasmcap::component::detail {

using support::Result;

namespace {

Result<std::optional<ValTypeRef>> read_opt_valtype(ByteReader& r) {
  const uint64_t at = r.offset();
  WASMCAP_ASSIGN(const uint8_t present, r.read_u8());
  if (present == 0x00) return std::optional<ValTypeRef>{};
  if (present != 0x01) return make_error(ErrorKind::Malformed, "invalid optional type", at);
  WASMCAP_ASSIGN(const ValTypeRef t, read_valtype(r));
  return std::optional<ValTypeRef>(t);
}

Result<std::vector<LabeledType>> read_labeled_types(ByteReader& r) {
  WASMCAP_ASSIGN(const uint32_t n, read_count(r));
  std::vector<LabeledType> out;
  for (uint32_t i = 0; i < n; ++i) {
    LabeledType lt;
    WASMCAP_ASSIGN(lt.label, read_string(r));
    WASMCAP_ASSIGN(lt.type, read_valtype(r));
    out.push_back(std::move(lt));
  }
  return out;
}

Result<std::vector<std::string>> read_labels(ByteReader& r) {
  WASMCAP_ASSIGN(const uint32_t n, read_count(r));
  std::vector<std::string> out;
  for (uint32_t i = 0; i < n; ++i) {
    WASMCAP_ASSIGN(std::string l, read_string(r));
    out.push_back(std::move(l));
  }
  return out;
}

// defvaltype after its opcode `op` (a primitive type's opcode included).
Result<DefValType> read_defvaltype(ByteReader& r, uint8_t op, uint64_t at) {
  using K = DefValType::Kind;
  DefValType t;
  switch (op) {
  case 0x72: {
    t.kind = K::Record;
    WASMCAP_ASSIGN(t.fields, read_labeled_types(r));
    return t;
  }
  case 0x71: {
    t.kind = K::Variant;
    WASMCAP_ASSIGN(const uint32_t n, read_count(r));
    for (uint32_t i = 0; i < n; ++i) {
      Case c;
      WASMCAP_ASSIGN(c.label, read_string(r));
      WASMCAP_ASSIGN(c.type, read_opt_valtype(r));
      const uint64_t refines_at = r.offset();
      WASMCAP_ASSIGN(const uint8_t refines, r.read_u8());
      if (refines != 0x00) {
        return make_error(ErrorKind::Malformed, "variant case refinement is not supported",
                          refines_at);
      }
      t.cases.push_back(std::move(c));
    }
    return t;
  }
  case 0x70:
  case 0x67: {
    t.kind = op == 0x70 ? K::List : K::FixedList;
    WASMCAP_ASSIGN(const ValTypeRef e, read_valtype(r));
    t.types.push_back(e);
    if (op == 0x67) {
      WASMCAP_ASSIGN(t.length, r.read_u32());
    }
    return t;
  }
  case 0x6f: {
    t.kind = K::Tuple;
    WASMCAP_ASSIGN(const uint32_t n, read_count(r));
    for (uint32_t i = 0; i < n; ++i) {
      WASMCAP_ASSIGN(const ValTypeRef e, read_valtype(r));
      t.types.push_back(e);
    }
    return t;
  }
  case 0x6e:
  case 0x6d: {
    t.kind = op == 0x6e ? K::Flags : K::Enum;
    WASMCAP_ASSIGN(t.labels, read_labels(r));
    return t;
  }
  case 0x6b: {
    t.kind = K::Option;
    WASMCAP_ASSIGN(const ValTypeRef e, read_valtype(r));
    t.types.push_back(e);
    return t;
  }
  case 0x6a: {
    t.kind = K::Result;
    WASMCAP_ASSIGN(t.ok, read_opt_valtype(r));
    WASMCAP_ASSIGN(t.err, read_opt_valtype(r));
    return t;
  }
  case 0x69:
  case 0x68: {
    t.kind = op == 0x69 ? K::Own : K::Borrow;
    WASMCAP_ASSIGN(t.index, r.read_u32());
    return t;
  }
  case 0x66:
  case 0x65: {
    t.kind = op == 0x66 ? K::Stream : K::Future;
    WASMCAP_ASSIGN(t.ok, read_opt_valtype(r));
    return t;
  }
  case 0x63: {
    t.kind = K::Map;
    WASMCAP_ASSIGN(const ValTypeRef k, read_valtype(r));
    WASMCAP_ASSIGN(const ValTypeRef v, read_valtype(r));
    t.types = {k, v};
    return t;
  }
  default: break;
  }
  if ((op >= 0x73 && op <= 0x7f) || op == 0x64) {
    t.kind = K::Prim;
    t.prim = op == 0x64 ? PrimType::ErrorContext : static_cast<PrimType>(0x7f - op);
    return t;
  }
  return make_error(ErrorKind::Malformed, "invalid type opcode 0x" + hex_byte(op), at);
}

Result<FuncType> read_functype(ByteReader& r, bool async) {
  FuncType f;
  f.async = async;
  WASMCAP_ASSIGN(f.params, read_labeled_types(r));
  const uint64_t at = r.offset();
  WASMCAP_ASSIGN(const uint8_t tag, r.read_u8());
  if (tag == 0x00) {
    WASMCAP_ASSIGN(const ValTypeRef t, read_valtype(r));
    f.result = t;
  } else if (tag == 0x01) {
    WASMCAP_ASSIGN(const uint8_t zero, r.read_u8());
    if (zero != 0x00) return make_error(ErrorKind::Malformed, "invalid result list", at);
  } else {
    return make_error(ErrorKind::Malformed, "invalid result list", at);
  }
  return f;
}

Result<std::vector<Decl>> read_decls(ByteReader& r, bool component_type, int depth) {
  WASMCAP_ASSIGN(const uint32_t n, read_count(r));
  std::vector<Decl> decls;
  for (uint32_t i = 0; i < n; ++i) {
    Decl d;
    d.offset = r.offset();
    WASMCAP_ASSIGN(const uint8_t tag, r.read_u8());
    switch (tag) {
    case 0x00: {
      d.kind = Decl::Kind::CoreType;
      WASMCAP_ASSIGN(d.core_type, read_core_type(r, depth + 1));
      break;
    }
    case 0x01: {
      d.kind = Decl::Kind::Type;
      WASMCAP_ASSIGN(d.type, read_type(r, depth + 1));
      break;
    }
    case 0x02: {
      d.kind = Decl::Kind::Alias;
      WASMCAP_ASSIGN(d.alias, read_alias(r));
      break;
    }
    case 0x03:
      if (!component_type) {
        return make_error(ErrorKind::Malformed, "imports are not allowed in instance types",
                          d.offset);
      }
      [[fallthrough]];
    case 0x04: {
      d.kind = tag == 0x03 ? Decl::Kind::Import : Decl::Kind::Export;
      WASMCAP_ASSIGN(d.name, read_extern_name(r));
      WASMCAP_ASSIGN(d.desc, read_extern_desc(r));
      break;
    }
    default:
      return make_error(ErrorKind::Malformed,
                        std::string("invalid ") + (component_type ? "component" : "instance") +
                            " type declarator 0x" + hex_byte(tag),
                        d.offset);
    }
    decls.push_back(std::move(d));
  }
  return decls;
}

// core:importdesc / core:externtype: 0x00 typeidx | 0x01 table | 0x02 memory | 0x03 global |
// 0x04 tag.
Status read_core_extern(ByteReader& r, CoreModuleDecl& d) {
  const uint64_t at = r.offset();
  WASMCAP_ASSIGN(const uint8_t kind, r.read_u8());
  switch (kind) {
  case 0x00: {
    d.extern_kind = ir::ExternKind::Func;
    WASMCAP_ASSIGN(d.func_type, r.read_u32());
    return ok();
  }
  case 0x01: {
    d.extern_kind = ir::ExternKind::Table;
    WASMCAP_ASSIGN(d.table, binary::detail::read_table_type(r));
    return ok();
  }
  case 0x02: {
    d.extern_kind = ir::ExternKind::Memory;
    WASMCAP_ASSIGN(d.memory, binary::detail::read_memory_type(r));
    return ok();
  }
  case 0x03: {
    d.extern_kind = ir::ExternKind::Global;
    WASMCAP_ASSIGN(d.global, binary::detail::read_global_type(r));
    return ok();
  }
  default: break;
  }
  return make_error(ErrorKind::Malformed, "invalid core extern kind 0x" + hex_byte(kind), at);
}

Result<ir::FuncType> read_core_functype(ByteReader& r) {
  ir::FuncType f;
  WASMCAP_ASSIGN(const uint32_t np, read_count(r));
  for (uint32_t i = 0; i < np; ++i) {
    WASMCAP_ASSIGN(const ir::ValType t, binary::detail::read_valtype(r));
    f.params.push_back(t);
  }
  WASMCAP_ASSIGN(const uint32_t nr, read_count(r));
  for (uint32_t i = 0; i < nr; ++i) {
    WASMCAP_ASSIGN(const ir::ValType t, binary::detail::read_valtype(r));
    f.results.push_back(t);
  }
  return f;
}

} // namespace

Result<std::shared_ptr<TypeDef>> read_type(ByteReader& r, int depth) {
  auto t = std::make_shared<TypeDef>();
  t->offset = r.offset();
  if (depth > kMaxNesting) return malformed(r, "types nested too deeply");
  WASMCAP_ASSIGN(const uint8_t op, r.read_u8());
  switch (op) {
  case 0x40:
  case 0x43: {
    t->kind = TypeDef::Kind::Func;
    WASMCAP_ASSIGN(t->func, read_functype(r, op == 0x43));
    return t;
  }
  case 0x41:
  case 0x42: {
    t->kind = op == 0x41 ? TypeDef::Kind::Component : TypeDef::Kind::Instance;
    WASMCAP_ASSIGN(t->decls, read_decls(r, op == 0x41, depth));
    return t;
  }
  case 0x3f: {
    t->kind = TypeDef::Kind::Resource;
    WASMCAP_ASSIGN(t->resource.rep, binary::detail::read_valtype(r));
    const uint64_t at = r.offset();
    WASMCAP_ASSIGN(const uint8_t has_dtor, r.read_u8());
    if (has_dtor == 0x01) {
      WASMCAP_ASSIGN(const uint32_t f, r.read_u32());
      t->resource.dtor = f;
    } else if (has_dtor != 0x00) {
      return make_error(ErrorKind::Malformed, "invalid resource destructor", at);
    }
    return t;
  }
  default: break;
  }
  t->kind = TypeDef::Kind::Val;
  WASMCAP_ASSIGN(t->val, read_defvaltype(r, op, t->offset));
  return t;
}

Result<std::shared_ptr<CoreTypeDef>> read_core_type(ByteReader& r, int depth) {
  auto t = std::make_shared<CoreTypeDef>();
  t->offset = r.offset();
  if (depth > kMaxNesting) return malformed(r, "types nested too deeply");
  WASMCAP_ASSIGN(const uint8_t op, r.read_u8());
  if (op == 0x60) {
    t->kind = CoreTypeDef::Kind::Func;
    WASMCAP_ASSIGN(t->func, read_core_functype(r));
    return t;
  }
  if (op == 0x00) {
    // 0x00 0x50: a non-final core:subtype, prefixed so it is not read as a module type (a
    // pre-1.0 wart of Binary.md). Without supertypes and over a function type it declares what
    // a plain function type does for a component, which only matches functions by signature.
    WASMCAP_ASSIGN(const uint8_t sub, r.read_u8());
    if (sub != 0x50)
      return malformed(r, "invalid leading byte (0x" + hex_byte(sub) + ") after 0x00");
    WASMCAP_ASSIGN(const uint32_t supers, read_count(r));
    WASMCAP_ASSIGN(const uint8_t comp, r.read_u8());
    if (supers != 0 || comp != 0x60) {
      return make_error(ErrorKind::Malformed,
                        "unsupported core subtype (only function types without supertypes)",
                        t->offset);
    }
    t->kind = CoreTypeDef::Kind::Func;
    WASMCAP_ASSIGN(t->func, read_core_functype(r));
    return t;
  }
  if (op != 0x50) {
    // 0x4e/0x4f: Wasm GC's recursive and final sub types (Wasm 3.0 part 2).
    return make_error(
        ErrorKind::Malformed,
        "unsupported core type 0x" + hex_byte(op) + " (only function and module types)", t->offset);
  }
  t->kind = CoreTypeDef::Kind::Module;
  WASMCAP_ASSIGN(const uint32_t n, read_count(r));
  for (uint32_t i = 0; i < n; ++i) {
    CoreModuleDecl d;
    d.offset = r.offset();
    WASMCAP_ASSIGN(const uint8_t tag, r.read_u8());
    switch (tag) {
    case 0x00: {
      d.kind = CoreModuleDecl::Kind::Import;
      WASMCAP_ASSIGN(d.module, read_string(r));
      WASMCAP_ASSIGN(d.name, read_string(r));
      WASMCAP_TRY(read_core_extern(r, d));
      break;
    }
    case 0x01: {
      d.kind = CoreModuleDecl::Kind::Type;
      WASMCAP_ASSIGN(d.type, read_core_type(r, depth + 1));
      if (d.type->kind == CoreTypeDef::Kind::Module) {
        return make_error(ErrorKind::Invalid, "a module type cannot declare a module type",
                          d.offset);
      }
      break;
    }
    case 0x02: {
      d.kind = CoreModuleDecl::Kind::Alias;
      WASMCAP_ASSIGN(const uint8_t sort, r.read_u8());
      WASMCAP_ASSIGN(const uint8_t outer, r.read_u8());
      if (sort != 0x10 || outer != 0x01) {
        return make_error(ErrorKind::Malformed, "invalid core alias in a module type", d.offset);
      }
      WASMCAP_ASSIGN(d.outer_count, r.read_u32());
      WASMCAP_ASSIGN(d.outer_index, r.read_u32());
      break;
    }
    case 0x03: {
      d.kind = CoreModuleDecl::Kind::Export;
      WASMCAP_ASSIGN(d.name, read_string(r));
      WASMCAP_TRY(read_core_extern(r, d));
      break;
    }
    default:
      return make_error(ErrorKind::Malformed, "invalid module type declarator 0x" + hex_byte(tag),
                        d.offset);
    }
    t->decls.push_back(std::move(d));
  }
  return t;
}

} // namespace wasmcap::component::detail
