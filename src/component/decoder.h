// decode_component: the component binary format (Binary.md, layer 1, version 0x0d) ->
// component::Component. Like binary::decode_module it checks what the format itself requires
// and reports Malformed errors with byte offsets; typing rules are the validator's job.
#pragma once

#include <cstdint>
#include <span>

#include "component/ast.h"
#include "support/result.h"

namespace wasmcap::component {

// True when `bytes` start with a component's preamble (magic, version 0x0d, layer 1). A core
// module has layer 0, so the eight bytes tell the two apart.
bool is_component(std::span<const uint8_t> bytes);

// Decodes a whole component, nested components included. `bytes` must outlive the result
// (nested core modules are offsets into it).
support::Result<Component> decode_component(std::span<const uint8_t> bytes);

} // namespace wasmcap::component
