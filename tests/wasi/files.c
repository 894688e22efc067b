/* WASI guest: file create/write/read/seek/pread/pwrite/truncate/stat inside /sandbox. */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"

int main(void) {
  int fd = open("/sandbox/data.txt", O_RDWR | O_CREAT | O_TRUNC, 0644);
  CHECK(fd >= 0);
  CHECK(write(fd, "hello world", 11) == 11);
  CHECK(lseek(fd, 0, SEEK_CUR) == 11);
  CHECK(lseek(fd, 6, SEEK_SET) == 6);
  char buf[32] = {0};
  CHECK(read(fd, buf, sizeof buf) == 5);
  CHECK(strcmp(buf, "world") == 0);
  CHECK(pwrite(fd, "HELLO", 5, 0) == 5);
  memset(buf, 0, sizeof buf);
  CHECK(pread(fd, buf, 11, 0) == 11);
  CHECK(strcmp(buf, "HELLO world") == 0);
  CHECK(lseek(fd, -5, SEEK_END) == 6);
  CHECK(ftruncate(fd, 5) == 0);
  struct stat st;
  CHECK(fstat(fd, &st) == 0);
  CHECK(st.st_size == 5 && S_ISREG(st.st_mode));
  CHECK(close(fd) == 0);
  CHECK(stat("/sandbox/data.txt", &st) == 0 && st.st_size == 5);
  FILE* f = fopen("/sandbox/lines.txt", "w");
  CHECK(f != NULL);
  fprintf(f, "one\ntwo\n");
  CHECK(fclose(f) == 0);
  f = fopen("/sandbox/lines.txt", "a+");
  CHECK(f != NULL);
  fprintf(f, "three\n");
  rewind(f);
  char line[16];
  int lines = 0;
  while (fgets(line, sizeof line, f)) ++lines;
  CHECK(lines == 3);
  fclose(f);
  CHECK(open("/sandbox/missing", O_RDONLY) < 0 && errno == ENOENT);
  printf("ok\n");
  return 0;
}
