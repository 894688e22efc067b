// Type signatures: a compact, context-free text for a resolved type, used by the generated WASI
// table (wit/wasi_table.h) and anywhere a type must be compared or shown without its scope.
//
//   sig   ::= prim | 'list<' sig '>' | 'list<' sig ',' N '>' | 'option<' sig '>'
//           | 'result' | 'result<' sig '>' | 'result<_,' sig '>' | 'result<' sig ',' sig '>'
//           | 'tuple<' sig (',' sig)* '>' | 'map<' sig ',' sig '>'
//           | 'future' | 'future<' sig '>' | 'stream' | 'stream<' sig '>'
//           | 'own<' qname '>' | 'borrow<' qname '>' | qname
//   prim  ::= 'bool' | 's8' | 'u8' | 's16' | 'u16' | 's32' | 'u32' | 's64' | 'u64'
//           | 'f32' | 'f64' | 'char' | 'string'
//   qname ::= ns ':' pkg '/' interface ('@' version)? '.' name
//
// No spaces. Aliases are replaced by what they stand for (`instant` is `u64`); records, variants,
// enums and flags stay named by their defining interface (`wasi:filesystem/types@0.2.12.
// error-code`); a resource appears only inside own<> or borrow<>, so a handle always says which
// interface's resource it is.
#pragma once

#include <string>

#include "wit/model.h"

namespace wasmcap::wit {

std::string type_signature(const Resolve& resolve, const Type& type);

} // namespace wasmcap::wit
