/* WASI guest: mkdir, readdir (with `.` and `..`, each entry once), rmdir and unlink. */
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"

int main(void) {
  CHECK(mkdir("/sandbox/d", 0755) == 0);
  CHECK(mkdir("/sandbox/d", 0755) < 0 && errno == EEXIST);
  char name[64];
  for (int i = 0; i < 100; ++i) {
    snprintf(name, sizeof name, "/sandbox/d/entry_with_a_longish_name_%03d", i);
    int fd = open(name, O_WRONLY | O_CREAT, 0644);
    CHECK(fd >= 0);
    close(fd);
  }
  CHECK(mkdir("/sandbox/d/sub", 0755) == 0);
  DIR* d = opendir("/sandbox/d");
  CHECK(d != NULL);
  int files = 0, dots = 0, dirs = 0;
  static char seen[100];
  struct dirent* e;
  while ((e = readdir(d)) != NULL) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) {
      ++dots;
      CHECK(e->d_type == DT_DIR);
    } else if (strcmp(e->d_name, "sub") == 0) {
      ++dirs;
      CHECK(e->d_type == DT_DIR);
    } else {
      int i = atoi(e->d_name + strlen("entry_with_a_longish_name_"));
      CHECK(i >= 0 && i < 100 && !seen[i]);
      seen[i] = 1;
      ++files;
      CHECK(e->d_type == DT_REG);
    }
  }
  closedir(d);
  printf("files=%d dirs=%d dots=%d\n", files, dirs, dots);
  CHECK(files == 100 && dirs == 1 && dots == 2);
  CHECK(rmdir("/sandbox/d") < 0 && errno == ENOTEMPTY);
  CHECK(unlink("/sandbox/d/sub") < 0);
  CHECK(rmdir("/sandbox/d/sub") == 0);
  for (int i = 0; i < 100; ++i) {
    snprintf(name, sizeof name, "/sandbox/d/entry_with_a_longish_name_%03d", i);
    CHECK(unlink(name) == 0);
  }
  CHECK(rmdir("/sandbox/d") == 0);
  CHECK(chdir("/sandbox") == 0);
  CHECK(mkdir("rel", 0755) == 0 && rmdir("./rel") == 0);
  printf("ok\n");
  return 0;
}
