// The plugin's one exported entry point, wasmcap_llvm_tier_v1(): the ABI table whose compile()
// decodes the host's bytes (the decoder and validator are pure code, so this copy of them holds
// no state of the host's) and runs generate(). Nothing but C types leaves this file: errors go
// back through the host's callback, and no exception escapes (a C++ exception cannot cross into
// a host that may use another C++ runtime).
#include <llvm/Config/llvm-config.h>
#include <llvm/ExecutionEngine/Orc/LLJIT.h>

#include "binary/decoder.h"
#include "llvm/codegen.h"
#include "llvm/progress.h"
#include "llvm/tier_abi.h"

namespace wasmcap::llvm_tier {

namespace {

void report(const CompileRequest& request, const support::Error& e) {
  PluginError out{};
  out.kind = static_cast<uint32_t>(e.kind);
  out.function = e.where.function;
  out.offset = e.where.offset;
  out.message = e.message.c_str();
  out.section = e.where.section.c_str();
  request.report_error(request.error_sink, &out);
}

void* compile(CompileRequest* request) {
  try {
    auto module =
        binary::decode_module(std::span<const uint8_t>(request->wasm, request->wasm_size));
    if (!module) {
      report(*request, module.error());
      return nullptr;
    }
    ProgressScope progress(request->progress_sink, request->progress, request->function_count);
    GenerateOptions options;
    options.guard_pages = request->guard_pages != 0;
    options.checks = request->checks & kKnownChecks;
    GenerateOutput out;
    out.functions = std::span<PluginFunction>(request->functions, request->function_count);
    auto jit = generate(*module, features_from_bits(request->features), *request->layout,
                        *request->helpers, options, out);
    if (!jit) {
      report(*request, jit.error());
      return nullptr;
    }
    request->code_begin = out.code_begin;
    request->code_end = out.code_end;
    request->eh_frame = out.eh_frame;
    request->eh_frame_size = out.eh_frame_size;
    return jit->release(); // owned by the host's JitModule until release()
  } catch (const std::exception& e) {
    report(*request, support::make_error(support::ErrorKind::Usage,
                                         std::string("llvm tier: internal error: ") + e.what()));
  } catch (...) {
    report(*request, support::make_error(support::ErrorKind::Usage, "llvm tier: internal error"));
  }
  return nullptr;
}

int compile_object(const ObjectRequest* request) {
  CompileRequest errors{}; // report() only needs the error sink
  errors.error_sink = request->sink;
  errors.report_error = request->report_error;
  try {
    auto module =
        binary::decode_module(std::span<const uint8_t>(request->wasm, request->wasm_size));
    if (!module) {
      report(errors, module.error());
      return 0;
    }
    ProgressScope progress(request->progress_sink, request->progress, request->function_count);
    auto object = generate_object(
        *module, features_from_bits(request->features), *request->layout, request->function_count,
        request->guard_pages != 0, request->checks & kKnownChecks,
        (request->checks & kCheckFuel) == 0 && request->osr_functions
            ? std::span<const uint8_t>(request->osr_functions, request->function_count)
            : std::span<const uint8_t>(),
        request->functions != nullptr
            ? std::span<const uint8_t>(request->functions, request->function_count)
            : std::span<const uint8_t>());
    if (!object) {
      report(errors, object.error());
      return 0;
    }
    request->write_object(request->sink, reinterpret_cast<const uint8_t*>(object->object.data()),
                          object->object.size(), object->triple.c_str(), object->cpu.c_str(),
                          object->cpu_features.c_str());
    return 1;
  } catch (const std::exception& e) {
    report(errors, support::make_error(support::ErrorKind::Usage,
                                       std::string("llvm tier: internal error: ") + e.what()));
  } catch (...) {
    report(errors, support::make_error(support::ErrorKind::Usage, "llvm tier: internal error"));
  }
  return 0;
}

void release(void* code) {
  delete static_cast<llvm::orc::LLJIT*>(code);
}

constexpr TierV1 kTier = {kTierAbiVersion, sizeof(TierV1), LLVM_VERSION_STRING,
                          &compile,        &release,       &compile_object};

} // namespace

} // namespace wasmcap::llvm_tier

extern "C" const wasmcap::llvm_tier::TierV1* wasmcap_llvm_tier_v1() {
  return &wasmcap::llvm_tier::kTier;
}
