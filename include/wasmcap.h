/* wasmcap's extensions to the WebAssembly C API (wasm.h): errors as values for compilation and
 * instantiation, WAT text, engine settings, exit statuses, and (when built) WASI. */
#ifndef WASMCAP_H
#define WASMCAP_H

#include "wasm.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Errors -------------------------------------------------------------------------------- */

/* Why an operation failed. Owned by the caller: delete with wasmcap_error_delete. */
typedef struct wasmcap_error_t wasmcap_error_t;

typedef uint8_t wasmcap_error_kind_t;
enum wasmcap_error_kind_enum {
  WASMCAP_ERROR_MALFORMED,  /* binary or text that does not follow the format */
  WASMCAP_ERROR_INVALID,    /* well-formed but fails validation */
  WASMCAP_ERROR_UNLINKABLE, /* imports do not match the module's */
  WASMCAP_ERROR_TRAP,       /* execution trapped */
  WASMCAP_ERROR_EXHAUSTION, /* a resource limit was reached */
  WASMCAP_ERROR_IO,         /* the host could not read or write a file */
  WASMCAP_ERROR_USAGE,      /* the API was used wrongly (e.g. a NULL argument) */
  WASMCAP_ERROR_EXIT,       /* the guest exited (WASI proc_exit): not a failure */
};

/* Returned by wasmcap_error_offset when the error has no byte offset. */
#define WASMCAP_ERROR_NO_OFFSET UINT64_MAX

WASM_API_EXTERN void wasmcap_error_delete(wasmcap_error_t*);
/* The full message, NUL-terminated, e.g. "malformed at offset 0x8: unexpected end". */
WASM_API_EXTERN void wasmcap_error_message(const wasmcap_error_t*, wasm_message_t* out);
WASM_API_EXTERN wasmcap_error_kind_t wasmcap_error_kind(const wasmcap_error_t*);
/* The byte offset in the module binary, or WASMCAP_ERROR_NO_OFFSET. */
WASM_API_EXTERN uint64_t wasmcap_error_offset(const wasmcap_error_t*);
/* Line and column (1-based) for errors in WAT text; false when the error has none. */
WASM_API_EXTERN bool wasmcap_error_line_column(const wasmcap_error_t*, uint32_t* line,
                                               uint32_t* column);

/* ---- Modules and instances ----------------------------------------------------------------- */

/* Compiles a module from binary or WAT text (told apart by the wasm magic number). On success
 * stores an owned module in *out and returns NULL; otherwise returns the error. */
WASM_API_EXTERN wasmcap_error_t* wasmcap_module_new(wasm_engine_t*, const wasm_byte_vec_t* bytes,
                                                    wasm_module_t** out);

/* Instantiates like wasm_instance_new, telling failures apart: a trap (start function, segment
 * out of bounds) is stored in *trap with NULL returned; any other failure (unlinkable imports,
 * resource limits) is returned as an error. On success *out holds the owned instance. */
WASM_API_EXTERN wasmcap_error_t* wasmcap_instance_new(wasm_store_t*, const wasm_module_t*,
                                                      const wasm_extern_vec_t* imports,
                                                      wasm_instance_t** out, wasm_trap_t** trap);

/* Converts WAT text to a binary module; *out is owned by the caller on success. */
WASM_API_EXTERN wasmcap_error_t* wasmcap_wat2wasm(const char* wat, size_t wat_len,
                                                  wasm_byte_vec_t* out);

/* ---- Traps and values ---------------------------------------------------------------------- */

/* True when the trap is a guest exit (WASI proc_exit), with the status in *status. */
WASM_API_EXTERN bool wasmcap_trap_exit_status(const wasm_trap_t*, int* status);
/* The trap's kind, e.g. WASMCAP_ERROR_EXHAUSTION for "call stack exhausted". */
WASM_API_EXTERN wasmcap_error_kind_t wasmcap_trap_kind(const wasm_trap_t*);

/* wasm.h has no kind for 128-bit vectors; wasm_valtype_kind reports v128 types as this. Values
 * of it cannot cross wasm_func_call, globals or host functions. */
#define WASMCAP_V128 ((wasm_valkind_t)4)

/* ---- Configuration ------------------------------------------------------------------------- */

/* Bytes of wasm value stack per call chain (default 8 MiB); deeper recursion traps. */
WASM_API_EXTERN void wasmcap_config_max_wasm_stack_set(wasm_config_t*, uint64_t bytes);
/* Enables or disables 128-bit SIMD (default enabled). */
WASM_API_EXTERN void wasmcap_config_simd_set(wasm_config_t*, bool enable);

