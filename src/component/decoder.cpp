// The component binary's sections (Binary.md): preamble, then sections in any order and number,
// each flattened into Component::definitions in binary order. Nested components recurse with the
// same reader over their byte range, so every offset is one of the outermost binary.
#include "component/decoder.h"

#include <cstring>

#include "component/decode_reader.h"

namespace wasmcap::component {

using support::Result;
using namespace detail;

namespace {

constexpr uint8_t kPreamble[8] = {0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00};

Result<CanonOptions> read_canon_options(ByteReader& r) {
  CanonOptions o;
  WASMCAP_ASSIGN(const uint32_t n, read_count(r));
  for (uint32_t i = 0; i < n; ++i) {
    const uint64_t at = r.offset();
    WASMCAP_ASSIGN(const uint8_t op, r.read_u8());
    auto set_index = [&](std::optional<uint32_t>& slot, const char* what) -> Status {
      if (slot) return make_error(ErrorKind::Invalid, std::string("duplicate ") + what, at);
      WASMCAP_ASSIGN(const uint32_t idx, r.read_u32());
      slot = idx;
      return ok();
    };
    switch (op) {
    case 0x00:
    case 0x01:
    case 0x02:
      if (o.encoding_set) {
        return make_error(ErrorKind::Invalid, "canonical encoding option conflicts", at);
      }
      o.encoding_set = true;
      o.encoding = static_cast<CanonOptions::Encoding>(op);
      break;
    case 0x03: WASMCAP_TRY(set_index(o.memory, "memory option")); break;
    case 0x04: WASMCAP_TRY(set_index(o.realloc, "realloc option")); break;
    case 0x05: WASMCAP_TRY(set_index(o.post_return, "post-return option")); break;
    case 0x06:
      if (o.async) return make_error(ErrorKind::Invalid, "duplicate async option", at);
      o.async = true;
      break;
    case 0x07: WASMCAP_TRY(set_index(o.callback, "callback option")); break;
    default:
      return make_error(ErrorKind::Malformed, "invalid canonical option 0x" + hex_byte(op), at);
    }
  }
  return o;
}

// The immediates of the async, thread and error-context built-ins, read so the section can be
// decoded; validation refuses them (they are WASI 0.3's), naming the definition.
Status skip_builtin(ByteReader& r, uint8_t op) {
  auto u32 = [&]() -> Status {
    auto v = r.read_u32();
    if (!v) return std::move(v).error();
    return ok();
  };
  auto byte = [&]() -> Status {
    auto b = r.read_u8();
    if (!b) return std::move(b).error();
    return ok();
  };
  // async?, cancel? and sh?: 0x00 or 0x01
  auto flag = [&]() -> Status {
    const uint64_t at = r.offset();
    WASMCAP_ASSIGN(const uint8_t b, r.read_u8());
    if (b > 0x01) return make_error(ErrorKind::Malformed, "invalid boolean value", at);
    return ok();
  };
  switch (op) {
  case 0x24:
  case 0x25:
  case 0x05:
  case 0x0d:
  case 0x1e:
  case 0x1f:
  case 0x22:
  case 0x23:
  case 0x26:
  case 0x28: return ok();
  case 0x09: {
    // rs:<resultlist>: 0x00 and a value type, or 0x01 0x00 (no result), as in a functype
    const uint64_t at = r.offset();
    WASMCAP_ASSIGN(const uint8_t tag, r.read_u8());
    if (tag == 0x00) {
      WASMCAP_TRY(read_valtype(r));
    } else {
      WASMCAP_ASSIGN(const uint8_t zero, r.read_u8());
      if (tag != 0x01 || zero != 0x00)
        return make_error(ErrorKind::Malformed, "invalid result list", at);
    }
    auto o = read_canon_options(r);
    return o ? ok() : Status(std::move(o).error());
  }
  case 0x0a:
  case 0x0b: {
    WASMCAP_TRY(byte());
    return u32();
  }
  case 0x06:
  case 0x0c:
  case 0x29:
  case 0x2a:
  case 0x2b:
  case 0x2c:
  case 0x2d:
  case 0x42: return flag();
  case 0x0e:
  case 0x13:
  case 0x14:
  case 0x15:
  case 0x1a:
  case 0x1b: return u32();
  case 0x0f:
  case 0x10:
  case 0x16:
  case 0x17: {
    WASMCAP_TRY(u32());
    auto o = read_canon_options(r);
    return o ? ok() : Status(std::move(o).error());
  }
  case 0x11:
  case 0x12:
  case 0x18:
  case 0x19: {
    WASMCAP_TRY(u32());
    return flag();
  }
  case 0x1c:
  case 0x1d: {
    auto o = read_canon_options(r);
    return o ? ok() : Status(std::move(o).error());
  }
  case 0x20:
  case 0x21:
  case 0x27: {
    WASMCAP_TRY(op == 0x27 ? u32() : flag());
    return u32();
  }
  case 0x40: {
    WASMCAP_TRY(flag());
    return u32();
  }
  case 0x41: {
    WASMCAP_TRY(flag());
    WASMCAP_TRY(u32());
    return u32();
  }
  default: break;
  }
  return r.error("invalid canonical function opcode 0x" + hex_byte(op));
}

Result<Canon> read_canon(ByteReader& r) {
  Canon c;
  const uint64_t at = r.offset();
  WASMCAP_ASSIGN(c.opcode, r.read_u8());
  auto func_sort = [&]() -> Status {
    const uint64_t sat = r.offset();
    WASMCAP_ASSIGN(const uint8_t s, r.read_u8());
    if (s != 0x00) return make_error(ErrorKind::Malformed, "invalid canonical function sort", sat);
    return ok();
  };
  switch (c.opcode) {
  case 0x00: {
    c.kind = Canon::Kind::Lift;
    WASMCAP_TRY(func_sort());
    WASMCAP_ASSIGN(c.func, r.read_u32());
    WASMCAP_ASSIGN(c.options, read_canon_options(r));
    WASMCAP_ASSIGN(c.type, r.read_u32());
    return c;
  }
  case 0x01: {
    c.kind = Canon::Kind::Lower;
    WASMCAP_TRY(func_sort());
    WASMCAP_ASSIGN(c.func, r.read_u32());
    WASMCAP_ASSIGN(c.options, read_canon_options(r));
    return c;
  }
  case 0x02:
  case 0x03:
  case 0x04: {
    c.kind = c.opcode == 0x02   ? Canon::Kind::ResourceNew
             : c.opcode == 0x03 ? Canon::Kind::ResourceDrop
                                : Canon::Kind::ResourceRep;
    WASMCAP_ASSIGN(c.type, r.read_u32());
    return c;
  }
  default: break;
  }
  c.kind = Canon::Kind::Other;
  if (auto s = skip_builtin(r, c.opcode); !s) {
    Error e = std::move(s).error();
    if (e.where.offset == Location::kNone) e.where.offset = at;
    return e;
  }
  return c;
}

Result<CoreInstance> read_core_instance(ByteReader& r) {
  CoreInstance ci;
  const uint64_t at = r.offset();
  WASMCAP_ASSIGN(const uint8_t tag, r.read_u8());
  if (tag == 0x00) {
    WASMCAP_ASSIGN(ci.module, r.read_u32());
    WASMCAP_ASSIGN(const uint32_t n, read_count(r));
    for (uint32_t i = 0; i < n; ++i) {
      CoreInstance::Arg a;
      WASMCAP_ASSIGN(a.name, read_string(r));
      const uint64_t sat = r.offset();
      WASMCAP_ASSIGN(const uint8_t sort, r.read_u8());
      if (sort != 0x12) {
        return make_error(ErrorKind::Malformed, "core instantiation argument is not an instance",
                          sat);
      }
      WASMCAP_ASSIGN(a.instance, r.read_u32());
      ci.args.push_back(std::move(a));
    }
    return ci;
  }
  if (tag != 0x01) {
    return make_error(ErrorKind::Malformed, "invalid core instance 0x" + hex_byte(tag), at);
  }
  ci.instantiate = false;
  WASMCAP_ASSIGN(const uint32_t n, read_count(r));
  for (uint32_t i = 0; i < n; ++i) {
    CoreInstance::Export e;
    WASMCAP_ASSIGN(e.name, read_string(r));
    WASMCAP_ASSIGN(e.sort, read_core_sort(r));
    WASMCAP_ASSIGN(e.index, r.read_u32());
    ci.exports.push_back(std::move(e));
  }
  return ci;
}

Result<Instance> read_instance(ByteReader& r) {
  Instance in;
  const uint64_t at = r.offset();
  WASMCAP_ASSIGN(const uint8_t tag, r.read_u8());
  if (tag == 0x00) {
    WASMCAP_ASSIGN(in.component, r.read_u32());
    WASMCAP_ASSIGN(const uint32_t n, read_count(r));
    for (uint32_t i = 0; i < n; ++i) {
      Instance::Arg a;
      WASMCAP_ASSIGN(a.name, read_string(r));
      WASMCAP_ASSIGN(a.item, read_sort_idx(r));
      in.args.push_back(std::move(a));
    }
    return in;
  }
  if (tag != 0x01)
    return make_error(ErrorKind::Malformed, "invalid instance 0x" + hex_byte(tag), at);
  in.instantiate = false;
  WASMCAP_ASSIGN(const uint32_t n, read_count(r));
  for (uint32_t i = 0; i < n; ++i) {
    Instance::Export e;
    WASMCAP_ASSIGN(e.name, read_extern_name(r));
    WASMCAP_ASSIGN(e.item, read_sort_idx(r));
    in.exports.push_back(std::move(e));
  }
  return in;
}

Result<Export> read_export(ByteReader& r) {
  Export e;
  WASMCAP_ASSIGN(e.name, read_extern_name(r));
  WASMCAP_ASSIGN(e.item, read_sort_idx(r));
  const uint64_t at = r.offset();
  WASMCAP_ASSIGN(const uint8_t has_type, r.read_u8());
  if (has_type == 0x01) {
    WASMCAP_ASSIGN(ExternDesc d, read_extern_desc(r));
    e.desc = d;
  } else if (has_type != 0x00) {
    return make_error(ErrorKind::Malformed, "invalid export type annotation", at);
  }
  return e;
}

Result<Component> decode_at(std::span<const uint8_t> bytes, uint64_t base, int depth);

// A vector section: reads `count` items with `read_one`, each becoming a definition.
template <class F> Status read_vec_section(ByteReader& r, Component& c, F&& read_one) {
  WASMCAP_ASSIGN(const uint32_t n, read_count(r));
  for (uint32_t i = 0; i < n; ++i) {
    Definition d;
    d.offset = r.offset();
    WASMCAP_TRY(read_one(d));
    c.definitions.push_back(std::move(d));
  }
  return ok();
}

Status read_section(ByteReader& r, uint8_t id, Component& c, int depth) {
  using K = Definition::Kind;
  switch (id) {
  case 1: {
    Definition d;
    d.kind = K::CoreModule;
    d.offset = r.offset();
    d.core_module = {r.offset(), static_cast<uint32_t>(r.remaining())};
    WASMCAP_TRY(r.skip(r.remaining()));
    c.definitions.push_back(std::move(d));
    return ok();
  }
  case 2: {
    return read_vec_section(r, c, [&](Definition& d) -> Status {
      d.kind = K::CoreInstance;
      WASMCAP_ASSIGN(d.core_instance, read_core_instance(r));
      return ok();
    });
  }
  case 3: {
    return read_vec_section(r, c, [&](Definition& d) -> Status {
      d.kind = K::CoreType;
      WASMCAP_ASSIGN(d.core_type, read_core_type(r, depth));
      return ok();
    });
  }
  case 4: {
    Definition d;
    d.kind = K::Component;
    d.offset = r.offset();
    WASMCAP_ASSIGN(auto bytes, r.read_bytes(r.remaining()));
    WASMCAP_ASSIGN(Component nested, decode_at(bytes, d.offset, depth + 1));
    d.component = std::make_shared<Component>(std::move(nested));
    c.definitions.push_back(std::move(d));
    return ok();
  }
  case 5: {
    return read_vec_section(r, c, [&](Definition& d) -> Status {
      d.kind = K::Instance;
      WASMCAP_ASSIGN(d.instance, read_instance(r));
      return ok();
    });
  }
  case 6: {
    return read_vec_section(r, c, [&](Definition& d) -> Status {
      d.kind = K::Alias;
      WASMCAP_ASSIGN(d.alias, read_alias(r));
      return ok();
    });
  }
  case 7: {
    return read_vec_section(r, c, [&](Definition& d) -> Status {
      d.kind = K::Type;
      WASMCAP_ASSIGN(d.type, read_type(r, depth));
      return ok();
    });
  }
  case 8: {
    return read_vec_section(r, c, [&](Definition& d) -> Status {
      d.kind = K::Canon;
      WASMCAP_ASSIGN(d.canon, read_canon(r));
      return ok();
    });
  }
  case 9: {
    Definition d;
    d.kind = K::Start;
    d.offset = r.offset();
    WASMCAP_ASSIGN(d.start.func, r.read_u32());
    WASMCAP_ASSIGN(const uint32_t n, read_count(r));
    for (uint32_t i = 0; i < n; ++i) {
      WASMCAP_ASSIGN(const uint32_t v, r.read_u32());
      d.start.args.push_back(v);
    }
    WASMCAP_ASSIGN(d.start.results, r.read_u32());
    c.definitions.push_back(std::move(d));
    return ok();
  }
  case 10: {
    return read_vec_section(r, c, [&](Definition& d) -> Status {
      d.kind = K::Import;
      WASMCAP_ASSIGN(d.import.name, read_extern_name(r));
      WASMCAP_ASSIGN(d.import.desc, read_extern_desc(r));
      return ok();
    });
  }
  case 11: {
    return read_vec_section(r, c, [&](Definition& d) -> Status {
      d.kind = K::Export;
      WASMCAP_ASSIGN(d.export_, read_export(r));
      return ok();
    });
  }
  case 12: {
    return read_vec_section(r, c, [&](Definition& d) -> Status {
      d.kind = K::Value; // 🪙 value definitions: decoded, refused by validation
      WASMCAP_ASSIGN(const ValTypeRef t, read_valtype(r));
      (void)t;
      WASMCAP_ASSIGN(const uint32_t len, r.read_u32());
      return r.skip(len);
    });
  }
  default: break;
  }
  return r.error("malformed section id " + std::to_string(id));
}

Result<Component> decode_at(std::span<const uint8_t> bytes, uint64_t base, int depth) {
  if (depth > kMaxNesting) {
    return make_error(ErrorKind::Malformed, "components nested too deeply", base);
  }
  ByteReader r(bytes, base);
  Component c;
  c.offset = base;
  WASMCAP_ASSIGN(auto magic, r.read_bytes(4));
  if (std::memcmp(magic.data(), kPreamble, 4) != 0) {
    return make_error(ErrorKind::Malformed, "magic header not detected", base);
  }
  WASMCAP_ASSIGN(auto version, r.read_bytes(4));
  if (std::memcmp(version.data(), kPreamble + 4, 4) != 0) {
    return make_error(ErrorKind::Malformed, "unknown binary version or layer", base + 4);
  }
  while (!r.at_end()) {
    WASMCAP_ASSIGN(const uint8_t id, r.read_u8());
    WASMCAP_ASSIGN(const uint32_t size, r.read_u32());
    const uint64_t payload_at = r.offset();
    WASMCAP_ASSIGN(auto payload, r.read_bytes(size));
    ByteReader pr(payload, payload_at);
    if (id == 0) {
      WASMCAP_ASSIGN(std::string name, pr.read_name());
      c.custom_sections.push_back(std::move(name));
      continue;
    }
    WASMCAP_TRY(read_section(pr, id, c, depth));
    if (!pr.at_end()) return pr.error("section size mismatch");
  }
  return c;
}

} // namespace

bool is_component(std::span<const uint8_t> bytes) {
  return bytes.size() >= 8 && std::memcmp(bytes.data(), kPreamble, 8) == 0;
}

Result<Component> decode_component(std::span<const uint8_t> bytes) {
  return decode_at(bytes, 0, 0);
}

} // namespace wasmcap::component
