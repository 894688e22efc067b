// The capability group of each WASI 0.2 function, by interface and function name: the 0.2 face
// of the one group table (function_info.cpp is preview1's), so inspect, policies and the audit
// log speak of a component's authority in the same nine groups as a module's.
#pragma once

#include <optional>
#include <string_view>

#include "wasmcap/capability_group.h"

namespace wasmcap::wasi {

// `interface` is an import name such as "wasi:filesystem/types@0.2.12" (any 0.2.x version);
// `function` a component-model function name such as "[method]descriptor.write". Returns no
// group for functions that need no authority (wasi:io's streams and polls) and for anything
// that is not a WASI interface.
std::optional<CapabilityGroup> p2_capability_group(std::string_view interface,
                                                   std::string_view function);

} // namespace wasmcap::wasi
