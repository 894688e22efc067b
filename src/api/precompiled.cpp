// Module::precompile / deserialize / is_precompiled: the public door to the LLVM tier's AOT
// (src/llvm/aot.h). Without the tier (WASMCAP_LLVM=OFF) precompile and deserialize say so.
#include <cstring>

#include "api/mapped_file.h"
#include "api/module_data.h"
#include "api/tier_choice.h"
#include "binary/decoder.h"
#include "text/wat_parser.h"
#include "validate/features.h"
#include "wasmcap/module.h"

#ifdef WASMCAP_HAVE_LLVM_TIER
#include "llvm/aot.h"
#endif

namespace wasmcap {

Result<std::vector<uint8_t>> Module::precompile(const Engine& engine,
                                                std::span<const uint8_t> bytes) {
#ifdef WASMCAP_HAVE_LLVM_TIER
  std::vector<uint8_t> binary;
  if (!detail::has_wasm_magic(bytes)) {
    auto parsed = text::parse_wat(
        std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
    if (!parsed) return parsed.error();
    binary = std::move(parsed).value();
    bytes = binary;
  }
  auto decoded = binary::decode_module(bytes, detail::decode_options_for(engine.config()));
  if (!decoded) return decoded.error();
  detail::ProgressReporting progress(engine.config(), decoded->functions.size());
  // Guard pages as the engine would use them (recorded in the file, and in the cache's key).
  // Checks as the engine would compile them (recorded in the file, and in the cache's key).
  return llvm_tier::precompile(*decoded, detail::features_for(engine.config()),
                               detail::guard_pages_allowed(engine.config()),
                               detail::checks_for(engine.config()));
#else
  (void)engine;
  (void)bytes;
  return make_error(ErrorKind::Usage,
                    "this wasmcap was built without the LLVM tier (WASMCAP_LLVM=OFF)");
#endif
}

Result<Module> Module::deserialize(const Engine& engine, std::span<const uint8_t> cwasm) {
#ifdef WASMCAP_HAVE_LLVM_TIER
  const Config& config = engine.config();
  auto loaded =
      llvm_tier::load_precompiled(cwasm, detail::features_for(config),
                                  detail::guard_pages_allowed(config), detail::checks_for(config));
  if (!loaded) return loaded.error();
  auto data = std::make_shared<detail::ModuleData>();
  data->module = std::move(loaded->module);
  data->code = std::move(loaded->code);
  return Module(std::move(data));
#else
  (void)engine;
  (void)cwasm;
  return make_error(ErrorKind::Usage,
                    "this wasmcap was built without the LLVM tier (WASMCAP_LLVM=OFF)");
#endif
}

Result<Module> Module::deserialize_file(const Engine& engine, const std::string& path) {
  const detail::MappedFile file(path);
  if (!file.ok()) {
    return make_error(ErrorKind::Io, "cannot read " + path + ": " + std::strerror(file.error()));
  }
  return deserialize(engine, file.bytes());
}

bool Module::is_precompiled(std::span<const uint8_t> bytes) {
  static constexpr uint8_t kCwasmMagic[8] = {0x00, 'c', 'w', 'a', 's', 'm', '\r', '\n'};
  return bytes.size() >= 8 && std::memcmp(bytes.data(), kCwasmMagic, 8) == 0;
}

} // namespace wasmcap
