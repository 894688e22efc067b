/* Converts a WAT file to a binary module with wasmcap's C API (wasmcap_wat2wasm): contrib/crun/try
 * uses it to make the container's entrypoint .wasm from tests/guest.wat without other tools.
 * Usage: wat2wasm IN.wat OUT.wasm */
#include <stdio.h>
#include <stdlib.h>

#include "wasmcap.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: wat2wasm IN.wat OUT.wasm\n");
    return 2;
  }
  FILE* in = fopen(argv[1], "rb");
  if (in == NULL) {
    perror(argv[1]);
    return 1;
  }
  static char text[1 << 20];
  size_t size = fread(text, 1, sizeof text, in);
  fclose(in);
  wasm_byte_vec_t wasm;
  wasmcap_error_t* error = wasmcap_wat2wasm(text, size, &wasm);
  if (error != NULL) {
    wasm_message_t message;
    wasmcap_error_message(error, &message);
    fprintf(stderr, "%s: %.*s\n", argv[1], (int)message.size, message.data);
    return 1;
  }
  FILE* out = fopen(argv[2], "wb");
  int ok = out != NULL && fwrite(wasm.data, 1, wasm.size, out) == wasm.size;
  if (out != NULL) ok = fclose(out) == 0 && ok;
  wasm_byte_vec_delete(&wasm);
  if (!ok) perror(argv[2]);
  return ok ? 0 : 1;
}
