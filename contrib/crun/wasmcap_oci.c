/* The crun handler's crun-independent half (wasmcap_oci.h): telling wasm files apart, mapping an
 * OCI process to a WASI configuration and running a WASI command to an exit status. */
#define _POSIX_C_SOURCE 200809L
#include "wasmcap_oci.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static bool has_suffix(const char* s, const char* suffix) {
  size_t n = strlen(s), m = strlen(suffix);
  return n >= m && strcmp(s + n - m, suffix) == 0;
}

wasmcap_oci_kind_t wasmcap_oci_file_kind(const char* path) {
  FILE* file = fopen(path, "rb");
  if (!file) return WASMCAP_OCI_UNREADABLE;
  unsigned char head[8];
  size_t n = fread(head, 1, sizeof head, file);
  fclose(file);
  if (n == sizeof head && memcmp(head, "\0asm", 4) == 0) {
    /* Bytes 4..7: version 1 for a core module; a component has version 0x0d and layer 1. */
    if (head[4] == 1 && head[5] == 0 && head[6] == 0 && head[7] == 0) return WASMCAP_OCI_MODULE;
    if (head[6] == 1 && head[7] == 0) return WASMCAP_OCI_COMPONENT;
    return WASMCAP_OCI_NOT_WASM;
  }
  return has_suffix(path, ".wat") ? WASMCAP_OCI_TEXT : WASMCAP_OCI_NOT_WASM;
}

/* The entrypoint is wasm by its name, or by its bytes when the root file system is at hand. */
static bool entrypoint_is_wasm(const char* entrypoint, const char* rootfs) {
  if (has_suffix(entrypoint, ".wasm") || has_suffix(entrypoint, ".wat")) return true;
  if (rootfs == NULL) return false;
  size_t size = strlen(rootfs) + strlen(entrypoint) + 2;
  char* path = malloc(size);
  if (path == NULL) return false;
  snprintf(path, size, "%s/%s", rootfs, entrypoint);
  wasmcap_oci_kind_t kind = wasmcap_oci_file_kind(path);
  free(path);
  return kind == WASMCAP_OCI_MODULE || kind == WASMCAP_OCI_COMPONENT;
}

bool wasmcap_oci_selects(const char* handler_annotation, const char* variant_annotation,
                         const char* entrypoint, const char* rootfs) {
  /* run.oci.handler is crun's own switch and is looked at first, as crun does. */
  const char* always = handler_annotation ? "wasm" : "compat";
  const char* value = handler_annotation ? handler_annotation : variant_annotation;
  if (value == NULL) return false;
  if (strcmp(value, always) == 0) return true;
  size_t n = strlen(always);
  if (strncmp(value, always, n) == 0 && strcmp(value + n, "-smart") == 0)
    return entrypoint != NULL && entrypoint_is_wasm(entrypoint, rootfs);
  return false;
}

static bool has_option(const wasmcap_oci_mount_t* mount, const char* option) {
  for (size_t i = 0; i < mount->options_len; ++i)
    if (mount->options[i] && strcmp(mount->options[i], option) == 0) return true;
  return false;
}

/* /proc, /sys and /dev hold the kernel's view, not the workload's data: a guest reaches them
 * through "/" if at all, and they do not get preopens of their own. */
static bool is_system_mount(const char* destination) {
  static const char* const system[] = {"/proc", "/sys", "/dev"};
  for (size_t i = 0; i < sizeof system / sizeof system[0]; ++i) {
    size_t n = strlen(system[i]);
    if (strncmp(destination, system[i], n) == 0 &&
        (destination[n] == '\0' || destination[n] == '/'))
      return true;
  }
  return false;
}

static bool is_directory(const char* root, const char* path) {
  size_t size = strlen(root) + strlen(path) + 2;
  char* full = malloc(size);
  if (full == NULL) return false;
  snprintf(full, size, "%s/%s", root, path);
  struct stat st;
  bool dir = stat(full, &st) == 0 && S_ISDIR(st.st_mode);
  free(full);
  return dir;
}

