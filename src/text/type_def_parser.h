// Type definitions in the text format (WebAssembly 3.0): `(type $t? subtype)` and
// `(rec (type ...)*)`, where a sub type is a composite type (`(func ...)`, `(struct (field ...)*)`,
// `(array fieldtype)`) or `(sub final? $super? composite)`.
#pragma once

#include "support/result.h"
#include "text/module_builder.h"
#include "text/sexpr.h"

namespace wasmcap::text {

// Appends the types of one `type` or `rec` module field to m.type_defs and m.subtypes (their
// $names were bound before, so types may name themselves and later ones).
support::Status parse_type_field(ModuleBuilder& m, const Sexpr& field);

} // namespace wasmcap::text
