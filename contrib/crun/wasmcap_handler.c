/* wasmcap as a crun custom handler: a shared object crun loads from $libdir/crun/handlers/ (crun
 * 1.8's handler directory; docs/containers.md says why this and not a patched crun). crun asks
 * it whether a container is WebAssembly (the annotations module.wasm.image/variant or
 * run.oci.handler), and, inside the container after the mounts and the switch of root, calls
 * run_func instead of execv: wasmcap then runs the entrypoint .wasm as a WASI command with the
 * process's args and env, the root and the mounts preopened, and the guest's exit status as the
 * container's. Built against crun's source tree (its headers and config.h) by contrib/crun/try.
 * It calls no function of crun's, which does not export them to loaded objects: it only reads
 * the parsed config.json through crun's structures and fills in crun's error struct itself. */
#define _GNU_SOURCE
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "container.h"
#include "custom-handler.h"
#include "wasmcap_oci.h"

/* crun's error values are malloc'd structs it frees with crun_error_release. */
static int handler_error(libcrun_error_t* err, const char* message) {
  struct libcrun_error_s* e = calloc(1, sizeof *e);
  if (e != NULL) {
    e->status = 0;
    e->msg = strdup(message);
  }
  *err = e;
  return -1;
}

static const char* annotation(libcrun_container_t* container, const char* name) {
  const json_map_string_string* map = container->container_def->annotations;
  if (map == NULL) return NULL;
  for (size_t i = 0; i < map->len; ++i)
    if (strcmp(map->keys[i], name) == 0) return map->values[i];
  return NULL;
}

static int wasmcap_load(void** cookie, libcrun_error_t* err) {
  (void)err;
  /* The engine is made in the container's process (run_func), not here in crun's: crun forks
   * between the two, and an engine's threads would not survive a fork. */
  *cookie = NULL;
  return 0;
}

static int wasmcap_unload(void* cookie, libcrun_error_t* err) {
  (void)cookie, (void)err;
  return 0;
}

/* Runs in the container's process with "/" already the container's root. Never returns: the
 * process ends with the guest's status, as an execv'd program's would. */
static int wasmcap_run(void* cookie, libcrun_container_t* container, const char* pathname,
                       char* const argv[]) {
  (void)cookie;
  runtime_spec_schema_config_schema* def = container->container_def;
  size_t argc = 0;
  while (argv[argc] != NULL)
    ++argc;
  /* crun has made the environment the process's own (config.json's env, or `crun exec --env`'s,
   * plus HOME when it was missing), as an execv'd program would get it. */
  size_t env_len = 0;
  while (environ[env_len] != NULL)
    ++env_len;

  wasmcap_oci_mount_t* mounts = calloc(def->mounts_len + 1, sizeof *mounts);
  if (mounts == NULL) {
    fprintf(stderr, "wasmcap: out of memory\n");
    exit(WASMCAP_OCI_EXIT_CANNOT_RUN);
  }
  for (size_t i = 0; i < def->mounts_len; ++i) {
    mounts[i].destination = def->mounts[i]->destination;
    mounts[i].type = def->mounts[i]->type;
    mounts[i].options = (const char* const*)def->mounts[i]->options;
    mounts[i].options_len = def->mounts[i]->options_len;
  }
  wasmcap_oci_process_t process = {
      .args = (const char* const*)argv,
      .args_len = argc,
      .env = (const char* const*)environ,
      .env_len = env_len,
      .root_readonly = def->root != NULL && def->root->readonly,
      .mounts = mounts,
      .mounts_len = def->mounts_len,
  };

  /* The interpreter: the LLVM tier's plugin is found by path beside libwasmcap, which is outside
   * the container's root by now (docs/containers.md, "Limits"). */
  wasm_config_t* config = wasm_config_new();
  wasmcap_config_tier_set(config, WASMCAP_TIER_INTERPRETER);
  wasm_engine_t* engine = wasm_engine_new_with_config(config);
  int status = engine != NULL ? wasmcap_oci_run(engine, pathname, &process, NULL)
                              : (fprintf(stderr, "wasmcap: cannot create an engine\n"),
                                 WASMCAP_OCI_EXIT_CANNOT_RUN);
  if (engine != NULL) wasm_engine_delete(engine);
  free(mounts);
  fflush(stdout);
  exit(status);
}

static int wasmcap_can_handle(libcrun_container_t* container, libcrun_error_t* err) {
  runtime_spec_schema_config_schema* def = container->container_def;
  if (def == NULL) return handler_error(err, "wasmcap: the container has no configuration");
  if (def->process == NULL || def->process->args == NULL || def->process->args_len == 0) return 0;
  const char* rootfs = def->root != NULL ? def->root->path : NULL;
  return wasmcap_oci_selects(annotation(container, "run.oci.handler"),
                             annotation(container, "module.wasm.image/variant"),
                             def->process->args[0], rootfs)
             ? 1
             : 0;
}

static struct custom_handler_s wasmcap_handler = {
    .name = "wasmcap",
    .alias = "wasm", /* run.oci.handler=wasm picks it when crun has no built-in wasm handler */
    .feature_string = "WASM:wasmcap",
    .load = wasmcap_load,
    .unload = wasmcap_unload,
    .run_func = wasmcap_run,
    .exec_func = wasmcap_run, /* `crun exec` of a .wasm into the container runs it the same way */
    .can_handle_container = wasmcap_can_handle,
};

/* The one symbol crun looks up in a handler object. */
__attribute__((visibility("default"))) struct custom_handler_s* run_oci_handler_get_handler(void) {
  return &wasmcap_handler;
}
