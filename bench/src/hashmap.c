/* Memory-bound random access: an open-addressing hash map (linear probing, tombstones, growth by
 * rehash) from 64-bit keys to 32-bit values under a mix of inserts, lookups and deletes. */
#include "bench.h"

typedef struct {
  uint64_t* keys; /* 0 = empty, 1 = deleted; real keys are >= 2 */
  uint32_t* values;
  uint32_t capacity; /* a power of two */
  uint32_t used;     /* live entries plus tombstones */
  uint32_t live;
} Map;

enum { EMPTY = 0, DELETED = 1 };

static uint32_t hash64(uint64_t k) {
  k ^= k >> 33;
  k *= 0xff51afd7ed558ccdull;
  k ^= k >> 33;
  return (uint32_t)k;
}

static void map_init(Map* m, uint32_t capacity) {
  m->keys = (uint64_t*)calloc(capacity, sizeof(uint64_t));
  m->values = (uint32_t*)malloc(sizeof(uint32_t) * capacity);
  if (m->keys == NULL || m->values == NULL) {
    printf("out of memory\n");
    exit(1);
  }
  m->capacity = capacity;
  m->used = m->live = 0;
}

static void map_put(Map* m, uint64_t key, uint32_t value);

static void map_grow(Map* m) {
  Map old = *m;
  /* Double when mostly live; same size when mostly tombstones (just cleans them out). */
  map_init(m, old.live * 2 > old.capacity / 2 ? old.capacity * 2 : old.capacity);
  for (uint32_t i = 0; i < old.capacity; i++)
    if (old.keys[i] > DELETED) map_put(m, old.keys[i], old.values[i]);
  free(old.keys);
  free(old.values);
}

static void map_put(Map* m, uint64_t key, uint32_t value) {
  if ((m->used + 1) * 4 > m->capacity * 3) map_grow(m);
  uint32_t mask = m->capacity - 1, i = hash64(key) & mask, tomb = UINT32_MAX;
  for (;; i = (i + 1) & mask) {
    uint64_t k = m->keys[i];
    if (k == key) {
      m->values[i] = value;
      return;
    }
    if (k == DELETED && tomb == UINT32_MAX) tomb = i;
    if (k == EMPTY) break;
  }
  if (tomb != UINT32_MAX) {
    i = tomb;
  } else {
    m->used++;
  }
  m->keys[i] = key;
  m->values[i] = value;
  m->live++;
}

static uint32_t* map_find(Map* m, uint64_t key) {
  uint32_t mask = m->capacity - 1;
  for (uint32_t i = hash64(key) & mask;; i = (i + 1) & mask) {
    uint64_t k = m->keys[i];
    if (k == key) return &m->values[i];
    if (k == EMPTY) return NULL;
  }
}

static int map_erase(Map* m, uint64_t key) {
  uint32_t mask = m->capacity - 1;
  for (uint32_t i = hash64(key) & mask;; i = (i + 1) & mask) {
    uint64_t k = m->keys[i];
    if (k == key) {
      m->keys[i] = DELETED;
      m->live--;
      return 1;
    }
    if (k == EMPTY) return 0;
  }
}

int main(int argc, char** argv) {
  long ops = bench_size(argc, argv, 25000000);
  /* Keys come from a bounded universe so lookups hit about half the time. */
  uint32_t universe = 1u << 20;
  Map m;
  map_init(&m, 16);
  Rng rng = rng_new(31337);
  uint32_t hits = 0, misses = 0, erased = 0, sum = 0;
  for (long i = 0; i < ops; i++) {
    uint32_t r = rng_u32(&rng);
    uint64_t key =
        2 + (uint64_t)rng_below(&rng, universe) * 0x9e3779b97f4a7c15ull % 0xfffffffffffull;
    switch (r & 7) {
    case 0:
    case 1:
    case 2: map_put(&m, key, r); break;
    case 3: erased += (uint32_t)map_erase(&m, key); break;
    default: {
      uint32_t* v = map_find(&m, key);
      if (v != NULL) {
        hits++;
        sum += *v;
        (*v)++;
      } else {
        misses++;
      }
    }
    }
  }
  printf("ops=%ld live=%u capacity=%u hits=%u misses=%u erased=%u\n", ops, (unsigned)m.live,
         (unsigned)m.capacity, (unsigned)hits, (unsigned)misses, (unsigned)erased);
  uint32_t check = crc32_u32(crc32_u32(crc32_u32(0, hits), erased), sum);
  bench_checksum_u32(crc32_u32(check, m.live));
  free(m.keys);
  free(m.values);
  return 0;
}
