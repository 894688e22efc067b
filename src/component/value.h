// component::Val: the engine's name for the public ComponentValue (wasmcap/component_value.h),
// a component-level value.
#pragma once

#include "wasmcap/component_value.h"

namespace wasmcap::component {

using Val = wasmcap::ComponentValue;

} // namespace wasmcap::component
