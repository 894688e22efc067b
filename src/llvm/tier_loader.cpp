// Finding and loading the LLVM tier plugin: the candidate paths, dlmopen into a link-map
// namespace of its own (below: why), the one exported entry point and its ABI version check.
#include "llvm/tier_loader.h"

#include <dlfcn.h>
#include <unistd.h>

#include <cstdlib>
#include <vector>

namespace wasmcap::llvm_tier {

namespace {

std::string directory_of(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? std::string(".") : path.substr(0, slash);
}

std::vector<std::string> candidates() {
  if (const char* env = std::getenv("WASMCAP_LLVM_TIER"); env != nullptr && *env != '\0') {
    return {env}; // an explicit choice is never second-guessed
  }
  std::vector<std::string> paths;
  auto add = [&](std::string p) {
    for (const std::string& q : paths)
      if (q == p) return;
    paths.push_back(std::move(p));
  };
  // An installed CLI: <prefix>/bin/wasmcap -> <prefix>/lib/wasmcap/.
  char exe[4096];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n > 0) {
    exe[n] = '\0';
    add(directory_of(exe) + "/" WASMCAP_LLVM_TIER_FROM_BINDIR);
  }
  // libwasmcap inside a shared object of an embedder's: <lib>/wasmcap/ beside it.
  Dl_info info;
  if (dladdr(reinterpret_cast<void*>(&load_tier), &info) != 0 && info.dli_fname != nullptr &&
      info.dli_fname[0] == '/') {
    std::string self = info.dli_fname;
    if (n <= 0 || self != exe) add(directory_of(self) + "/wasmcap/" WASMCAP_LLVM_TIER_NAME);
  }
#ifdef WASMCAP_LLVM_TIER_BUILD_PATH
  add(WASMCAP_LLVM_TIER_BUILD_PATH); // tests and the CLI run from the build tree
#endif
  add(WASMCAP_LLVM_TIER_INSTALL_PATH); // embedders linking the installed libwasmcap.a
  return paths;
}

// The plugin, libLLVM and their C and C++ runtimes go into a new link-map namespace, so that
// their static destructors (libLLVM has many, and registers more while it compiles: function-local
// statics) are not on the process's atexit list, which exit() runs first, in reverse order of
// registration. There they could run before tier-up's wait for a background compile (registered
// before the load) while the compile still used them: a crash or a hang at exit (docs/tiering.md,
// "Process exit"). A namespace's destructors run from _dl_fini, after every atexit handler. The
// ABI was made for this: nothing but plain data and C function pointers crosses (tier_abi.h).
// Where dlmopen cannot load it (a sanitizer build's plugin needs the sanitizer runtime of the
// main namespace), plain dlopen, whose exit order is the old one.
void* open_plugin(const std::string& path) {
  if (void* handle = dlmopen(LM_ID_NEWLM, path.c_str(), RTLD_NOW | RTLD_LOCAL)) return handle;
  return dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
}

LoadedTier load() {
  LoadedTier out;
  std::string tried;
  for (std::string path : candidates()) {
    if (!tried.empty()) tried += "; ";
    if (access(path.c_str(), F_OK) != 0) {
      tried += path + " (not found)";
      continue;
    }
    // Named without "bin/../" in messages and in the loader's own list.
    if (char* real = realpath(path.c_str(), nullptr)) {
      path = real;
      std::free(real);
    }
    void* handle = open_plugin(path);
    if (handle == nullptr) {
      const char* why = dlerror();
      tried += path + " (" + (why ? why : "dlopen failed") + ")";
      continue;
    }
    using Entry = const TierV1* (*)();
    auto entry = reinterpret_cast<Entry>(dlsym(handle, kTierEntrySymbol));
    const TierV1* tier = entry ? entry() : nullptr;
    if (tier == nullptr) {
      tried += path + " (no " + kTierEntrySymbol + ")";
      dlclose(handle);
      continue;
    }
    if (tier->abi_version != kTierAbiVersion || tier->size < sizeof(TierV1)) {
      tried += path + " (plugin ABI version " + std::to_string(tier->abi_version) + ", expected " +
               std::to_string(kTierAbiVersion) + ")";
      dlclose(handle);
      continue;
    }
    out.tier = tier; // never dlclosed: every JitModule's code lives in it
    return out;
  }
  out.failure = "the LLVM tier could not be loaded; tried: " + tried;
  return out;
}

} // namespace

const LoadedTier& load_tier() {
  static const LoadedTier loaded = load();
  return loaded;
}

} // namespace wasmcap::llvm_tier
