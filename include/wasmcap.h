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
  WASMCAP_ERROR_EXCEPTION,  /* a wasm exception nobody caught ("uncaught exception") */
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

/* Wasm GC's any hierarchy (anyref, eqref, i31ref, structref, arrayref, nullref; docs/gc.md),
 * which wasm.h has no kind for: wasm_valtype_kind reports those types as this, and a value of it
 * carries in `of.ref` a handle (NULL: the null reference) that keeps its object alive while it
 * lives: it is rooted, so it may be kept across calls and collections, and handed back to wasm.
 * (Concrete struct and array types are reported as before, as WASM_ANYREF: the C API cannot tell
 * them from function types.) */
#define WASMCAP_ANYREF ((wasm_valkind_t)130)
/* What a WASMCAP_ANYREF handle holds. */
typedef uint8_t wasmcap_gc_kind_t;
enum { WASMCAP_GC_I31, WASMCAP_GC_STRUCT, WASMCAP_GC_ARRAY, WASMCAP_GC_HOST, WASMCAP_GC_NOT_ANY };
WASM_API_EXTERN wasmcap_gc_kind_t wasmcap_ref_gc_kind(const wasm_ref_t*);
/* An i31ref of the low 31 bits of `value`, for a WASMCAP_ANYREF value; and the value of one,
 * sign-extended (false when the handle is not an i31). */
WASM_API_EXTERN wasm_ref_t* wasmcap_ref_i31_new(wasm_store_t*, int32_t value);
WASM_API_EXTERN bool wasmcap_ref_i31_get(const wasm_ref_t*, int32_t* value);

/* ---- Configuration ------------------------------------------------------------------------- */

/* Bytes of wasm value stack per call chain (default 8 MiB); deeper recursion traps. */
WASM_API_EXTERN void wasmcap_config_max_wasm_stack_set(wasm_config_t*, uint64_t bytes);
/* Enables or disables 128-bit SIMD (default enabled). */
WASM_API_EXTERN void wasmcap_config_simd_set(wasm_config_t*, bool enable);

/* Which tier runs code (docs/tiering.md). The default is WASMCAP_TIER_AUTO, as `wasmcap run`'s:
 * the interpreter at once, then code compiled by the LLVM tier on a background thread for a
 * module that runs longer than a few milliseconds. JIT compiles every module before it runs.
 * Where the LLVM tier is not available, both run the interpreter. */
typedef uint8_t wasmcap_tier_t;
enum wasmcap_tier_enum {
  WASMCAP_TIER_INTERPRETER = 0,
  WASMCAP_TIER_JIT = 1,
  WASMCAP_TIER_AUTO = 2,
};
WASM_API_EXTERN void wasmcap_config_tier_set(wasm_config_t*, wasmcap_tier_t);

/* Fuel: each store starts with `fuel` units, one per executed wasm instruction (charged at
 * function entries and loop iterations); running out traps with WASMCAP_ERROR_EXHAUSTION "all
 * fuel consumed", at the same instruction on every tier. Default: unlimited. */
WASM_API_EXTERN void wasmcap_config_fuel_set(wasm_config_t*, uint64_t fuel);
/* A deadline for each outermost call into wasm (wasm_func_call, a start function): when `ms`
 * milliseconds pass, the call traps with "interrupted". 0 (the default): none. */
WASM_API_EXTERN void wasmcap_config_timeout_ms_set(wasm_config_t*, uint64_t ms);
/* Makes code of this engine stop at wasmcap_interrupt_handle_interrupt (compiled code gets a
 * check at function entries and loop headers; fuel and a timeout turn it on too). Default off. */
WASM_API_EXTERN void wasmcap_config_interruptible_set(wasm_config_t*, bool enable);
/* Caps on every memory (64 KiB pages; default 65536, all of 4 GiB) and table (elements; default
 * 10,000,000) of a store: growing past them fails (memory.grow gives -1), and a module declaring
 * more does not instantiate. */
WASM_API_EXTERN void wasmcap_config_max_memory_pages_set(wasm_config_t*, uint32_t pages);
WASM_API_EXTERN void wasmcap_config_max_table_elements_set(wasm_config_t*, uint32_t elements);
/* The most bytes a store's GC objects (Wasm GC's structs and arrays) may take (default and at
 * most about 4 GiB); an allocation past it, after a collection, traps "GC heap limit reached". */
