/* The C API's engine, store and WASI controls (wasmcap.h), from C: the tier, fuel, a deadline,
 * interruption from another thread, memory caps, the code cache, and the WASI policy calls
 * (policy text, allow/deny, strict, the audit log). A C program, so the header is also checked
 * as C. Usage: capi_controls_c SCRATCH_DIR. Prints one line per check; exits 1 on a failure. */
#define _DEFAULT_SOURCE /* POSIX and BSD names under -std=c11: mkdtemp, nanosleep, d_type */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "wasm.h"
#include "wasmcap.h"

static int failures = 0;

#define CHECK(cond, ...)                                                                           \
  do {                                                                                             \
    if (!(cond)) {                                                                                 \
      ++failures;                                                                                  \
      fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);                              \
      fprintf(stderr, __VA_ARGS__);                                                                \
      fputc('\n', stderr);                                                                         \
    }                                                                                              \
  } while (0)

static const char kLoop[] = "(module (memory (export \"memory\") 1)"
                            "  (func (export \"loop\") (loop $l (br $l)))"
                            "  (func (export \"grow\") (param i32) (result i32)"
                            "    (memory.grow (local.get 0)))"
                            "  (func (export \"add\") (param i32 i32) (result i32)"
                            "    (i32.add (local.get 0) (local.get 1))))";

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The message of an error or trap as a C string in `buf`. */
static const char* error_text(wasmcap_error_t* e, char* buf, size_t size) {
  wasm_message_t m;
  wasmcap_error_message(e, &m);
  snprintf(buf, size, "%.*s", (int)m.size, m.data);
  wasm_byte_vec_delete(&m);
  return buf;
}
static const char* trap_text(const wasm_trap_t* t, char* buf, size_t size) {
  wasm_message_t m;
  wasm_trap_message(t, &m);
  snprintf(buf, size, "%.*s", (int)m.size, m.data);
  wasm_byte_vec_delete(&m);
  return buf;
}

typedef struct {
  wasm_engine_t* engine;
  wasm_store_t* store;
  wasm_module_t* module;
  wasm_instance_t* instance;
  wasm_extern_vec_t exports; /* memory, loop, grow, add */
} Run;

/* Engine from `config` (taken over), store, module kLoop, instance. */
static int start(Run* r, wasm_config_t* config) {
  memset(r, 0, sizeof *r);
  r->engine = wasm_engine_new_with_config(config);
  r->store = wasm_store_new(r->engine);
  wasm_byte_vec_t text;
  wasm_byte_vec_new(&text, sizeof kLoop - 1, kLoop);
  wasmcap_error_t* e = wasmcap_module_new(r->engine, &text, &r->module);
  wasm_byte_vec_delete(&text);
  char buf[256];
  CHECK(e == NULL, "module: %s", e ? error_text(e, buf, sizeof buf) : "");
  if (e) {
    wasmcap_error_delete(e);
    return 0;
  }
  wasm_extern_vec_t none = WASM_EMPTY_VEC;
  wasm_trap_t* trap = NULL;
  e = wasmcap_instance_new(r->store, r->module, &none, &r->instance, &trap);
  CHECK(e == NULL && trap == NULL, "instance: %s", e ? error_text(e, buf, sizeof buf) : "trap");
  if (e || trap) {
    if (e) wasmcap_error_delete(e);
    if (trap) wasm_trap_delete(trap);
    return 0;
  }
  wasm_instance_exports(r->instance, &r->exports);
  return r->exports.size == 4;
}

static void finish(Run* r) {
  wasm_extern_vec_delete(&r->exports);
  if (r->instance) wasm_instance_delete(r->instance);
  if (r->module) wasm_module_delete(r->module);
  wasm_store_delete(r->store);
  wasm_engine_delete(r->engine);
}

/* Calls export `index` with no arguments; the trap, or NULL. */
static wasm_trap_t* call0(Run* r, size_t index) {
  wasm_val_vec_t args = WASM_EMPTY_VEC, results = WASM_EMPTY_VEC;
  return wasm_func_call(wasm_extern_as_func(r->exports.data[index]), &args, &results);
}

static int32_t grow(Run* r, int32_t pages) {
  wasm_val_t a[1] = {WASM_I32_VAL(pages)};
  wasm_val_t out[1] = {WASM_INIT_VAL};
  wasm_val_vec_t args = WASM_ARRAY_VEC(a), results = WASM_ARRAY_VEC(out);
  wasm_trap_t* t = wasm_func_call(wasm_extern_as_func(r->exports.data[2]), &args, &results);
  if (t) {
    wasm_trap_delete(t);
    return -2;
  }
  return out[0].of.i32;
}

