// ComponentValue: a component-level value -- what crosses between a component and its host (or
// another component): the Canonical ABI lifts core values and memory into these and lowers them
// back. One plain tree type for every WIT value type (bool, integers, floats, char, string,
// list, record, tuple, variant, enum, option, result, flags, own/borrow handles, map). Standard
// library only: the public API and the engine share it (the engine as component::Val).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace wasmcap {

struct ComponentValue {
  enum class Kind : uint8_t {
    Bool,
    S8,
    U8,
    S16,
    U16,
    S32,
    U32,
    S64,
    U64,
    F32,
    F64,
    Char,
    String,
    List,
    Record,
    Tuple,
    Variant,
    Enum,
    Option,
    Result,
    Flags,
    Own,
    Borrow,
    // map<k, v>: `items` are its entries in order, each a two-member Tuple (key, value). Keys
    // may repeat: the Canonical ABI carries a map as the list of its entries.
    Map,
  };
  // How a string was encoded where it came from, so storing it elsewhere follows the Canonical
  // ABI's transcoding steps exactly (their realloc calls are observable by the guest).
  // Latin1 and Utf16Tagged come from a latin1+utf16 memory; plain Utf16 from a utf16 one.
  enum class Encoding : uint8_t { Utf8, Utf16, Latin1, Utf16Tagged };

  Kind kind = Kind::Bool;
  uint64_t bits = 0; // integers (sign-extended for s*), bool, char (a code point), f32/f64 bits,
                     // Variant/Enum case index, Option (0 none, 1 some), Result (0 ok, 1 error),
                     // Flags (bit i = label i), Own/Borrow: the resource's representation
  std::string str;   // String, always UTF-8 here
  Encoding str_encoding = Encoding::Utf8; // String: where it came from
  uint32_t str_units = 0;                 // String: its length in that encoding's code units
  std::vector<ComponentValue>
      items; // List/Record/Tuple members, Map entries; Variant/Option/Result payload (0 or 1)
  // A list<u8> may be packed: its bytes in `str`, `items` empty. Lifting makes byte lists
  // packed (stream writes and reads are list<u8>: one value per byte would cost ~40x the copy).
  bool packed_bytes = false;
  const void* resource = nullptr; // Own/Borrow: the runtime resource type (identity only)

  static ComponentValue make(Kind k, uint64_t b = 0) {
    ComponentValue v;
    v.kind = k;
    v.bits = b;
    return v;
  }
  static ComponentValue string(std::string s) {
    ComponentValue v;
    v.kind = Kind::String;
    v.str_units = static_cast<uint32_t>(s.size());
    v.str = std::move(s);
    return v;
  }
  static ComponentValue bytes(std::string b) {
    ComponentValue v;
    v.kind = Kind::List;
    v.packed_bytes = true;
    v.str = std::move(b);
    return v;
  }
  // A handle to a resource, by its representation: what a host function returns for a host
  // resource it made (ComponentLinker::define_resource), or passes back to the guest.
  static ComponentValue own(uint32_t rep) { return make(Kind::Own, rep); }
  static ComponentValue borrow(uint32_t rep) { return make(Kind::Borrow, rep); }
  size_t list_size() const { return packed_bytes ? str.size() : items.size(); }
  static ComponentValue with_payload(Kind k, uint64_t index, std::vector<ComponentValue> payload) {
    ComponentValue v = make(k, index);
    v.items = std::move(payload);
    return v;
  }

  int64_t s() const { return static_cast<int64_t>(bits); }
  uint64_t u() const { return bits; }
  bool has_payload() const { return !items.empty(); }
  const ComponentValue& payload() const { return items.front(); }
};

} // namespace wasmcap
