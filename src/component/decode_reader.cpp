// The component decoder's small productions: counts, names, sorts, extern names and
// descriptors, value types and aliases (decode_reader.h).
#include "component/decode_reader.h"

namespace wasmcap::component::detail {

using support::Result;

support::Error malformed(const ByteReader& r, std::string message) {
  return r.error(std::move(message));
}

Result<uint32_t> read_count(ByteReader& r) {
  return r.read_count();
}

Result<std::string> read_string(ByteReader& r) {
  return r.read_name();
}

Result<CoreSort> read_core_sort(ByteReader& r) {
  const uint64_t at = r.offset();
  WASMCAP_ASSIGN(const uint8_t b, r.read_u8());
  switch (b) {
  case 0x00:
  case 0x01:
  case 0x02:
  case 0x03:
  case 0x04:
  case 0x10:
  case 0x11:
  case 0x12: return static_cast<CoreSort>(b);
  default: break;
  }
  return make_error(ErrorKind::Malformed, "invalid core sort 0x" + hex_byte(b), at);
}

Result<SortIdx> read_sort(ByteReader& r) {
  const uint64_t at = r.offset();
  WASMCAP_ASSIGN(const uint8_t b, r.read_u8());
  SortIdx s;
  switch (b) {
  case 0x00: {
    s.sort = Sort::Core;
    WASMCAP_ASSIGN(s.core, read_core_sort(r));
    return s;
  }
  case 0x01: s.sort = Sort::Func; return s;
  case 0x02: s.sort = Sort::Value; return s;
  case 0x03: s.sort = Sort::Type; return s;
  case 0x04: s.sort = Sort::Component; return s;
  case 0x05: s.sort = Sort::Instance; return s;
  default: break;
  }
  return make_error(ErrorKind::Malformed, "invalid sort 0x" + hex_byte(b), at);
}

Result<SortIdx> read_sort_idx(ByteReader& r) {
  WASMCAP_ASSIGN(SortIdx s, read_sort(r));
  WASMCAP_ASSIGN(s.index, r.read_u32());
  return s;
}

Result<ExternName> read_extern_name(ByteReader& r) {
  ExternName n;
  n.offset = r.offset();
  WASMCAP_ASSIGN(const uint8_t tag, r.read_u8());
  if (tag > 0x02) {
    return make_error(ErrorKind::Malformed, "invalid extern name tag 0x" + hex_byte(tag), n.offset);
  }
  WASMCAP_ASSIGN(n.name, read_string(r));
  if (tag != 0x02) return n;
  WASMCAP_ASSIGN(const uint32_t count, read_count(r));
  for (uint32_t i = 0; i < count; ++i) {
    const uint64_t at = r.offset();
    WASMCAP_ASSIGN(const uint8_t kind, r.read_u8());
    std::optional<std::string>* slot = nullptr;
    switch (kind) {
    case 0x00: slot = &n.implements; break;
    case 0x01: slot = &n.version_suffix; break;
    case 0x02: slot = &n.external_id; break;
    default:
      return make_error(ErrorKind::Malformed, "invalid name attribute 0x" + hex_byte(kind), at);
    }
    if (slot->has_value()) return make_error(ErrorKind::Invalid, "duplicate name attribute", at);
    WASMCAP_ASSIGN(*slot, read_string(r));
  }
  return n;
}

namespace {

bool is_prim_byte(uint8_t b) {
  return (b >= 0x73 && b <= 0x7f) || b == 0x64;
}

PrimType prim_of(uint8_t b) {
  if (b == 0x64) return PrimType::ErrorContext;
  return static_cast<PrimType>(0x7f - b); // 0x7f bool ... 0x73 string, in PrimType order
}

} // namespace

Result<ValTypeRef> read_valtype(ByteReader& r) {
  const uint64_t at = r.offset();
  WASMCAP_ASSIGN(const uint8_t b, r.peek_u8());
  if (is_prim_byte(b)) {
    (void)r.read_u8();
    return ValTypeRef::of(prim_of(b));
  }
  WASMCAP_ASSIGN(const int64_t i, r.read_s33());
  if (i < 0) return make_error(ErrorKind::Malformed, "invalid value type 0x" + hex_byte(b), at);
  return ValTypeRef::at(static_cast<uint32_t>(i));
}

Result<ExternDesc> read_extern_desc(ByteReader& r) {
  const uint64_t at = r.offset();
  WASMCAP_ASSIGN(const uint8_t b, r.read_u8());
  ExternDesc d;
  switch (b) {
  case 0x00: {
    WASMCAP_ASSIGN(const uint8_t m, r.read_u8());
    if (m != 0x11) return make_error(ErrorKind::Malformed, "invalid core extern type", at);
    d.kind = ExternDesc::Kind::CoreModule;
    WASMCAP_ASSIGN(d.index, r.read_u32());
    return d;
  }
  case 0x01: d.kind = ExternDesc::Kind::Func; break;
  case 0x04: d.kind = ExternDesc::Kind::Component; break;
  case 0x05: d.kind = ExternDesc::Kind::Instance; break;
  case 0x02: {
    d.kind = ExternDesc::Kind::Value;
    WASMCAP_ASSIGN(const uint8_t bound, r.read_u8());
    if (bound == 0x00) {
      d.value_eq = true;
      WASMCAP_ASSIGN(d.index, r.read_u32());
    } else if (bound == 0x01) {
      WASMCAP_ASSIGN(d.value_type, read_valtype(r));
    } else {
      return make_error(ErrorKind::Malformed, "invalid value bound", at);
    }
    return d;
  }
  case 0x03: {
    d.kind = ExternDesc::Kind::Type;
    WASMCAP_ASSIGN(const uint8_t bound, r.read_u8());
    if (bound == 0x00) {
      WASMCAP_ASSIGN(d.index, r.read_u32());
    } else if (bound == 0x01) {
      d.sub_resource = true;
    } else {
      return make_error(ErrorKind::Malformed, "invalid type bound 0x" + hex_byte(bound), at);
    }
    return d;
  }
  default: return make_error(ErrorKind::Malformed, "invalid extern type 0x" + hex_byte(b), at);
  }
  WASMCAP_ASSIGN(d.index, r.read_u32());
  return d;
}

Result<Alias> read_alias(ByteReader& r) {
  Alias a;
  a.offset = r.offset();
  WASMCAP_ASSIGN(const SortIdx s, read_sort(r));
  a.sort = s.sort;
  a.core = s.core;
  const uint64_t at = r.offset();
  WASMCAP_ASSIGN(const uint8_t tag, r.read_u8());
  switch (tag) {
  case 0x00:
  case 0x01: {
    a.kind = tag == 0x00 ? Alias::Kind::Export : Alias::Kind::CoreExport;
    WASMCAP_ASSIGN(a.instance, r.read_u32());
    WASMCAP_ASSIGN(a.name, read_string(r));
    return a;
  }
  case 0x02: {
    a.kind = Alias::Kind::Outer;
    // Only types, core types, core modules and components can be aliased from outer scopes.
    const bool allowed =
        a.sort == Sort::Type || a.sort == Sort::Component ||
        (a.sort == Sort::Core && (a.core == CoreSort::Type || a.core == CoreSort::Module));
    if (!allowed) {
      return make_error(ErrorKind::Malformed,
                        std::string("invalid leading byte for component outer alias kind (") +
                            sort_name(a.sort, a.core) + ")",
                        a.offset);
    }
    WASMCAP_ASSIGN(a.count, r.read_u32());
    WASMCAP_ASSIGN(a.index, r.read_u32());
    return a;
  }
  default: break;
  }
  return make_error(ErrorKind::Malformed, "invalid alias target 0x" + hex_byte(tag), at);
}

std::string hex_byte(uint8_t b) {
  static const char* digits = "0123456789abcdef";
  return {digits[b >> 4], digits[b & 15]};
}

} // namespace wasmcap::component::detail
