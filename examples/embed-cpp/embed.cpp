// embed-cpp: a C++ program hosting a WebAssembly plugin with wasmcap's C++ API: a host function
// typed by its C++ signature (Linker::func_wrap with a Caller), a read-only preopened directory
// (WASI, run as a reactor with Wasi::initialize), typed calls, and bounds-checked memory views.
// Usage: embed-cpp PLUGIN.wat DATA_DIR
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <tuple>
#include <vector>

#include "wasmcap/wasmcap.hpp"

namespace {

int fail(const std::string& what, const wasmcap::Error& e) {
  std::fprintf(stderr, "embed-cpp: %s: %s\n", what.c_str(), e.to_string().c_str());
  return 1;
}

// Errors are values: every step returns a Result, and run() stops at the first failure.
int run(const char* plugin_path, const char* data_dir) {
  using namespace wasmcap;
  std::ifstream in(plugin_path, std::ios::binary);
  if (!in) return fail(plugin_path, make_error(ErrorKind::Io, "cannot open the plugin"));
  const std::vector<uint8_t> bytes(std::istreambuf_iterator<char>(in), {});

  Engine engine; // Config{}: the interpreter, default limits (docs/embedding.md)
  auto module = Module::from_bytes_or_text(engine, bytes);
  if (!module) return fail("cannot compile the plugin", module.error());
  Store store(engine);

  // WASI: only the data directory, as /data, read-only; only the preview1 import module.
  WasiConfig config;
  config.stdin_fd = config.stdout_fd = -1;
  config.preopens.push_back({data_dir, "/data", /*read_only=*/true});
  config.version = WasiVersion::Preview1;
  auto wasi = Wasi::create(config);
  if (!wasi) return fail("cannot grant the data directory", wasi.error());

  Linker linker;
  if (auto s = wasi->add_to_linker(linker, store); !s) return fail("wasi", s.error());
  // (i32, i32) -> () from the C++ signature; Caller gives the plugin's memory, and read_string
  // checks the guest's pointer and length (a bad one traps the plugin, not the host).
  int log_calls = 0;
  linker.func_wrap("env", "log", [&](Caller& caller, uint32_t ptr, uint32_t len) -> Status {
    auto memory = caller.memory();
    if (!memory) return memory.error();
    auto text = memory->read_string(ptr, len);
    if (!text) return text.error();
    ++log_calls;
    std::printf("[plugin] %s\n", text->c_str());
    return ok();
  });

  auto instance = linker.instantiate(store, *module);
  if (!instance) return fail("cannot instantiate the plugin", instance.error());
  // A reactor: runs _initialize if it has one, binds its memory for WASI.
  if (auto s = wasi->initialize(*instance); !s) return fail("wasi initialize", s.error());

  // Typed exports: each signature is checked once, here.
  auto name_buffer = instance->get_typed_func<uint32_t()>("name_buffer");
  if (!name_buffer) return fail("name_buffer", name_buffer.error());
  auto process = instance->get_typed_func<std::tuple<uint32_t, uint32_t>(uint32_t)>("process");
  if (!process) return fail("process", process.error());
  auto memory = instance->get_memory("memory");
  if (!memory) return fail("memory", make_error(ErrorKind::Usage, "the plugin has no memory"));

  // Write the file name into the plugin's buffer through a checked view.
  const std::string name = "greeting.txt";
  auto buffer = (*name_buffer)();
  if (!buffer) return fail("name_buffer", buffer.error());
  auto target = memory->view<char>(*buffer, name.size());
  if (!target) return fail("name buffer", target.error());
  std::memcpy(target->data(), name.data(), name.size());

  auto result = (*process)(static_cast<uint32_t>(name.size()));
  if (!result) return fail("process", result.error());
  const auto [ptr, len] = *result;
  if (len == 0) return fail("process", make_error(ErrorKind::Usage, "no result"));
  auto text = memory->read_string(ptr, len);
  if (!text) return fail("result", text.error());
  std::printf("result: %s", text->c_str());
  std::printf("log calls: %d\n", log_calls);
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: embed-cpp PLUGIN.wat DATA_DIR\n");
    return 2;
  }
  return run(argv[1], argv[2]);
}
