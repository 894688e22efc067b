/* WASI guest: a read-only grant (/ro) can be read but never changed, and an open that means to
 * write is refused at open (ENOTCAPABLE), not at the first write; no way of deriving a descriptor
 * (a subdirectory, fd_fdstat_set_rights, fd_renumber) gains a write right. */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wasi/api.h>

#include "check.h"

/* open() must fail now, with ENOTCAPABLE. */
#define REFUSED(call) CHECK((call) < 0 && errno == ENOTCAPABLE)

int main(void) {
  char buf[16] = {0};
  int fd = open("/ro/keep.txt", O_RDONLY);
  CHECK(fd >= 0 && read(fd, buf, sizeof buf) == 4 && strcmp(buf, "keep") == 0);
  CHECK(write(fd, "x", 1) < 0);
  /* The rights it got can only shrink: asking fd_fdstat_set_rights for fd_write is refused. */
  __wasi_fdstat_t st_fd;
  CHECK(__wasi_fd_fdstat_get(fd, &st_fd) == 0 && !(st_fd.fs_rights_base & __WASI_RIGHTS_FD_WRITE));
  CHECK(__wasi_fd_fdstat_set_rights(fd, st_fd.fs_rights_base | __WASI_RIGHTS_FD_WRITE,
                                    st_fd.fs_rights_inheriting) == __WASI_ERRNO_NOTCAPABLE);
  /* Renumbered onto another descriptor, it is still read-only. */
  int other = open("/ro/keep.txt", O_RDONLY);
  CHECK(other >= 0 && __wasi_fd_renumber(fd, other) == 0);
  CHECK(write(other, "x", 1) < 0);
  close(other);

  REFUSED(open("/ro/keep.txt", O_WRONLY));
  REFUSED(open("/ro/keep.txt", O_WRONLY | O_APPEND));
  REFUSED(open("/ro/keep.txt", O_RDWR));
  REFUSED(open("/ro/keep.txt", O_WRONLY | O_TRUNC));
  REFUSED(open("/ro/keep.txt", O_RDONLY | O_TRUNC));
  REFUSED(open("/ro/new.txt", O_WRONLY | O_CREAT, 0644));
  CHECK(fopen("/ro/keep.txt", "a") == NULL && errno == ENOTCAPABLE);
  CHECK(fopen("/ro/keep.txt", "r+") == NULL && errno == ENOTCAPABLE);
  FILE* f = fopen("/ro/keep.txt", "r");
  CHECK(f != NULL && fgetc(f) == 'k');
  fclose(f);

  /* A directory opened beneath the grant is as read-only as the grant. */
  int sub = open("/ro/sub", O_RDONLY | O_DIRECTORY);
  CHECK(sub >= 0);
  REFUSED(openat(sub, "inner.txt", O_WRONLY));
  REFUSED(openat(sub, "made.txt", O_WRONLY | O_CREAT, 0644));
  int inner = openat(sub, "inner.txt", O_RDONLY);
  CHECK(inner >= 0 && read(inner, buf, sizeof buf) == 5);
  close(inner);
  close(sub);

  CHECK(mkdir("/ro/d", 0755) < 0);
  CHECK(unlink("/ro/keep.txt") < 0);
  CHECK(rename("/ro/keep.txt", "/ro/moved") < 0);
  CHECK(rename("/ro/keep.txt", "/sandbox/moved") < 0);
  CHECK(link("/ro/keep.txt", "/sandbox/linked") < 0);
  CHECK(symlink("keep.txt", "/ro/l") < 0);
  struct stat st;
  CHECK(stat("/ro/keep.txt", &st) == 0 && st.st_size == 4);

  /* The read-write grant still opens for writing. */
  fd = open("/sandbox/w.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
  CHECK(fd >= 0 && write(fd, "w", 1) == 1);
  close(fd);
  fd = open("/sandbox/w.txt", O_WRONLY | O_APPEND);
  CHECK(fd >= 0 && write(fd, "w", 1) == 1);
  close(fd);
  printf("ok\n");
  return 0;
}
