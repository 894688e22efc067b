// The Canonical ABI (CanonicalABI.md): how component values (Val) are lifted out of and lowered
// into a core instance's flat values and linear memory. Independent of the runtime: memory,
// realloc and handle tables come through AbiContext, which the instantiation code implements
// over a real instance (and tests over a plain buffer). Every guest mistake -- a pointer out of
// bounds or misaligned, an invalid code point, a bad discriminant, a handle that is not there --
// is a Trap error whose message names the rule, never undefined behaviour.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "component/ast.h"
#include "component/types.h"
#include "component/value.h"
#include "support/result.h"

namespace wasmcap::component {

class AbiContext {
public:
  virtual ~AbiContext() = default;

  CanonOptions::Encoding encoding = CanonOptions::Encoding::Utf8;

  // The whole linear memory of the `memory` option (empty without one). Fetched again after
  // every realloc, which may have grown it.
  virtual std::span<uint8_t> memory() = 0;
  // The `realloc` option: a Trap error when there is none or it traps.
  virtual support::Result<uint32_t> realloc(uint32_t old_ptr, uint32_t old_size, uint32_t align,
                                            uint32_t new_size) = 0;
  // Handles: `index` in the current instance's handle table <-> a resource representation.
  virtual support::Result<Val> lift_own(uint32_t index, const Type& handle) = 0;
  virtual support::Result<Val> lift_borrow(uint32_t index, const Type& handle) = 0;
  virtual support::Result<uint32_t> lower_own(const Val& v, const Type& handle) = 0;
  virtual support::Result<uint32_t> lower_borrow(const Val& v, const Type& handle) = 0;

  // What one lift may build on the host. Lists and strings may all point at the same bytes,
  // so a guest with a small memory could otherwise make the host build a value of any size
  // (a list of 100,000 strings of 1 MiB each, say): past this a lift traps.
  static constexpr uint64_t kMaxLiftedBytes = uint64_t{256} << 20;
  uint64_t lifted_bytes = 0;
  // Charges `n` bytes of lifted strings and list elements; a trap past kMaxLiftedBytes.
  support::Status charge(uint64_t n) {
    lifted_bytes += n;
    if (lifted_bytes > kMaxLiftedBytes) {
      return make_error(ErrorKind::Trap, "a lifted value is larger than 256 MiB");
    }
    return ok();
  }
};

uint32_t abi_alignment(const Type& t);
uint32_t abi_size(const Type& t);

support::Result<Val> abi_load(AbiContext& cx, const Type& t, uint32_t ptr);
support::Status abi_store(AbiContext& cx, const Type& t, const Val& v, uint32_t ptr);

// Flat values are raw bits: an i32 or f32 in the low 32 bits, an i64 or f64 in all 64. With that
// representation the ABI's coercions between a variant's joined types are bit-preserving.
support::Result<Val> abi_lift_flat(AbiContext& cx, const Type& t, std::span<const uint64_t> flat,
                                   size_t& pos);
support::Status abi_lower_flat(AbiContext& cx, const Type& t, const Val& v,
                               std::vector<uint64_t>& out);

// A call from core wasm into a lowered function (the guest calls its import): the arguments
// lifted from the core arguments (through memory when more than 16 flat values).
support::Result<std::vector<Val>> lift_call_args(AbiContext& cx, const Type& func,
                                                 std::span<const uint64_t> core_args);
// ... and its result lowered: into `core_results`, or (more than one flat value) stored at the
// return pointer, the last core argument.
support::Status lower_call_result(AbiContext& cx, const Type& func, const std::optional<Val>& r,
                                  std::span<const uint64_t> core_args,
                                  std::vector<uint64_t>& core_results);

// A call into a lifted function (the host or another component calls a component's export):
// the arguments lowered into core arguments (more than 16 flat values go into memory from
// realloc), and the result lifted from the core results (through the returned pointer when
// more than one flat value).
support::Result<std::vector<uint64_t>> lower_export_args(AbiContext& cx, const Type& func,
                                                         std::span<const Val> args);
support::Result<std::optional<Val>> lift_export_result(AbiContext& cx, const Type& func,
                                                       std::span<const uint64_t> core_results);

} // namespace wasmcap::component
