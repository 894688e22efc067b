/* WASI guest: a read-only grant (/ro) can be read but never changed. */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"

int main(void) {
  char buf[16] = {0};
  int fd = open("/ro/keep.txt", O_RDONLY);
  CHECK(fd >= 0 && read(fd, buf, sizeof buf) == 4 && strcmp(buf, "keep") == 0);
  CHECK(write(fd, "x", 1) < 0);
  close(fd);
  fd = open("/ro/keep.txt", O_WRONLY);
  CHECK(fd < 0 || write(fd, "x", 1) < 0); /* either refused now or at the first write */
  if (fd >= 0) close(fd);
  CHECK(open("/ro/keep.txt", O_WRONLY | O_TRUNC) < 0);
  CHECK(open("/ro/new.txt", O_WRONLY | O_CREAT, 0644) < 0);
  CHECK(mkdir("/ro/d", 0755) < 0);
  CHECK(unlink("/ro/keep.txt") < 0);
  CHECK(rename("/ro/keep.txt", "/ro/moved") < 0);
  CHECK(rename("/ro/keep.txt", "/sandbox/moved") < 0);
  CHECK(link("/ro/keep.txt", "/sandbox/linked") < 0);
  CHECK(symlink("keep.txt", "/ro/l") < 0);
  struct stat st;
  CHECK(stat("/ro/keep.txt", &st) == 0 && st.st_size == 4);
  printf("ok\n");
  return 0;
}
