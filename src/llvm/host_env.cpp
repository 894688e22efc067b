// The plugin runs in a link-map namespace of its own (tier_loader.cpp), with its own copy of the C
// library. That copy's environment is the one the process had when the plugin was loaded:
// variables the host set or changed later (a test's setenv, an embedder configuring a hook) are
// not in it. The plugin's few environment hooks therefore ask the host's C library, found in the
// base namespace; where there is none to find (the plugin was loaded with plain dlopen, in the
// base namespace itself), the local getenv is the host's.
#include "llvm/host_env.h"

#include <dlfcn.h>

#include <cstdlib>

namespace wasmcap::llvm_tier {

namespace {

using Getenv = char* (*)(const char*);

Getenv find_host_getenv() {
  if (void* libc = dlmopen(LM_ID_BASE, "libc.so.6", RTLD_LAZY | RTLD_NOLOAD)) {
    if (void* sym = dlsym(libc, "getenv")) return reinterpret_cast<Getenv>(sym);
  }
  return &std::getenv;
}

} // namespace

const char* host_getenv(const char* name) {
  static const Getenv host = find_host_getenv();
  return host(name);
}

} // namespace wasmcap::llvm_tier
