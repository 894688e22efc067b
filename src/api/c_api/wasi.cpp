// wasmcap.h's WASI functions over wasmcap::Wasi: a configuration granting argv, env, stdio and
// preopened directories, and a context whose functions become a module's imports.
#include <fcntl.h>
#include <unistd.h>

#include "api/c_api/objects.h"
#include "wasmcap.h"
#include "wasmcap/capabilities.h"
#include "wasmcap/policy.h"
#include "wasmcap/wasi.h"

extern char** environ;

using namespace wasmcap;
using namespace wasmcap::capi;

struct wasmcap_wasi_config_t {
  WasiConfig config;
  // What apply_policy, allow and deny said, applied when the context is made (so the order of
  // the calls, preopens included, does not matter).
  WasiPolicy policy;
  bool strict = false;
  int owned_fds[3] = {-1, -1, -1}; // files opened by set_*_file, closed with the config

  wasmcap_wasi_config_t() {
    // Zero authority by default, unlike WasiConfig's inherited stdio.
    config.stdin_fd = config.stdout_fd = config.stderr_fd = -1;
  }
  ~wasmcap_wasi_config_t() {
    for (int fd : owned_fds)
      if (fd >= 0) ::close(fd);
  }
  wasmcap_wasi_config_t(const wasmcap_wasi_config_t&) = delete;
  wasmcap_wasi_config_t& operator=(const wasmcap_wasi_config_t&) = delete;

  int& stream(int which) {
    return which == 0 ? config.stdin_fd : which == 1 ? config.stdout_fd : config.stderr_fd;
  }
  void set_fd(int which, int fd) {
    if (owned_fds[which] >= 0) ::close(owned_fds[which]);
    owned_fds[which] = -1;
    stream(which) = fd;
  }
  bool open_file(int which, const char* path, int flags) {
    if (!path) return false;
    const int fd = ::open(path, flags | O_CLOEXEC, 0644);
    if (fd < 0) return false;
    set_fd(which, fd);
    owned_fds[which] = fd;
    return true;
  }
};

struct wasmcap_wasi_t {
  std::shared_ptr<Wasi> wasi; // also held by the store, whose functions use it
  Linker linker;              // the WASI functions, by (module, name)
  std::shared_ptr<StoreData> store;
  CapabilitySet allowed; // the policy's groups, for strict
  bool strict = false;
};

namespace {

wasmcap_error_t* add_groups(wasmcap_wasi_config_t* c, const char* groups, bool allow) {
  if (!c || !groups) return new wasmcap_error_t{make_error(ErrorKind::Usage, "null argument")};
  auto set = parse_group_list(groups);
  if (!set) return new wasmcap_error_t{std::move(set).error()}; // a Usage error naming them
  WasiPolicy one;
  one.has_allow_list = allow;
  (allow ? one.allow : one.deny) = *set;
  c->policy.merge(one);
  return nullptr;
}

} // namespace

