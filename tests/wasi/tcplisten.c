// tcplisten: preview1's preopened listening socket (`wasmcap run -S tcplisten=HOST:PORT`, fd 3
// when no directory is granted). It is a stream socket and no preopened directory; a descriptor
// that is not a granted listener cannot accept; accepting on it gives connections that read and
// write. Serves N connections (argv[1]) on fd argv[2] (default 3): reads a line from each,
// answers it upper-cased.
// Debian's wasi-libc declares no accept(), so this calls sock_accept itself.
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wasi/api.h>

#include "check.h"

int main(int argc, char** argv) {
  const int n = argc > 1 ? atoi(argv[1]) : 1;
  const __wasi_fd_t fd = argc > 2 ? (__wasi_fd_t)atoi(argv[2]) : 3;
  __wasi_prestat_t pre;
  CHECK(__wasi_fd_prestat_get(fd, &pre) == __WASI_ERRNO_BADF);
  __wasi_fdstat_t st;
  CHECK(__wasi_fd_fdstat_get(fd, &st) == 0);
  CHECK(st.fs_filetype == __WASI_FILETYPE_SOCKET_STREAM);
  CHECK((st.fs_rights_base & __WASI_RIGHTS_SOCK_ACCEPT) != 0);
  __wasi_fd_t conn;
  CHECK(__wasi_sock_accept(1, 0, &conn) != 0); // stdout is no listener
  for (int i = 0; i < n; ++i) {
    CHECK(__wasi_sock_accept(fd, 0, &conn) == 0);
    char line[256];
    size_t len = 0;
    while (len < sizeof line - 1) {
      ssize_t r = read((int)conn, line + len, sizeof line - 1 - len);
      CHECK(r >= 0);
      if (r == 0) break;
      len += (size_t)r;
      if (memchr(line, '\n', len) != NULL) break;
    }
    for (size_t j = 0; j < len; ++j)
      line[j] = (char)toupper((unsigned char)line[j]);
    CHECK(write((int)conn, line, len) == (ssize_t)len);
    CHECK(close((int)conn) == 0);
  }
  printf("served %d\nok\n", n);
  return 0;
}
