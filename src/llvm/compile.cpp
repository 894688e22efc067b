// compile() in the host: loads the plugin on first use, hands it the module's bytes with the
// host's layout and helper addresses, and wraps the machine code it returns in a JitModule. The
// plugin reports errors through a callback, so they are rebuilt here as the host's own values.
#include "llvm/compile.h"

#include <cstdlib>
#include <string>

#include "llvm/aot.h"
#include "llvm/jit_module.h"
#include "llvm/tier_loader.h"

namespace wasmcap::llvm_tier {

namespace {

constexpr const char* kUnavailablePrefix = "the llvm tier is not available: ";

void report_error(void* sink, const PluginError* e) noexcept {
  auto* error = static_cast<support::Error*>(sink);
  *error = support::make_error(static_cast<support::ErrorKind>(e->kind),
                               e->message ? e->message : "", e->offset);
  error->where.function = e->function;
  if (e->section != nullptr) error->where.section = e->section;
}

} // namespace

bool is_unsupported(const support::Error& error) {
  return error.kind == support::ErrorKind::Usage &&
         (error.message.starts_with(kUnsupportedPrefix) ||
          error.message.starts_with(kUnavailablePrefix));
}

const std::string* unavailable_reason() {
  const LoadedTier& loaded = load_tier();
  return loaded.tier ? nullptr : &loaded.failure;
}

support::Result<std::shared_ptr<const runtime::ModuleCode>>
compile(std::shared_ptr<const ir::Module> module, const validate::Features& features) {
  const LoadedTier& loaded = load_tier();
  if (loaded.tier == nullptr) {
    return support::make_error(support::ErrorKind::Usage, kUnavailablePrefix + loaded.failure);
  }
  // A test hook (docs/llvm.md): every JIT compile goes through a .cwasm image and the object
  // loader instead of ORC, so the spec suite can run on the AOT path (ctest's spec/aot/).
  static const bool via_object = std::getenv("WASMCAP_JIT_VIA_OBJECT") != nullptr;
  if (via_object) {
    auto image = precompile(*module, features);
    if (!image) return image.error();
    auto loaded_image = load_precompiled(*image, features);
    if (!loaded_image) return loaded_image.error();
    return std::move(loaded_image->code);
  }
  auto compiled = std::make_shared<JitModule>(module);
  const ir::Module& mod = *module;
  std::vector<PluginFunction> functions(mod.functions.size());
  support::Error error;
  CompileRequest request{};
  request.wasm = mod.bytes.data();
  request.wasm_size = mod.bytes.size();
  request.features = feature_bits(features);
  request.layout = &host_layout();
  request.helpers = &host_helpers();
  request.functions = functions.data();
  request.function_count = functions.size();
  request.error_sink = &error;
  request.report_error = &report_error;
  void* code = loaded.tier->compile(&request);
  if (code == nullptr) return error;
  compiled->set_code(code, loaded.tier->release);
  compiled->functions().resize(functions.size());
  for (uint32_t i = 0; i < functions.size(); ++i) {
    JitFunction& f = compiled->functions()[i];
    f.func_index = mod.num_imported_funcs + i;
    f.native = functions[i].native;
    f.entry = reinterpret_cast<void (*)(JitContext*, uint64_t*)>(functions[i].entry);
  }
  return std::shared_ptr<const runtime::ModuleCode>(std::move(compiled));
}

JitModule::JitModule(std::shared_ptr<const ir::Module> module) : module_(std::move(module)) {}

JitModule::~JitModule() {
  if (release_ != nullptr) release_(code_);
}

} // namespace wasmcap::llvm_tier
