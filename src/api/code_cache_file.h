// Writing one code-cache entry (a .cwasm), shared by CodeCache::load and the background compile
// of tiering (tier_up.cpp), and keeping the directory under its size limit (code_cache_trim.cpp).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace wasmcap::detail {

// Writes `bytes` to `path` through a temporary file in the same directory and a rename, creating
// the directory first; readers never see a partial entry. Empty on success, else why not.
// Then trims the directory (trim_cache_directory with cache_max_bytes()), keeping `path`.
std::string write_cache_entry(const std::string& path, const std::vector<uint8_t>& bytes);

// The cache's size limit: 1 GiB, or $WASMCAP_CACHE_MAX_MB MiB (0: none).
uint64_t cache_max_bytes();
// Records that the entry at `path` was used (its mtime is the least-recently-used order).
void mark_cache_entry_used(const std::string& path);
// Deletes the least recently used .cwasm entries of `dir` (never `keep`) until they take at most
// three quarters of `max_bytes`, if they take more than `max_bytes`; and temporary files a
// crashed writer left over an hour ago. Other files are never touched.
void trim_cache_directory(const std::string& dir, uint64_t max_bytes, const std::string& keep);

} // namespace wasmcap::detail
