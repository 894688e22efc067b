/* Integer and branchy code, in the spirit of CoreMark: linked-list search/reverse/sort, small
 * integer matrix kernels and a character-class state machine, all folded into a CRC-16. */
#include "bench.h"
#include <string.h>

/* CRC-16/CCITT (polynomial 0x1021), bit by bit. */
static uint16_t crc16(uint16_t crc, uint16_t value) {
  for (int byte = 0; byte < 2; byte++) {
    crc ^= (uint16_t)((value >> (8 * byte)) & 0xff) << 8;
    for (int k = 0; k < 8; k++)
      crc = (uint16_t)(crc & 0x8000 ? (crc << 1) ^ 0x1021 : crc << 1);
  }
  return crc;
}

/* ---- linked list ---- */

enum { LIST_NODES = 200 };

typedef struct Item {
  struct Item* next;
  int16_t key;
  int16_t data;
} Item;

static Item pool[LIST_NODES];

static Item* list_build(uint16_t seed) {
  Item* head = NULL;
  for (int i = 0; i < LIST_NODES; i++) {
    pool[i].key = (int16_t)((i * 37 + seed) & 0x3ff);
    pool[i].data = (int16_t)(((seed ^ (uint16_t)(i * 91)) * 13) & 0x7fff);
    pool[i].next = head;
    head = &pool[i];
  }
  return head;
}

static Item* list_find(Item* head, int16_t key) {
  while (head != NULL && head->key != key)
    head = head->next;
  return head;
}

static Item* list_reverse(Item* head) {
  Item* prev = NULL;
  while (head != NULL) {
    Item* next = head->next;
    head->next = prev;
    prev = head;
    head = next;
  }
  return prev;
}

static int by_data(const Item* a, const Item* b) {
  return a->data - b->data;
}
static int by_key(const Item* a, const Item* b) {
  return a->key - b->key;
}

/* Bottom-up merge sort of a singly linked list, with the comparison through a function pointer. */
static Item* list_sort(Item* head, int (*cmp)(const Item*, const Item*)) {
  for (int width = 1;; width *= 2) {
    Item* p = head;
    Item* tail = NULL;
    head = NULL;
    int merges = 0;
    while (p != NULL) {
      merges++;
      Item* q = p;
      int psize = 0;
      for (int i = 0; i < width && q != NULL; i++, psize++)
        q = q->next;
      int qsize = width;
      while (psize > 0 || (qsize > 0 && q != NULL)) {
        Item* e;
        if (psize == 0) {
          e = q, q = q->next, qsize--;
        } else if (qsize == 0 || q == NULL || cmp(p, q) <= 0) {
          e = p, p = p->next, psize--;
        } else {
          e = q, q = q->next, qsize--;
        }
        if (tail != NULL)
          tail->next = e;
        else
          head = e;
        tail = e;
      }
      p = q;
    }
    tail->next = NULL;
    if (merges <= 1) return head;
  }
}

static uint16_t bench_list(uint16_t seed, uint16_t crc) {
  Item* head = list_build(seed);
  int found = 0, missing = 0;
  for (int i = 0; i < 40; i++) {
    Item* it = list_find(head, (int16_t)((seed + i * 29) & 0x3ff));
    if (it != NULL) {
      found++;
      crc = crc16(crc, (uint16_t)it->data);
    } else {
      missing++;
    }
  }
  head = list_reverse(head);
  head = list_sort(head, by_data);
  for (Item* it = head; it != NULL; it = it->next != NULL ? it->next->next : NULL)
    crc = crc16(crc, (uint16_t)it->key);
  head = list_sort(head, by_key);
  crc = crc16(crc, (uint16_t)(head->key + found * 256 + missing));
  return crc;
}

/* ---- matrix ---- */

enum { DIM = 20 };

static int16_t mat_a[DIM][DIM], mat_b[DIM][DIM];
static int32_t mat_c[DIM][DIM];

