// Capability groups: WASI's functions in nine human-sized kinds of authority (args, env, clock,
// random, stdio, fs-read, fs-write, net, proc), and a set of them. Standard-library only, so
// src/wasi and the public API share it like error.h (docs/security.md lists each group's
// functions).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace wasmcap {

enum class CapabilityGroup : uint8_t {
  Args,
  Env,
  Clock,
  Random,
  Stdio,
  FsRead,
  FsWrite,
  Net,
  Proc
};
constexpr size_t kCapabilityGroupCount = 9;

struct CapabilityGroupName {
  std::string_view name;        // the policy spelling: "fs-read"
  std::string_view description; // what a person reads: "read files"
};
inline constexpr std::array<CapabilityGroupName, kCapabilityGroupCount> kCapabilityGroupNames = {{
    {"args", "read its arguments"},
    {"env", "read environment variables"},
    {"clock", "read the clock"},
    {"random", "get random bytes"},
    {"stdio", "use stdin/stdout/stderr"},
    {"fs-read", "read files"},
    {"fs-write", "write files"},
    {"net", "use network sockets"},
    {"proc", "exit with a status code"},
}};

constexpr std::string_view capability_group_name(CapabilityGroup g) {
  return kCapabilityGroupNames[static_cast<size_t>(g)].name;
}
constexpr std::string_view capability_group_description(CapabilityGroup g) {
  return kCapabilityGroupNames[static_cast<size_t>(g)].description;
}
constexpr std::optional<CapabilityGroup> parse_capability_group(std::string_view name) {
  for (size_t i = 0; i < kCapabilityGroupCount; ++i) {
    if (kCapabilityGroupNames[i].name == name) return static_cast<CapabilityGroup>(i);
  }
  return std::nullopt;
}

// A set of groups, one bit each. The default-constructed set is empty; all() is every group.
class CapabilitySet {
public:
  constexpr CapabilitySet() = default;
  static constexpr CapabilitySet all() { return CapabilitySet((1u << kCapabilityGroupCount) - 1); }

  constexpr bool has(CapabilityGroup g) const { return (bits_ >> static_cast<unsigned>(g)) & 1u; }
  constexpr void add(CapabilityGroup g) { bits_ |= 1u << static_cast<unsigned>(g); }
  constexpr void remove(CapabilityGroup g) { bits_ &= ~(1u << static_cast<unsigned>(g)); }
  constexpr bool empty() const { return bits_ == 0; }
  constexpr bool is_all() const { return bits_ == all().bits_; }
  constexpr uint16_t bits() const { return bits_; }
  friend constexpr bool operator==(CapabilitySet, CapabilitySet) = default;

private:
  constexpr explicit CapabilitySet(uint16_t bits) : bits_(bits) {}
  uint16_t bits_ = 0;
};

} // namespace wasmcap