static const char* tier_name(wasmcap_tier_t tier) {
  return tier == WASMCAP_TIER_INTERPRETER ? "interpreter"
         : tier == WASMCAP_TIER_JIT       ? "jit"
                                          : "auto";
}

/* Fuel runs out in an endless loop on every tier; the store's fuel can be read and refilled. */
static void fuel(wasmcap_tier_t tier) {
  wasm_config_t* c = wasm_config_new();
  wasmcap_config_tier_set(c, tier);
  wasmcap_config_fuel_set(c, 100000);
  Run r;
  if (start(&r, c)) {
    uint64_t left = 0;
    CHECK(wasmcap_store_fuel_get(r.store, &left) && left == 100000, "fuel at start: %llu",
          (unsigned long long)left);
    wasm_trap_t* t = call0(&r, 1);
    CHECK(t != NULL && wasmcap_trap_kind(t) == WASMCAP_ERROR_EXHAUSTION, "%s: loop under fuel",
          tier_name(tier));
    if (t) wasm_trap_delete(t);
    wasmcap_store_fuel_set(r.store, 7);
    CHECK(wasmcap_store_fuel_get(r.store, &left) && left == 7, "refilled: %llu",
          (unsigned long long)left);
  }
  finish(&r);
  printf("ok fuel (%s)\n", tier_name(tier));
}

/* A deadline stops the loop with "interrupted", well before the test's own limits. */
static void deadline(wasmcap_tier_t tier) {
  wasm_config_t* c = wasm_config_new();
  wasmcap_config_tier_set(c, tier);
  wasmcap_config_timeout_ms_set(c, 100);
  Run r;
  if (start(&r, c)) {
    const double t0 = now_s();
    wasm_trap_t* t = call0(&r, 1);
    const double took = now_s() - t0;
    char buf[256] = "";
    CHECK(t != NULL && strstr(trap_text(t, buf, sizeof buf), "interrupted") != NULL,
          "%s: trap '%s'", tier_name(tier), buf);
    CHECK(took >= 0.09 && took < 5.0, "%s: stopped after %.3f s", tier_name(tier), took);
    if (t) wasm_trap_delete(t);
  }
  finish(&r);
  printf("ok deadline (%s)\n", tier_name(tier));
}

static void* interrupt_later(void* handle) {
  const struct timespec delay = {0, 100 * 1000 * 1000};
  nanosleep(&delay, NULL);
  wasmcap_interrupt_handle_interrupt((const wasmcap_interrupt_handle_t*)handle);
  return NULL;
}

/* Another thread interrupts the store through a handle. */
static void interrupt(wasmcap_tier_t tier) {
  wasm_config_t* c = wasm_config_new();
  wasmcap_config_tier_set(c, tier);
  wasmcap_config_interruptible_set(c, true);
  Run r;
  if (start(&r, c)) {
    wasmcap_interrupt_handle_t* h = wasmcap_interrupt_handle_new(r.store);
    pthread_t thread;
    pthread_create(&thread, NULL, interrupt_later, h);
    wasm_trap_t* t = call0(&r, 1);
    pthread_join(thread, NULL);
    char buf[256] = "";
    CHECK(t != NULL && strstr(trap_text(t, buf, sizeof buf), "interrupted") != NULL,
          "%s: trap '%s'", tier_name(tier), buf);
    if (t) wasm_trap_delete(t);
    wasmcap_interrupt_handle_delete(h);
  }
  finish(&r);
  printf("ok interrupt handle (%s)\n", tier_name(tier));
}

/* The memory cap: growing past it gives -1; a module declaring more does not instantiate. */
static void memory_cap(void) {
  wasm_config_t* c = wasm_config_new();
  wasmcap_config_max_memory_pages_set(c, 3);
  Run r;
  if (start(&r, c)) {
    CHECK(grow(&r, 2) == 1, "grow to 3 pages");
    CHECK(grow(&r, 1) == -1, "grow past the cap");
    static const char big[] = "(module (memory 4))";
    wasm_byte_vec_t text;
    wasm_byte_vec_new(&text, sizeof big - 1, big);
    wasm_module_t* m = NULL;
    wasmcap_error_t* e = wasmcap_module_new(r.engine, &text, &m);
    wasm_byte_vec_delete(&text);
    CHECK(e == NULL, "module (memory 4) compiles");
    if (m) {
      wasm_extern_vec_t none = WASM_EMPTY_VEC;
      wasm_instance_t* inst = NULL;
      wasm_trap_t* trap = NULL;
      e = wasmcap_instance_new(r.store, m, &none, &inst, &trap);
      CHECK(e != NULL && wasmcap_error_kind(e) == WASMCAP_ERROR_EXHAUSTION,
            "(memory 4) over a 3-page cap must not instantiate");
      if (e) wasmcap_error_delete(e);
      if (inst) wasm_instance_delete(inst);
      if (trap) wasm_trap_delete(trap);
      wasm_module_delete(m);
    }
  }
  finish(&r);
  printf("ok memory cap\n");
}

