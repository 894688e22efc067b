/* Tests of the crun handler's crun-independent half (contrib/crun/wasmcap_oci.c), without crun or
 * a container: which files and annotations are wasm, and running guest.wat (text, and as a .wasm)
 * as the handler would, in a temporary directory standing for the container's root with a
 * read-only "mount" in it, checking what the guest saw (argv, env, preopens) and its status.
 * Usage: crun_oci_test GUEST.wat */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wasmcap_oci.h"

static int failures = 0;

#define CHECK(cond)                                                                                \
  do {                                                                                             \
    if (!(cond)) {                                                                                 \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);                     \
      ++failures;                                                                                  \
    }                                                                                              \
  } while (0)

static char tmp[256];

/* A path in the test's directory; a few stay valid at once (a call takes two or three). */
static const char* in_tmp(const char* name) {
  static char paths[4][512];
  static int next = 0;
  char* path = paths[next++ % 4];
  snprintf(path, 512, "%s/%s", tmp, name);
  return path;
}

static void write_file(const char* path, const void* data, size_t size) {
  FILE* file = fopen(path, "wb");
  if (file == NULL || fwrite(data, 1, size, file) != size) {
    fprintf(stderr, "cannot write %s\n", path);
    exit(1);
  }
  fclose(file);
}

/* The whole file at `path`, NUL-terminated (its size in *size); owned by the caller. */
static char* read_all(const char* path, size_t* size) {
  FILE* file = fopen(path, "rb");
  if (file == NULL) return NULL;
  char* data = calloc(1, 65536);
  *size = data ? fread(data, 1, 65535, file) : 0;
  fclose(file);
  return data;
}

static void test_file_kind(void) {
  const unsigned char module[8] = {0, 'a', 's', 'm', 1, 0, 0, 0};
  const unsigned char component[8] = {0, 'a', 's', 'm', 0x0d, 0, 1, 0};
  write_file(in_tmp("m.bin"), module, sizeof module);
  CHECK(wasmcap_oci_file_kind(in_tmp("m.bin")) == WASMCAP_OCI_MODULE);
  write_file(in_tmp("c.wasm"), component, sizeof component);
  CHECK(wasmcap_oci_file_kind(in_tmp("c.wasm")) == WASMCAP_OCI_COMPONENT);
  write_file(in_tmp("script.sh"), "#!/bin/sh\necho hi\n", 18);
  CHECK(wasmcap_oci_file_kind(in_tmp("script.sh")) == WASMCAP_OCI_NOT_WASM);
  write_file(in_tmp("t.wat"), "(module)", 8);
  CHECK(wasmcap_oci_file_kind(in_tmp("t.wat")) == WASMCAP_OCI_TEXT);
  write_file(in_tmp("short.wasm"), "\0asm", 4); /* no version: not a module */
  CHECK(wasmcap_oci_file_kind(in_tmp("short.wasm")) == WASMCAP_OCI_NOT_WASM);
  CHECK(wasmcap_oci_file_kind(in_tmp("missing.wasm")) == WASMCAP_OCI_UNREADABLE);
}

static void test_selects(void) {
  CHECK(!wasmcap_oci_selects(NULL, NULL, "/app.wasm", NULL));
  CHECK(wasmcap_oci_selects(NULL, "compat", "/bin/sh", NULL));
  CHECK(wasmcap_oci_selects(NULL, "compat-smart", "/app.wasm", NULL));
  CHECK(!wasmcap_oci_selects(NULL, "compat-smart", "/bin/sh", NULL));
  CHECK(!wasmcap_oci_selects(NULL, "compatible", "/app.wasm", NULL));
  CHECK(wasmcap_oci_selects("wasm", NULL, "/bin/sh", NULL));
  CHECK(wasmcap_oci_selects("wasm-smart", NULL, "/x.wat", NULL));
  CHECK(!wasmcap_oci_selects("wasm-smart", NULL, "/bin/sh", NULL));
  /* run.oci.handler is looked at first: another handler named there wins over the variant. */
  CHECK(!wasmcap_oci_selects("krun", "compat", "/app.wasm", NULL));
  /* A smart annotation with a wasm file not named .wasm: told by its bytes under the root. */
  CHECK(wasmcap_oci_selects(NULL, "compat-smart", "m.bin", tmp));
  CHECK(!wasmcap_oci_selects(NULL, "compat-smart", "script.sh", tmp));
  CHECK(!wasmcap_oci_selects(NULL, "compat-smart", NULL, tmp));
}

