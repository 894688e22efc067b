// The WIT printer: the resolved model back to WIT text, in a stable form (declaration order;
// `use`s, then types, then functions; worlds' includes already merged; two-space indent; doc
// comments are gone). Printing, parsing and printing again gives the same text.
#pragma once

#include <string>

#include "wit/model.h"

namespace wasmcap::wit {

// One package: `package ns:name@version;`, its interfaces, then its worlds. Names from other
// packages are written fully qualified (`use wasi:io/streams@0.2.12.{input-stream};`).
std::string print_package(const Resolve& resolve, Id package);

// One world alone (as `wasmcap inspect` shows a component's world).
std::string print_world(const Resolve& resolve, Id world);

// A type as WIT writes it where `scope` (an interface or world) can name it.
std::string print_type(const Resolve& resolve, const Type& type, Owner scope);

} // namespace wasmcap::wit