static int count_files(const char* dir, const char* suffix) {
  int n = 0;
  DIR* d = opendir(dir);
  if (!d) return 0;
  for (struct dirent* e; (e = readdir(d)) != NULL;) {
    if (e->d_name[0] == '.') continue;
    const size_t len = strlen(e->d_name), slen = strlen(suffix);
    if (len >= slen && strcmp(e->d_name + len - slen, suffix) == 0) ++n;
    if (e->d_type == DT_DIR) {
      char sub[1024];
      snprintf(sub, sizeof sub, "%s/%s", dir, e->d_name);
      n += count_files(sub, suffix);
    }
  }
  closedir(d);
  return n;
}

/* The code cache: a JIT engine writes the compiled module into the directory given. */
static void cache(const char* scratch) {
  char dir[512];
  snprintf(dir, sizeof dir, "%s/cache", scratch);
  wasm_config_t* c = wasm_config_new();
  wasmcap_config_tier_set(c, WASMCAP_TIER_JIT);
  wasmcap_config_cache_set(c, dir);
  Run r;
  if (start(&r, c)) {
    wasm_val_t a[2] = {WASM_I32_VAL(2), WASM_I32_VAL(40)};
    wasm_val_t out[1] = {WASM_INIT_VAL};
    wasm_val_vec_t args = WASM_ARRAY_VEC(a), results = WASM_ARRAY_VEC(out);
    wasm_trap_t* t = wasm_func_call(wasm_extern_as_func(r.exports.data[3]), &args, &results);
    CHECK(t == NULL && out[0].of.i32 == 42, "add on the cached engine");
    if (t) wasm_trap_delete(t);
  }
  finish(&r);
  const int entries = count_files(dir, ".cwasm");
  /* No LLVM tier in this build (or it cannot load): nothing compiled, nothing cached. */
  const char* no_jit = getenv("WASMCAP_TEST_NO_JIT");
  if (no_jit && *no_jit) {
    printf("ok code cache (no LLVM tier: %d entries)\n", entries);
    return;
  }
  CHECK(entries == 1, "%d .cwasm entries in %s", entries, dir);
  printf("ok code cache\n");
}

static wasmcap_error_t* new_wasi_for(const char* wat, wasmcap_wasi_config_t* wc, Run* r,
                                     wasm_extern_vec_t* imports) {
  memset(r, 0, sizeof *r);
  r->engine = wasm_engine_new();
  r->store = wasm_store_new(r->engine);
  wasm_byte_vec_t text;
  wasm_byte_vec_new(&text, strlen(wat), wat);
  wasmcap_error_t* e = wasmcap_module_new(r->engine, &text, &r->module);
  wasm_byte_vec_delete(&text);
  if (e) return e;
  wasmcap_wasi_t* wasi = NULL;
  e = wasmcap_wasi_new(r->store, wc, &wasi);
  if (e) return e;
  e = wasmcap_wasi_imports(wasi, r->module, imports);
  if (!e) {
    wasm_trap_t* trap = NULL;
    e = wasmcap_instance_new(r->store, r->module, imports, &r->instance, &trap);
    if (trap) wasm_trap_delete(trap);
    if (!e) e = wasmcap_wasi_bind_instance(wasi, r->instance);
    if (!e) wasm_instance_exports(r->instance, &r->exports);
  }
  wasmcap_wasi_delete(wasi);
  return e;
}

/* Reads clock_time_get's result code into memory[0] and returns it through "run". */
static const char kClock[] = "(module (import \"wasi_snapshot_preview1\" \"clock_time_get\""
                             "    (func $clock (param i32 i64 i32) (result i32)))"
                             "  (memory (export \"memory\") 1)"
                             "  (func (export \"run\") (result i32) (call $clock (i32.const 1) "
                             "(i64.const 1) (i32.const 8))))";
static const char kOpen[] = "(module (import \"wasi_snapshot_preview1\" \"path_open\""
                            "    (func (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))"
                            "  (memory (export \"memory\") 1))";

