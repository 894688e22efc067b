// A component's world in WIT's spelling, for `wasmcap inspect`: every import and export, with
// interfaces expanded into their types and functions.
#pragma once

#include <string>

#include "component/validate.h"

namespace wasmcap::component {

std::string world_to_wit(const ComponentInfo& info);

} // namespace wasmcap::component