/* ---- WASI (wasi_snapshot_preview1 and wasi_unstable) ----------------------------------------
 * A guest starts with no authority: no arguments, environment, stdio or files unless the
 * configuration grants them. Typical use:
 *   config = wasmcap_wasi_config_new(); ... set argv, inherit stdout, preopen a directory ...
 *   wasmcap_wasi_new(store, config, &wasi); wasmcap_wasi_config_delete(config);
 *   wasmcap_wasi_imports(wasi, module, &imports); wasm_instance_new(store, module, &imports, ..);
 *   wasmcap_wasi_bind_instance(wasi, instance); call "_start";
 *   a trap for which wasmcap_trap_exit_status is true is the guest's proc_exit. */

typedef struct wasmcap_wasi_config_t wasmcap_wasi_config_t;

WASM_API_EXTERN wasmcap_wasi_config_t* wasmcap_wasi_config_new(void);
WASM_API_EXTERN void wasmcap_wasi_config_delete(wasmcap_wasi_config_t*);

/* The guest's arguments; argv[0] is the program name it sees. Strings are copied. */
WASM_API_EXTERN void wasmcap_wasi_config_set_argv(wasmcap_wasi_config_t*, size_t argc,
                                                  const char* const argv[]);
/* The guest's environment: names[i]=values[i]. Strings are copied. */
WASM_API_EXTERN void wasmcap_wasi_config_set_env(wasmcap_wasi_config_t*, size_t envc,
                                                 const char* const names[],
                                                 const char* const values[]);
/* The guest's environment becomes a copy of the host process's. */
WASM_API_EXTERN void wasmcap_wasi_config_inherit_env(wasmcap_wasi_config_t*);

/* Standard streams: inherited from the host process, redirected to a file (opened now; false
 * when it cannot be), or to a host file descriptor (duplicated when the WASI context is made;
 * the caller keeps its own). Without any of these the stream is absent (EBADF in the guest). */
WASM_API_EXTERN void wasmcap_wasi_config_inherit_stdin(wasmcap_wasi_config_t*);
WASM_API_EXTERN void wasmcap_wasi_config_inherit_stdout(wasmcap_wasi_config_t*);
WASM_API_EXTERN void wasmcap_wasi_config_inherit_stderr(wasmcap_wasi_config_t*);
WASM_API_EXTERN bool wasmcap_wasi_config_set_stdin_file(wasmcap_wasi_config_t*, const char* path);
/* Output files are created or truncated. */
WASM_API_EXTERN bool wasmcap_wasi_config_set_stdout_file(wasmcap_wasi_config_t*, const char* path);
WASM_API_EXTERN bool wasmcap_wasi_config_set_stderr_file(wasmcap_wasi_config_t*, const char* path);
WASM_API_EXTERN void wasmcap_wasi_config_set_stdin_fd(wasmcap_wasi_config_t*, int fd);
WASM_API_EXTERN void wasmcap_wasi_config_set_stdout_fd(wasmcap_wasi_config_t*, int fd);
WASM_API_EXTERN void wasmcap_wasi_config_set_stderr_fd(wasmcap_wasi_config_t*, int fd);

/* Grants the guest the host directory `host_path` (and nothing outside it) under the name
 * `guest_path`; read_only forbids creating, writing, renaming and removing. */
WASM_API_EXTERN void wasmcap_wasi_config_preopen_dir(wasmcap_wasi_config_t*, const char* host_path,
                                                     const char* guest_path, bool read_only);

/* A WASI context whose functions live in `store`. The configuration is copied (delete it when
 * convenient). Fails with an Io error when a preopened directory cannot be opened. */
typedef struct wasmcap_wasi_t wasmcap_wasi_t;

WASM_API_EXTERN wasmcap_error_t* wasmcap_wasi_new(wasm_store_t*, const wasmcap_wasi_config_t*,
                                                  wasmcap_wasi_t** out);
/* The functions stay usable until the store is deleted; only this handle goes. */
WASM_API_EXTERN void wasmcap_wasi_delete(wasmcap_wasi_t*);

/* One extern per import of `module`, in order, for wasm_instance_new: WASI imports are filled
 * in, any other import is left NULL for the host to fill (an unknown WASI function is an
 * Unlinkable error). `out` is owned by the caller (wasm_extern_vec_delete). */
WASM_API_EXTERN wasmcap_error_t* wasmcap_wasi_imports(const wasmcap_wasi_t*, const wasm_module_t*,
                                                      wasm_extern_vec_t* out);
/* Binds the instance's exported "memory" to the context; call before running "_start". */
WASM_API_EXTERN wasmcap_error_t* wasmcap_wasi_bind_instance(wasmcap_wasi_t*,
                                                            const wasm_instance_t*);
/* True once the guest called proc_exit, with its status in *status. */
WASM_API_EXTERN bool wasmcap_wasi_exit_code(const wasmcap_wasi_t*, int* status);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* WASMCAP_H */
