// textutil: a tiny cp/grep/ls/cat for WASI, the quickstart's example guest. It only ever sees
// the directories the host grants with --dir; everything else fails with ENOTCAPABLE.
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(const char* what, const char* path) {
  fprintf(stderr, "textutil: %s %s: %s\n", what, path, strerror(errno));
  return 1;
}

static int cmd_cat(const char* path) {
  FILE* f = fopen(path, "r");
  if (!f) return fail("cannot open", path);
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0)
    fwrite(buf, 1, n, stdout);
  fclose(f);
  return 0;
}

static int cmd_cp(const char* from, const char* to) {
  FILE* in = fopen(from, "rb");
  if (!in) return fail("cannot open", from);
  FILE* out = fopen(to, "wb");
  if (!out) {
    fclose(in);
    return fail("cannot create", to);
  }
  char buf[4096];
  size_t n, total = 0;
  while ((n = fread(buf, 1, sizeof buf, in)) > 0)
    total += fwrite(buf, 1, n, out);
  fclose(in);
  if (fclose(out) != 0) return fail("cannot write", to);
  printf("copied %zu bytes from %s to %s\n", total, from, to);
  return 0;
}

static int cmd_grep(const char* pattern, const char* path) {
  FILE* f = fopen(path, "r");
  if (!f) return fail("cannot open", path);
  char line[1024];
  int lineno = 0, matches = 0;
  while (fgets(line, sizeof line, f)) {
    ++lineno;
    if (strstr(line, pattern)) {
      printf("%s:%d:%s", path, lineno, line);
      ++matches;
    }
  }
  fclose(f);
  return matches > 0 ? 0 : 1;
}

static int compare_names(const void* a, const void* b) {
  return strcmp(*(char* const*)a, *(char* const*)b);
}

static int cmd_ls(const char* path) {
  DIR* d = opendir(path);
  if (!d) return fail("cannot list", path);
  char* names[256];
  int count = 0;
  struct dirent* e;
  while ((e = readdir(d)) && count < 256) {
    if (e->d_name[0] != '.') names[count++] = strdup(e->d_name);
  }
  closedir(d);
  qsort(names, (size_t)count, sizeof names[0], compare_names);
  for (int i = 0; i < count; ++i) {
    printf("%s\n", names[i]);
    free(names[i]);
  }
  return 0;
}

int main(int argc, char** argv) {
  if (argc == 3 && strcmp(argv[1], "cat") == 0) return cmd_cat(argv[2]);
  if (argc == 4 && strcmp(argv[1], "cp") == 0) return cmd_cp(argv[2], argv[3]);
  if (argc == 4 && strcmp(argv[1], "grep") == 0) return cmd_grep(argv[2], argv[3]);
  if (argc == 3 && strcmp(argv[1], "ls") == 0) return cmd_ls(argv[2]);
  fprintf(stderr, "usage: textutil cat FILE | cp FROM TO | grep PATTERN FILE | ls DIR\n");
  return 2;
}