WASM_API_EXTERN void wasmcap_config_max_gc_heap_set(wasm_config_t*, uint64_t bytes);
/* Keeps code compiled by the LLVM tier on disk in `directory` (NULL: $XDG_CACHE_HOME/wasmcap or
 * ~/.cache/wasmcap, the CLI's), so compiling the same module again maps it instead (JIT and
 * AUTO engines). A stale or broken entry is recompiled, never an error. Default: no cache. */
WASM_API_EXTERN void wasmcap_config_cache_set(wasm_config_t*, const char* directory);

/* ---- Stores: fuel and interruption ------------------------------------------------------- */

/* Sets the fuel left in the store (turning fuel accounting on if the engine had none; only code
 * compiled for an engine with fuel, a timeout or interruption is metered by the LLVM tier). */
WASM_API_EXTERN void wasmcap_store_fuel_set(wasm_store_t*, uint64_t fuel);
/* The fuel left; false when the store's fuel is unlimited. */
WASM_API_EXTERN bool wasmcap_store_fuel_get(const wasm_store_t*, uint64_t* fuel);

/* A whole garbage collection now (docs/gc.md). Besides freeing unreachable GC objects, it drops
 * every foreign object (wasm_foreign_t) that was passed to wasm as an externref and that nothing
 * holds any more: no wasm global, table, GC object or frame, and no wasm_ref_t handle. Its
 * host-info finalizer runs then, inside the collection, so it must not call into the store.
 * Collections also happen on their own as wasm allocates GC objects. */
WASM_API_EXTERN void wasmcap_store_gc(wasm_store_t*);

/* A handle that stops the store's running wasm with the trap "interrupted" (or the next call,
 * if none runs), usable from any thread and from a signal handler, for as long as it exists
 * (it keeps the store's state alive). Code must come from an engine with interruption on
 * (wasmcap_config_interruptible_set, or fuel, or a timeout). */
typedef struct wasmcap_interrupt_handle_t wasmcap_interrupt_handle_t;
WASM_API_EXTERN wasmcap_interrupt_handle_t* wasmcap_interrupt_handle_new(wasm_store_t*);
WASM_API_EXTERN void wasmcap_interrupt_handle_interrupt(const wasmcap_interrupt_handle_t*);
WASM_API_EXTERN void wasmcap_interrupt_handle_delete(wasmcap_interrupt_handle_t*);

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

/* ---- Capability policy (docs/security.md) ----
 * What a guest may do beyond its grants above: capability groups ("fs-read", "fs-write", "net",
 * "clock", "random", "proc", ... as `wasmcap run --allow`), network and HTTP grants. Calls the
 * policy refuses fail in the guest with ENOTCAPABLE and, with an audit log, leave a line. */

/* Adds a policy in the text format of `wasmcap run --policy` (allow/deny lines, `dir` grants,
 * `tcp-connect`/`tcp-listen`/`udp`/`ip-name-lookup`/`allow-http` lines). Several calls merge.
 * NULL on success; else a Usage error naming the line (the configuration is unchanged). */
WASM_API_EXTERN wasmcap_error_t* wasmcap_wasi_config_apply_policy(wasmcap_wasi_config_t*,
                                                                  const char* text, size_t len);
/* Only these groups ("fs-read,clock", "all", "none"); repeated calls unite. */
WASM_API_EXTERN wasmcap_error_t* wasmcap_wasi_config_allow(wasmcap_wasi_config_t*,
                                                           const char* groups);
/* Never these groups, whatever else allows them. */
WASM_API_EXTERN wasmcap_error_t* wasmcap_wasi_config_deny(wasmcap_wasi_config_t*,
                                                          const char* groups);
/* Strict (`wasmcap run --strict`): wasmcap_wasi_imports fails with an Unlinkable error naming
 * each import the policy refuses, instead of linking functions that fail when called. */
WASM_API_EXTERN void wasmcap_wasi_config_set_strict(wasmcap_wasi_config_t*, bool strict);
/* Logs as JSON lines to a host file descriptor the caller keeps open (and closes): the audit log
 * (every refused capability use) and the trace (every WASI call). -1: none (the default). */
WASM_API_EXTERN void wasmcap_wasi_config_set_audit_fd(wasmcap_wasi_config_t*, int fd);
WASM_API_EXTERN void wasmcap_wasi_config_set_trace_fd(wasmcap_wasi_config_t*, int fd);

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
