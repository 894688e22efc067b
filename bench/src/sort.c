/* Memory-bound integer work: sorts a large array of 32-bit keys with an introsort-style quicksort
 * (median of three, insertion sort for short runs) and a bottom-up merge sort, then verifies. */
#include "bench.h"
#include <string.h>

static void insertion_sort(uint32_t* a, long n) {
  for (long i = 1; i < n; i++) {
    uint32_t v = a[i];
    long j = i - 1;
    while (j >= 0 && a[j] > v) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = v;
  }
}

static void quick_sort(uint32_t* a, long n) {
  while (n > 24) {
    /* Median of three as the pivot value, then a Hoare partition. */
    uint32_t x = a[0], y = a[n / 2], z = a[n - 1];
    uint32_t pivot = x < y ? (y < z ? y : (x < z ? z : x)) : (x < z ? x : (y < z ? z : y));
    long i = -1, j = n;
    for (;;) {
      do
        i++;
      while (a[i] < pivot);
      do
        j--;
      while (a[j] > pivot);
      if (i >= j) break;
      uint32_t t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    /* Recurse into the smaller half, loop on the larger one. */
    long left = j + 1;
    if (left < n - left) {
      quick_sort(a, left);
      a += left;
      n -= left;
    } else {
      quick_sort(a + left, n - left);
      n = left;
    }
  }
  insertion_sort(a, n);
}

static void merge_sort(uint32_t* a, uint32_t* tmp, long n) {
  uint32_t* src = a;
  uint32_t* dst = tmp;
  for (long width = 1; width < n; width *= 2) {
    for (long lo = 0; lo < n; lo += 2 * width) {
      long mid = lo + width < n ? lo + width : n;
      long hi = lo + 2 * width < n ? lo + 2 * width : n;
      long i = lo, j = mid, k = lo;
      while (i < mid && j < hi)
        dst[k++] = src[i] <= src[j] ? src[i++] : src[j++];
      while (i < mid)
        dst[k++] = src[i++];
      while (j < hi)
        dst[k++] = src[j++];
    }
    uint32_t* t = src;
    src = dst;
    dst = t;
  }
  if (src != a) memcpy(a, src, sizeof(uint32_t) * (size_t)n);
}

static uint32_t verify(const uint32_t* a, long n) {
  uint32_t h = 0;
  for (long i = 1; i < n; i++) {
    if (a[i - 1] > a[i]) {
      printf("not sorted at %ld\n", i);
      exit(1);
    }
  }
  for (long i = 0; i < n; i += 97)
    h = h * 31u + a[i];
  return h;
}

int main(int argc, char** argv) {
  long n = bench_size(argc, argv, 4000000);
  uint32_t* data = (uint32_t*)malloc(sizeof(uint32_t) * (size_t)n);
  uint32_t* copy = (uint32_t*)malloc(sizeof(uint32_t) * (size_t)n);
  uint32_t* tmp = (uint32_t*)malloc(sizeof(uint32_t) * (size_t)n);
  if (data == NULL || copy == NULL || tmp == NULL) return 1;
  Rng rng = rng_new(2024);
  uint32_t sum = 0;
  for (int round = 0; round < 3; round++) {
    /* Random keys, half of them from a small range (many duplicates), plus an ascending run. */
    for (long i = 0; i < n; i++) {
      uint32_t r = rng_u32(&rng);
      data[i] = (i % 8 == 0) ? (uint32_t)i : (r & 1 ? r : r & 0xffff);
    }
    memcpy(copy, data, sizeof(uint32_t) * (size_t)n);

    quick_sort(data, n);
    uint32_t h1 = verify(data, n);
    merge_sort(copy, tmp, n);
    uint32_t h2 = verify(copy, n);
    if (memcmp(data, copy, sizeof(uint32_t) * (size_t)n) != 0) {
      printf("sorts disagree\n");
      return 1;
    }
    printf("round %d: n=%ld hash=%08x\n", round, n, (unsigned)h1);
    sum = crc32_u32(crc32_u32(sum, h1), h2);
  }
  bench_checksum_u32(sum);
  free(data);
  free(copy);
  free(tmp);
  return 0;
}
