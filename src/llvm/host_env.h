// The host process's environment, as the plugin must read it (host_env.cpp says why).
#pragma once

namespace wasmcap::llvm_tier {

// getenv of the host's C library: what the host's own getenv would return now.
const char* host_getenv(const char* name);

} // namespace wasmcap::llvm_tier
