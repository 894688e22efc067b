// component_seeds: writes the seed corpus of the component_decode_validate fuzz target. Reads
// .wast scripts (the component model's reference tests), encodes every component in them
// (`(component ...)` text, `(component binary ...)` and quoted forms), and writes each distinct
// binary of at most MAX_BYTES bytes to OUT_DIR/<fnv1a hash>.wasm, valid and invalid ones alike
// (invalid components are the interesting edges for the validator).
//   component_seeds OUT_DIR MAX_BYTES FILE.wast...
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <vector>

#include "text/wast_script.h"
#include "text/wat_parser.h"

namespace {

uint64_t fnv1a(const std::vector<uint8_t>& bytes) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (const uint8_t b : bytes) {
    h ^= b;
    h *= 0x100000001b3ull;
  }
  return h;
}

} // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: component_seeds OUT_DIR MAX_BYTES FILE.wast...\n");
    return 2;
  }
  const std::string out_dir = argv[1];
  const size_t max_bytes = std::strtoul(argv[2], nullptr, 10);
  std::set<uint64_t> seen;
  size_t written = 0, total = 0;
  for (int i = 3; i < argc; ++i) {
    std::ifstream in(argv[i], std::ios::binary);
    const std::string source((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
    auto script = wasmcap::text::parse_wast(source);
    if (!script) {
      std::fprintf(stderr, "%s: %s\n", argv[i], script.error().message.c_str());
      continue;
    }
    for (const auto& cmd : script->commands) {
      if (!cmd.module || !cmd.module->is_component) continue;
      std::vector<uint8_t> bytes = cmd.module->bytes;
      if (cmd.module->kind == wasmcap::text::ScriptModule::Kind::Quote) {
        auto encoded = wasmcap::text::parse_wat(cmd.module->quote);
        if (!encoded) continue;
        bytes = std::move(*encoded);
      }
      if (bytes.empty() || bytes.size() > max_bytes) continue;
      const uint64_t h = fnv1a(bytes);
      if (!seen.insert(h).second) continue;
      char name[32];
      std::snprintf(name, sizeof name, "%016llx.wasm", static_cast<unsigned long long>(h));
      std::ofstream out(out_dir + "/" + name, std::ios::binary);
      out.write(reinterpret_cast<const char*>(bytes.data()),
                static_cast<std::streamsize>(bytes.size()));
      ++written;
      total += bytes.size();
    }
  }
  std::printf("%zu seeds, %zu bytes\n", written, total);
  return 0;
}
