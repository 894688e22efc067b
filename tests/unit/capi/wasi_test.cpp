// wasmcap.h WASI: a guest writing to a redirected stdout, reading its arguments and
// environment, exiting with a status; missing preopens and unknown WASI imports as errors.
#include <cstdio>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include "capi_helpers.h"

namespace capi_test {
namespace {

using CApiWasi = CApiTest;

// Writes "hi\n", then exits with the argument count + 10 * the environment count.
constexpr std::string_view kGuest = R"((module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_sizes_get" (func $env (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (import "host" "ten" (func $ten (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "hi\n")
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const 3))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
    (drop (call $args (i32.const 32) (i32.const 36)))
    (drop (call $env (i32.const 40) (i32.const 44)))
    (call $exit (i32.add (i32.load (i32.const 32))
                         (i32.mul (call $ten) (i32.load (i32.const 40))))))))";

wasm_trap_t* ten_cb(const wasm_val_vec_t*, wasm_val_vec_t* results) {
  results->data[0] = WASM_I32_VAL(10);
  return nullptr;
}

TEST_F(CApiWasi, RunsAGuestWithRedirectedStdoutAndExitCode) {
  char path[] = "/tmp/wasmcap_capi_wasi_XXXXXX";
  const int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);

  wasmcap_wasi_config_t* config = wasmcap_wasi_config_new();
  const char* argv[] = {"guest", "a", "b"};
  wasmcap_wasi_config_set_argv(config, 3, argv);
  const char* names[] = {"X", "Y"};
  const char* values[] = {"1", "2"};
  wasmcap_wasi_config_set_env(config, 2, names, values);
  ASSERT_TRUE(wasmcap_wasi_config_set_stdout_file(config, path));
  wasmcap_wasi_t* wasi = nullptr;
  wasmcap_error_t* e = wasmcap_wasi_new(store, config, &wasi);
  ASSERT_EQ(e, nullptr) << error_message(e);
  wasmcap_wasi_config_delete(config);

  wasm_module_t* module = compile(kGuest);
  wasm_extern_vec_t imports;
  ASSERT_EQ(wasmcap_wasi_imports(wasi, module, &imports), nullptr);
  ASSERT_EQ(imports.size, 5u);
  EXPECT_EQ(imports.data[4], nullptr); // not WASI: the host's to fill
  wasm_functype_t* ft = wasm_functype_new_0_1(wasm_valtype_new_i32());
  imports.data[4] = wasm_func_as_extern(wasm_func_new(store, ft, ten_cb));
  wasm_functype_delete(ft);
  wasm_instance_t* inst = instantiate(module, &imports);
  wasm_extern_vec_delete(&imports);
  ASSERT_EQ(wasmcap_wasi_bind_instance(wasi, inst), nullptr);

  int status = -1;
  EXPECT_FALSE(wasmcap_wasi_exit_code(wasi, &status));
  wasm_val_vec_t none = WASM_EMPTY_VEC;
  wasm_trap_t* trap = wasm_func_call(wasm_extern_as_func(export_at(inst, 1)), &none, &none);
  ASSERT_NE(trap, nullptr);
  EXPECT_TRUE(wasmcap_trap_exit_status(trap, &status));
  EXPECT_EQ(status, 3 + 10 * 2);
  EXPECT_EQ(wasmcap_trap_kind(trap), WASMCAP_ERROR_EXIT);
  wasm_trap_delete(trap);
  EXPECT_TRUE(wasmcap_wasi_exit_code(wasi, &status));
  EXPECT_EQ(status, 23);
  wasmcap_wasi_delete(wasi); // the functions stay valid with the store

  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), "hi\n");
  std::remove(path);
}

TEST_F(CApiWasi, ErrorsForMissingPreopensAndUnknownImports) {
  wasmcap_wasi_config_t* config = wasmcap_wasi_config_new();
  wasmcap_wasi_config_preopen_dir(config, "/nonexistent/wasmcap/dir", "/data", true);
  wasmcap_wasi_t* wasi = nullptr;
  wasmcap_error_t* e = wasmcap_wasi_new(store, config, &wasi);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(wasi, nullptr);
  EXPECT_EQ(wasmcap_error_kind(e), WASMCAP_ERROR_IO);
  wasmcap_error_delete(e);
  wasmcap_wasi_config_delete(config);

  config = wasmcap_wasi_config_new();
  wasmcap_wasi_config_inherit_env(config);
  wasmcap_wasi_config_inherit_stdout(config);
  wasmcap_wasi_config_preopen_dir(config, "/tmp", ".", true);
  ASSERT_EQ(wasmcap_wasi_new(store, config, &wasi), nullptr);
  wasmcap_wasi_config_delete(config);
  wasm_module_t* m = compile(R"((module (import "wasi_snapshot_preview1" "no_such" (func))))");
  wasm_extern_vec_t imports;
  e = wasmcap_wasi_imports(wasi, m, &imports);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(wasmcap_error_kind(e), WASMCAP_ERROR_UNLINKABLE);
  EXPECT_EQ(imports.size, 0u);
  wasmcap_error_delete(e);
  wasmcap_wasi_delete(wasi);
}

} // namespace
} // namespace capi_test
