/* The crun handler's logic that does not depend on crun: which containers are WebAssembly, how an
 * OCI process (args, env, mounts) becomes a wasmcap WASI configuration, and running a module to
 * an exit status. wasmcap_handler.c binds it to crun's custom-handler interface; tests/ drives it
 * directly, so it is tested without crun or a container. Plain C11 over wasm.h + wasmcap.h. */
#ifndef WASMCAP_OCI_H
#define WASMCAP_OCI_H

#include <stdbool.h>
#include <stddef.h>

#include "wasmcap.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Exit statuses the container gets when the guest did not choose one, as a shell's: the file
 * could not be run (not wasm, malformed, unlinkable) and the guest trapped (128 + SIGABRT, as
 * `wasmcap run` and wasmtime). */
#define WASMCAP_OCI_EXIT_CANNOT_RUN 126
#define WASMCAP_OCI_EXIT_TRAP 134

/* One OCI mount: where it is inside the container, its type and its options ("ro", "bind"...). */
typedef struct {
  const char* destination;
  const char* type;
  const char* const* options;
  size_t options_len;
} wasmcap_oci_mount_t;

/* What the handler takes from config.json, as plain strings (crun's parsed structures hold
 * exactly these): process.args, process.env ("NAME=VALUE"), root.readonly and mounts. */
typedef struct {
  const char* const* args;
  size_t args_len;
  const char* const* env;
  size_t env_len;
  bool root_readonly;
  const wasmcap_oci_mount_t* mounts;
  size_t mounts_len;
} wasmcap_oci_process_t;

/* What a file holds, told by its first 8 bytes (and a ".wat" name for text). */
typedef enum {
  WASMCAP_OCI_NOT_WASM = 0,
  WASMCAP_OCI_MODULE = 1,    /* "\0asm" version 1: a core module */
  WASMCAP_OCI_COMPONENT = 2, /* "\0asm" with the component layer: WASI 0.2 */
  WASMCAP_OCI_TEXT = 3,      /* a .wat file: wasmcap compiles text too */
  WASMCAP_OCI_UNREADABLE = -1,
} wasmcap_oci_kind_t;

wasmcap_oci_kind_t wasmcap_oci_file_kind(const char* path);

/* Whether the annotations select a wasm handler for a container whose entrypoint is `entrypoint`
 * (either annotation may be NULL). `run.oci.handler` is "wasm" (always) or "wasm-smart", and
 * `module.wasm.image/variant` is "compat" (always) or "compat-smart"; the smart forms take only an
 * entrypoint that is wasm: named .wasm/.wat, or, when `rootfs` is not NULL, a file under it
 * starting with the wasm magic bytes (so a sidecar's binary in the same pod still runs natively).
 */
bool wasmcap_oci_selects(const char* handler_annotation, const char* variant_annotation,
                         const char* entrypoint, const char* rootfs);

/* The guest's WASI configuration: argv = args, the environment = env (entries without '=' are
 * dropped), stdio inherited, the container's root "/" preopened as "/" (read-only when the root
 * is) and every mount outside /proc, /sys and /dev that is a directory preopened at its
 * destination (read-only with the "ro" option). Directories are checked relative to `root`
 * (NULL: "/", as inside the container). Owned by the caller. */
wasmcap_wasi_config_t* wasmcap_oci_wasi_config(const wasmcap_oci_process_t* process,
                                               const char* root);

/* Runs the module or text at `path` (its "_start", a WASI command) with `process`, on `engine`,
 * with the preopens of wasmcap_oci_wasi_config(process, root), and returns the container's exit
 * status: the guest's proc_exit status, 0 when _start returns, WASMCAP_OCI_EXIT_TRAP after a trap
 * and WASMCAP_OCI_EXIT_CANNOT_RUN when the file cannot run; in both failures one line "wasmcap:
 * PATH: ..." says why on stderr. */
int wasmcap_oci_run(wasm_engine_t* engine, const char* path, const wasmcap_oci_process_t* process,
                    const char* root);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* WASMCAP_OCI_H */