wasmcap_wasi_config_t* wasmcap_oci_wasi_config(const wasmcap_oci_process_t* process,
                                               const char* root) {
  wasmcap_wasi_config_t* config = wasmcap_wasi_config_new();
  if (config == NULL) return NULL;
  if (root == NULL) root = "/";
  wasmcap_wasi_config_set_argv(config, process->args_len, process->args);

  /* wasmcap takes names and values apart; OCI keeps "NAME=VALUE". */
  const char** names = calloc(process->env_len + 1, sizeof *names);
  const char** values = calloc(process->env_len + 1, sizeof *values);
  char** copies = calloc(process->env_len + 1, sizeof *copies);
  if (names == NULL || values == NULL || copies == NULL) {
    free(names), free(values), free(copies);
    wasmcap_wasi_config_delete(config);
    return NULL;
  }
  size_t envc = 0;
  for (size_t i = 0; i < process->env_len; ++i) {
    const char* eq = process->env[i] ? strchr(process->env[i], '=') : NULL;
    if (eq == NULL || eq == process->env[i]) continue;
    copies[envc] = strndup(process->env[i], (size_t)(eq - process->env[i]));
    if (copies[envc] == NULL) continue;
    names[envc] = copies[envc];
    values[envc] = eq + 1;
    ++envc;
  }
  wasmcap_wasi_config_set_env(config, envc, names, values);
  for (size_t i = 0; i < envc; ++i)
    free(copies[i]);
  free(names), free(values), free(copies);

  /* A container's process has its terminal or the runtime's pipes as stdio: the guest's own. */
  wasmcap_wasi_config_inherit_stdin(config);
  wasmcap_wasi_config_inherit_stdout(config);
  wasmcap_wasi_config_inherit_stderr(config);

  /* The root is the container's file system, as a native process sees it. A mount gets its own
   * preopen too, so that a read-only volume is read-only to WASI before the kernel says EROFS,
   * and a guest that resolves paths by the longest preopen sees it by its name. */
  wasmcap_wasi_config_preopen_dir(config, root, "/", process->root_readonly);
  for (size_t i = 0; i < process->mounts_len; ++i) {
    const wasmcap_oci_mount_t* mount = &process->mounts[i];
    if (mount->destination == NULL || mount->destination[0] != '/' ||
        strcmp(mount->destination, "/") == 0 || is_system_mount(mount->destination))
      continue;
    if (!is_directory(root, mount->destination)) continue; /* a file bind-mount: reached via "/" */
    size_t size = strlen(root) + strlen(mount->destination) + 2;
    char* host = malloc(size);
    if (host == NULL) continue;
    snprintf(host, size, "%s%s%s", root, has_suffix(root, "/") ? "" : "/", mount->destination + 1);
    wasmcap_wasi_config_preopen_dir(config, host, mount->destination, has_option(mount, "ro"));
    free(host);
  }
  return config;
}

/* Reports `error` (consumed) for `path` and gives the "cannot run" status. */
static int cannot_run(const char* path, const char* what, wasmcap_error_t* error) {
  if (error != NULL) {
    wasm_message_t message;
    wasmcap_error_message(error, &message);
    size_t n = message.size;
    while (n > 0 && message.data[n - 1] == '\0')
      --n;
    fprintf(stderr, "wasmcap: %s: %s: %.*s\n", path, what, (int)n, message.data);
    wasm_byte_vec_delete(&message);
    wasmcap_error_delete(error);
  } else {
    fprintf(stderr, "wasmcap: %s: %s\n", path, what);
  }
  return WASMCAP_OCI_EXIT_CANNOT_RUN;
}

/* The status a trap ends the container with: the guest's own for proc_exit. */
static int trap_status(const char* path, wasm_trap_t* trap) {
  int status = 0;
  if (wasmcap_trap_exit_status(trap, &status)) {
    wasm_trap_delete(trap);
    return status;
  }
  wasm_message_t message;
  wasm_trap_message(trap, &message);
  size_t n = message.size;
  while (n > 0 && message.data[n - 1] == '\0')
    --n;
  fprintf(stderr, "wasmcap: %s: wasm trap: %.*s\n", path, (int)n, message.data);
  wasm_byte_vec_delete(&message);
  wasm_trap_delete(trap);
  return WASMCAP_OCI_EXIT_TRAP;
}

static bool read_file(const char* path, wasm_byte_vec_t* out) {
  FILE* file = fopen(path, "rb");
  if (file == NULL) return false;
  bool ok = fseek(file, 0L, SEEK_END) == 0;
  long size = ok ? ftell(file) : -1;
  ok = size >= 0 && fseek(file, 0L, SEEK_SET) == 0;
  if (ok) {
    wasm_byte_vec_new_uninitialized(out, (size_t)size);
    ok = size == 0 || fread(out->data, (size_t)size, 1, file) == 1;
    if (!ok) wasm_byte_vec_delete(out);
  }
  fclose(file);
  return ok;
}