static void wasi_policy(const char* scratch) {
  char buf[512];
  /* A policy that does not parse: an error naming the line; the configuration is unchanged. */
  wasmcap_wasi_config_t* wc = wasmcap_wasi_config_new();
  static const char bad[] = "allow clock\nfrobnicate everything\n";
  wasmcap_error_t* e = wasmcap_wasi_config_apply_policy(wc, bad, sizeof bad - 1);
  CHECK(e != NULL && wasmcap_error_kind(e) == WASMCAP_ERROR_USAGE &&
            strstr(error_text(e, buf, sizeof buf), "line 2") != NULL,
        "bad policy: %s", e ? buf : "accepted");
  if (e) wasmcap_error_delete(e);
  e = wasmcap_wasi_config_allow(wc, "clock,nonsense");
  CHECK(e != NULL && strstr(error_text(e, buf, sizeof buf), "nonsense") != NULL,
        "unknown group: %s", e ? buf : "accepted");
  if (e) wasmcap_error_delete(e);

  /* deny clock: the guest's clock_time_get fails with ENOTCAPABLE (76); the audit log says so. */
  char audit_path[512];
  snprintf(audit_path, sizeof audit_path, "%s/audit.jsonl", scratch);
  FILE* audit = fopen(audit_path, "w+");
  CHECK(audit != NULL, "open %s", audit_path);
  static const char policy[] = "# no clocks for this guest\ndeny clock\n";
  e = wasmcap_wasi_config_apply_policy(wc, policy, sizeof policy - 1);
  CHECK(e == NULL, "policy: %s", e ? error_text(e, buf, sizeof buf) : "");
  if (e) wasmcap_error_delete(e);
  if (audit) wasmcap_wasi_config_set_audit_fd(wc, fileno(audit));
  Run r;
  wasm_extern_vec_t imports = WASM_EMPTY_VEC;
  e = new_wasi_for(kClock, wc, &r, &imports);
  CHECK(e == NULL, "clock guest: %s", e ? error_text(e, buf, sizeof buf) : "");
  if (e) wasmcap_error_delete(e);
  if (r.exports.size == 2) {
    wasm_val_t out[1] = {WASM_INIT_VAL};
    wasm_val_vec_t args = WASM_EMPTY_VEC, results = WASM_ARRAY_VEC(out);
    wasm_trap_t* t = wasm_func_call(wasm_extern_as_func(r.exports.data[1]), &args, &results);
    CHECK(t == NULL && out[0].of.i32 == 76, "clock_time_get under deny clock: errno %d",
          out[0].of.i32);
    if (t) wasm_trap_delete(t);
  }
  wasm_extern_vec_delete(&imports);
  finish(&r);
  if (audit) {
    char line[1024] = "";
    fflush(audit);
    rewind(audit);
    const size_t n = fread(line, 1, sizeof line - 1, audit);
    line[n] = '\0';
    CHECK(strstr(line, "\"refused\"") && strstr(line, "clock_time_get"), "audit log: '%s'", line);
    fclose(audit);
  }

  /* strict: a module importing path_open under deny fs-read,fs-write does not link. */
  e = wasmcap_wasi_config_deny(wc, "fs-read,fs-write");
  CHECK(e == NULL, "deny fs");
  if (e) wasmcap_error_delete(e);
  wasmcap_wasi_config_set_strict(wc, true);
  e = new_wasi_for(kOpen, wc, &r, &imports);
  CHECK(e != NULL && wasmcap_error_kind(e) == WASMCAP_ERROR_UNLINKABLE &&
            strstr(error_text(e, buf, sizeof buf), "path_open") != NULL,
        "strict: %s", e ? buf : "linked");
  if (e) wasmcap_error_delete(e);
  wasm_extern_vec_delete(&imports);
  finish(&r);
  wasmcap_wasi_config_delete(wc);
  printf("ok WASI policy, allow/deny, strict, audit\n");
}

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s SCRATCH_DIR\n", argv[0]);
    return 2;
  }
  /* A fresh folder of this run's under SCRATCH_DIR: the cache check counts its entries. */
  if (mkdir(argv[1], 0755) != 0 && errno != EEXIST) {
    perror(argv[1]);
    return 2;
  }
  char scratch[1024];
  snprintf(scratch, sizeof scratch, "%s/run-XXXXXX", argv[1]);
  if (!mkdtemp(scratch)) {
    perror(scratch);
    return 2;
  }
  const wasmcap_tier_t tiers[] = {WASMCAP_TIER_INTERPRETER, WASMCAP_TIER_JIT, WASMCAP_TIER_AUTO};
  for (size_t i = 0; i < sizeof tiers / sizeof tiers[0]; ++i) {
    fuel(tiers[i]);
    deadline(tiers[i]);
    interrupt(tiers[i]);
  }
  memory_cap();
  cache(scratch);
  wasi_policy(scratch);
  if (failures) fprintf(stderr, "%d check(s) failed\n", failures);
  return failures ? 1 : 0;
}
