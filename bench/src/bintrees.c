/* Allocation-heavy: builds, walks and frees many complete binary trees with malloc/free, while
 * one long-lived tree stays allocated (stresses the allocator and pointer chasing). */
#include "bench.h"

typedef struct Node {
  struct Node* left;
  struct Node* right;
  uint32_t value;
} Node;

static Node* build(int depth, uint32_t value) {
  Node* n = (Node*)malloc(sizeof(Node));
  if (n == NULL) {
    printf("out of memory\n");
    exit(1);
  }
  n->value = value;
  if (depth > 0) {
    n->left = build(depth - 1, 2 * value);
    n->right = build(depth - 1, 2 * value + 1);
  } else {
    n->left = n->right = NULL;
  }
  return n;
}

/* Returns a mix of the node count and the values, so every node is visited. */
static uint32_t walk(const Node* n) {
  if (n->left == NULL) return 1 + (n->value & 7);
  return 1 + walk(n->left) + (walk(n->right) ^ (n->value & 3));
}

static void release(Node* n) {
  if (n->left != NULL) {
    release(n->left);
    release(n->right);
  }
  free(n);
}

int main(int argc, char** argv) {
  int max_depth = (int)bench_size(argc, argv, 18);
  int min_depth = 4;
  if (max_depth < min_depth + 2) max_depth = min_depth + 2;

  Node* long_lived = build(max_depth, 1);
  uint32_t sum = 0;
  for (int depth = min_depth; depth <= max_depth; depth += 2) {
    /* Fewer iterations for deeper trees, so each depth allocates about the same number of nodes. */
    long iterations = 1L << (max_depth - depth + min_depth);
    uint32_t check = 0;
    for (long i = 0; i < iterations; i++) {
      Node* t = build(depth, (uint32_t)i);
      check += walk(t);
      release(t);
    }
    printf("%ld trees of depth %d: %u\n", iterations, depth, (unsigned)check);
    sum = crc32_u32(sum, check);
  }
  uint32_t lived = walk(long_lived);
  printf("long-lived tree of depth %d: %u\n", max_depth, (unsigned)lived);
  sum = crc32_u32(sum, lived);
  release(long_lived);
  bench_checksum_u32(sum);
  return 0;
}