static uint16_t bench_matrix(uint16_t seed, uint16_t crc) {
  for (int i = 0; i < DIM; i++)
    for (int j = 0; j < DIM; j++) {
      mat_a[i][j] = (int16_t)(((seed + i * DIM + j) * 7) % 127 - 63);
      mat_b[i][j] = (int16_t)(((seed ^ (i * 3 + j * 5)) * 11) % 131 - 65);
    }
  /* A += constant; C = A * constant; reduce */
  int16_t k = (int16_t)((seed & 0xf) | 1);
  int32_t total = 0;
  for (int i = 0; i < DIM; i++)
    for (int j = 0; j < DIM; j++) {
      mat_a[i][j] = (int16_t)(mat_a[i][j] + k);
      total += mat_a[i][j] * k;
    }
  crc = crc16(crc, (uint16_t)total);
  /* C = A * B, then a thresholded sum that branches on each element */
  for (int i = 0; i < DIM; i++)
    for (int j = 0; j < DIM; j++) {
      int32_t acc = 0;
      for (int m = 0; m < DIM; m++)
        acc += mat_a[i][m] * mat_b[m][j];
      mat_c[i][j] = acc;
    }
  int32_t above = 0, below = 0;
  for (int i = 0; i < DIM; i++)
    for (int j = 0; j < DIM; j++) {
      if (mat_c[i][j] > 1000)
        above += mat_c[i][j] >> 4;
      else if (mat_c[i][j] < -1000)
        below -= (mat_c[i][j] & 0xff);
      else
        above ^= mat_c[i][j];
    }
  crc = crc16(crc, (uint16_t)above);
  crc = crc16(crc, (uint16_t)below);
  /* matrix * vector with bit-field extraction */
  for (int i = 0; i < DIM; i++) {
    int32_t acc = 0;
    for (int j = 0; j < DIM; j++)
      acc += ((mat_b[i][j] >> 2) & 0xf) * ((mat_a[j][i] >> 1) & 0x7f);
    crc = crc16(crc, (uint16_t)acc);
  }
  return crc;
}

/* ---- state machine ---- */

enum State { START, SIGN, INT, ZERO, HEX, DOT, FRACTION, EXP, EXP_SIGN, EXP_INT, INVALID, STATES };

static char text[2048];

static void make_text(uint16_t seed) {
  static const char* samples[] = {"1234", "-17",   "3.1415", "+2.5e-3", "0x1F", "abc", "1e9",
                                  "7.",   "-0.25", "0x",     "99e",     "12a4", "0",   "5E+2"};
  size_t n = 0;
  uint32_t s = seed;
  while (n + 12 < sizeof text) {
    s = s * 1103515245u + 12345u;
    const char* w = samples[(s >> 16) % 14];
    size_t wl = strlen(w);
    memcpy(text + n, w, wl);
    n += wl;
    text[n++] = ',';
  }
  text[n] = '\0';
}

static enum State step(enum State st, char c) {
  int digit = c >= '0' && c <= '9';
  switch (st) {
  case START:
    if (c == '+' || c == '-') return SIGN;
    if (c == '0') return ZERO;
    return digit ? INT : INVALID;
  case SIGN: return c == '0' ? ZERO : digit ? INT : INVALID;
  case ZERO:
    if (c == 'x' || c == 'X') return HEX;
    if (c == '.') return DOT;
    if (c == 'e' || c == 'E') return EXP;
    return digit ? INT : INVALID;
  case INT:
    if (c == '.') return DOT;
    if (c == 'e' || c == 'E') return EXP;
    return digit ? INT : INVALID;
  case HEX: return digit || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') ? HEX : INVALID;
  case DOT:
  case FRACTION:
    if (c == 'e' || c == 'E') return EXP;
    return digit ? FRACTION : INVALID;
  case EXP: return c == '+' || c == '-' ? EXP_SIGN : digit ? EXP_INT : INVALID;
  case EXP_SIGN:
  case EXP_INT: return digit ? EXP_INT : INVALID;
  default: return INVALID;
  }
}

static uint16_t bench_state(uint16_t seed, uint16_t crc) {
  make_text(seed);
  uint32_t finals[STATES] = {0}, transitions = 0;
  /* Two passes: the second after corrupting every 17th character. */
  for (int pass = 0; pass < 2; pass++) {
    enum State st = START;
    for (const char* p = text; *p != '\0'; p++) {
      if (*p == ',') {
        finals[st]++;
        st = START;
        continue;
      }
      enum State next = step(st, *p);
      transitions += next != st;
      st = next;
    }
    for (size_t i = seed % 17; i < sizeof text - 1 && text[i] != '\0'; i += 17)
      if (text[i] != ',') text[i] = (char)(text[i] ^ 0x01);
  }
  for (int s = 0; s < STATES; s++)
    crc = crc16(crc, (uint16_t)finals[s]);
  return crc16(crc, (uint16_t)transitions);
}

int main(int argc, char** argv) {
  long iterations = bench_size(argc, argv, 30000);
  uint16_t crc = 0;
  for (long i = 0; i < iterations; i++) {
    uint16_t seed = (uint16_t)(i * 7 + crc);
    crc = bench_list(seed, crc);
    crc = bench_matrix(seed, crc);
    crc = bench_state(seed, crc);
  }
  printf("iterations=%ld crc=%04x\n", iterations, (unsigned)crc);
  printf("checksum: %04x\n", (unsigned)crc);
  return 0;
}