/* The size of the last run's stdout: the guest prints NULs, so strstr would stop early. */
static size_t out_size = 0;

/* Runs `path` as the handler does, with fds 1 and 2 going to files; returns the status and the
 * two outputs (owned by the caller). */
static int run_guest(const char* path, const wasmcap_oci_process_t* process, char** out,
                     char** err) {
  fflush(stdout), fflush(stderr);
  int saved_out = dup(1), saved_err = dup(2);
  int out_fd = open(in_tmp("stdout"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  int err_fd = open(in_tmp("stderr"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  dup2(out_fd, 1), dup2(err_fd, 2);
  close(out_fd), close(err_fd);
  wasm_engine_t* engine = wasm_engine_new();
  int status = wasmcap_oci_run(engine, path, process, in_tmp("root"));
  wasm_engine_delete(engine);
  fflush(stdout), fflush(stderr);
  dup2(saved_out, 1), dup2(saved_err, 2);
  close(saved_out), close(saved_err);
  size_t size;
  *out = read_all(in_tmp("stdout"), &out_size);
  *err = read_all(in_tmp("stderr"), &size);
  return status;
}

static void test_run(const char* guest_wat) {
  mkdir(in_tmp("root"), 0755);
  mkdir(in_tmp("root/data"), 0755);
  mkdir(in_tmp("root/proc"), 0755);
  const char* ro[] = {"rbind", "ro"};
  const wasmcap_oci_mount_t mounts[] = {
      {"/data", "bind", ro, 2},
      {"/proc", "proc", NULL, 0},    /* the kernel's: no preopen of its own */
      {"/missing", "bind", NULL, 0}, /* not a directory: none either */
      {"relative", "bind", NULL, 0}, /* OCI wants absolute destinations */
  };
  const char* args[] = {"/guest.wasm", "hello", "world"};
  const char* env[] = {"PATH=/usr/bin", "GREETING=a=b", "NOEQUALS", "=empty"};
  wasmcap_oci_process_t process = {args, 3, env, 4, false, mounts, 4};

  /* The same guest as text and as a binary module. */
  size_t size;
  char* wat = read_all(guest_wat, &size);
  CHECK(wat != NULL);
  if (wat == NULL) return;
  wasm_byte_vec_t wasm;
  wasmcap_error_t* error = wasmcap_wat2wasm(wat, size, &wasm);
  CHECK(error == NULL);
  if (error != NULL) return;
  write_file(in_tmp("guest.wasm"), wasm.data, wasm.size);
  write_file(in_tmp("guest.wat"), wat, size);
  wasm_byte_vec_delete(&wasm);
  free(wat);

  const char* expected_out = "/guest.wasm\0hello\0world\0\n"
                             "PATH=/usr/bin\0GREETING=a=b\0\n"
                             "/ rw\n/data ro\n";
  size_t expected_len = 26 + 28 + 14;
  for (int text = 0; text <= 1; ++text) {
    char *out, *err;
    int status = run_guest(in_tmp(text ? "guest.wat" : "guest.wasm"), &process, &out, &err);
    CHECK(status == 3); /* the guest's proc_exit(argc) */
    CHECK(out != NULL && memcmp(out, expected_out, expected_len) == 0 && out[expected_len] == 0);
    CHECK(err != NULL && err[0] == 0);
    if (out != NULL && memcmp(out, expected_out, expected_len) != 0)
      fprintf(stderr, "guest printed: %s\n", out);
    free(out), free(err);
  }
  /* The guest's probe landed in the writable root, not in the read-only mount. */
  CHECK(access(in_tmp("root/probe.txt"), F_OK) == 0);
  CHECK(access(in_tmp("root/data/probe.txt"), F_OK) != 0);

  /* A read-only root is read-only to the guest as well. */
  unlink(in_tmp("root/probe.txt"));
  process.root_readonly = true;
  char *out, *err;
  CHECK(run_guest(in_tmp("guest.wasm"), &process, &out, &err) == 3);
  CHECK(out != NULL && memmem(out, out_size, "\n/ ro\n/data ro\n", 14) != NULL);
  CHECK(access(in_tmp("root/probe.txt"), F_OK) != 0);
  free(out), free(err);

  /* A trap: status 134 and one line naming the file and the trap. */
  const char* trap_args[] = {"/guest.wasm", "trap"};
  process.args = trap_args, process.args_len = 2;
  CHECK(run_guest(in_tmp("guest.wasm"), &process, &out, &err) == WASMCAP_OCI_EXIT_TRAP);
  CHECK(out != NULL && out[0] == 0);
  CHECK(err != NULL && strstr(err, "guest.wasm: wasm trap: unreachable") != NULL);
  free(out), free(err);
}

/* Files that cannot run get status 126 and a reason. */
static void expect_cannot_run(const char* name, const void* data, size_t size, const char* why) {
  write_file(in_tmp(name), data, size);
  const char* args[] = {name};
  wasmcap_oci_process_t process = {args, 1, NULL, 0, false, NULL, 0};
  char *out, *err;
  CHECK(run_guest(in_tmp(name), &process, &out, &err) == WASMCAP_OCI_EXIT_CANNOT_RUN);
  CHECK(err != NULL && strstr(err, why) != NULL);
  if (err != NULL && strstr(err, why) == NULL) fprintf(stderr, "%s: got %s", name, err);
  free(out), free(err);
}

static void test_cannot_run(void) {
  expect_cannot_run("script.sh", "#!/bin/sh\n", 10, "not a WebAssembly module");
  const unsigned char component[8] = {0, 'a', 's', 'm', 0x0d, 0, 1, 0};
  expect_cannot_run("c.wasm", component, 8, "WebAssembly component (WASI 0.2)");
  const unsigned char truncated[9] = {0, 'a', 's', 'm', 1, 0, 0, 0, 1};
  expect_cannot_run("bad.wasm", truncated, 9, "cannot compile: malformed");
  const char reactor[] = "(module (memory (export \"memory\") 1))";
  expect_cannot_run("reactor.wat", reactor, sizeof reactor - 1, "no \"_start\" export");
  const char host[] = "(module (import \"env\" \"f\" (func)) (func (export \"_start\")))";
  expect_cannot_run("host.wat", host, sizeof host - 1, "other than WASI");
  const char unknown[] = "(module (import \"wasi_snapshot_preview1\" \"no_such\" (func)))";
  expect_cannot_run("unknown.wat", unknown, sizeof unknown - 1, "cannot link");
  const char* args[] = {"/nothing.wasm"};
  wasmcap_oci_process_t process = {args, 1, NULL, 0, false, NULL, 0};
  char *out, *err;
  CHECK(run_guest(in_tmp("nothing.wasm"), &process, &out, &err) == WASMCAP_OCI_EXIT_CANNOT_RUN);
  CHECK(err != NULL && strstr(err, "nothing.wasm: cannot open the file") != NULL);
  free(out), free(err);
}

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: crun_oci_test GUEST.wat\n");
    return 2;
  }
  const char* base = getenv("TMPDIR");
  snprintf(tmp, sizeof tmp, "%s/crun-oci-test.XXXXXX", base && *base ? base : "/tmp");
  if (mkdtemp(tmp) == NULL) {
    perror("mkdtemp");
    return 1;
  }
  test_file_kind();
  test_selects();
  test_run(argv[1]);
  test_cannot_run();
  char command[512];
  snprintf(command, sizeof command, "rm -rf '%s'", tmp);
  if (system(command) != 0) fprintf(stderr, "could not remove %s\n", tmp);
  if (failures != 0)
    fprintf(stderr, "%d check(s) failed\n", failures);
  else
    printf("crun handler logic: all checks passed\n");
  return failures == 0 ? 0 : 1;
}