extern "C" {

wasmcap_wasi_config_t* wasmcap_wasi_config_new(void) {
  return new wasmcap_wasi_config_t;
}
void wasmcap_wasi_config_delete(wasmcap_wasi_config_t* c) {
  delete c;
}

void wasmcap_wasi_config_set_argv(wasmcap_wasi_config_t* c, size_t argc, const char* const argv[]) {
  c->config.args.clear();
  for (size_t i = 0; i < argc; ++i)
    c->config.args.emplace_back(argv[i] ? argv[i] : "");
}

void wasmcap_wasi_config_set_env(wasmcap_wasi_config_t* c, size_t envc, const char* const names[],
                                 const char* const values[]) {
  c->config.env.clear();
  for (size_t i = 0; i < envc; ++i) {
    if (names[i]) c->config.env.emplace_back(names[i], values[i] ? values[i] : "");
  }
}

void wasmcap_wasi_config_inherit_env(wasmcap_wasi_config_t* c) {
  c->config.env.clear();
  for (char** e = environ; e && *e; ++e) {
    std::string_view entry(*e);
    const size_t eq = entry.find('=');
    if (eq == std::string_view::npos) continue;
    c->config.env.emplace_back(std::string(entry.substr(0, eq)), std::string(entry.substr(eq + 1)));
  }
}

void wasmcap_wasi_config_inherit_stdin(wasmcap_wasi_config_t* c) {
  c->set_fd(0, 0);
}
void wasmcap_wasi_config_inherit_stdout(wasmcap_wasi_config_t* c) {
  c->set_fd(1, 1);
}
void wasmcap_wasi_config_inherit_stderr(wasmcap_wasi_config_t* c) {
  c->set_fd(2, 2);
}

bool wasmcap_wasi_config_set_stdin_file(wasmcap_wasi_config_t* c, const char* path) {
  return c->open_file(0, path, O_RDONLY);
}
bool wasmcap_wasi_config_set_stdout_file(wasmcap_wasi_config_t* c, const char* path) {
  return c->open_file(1, path, O_WRONLY | O_CREAT | O_TRUNC);
}
bool wasmcap_wasi_config_set_stderr_file(wasmcap_wasi_config_t* c, const char* path) {
  return c->open_file(2, path, O_WRONLY | O_CREAT | O_TRUNC);
}

void wasmcap_wasi_config_set_stdin_fd(wasmcap_wasi_config_t* c, int fd) {
  c->set_fd(0, fd);
}
void wasmcap_wasi_config_set_stdout_fd(wasmcap_wasi_config_t* c, int fd) {
  c->set_fd(1, fd);
}
void wasmcap_wasi_config_set_stderr_fd(wasmcap_wasi_config_t* c, int fd) {
  c->set_fd(2, fd);
}

void wasmcap_wasi_config_preopen_dir(wasmcap_wasi_config_t* c, const char* host_path,
                                     const char* guest_path, bool read_only) {
  if (!host_path || !guest_path) return;
  c->config.preopens.push_back({host_path, guest_path, read_only});
}

wasmcap_error_t* wasmcap_wasi_config_apply_policy(wasmcap_wasi_config_t* c, const char* text,
                                                  size_t len) {
  if (!c || (!text && len > 0)) {
    return new wasmcap_error_t{make_error(ErrorKind::Usage, "null argument")};
  }
  auto policy = parse_policy(std::string_view(text ? text : "", len));
  if (!policy) return new wasmcap_error_t{std::move(policy).error()}; // "policy line N: ..."
  c->policy.merge(*policy);
  return nullptr;
}

wasmcap_error_t* wasmcap_wasi_config_allow(wasmcap_wasi_config_t* c, const char* groups) {
  return add_groups(c, groups, true);
}

wasmcap_error_t* wasmcap_wasi_config_deny(wasmcap_wasi_config_t* c, const char* groups) {
  return add_groups(c, groups, false);
}

void wasmcap_wasi_config_set_strict(wasmcap_wasi_config_t* c, bool strict) {
  if (c) c->strict = strict;
}

void wasmcap_wasi_config_set_audit_fd(wasmcap_wasi_config_t* c, int fd) {
  if (c) c->config.audit_fd = fd;
}

void wasmcap_wasi_config_set_trace_fd(wasmcap_wasi_config_t* c, int fd) {
  if (c) c->config.trace_fd = fd;
}

wasmcap_error_t* wasmcap_wasi_new(wasm_store_t* store, const wasmcap_wasi_config_t* config,
                                  wasmcap_wasi_t** out) {
  if (!store || !config || !out) {
    return new wasmcap_error_t{make_error(ErrorKind::Usage, "wasmcap_wasi_new: null argument")};
  }
  *out = nullptr;
  WasiConfig effective = config->config;
  config->policy.apply(effective);
  auto wasi = Wasi::create(effective);
  if (!wasi) return new wasmcap_error_t{std::move(wasi).error()};
  auto shared = std::make_shared<Wasi>(std::move(wasi).value());
  auto* result =
      new wasmcap_wasi_t{shared, Linker{}, store->data, effective.allowed, config->strict};
  Status s = shared->add_to_linker(result->linker, *store->data->store);
  if (!s) {
    delete result;
    return new wasmcap_error_t{std::move(s).error()};
  }
  store->data->keep_alive.push_back(std::move(shared));
  *out = result;
  return nullptr;
}

void wasmcap_wasi_delete(wasmcap_wasi_t* wasi) {
  delete wasi;
}

wasmcap_error_t* wasmcap_wasi_imports(const wasmcap_wasi_t* wasi, const wasm_module_t* module,
                                      wasm_extern_vec_t* out) {
  if (!out) return new wasmcap_error_t{make_error(ErrorKind::Usage, "null out")};
  wasm_extern_vec_new_empty(out);
  if (!wasi || !module) return new wasmcap_error_t{make_error(ErrorKind::Usage, "null argument")};
  const auto imports = module->module.imports();
  if (wasi->strict) {
    const std::vector<WasiImportUse> refused = refused_imports(imports, wasi->allowed);
    if (!refused.empty()) {
      std::string message = "the policy refuses " + std::to_string(refused.size()) + " import(s):";
      for (const WasiImportUse& r : refused) {
        message += " " + r.module + "." + r.name + " (" +
                   std::string(capability_group_name(r.group)) + ")";
      }
      return new wasmcap_error_t{make_error(ErrorKind::Unlinkable, std::move(message))};
    }
  }
  wasm_extern_vec_new_uninitialized(out, imports.size()); // all NULL
  StoreData& sd = *wasi->store;
  for (size_t i = 0; i < imports.size(); ++i) {
    const ImportType& imp = imports[i];
    const bool is_wasi = imp.module == "wasi_snapshot_preview1" || imp.module == "wasi_unstable";
    if (!is_wasi) continue; // for the host to fill in
    auto item = wasi->linker.get(imp.module, imp.name);
    if (!item || !item->func()) {
      wasm_extern_vec_delete(out);
      return new wasmcap_error_t{
          make_error(ErrorKind::Unlinkable,
                     "unknown WASI import: \"" + imp.module + "\" \"" + imp.name + "\"")};
    }
    out->data[i] = static_cast<wasm_extern_t*>(
        new_ref(sd, sd.identity(RefKind::Func, item->func()->handle())));
  }
  return nullptr;
}

wasmcap_error_t* wasmcap_wasi_bind_instance(wasmcap_wasi_t* wasi, const wasm_instance_t* instance) {
  if (!wasi || !instance) {
    return new wasmcap_error_t{make_error(ErrorKind::Usage, "null argument")};
  }
  Status s = wasi->wasi->bind_instance(Instance(instance->store->store.get(), instance->handle()));
  if (!s) return new wasmcap_error_t{std::move(s).error()};
  return nullptr;
}

bool wasmcap_wasi_exit_code(const wasmcap_wasi_t* wasi, int* status) {
  if (!wasi) return false;
  auto code = wasi->wasi->exit_code();
  if (!code) return false;
  if (status) *status = *code;
  return true;
}

} // extern "C"