/* The export "_start" of a WASI command, or NULL. */
static wasm_func_t* find_start(const wasm_module_t* module, const wasm_extern_vec_t* exports) {
  wasm_exporttype_vec_t types;
  wasm_module_exports(module, &types);
  wasm_func_t* start = NULL;
  for (size_t i = 0; i < types.size && i < exports->size; ++i) {
    const wasm_name_t* name = wasm_exporttype_name(types.data[i]);
    if (name->size == 6 && memcmp(name->data, "_start", 6) == 0)
      start = wasm_extern_as_func(exports->data[i]);
  }
  wasm_exporttype_vec_delete(&types);
  return start;
}

int wasmcap_oci_run(wasm_engine_t* engine, const char* path, const wasmcap_oci_process_t* process,
                    const char* root) {
  wasmcap_oci_kind_t kind = wasmcap_oci_file_kind(path);
  if (kind == WASMCAP_OCI_UNREADABLE) return cannot_run(path, "cannot open the file", NULL);
  if (kind == WASMCAP_OCI_NOT_WASM) return cannot_run(path, "not a WebAssembly module", NULL);
  if (kind == WASMCAP_OCI_COMPONENT)
    return cannot_run(path,
                      "a WebAssembly component (WASI 0.2): wasmcap's C API runs core modules "
                      "only; run it with `wasmcap run` or build the program for wasip1",
                      NULL);
  wasm_byte_vec_t bytes;
  if (!read_file(path, &bytes)) return cannot_run(path, "cannot read the file", NULL);

  int status = WASMCAP_OCI_EXIT_CANNOT_RUN;
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = NULL;
  wasmcap_wasi_t* wasi = NULL;
  wasm_instance_t* instance = NULL;
  wasm_extern_vec_t imports = WASM_EMPTY_VEC, exports = WASM_EMPTY_VEC;
  wasmcap_wasi_config_t* config = NULL;
  wasm_trap_t* trap = NULL;
  wasm_func_t* start = NULL;
  wasmcap_error_t* error = wasmcap_module_new(engine, &bytes, &module);
  wasm_byte_vec_delete(&bytes);
  if (error != NULL) {
    status = cannot_run(path, "cannot compile", error);
    goto done;
  }
  config = wasmcap_oci_wasi_config(process, root);
  if (config == NULL) {
    status = cannot_run(path, "out of memory", NULL);
    goto done;
  }
  error = wasmcap_wasi_new(store, config, &wasi);
  wasmcap_wasi_config_delete(config);
  if (error != NULL) {
    status = cannot_run(path, "cannot set up WASI", error);
    goto done;
  }
  error = wasmcap_wasi_imports(wasi, module, &imports);
  if (error != NULL) {
    status = cannot_run(path, "cannot link", error);
    goto done;
  }
  for (size_t i = 0; i < imports.size; ++i) {
    if (imports.data[i] == NULL) { /* only WASI is offered in a container */
      status = cannot_run(path, "imports something other than WASI preview 1", NULL);
      goto done;
    }
  }
  error = wasmcap_instance_new(store, module, &imports, &instance, &trap);
  if (error != NULL) {
    status = cannot_run(path, "cannot instantiate", error);
    goto done;
  }
  if (trap != NULL) {
    status = trap_status(path, trap);
    goto done;
  }
  error = wasmcap_wasi_bind_instance(wasi, instance);
  if (error != NULL) {
    status = cannot_run(path, "cannot bind WASI to the instance", error);
    goto done;
  }
  wasm_instance_exports(instance, &exports);
  start = find_start(module, &exports);
  if (start == NULL) {
    status = cannot_run(path, "no \"_start\" export (not a WASI command)", NULL);
    goto done;
  }
  {
    wasm_val_vec_t none = WASM_EMPTY_VEC, results = WASM_EMPTY_VEC;
    trap = wasm_func_call(start, &none, &results);
  }
  status = trap != NULL ? trap_status(path, trap) : 0;

done:
  wasm_extern_vec_delete(&exports);
  wasm_extern_vec_delete(&imports);
  if (instance != NULL) wasm_instance_delete(instance);
  if (wasi != NULL) wasmcap_wasi_delete(wasi);
  if (module != NULL) wasm_module_delete(module);
  wasm_store_delete(store);
  return status;
}
