/* Tiny assertion helper for the WASI guest programs: a failed CHECK prints where and exits 1. */
#pragma once
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(cond)                                                                              \
  do {                                                                                           \
    if (!(cond)) {                                                                               \
      printf("FAIL %s:%d: %s (errno %d %s)\n", __FILE__, __LINE__, #cond, errno,                 \
             strerror(errno));                                                                   \
      exit(1);                                                                                   \
    }                                                                                            \
  } while (0)
