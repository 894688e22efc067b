// Building and reading component values in host functions: results, options, handles, and enum
// or variant cases chosen by their WIT name (looked up in the WIT-generated table, so a case's
// index is never a hand-copied number).
#pragma once

#include <string_view>

#include "component/value.h"
#include "wasi/p2/host.h"

namespace wasmcap::wasi::p2 {

inline Val ok_val() {
  return Val::make(Val::Kind::Result, 0);
}
inline Val ok_val(Val v) {
  return Val::with_payload(Val::Kind::Result, 0, {std::move(v)});
}
inline Val err_val(Val v) {
  return Val::with_payload(Val::Kind::Result, 1, {std::move(v)});
}
inline Val err_val() {
  return Val::make(Val::Kind::Result, 1);
}
inline Val none_val() {
  return Val::make(Val::Kind::Option, 0);
}
inline Val some_val(Val v) {
  return Val::with_payload(Val::Kind::Option, 1, {std::move(v)});
}
inline Val u64_val(uint64_t v) {
  return Val::make(Val::Kind::U64, v);
}
inline Val u32_val(uint32_t v) {
  return Val::make(Val::Kind::U32, v);
}
inline Val u8_val(uint8_t v) {
  return Val::make(Val::Kind::U8, v);
}
inline Val bool_val(bool b) {
  return Val::make(Val::Kind::Bool, b ? 1 : 0);
}
inline Val own_val(const HostResourceType& t, uint32_t rep) {
  Val v = Val::make(Val::Kind::Own, rep);
  v.resource = &t;
  return v;
}
inline Val record_val(std::vector<Val> fields) {
  Val v = Val::make(Val::Kind::Record);
  v.items = std::move(fields);
  return v;
}
inline Val tuple_val(std::vector<Val> members) {
  Val v = Val::make(Val::Kind::Tuple);
  v.items = std::move(members);
  return v;
}
inline Val list_val(std::vector<Val> items) {
  Val v = Val::make(Val::Kind::List);
  v.items = std::move(items);
  return v;
}
// A list<u8> from bytes (packed), and a list<u8> argument's bytes (packed or not).
Val bytes_val(std::span<const uint8_t> bytes);
std::string val_bytes(const Val& v);

// The case `case_name` of the enum or variant `type` ("wasi:filesystem/types.error-code";
// unversioned), by its position in the WIT. A missing name is a bug in the host, caught by the
// tests that run every host function.
uint32_t case_index(std::string_view type, std::string_view case_name);
// The name of case `index` of the enum or variant `type` (for messages).
std::string case_name(std::string_view type, uint32_t index);
inline Val enum_val(std::string_view type, std::string_view case_name) {
  return Val::make(Val::Kind::Enum, case_index(type, case_name));
}
inline Val variant_val(std::string_view type, std::string_view case_name) {
  return Val::make(Val::Kind::Variant, case_index(type, case_name));
}
inline Val variant_val(std::string_view type, std::string_view case_name, Val payload) {
  return Val::with_payload(Val::Kind::Variant, case_index(type, case_name), {std::move(payload)});
}

// Flags: bit i of a flags value is the i-th flag of the WIT type (looked up by name, like cases).
// An unknown flag gives 0 (a host bug, caught by the tests that use every flag).
inline uint64_t flag_bit(std::string_view type, std::string_view flag) {
  const uint32_t i = case_index(type, flag);
  return i < 64 ? uint64_t{1} << i : 0;
}
inline bool has_flag(const Val& flags, std::string_view type, std::string_view flag) {
  return (flags.bits & flag_bit(type, flag)) != 0;
}

// The representation of a handle argument (own or borrow) of the host's resource type `t`; a
// Trap error when the handle is of another type.
support::Result<uint32_t> handle_rep(const Val& v, const HostResourceType& t);
// The host object behind a handle argument of type `t` (a Trap error for a handle of another
// type or one the host never gave out).
template <class T>
support::Result<T*> handle_object(P2Ctx& cx, const Val& v, const HostResourceType& t) {
  WASMCAP_ASSIGN(const uint32_t rep, handle_rep(v, t));
  return cx.get_as<T>(rep, t);
}

} // namespace wasmcap::wasi::p2
