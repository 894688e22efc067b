// Writing one code-cache entry (a .cwasm), shared by CodeCache::load and the background compile
// of tiering (tier_up.cpp).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace wasmcap::detail {

// Writes `bytes` to `path` through a temporary file in the same directory and a rename, creating
// the directory first; readers never see a partial entry. Empty on success, else why not.
std::string write_cache_entry(const std::string& path, const std::vector<uint8_t>& bytes);

} // namespace wasmcap::detail
