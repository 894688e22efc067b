/* WASI guest: rename, hard links, symlinks, readlink, and escape attempts that must all fail. */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"

int main(void) {
  int fd = open("/sandbox/a", O_WRONLY | O_CREAT | O_TRUNC, 0644);
  CHECK(fd >= 0 && write(fd, "A", 1) == 1 && close(fd) == 0);
  CHECK(rename("/sandbox/a", "/sandbox/b") == 0);
  CHECK(access("/sandbox/a", F_OK) < 0);
  CHECK(link("/sandbox/b", "/sandbox/c") == 0);
  struct stat st;
  CHECK(stat("/sandbox/c", &st) == 0 && st.st_nlink == 2);
  CHECK(symlink("b", "/sandbox/l") == 0);
  char buf[64] = {0};
  CHECK(readlink("/sandbox/l", buf, sizeof buf) == 1 && buf[0] == 'b');
  CHECK(lstat("/sandbox/l", &st) == 0 && S_ISLNK(st.st_mode));
  CHECK(stat("/sandbox/l", &st) == 0 && S_ISREG(st.st_mode));
  /* Escapes. */
  CHECK(open("/sandbox/../outside/secret", O_RDONLY) < 0);
  CHECK(open("/sandbox/escape/secret", O_RDONLY) < 0); /* escape -> ../outside (host-made) */
  CHECK(open("/sandbox/abs", O_RDONLY) < 0);           /* abs -> /etc/passwd (host-made) */
  CHECK(open("/etc/passwd", O_RDONLY) < 0);
  CHECK(symlink("/etc/passwd", "/sandbox/evil") < 0);
  CHECK(symlink("../outside/secret", "/sandbox/evil") < 0);
  CHECK(rename("/sandbox/b", "/sandbox/../outside/stolen") < 0);
  CHECK(link("/sandbox/escape/secret", "/sandbox/got") < 0);
  CHECK(access("/sandbox/got", F_OK) < 0);
  CHECK(unlink("/sandbox/l") == 0 && unlink("/sandbox/c") == 0 && unlink("/sandbox/b") == 0);
  printf("ok\n");
  return 0;
}
