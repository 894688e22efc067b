/* String processing: tokenizes a generated 1 MB JSON document (strings with escapes, numbers,
 * literals, nesting) byte by byte, decoding strings and numbers and checking bracket balance. */
#include "bench.h"
#include <string.h>

typedef struct {
  char* data;
  size_t len, cap;
} Buf;

static void put(Buf* b, const char* s, size_t n) {
  if (b->len + n + 1 > b->cap) {
    while (b->len + n + 1 > b->cap)
      b->cap = b->cap ? b->cap * 2 : 4096;
    b->data = (char*)realloc(b->data, b->cap);
    if (b->data == NULL) exit(1);
  }
  memcpy(b->data + b->len, s, n);
  b->len += n;
  b->data[b->len] = '\0';
}

static void puts_(Buf* b, const char* s) {
  put(b, s, strlen(s));
}

static void gen_string(Buf* b, Rng* rng) {
  static const char* pieces[] = {"alpha",   "beta",  " ",   "gamma", "\\n", "\\\"", "\\\\",
                                 "\\u00e9", "delta", "\\t", "x",     "42",  "/",    "\\/"};
  put(b, "\"", 1);
  uint32_t n = rng_below(rng, 6);
  for (uint32_t i = 0; i < n; i++)
    puts_(b, pieces[rng_below(rng, 14)]);
  put(b, "\"", 1);
}

static void gen_number(Buf* b, Rng* rng) {
  char tmp[48];
  uint32_t kind = rng_below(rng, 4);
  uint32_t v = rng_u32(rng);
  if (kind == 0)
    snprintf(tmp, sizeof tmp, "%u", (unsigned)(v % 1000));
  else if (kind == 1)
    snprintf(tmp, sizeof tmp, "-%u", (unsigned)v);
  else if (kind == 2)
    snprintf(tmp, sizeof tmp, "%u.%04u", (unsigned)(v % 100000), (unsigned)(v % 10000));
  else
    snprintf(tmp, sizeof tmp, "%u.%ue-%u", (unsigned)(v % 10), (unsigned)(v % 997),
             (unsigned)(v % 30));
  puts_(b, tmp);
}

static void gen_value(Buf* b, Rng* rng, int depth) {
  uint32_t kind = depth > 5 ? 2 + rng_below(rng, 4) : rng_below(rng, 6);
  switch (kind) {
  case 0: { /* object */
    uint32_t n = 1 + rng_below(rng, 6);
    put(b, "{", 1);
    for (uint32_t i = 0; i < n; i++) {
      if (i) put(b, ",", 1);
      char key[24];
      snprintf(key, sizeof key, "\"key%u\": ", (unsigned)rng_below(rng, 50));
      puts_(b, key);
      gen_value(b, rng, depth + 1);
    }
    put(b, "}", 1);
    break;
  }
  case 1: { /* array */
    uint32_t n = rng_below(rng, 8);
    put(b, "[", 1);
    for (uint32_t i = 0; i < n; i++) {
      if (i) puts_(b, ", ");
      gen_value(b, rng, depth + 1);
    }
    put(b, "]", 1);
    break;
  }
  case 2: gen_string(b, rng); break;
  case 3:
  case 4: gen_number(b, rng); break;
  default: puts_(b, rng_below(rng, 3) == 0 ? "null" : (rng_below(rng, 2) ? "true" : "false"));
  }
}

enum {
  T_LBRACE,
  T_RBRACE,
  T_LBRACKET,
  T_RBRACKET,
  T_COLON,
  T_COMMA,
  T_STRING,
  T_NUMBER,
  T_LITERAL,
  T_COUNT
};

typedef struct {
  uint32_t counts[T_COUNT];
  uint32_t hash; /* FNV-1a over decoded strings and number digits */
} Stats;

static void fnv(uint32_t* h, uint8_t byte) {
  *h = (*h ^ byte) * 16777619u;
}

static int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Returns 0 on success, else the offset (+1) of the first error. */
static size_t tokenize(const char* s, size_t len, Stats* st) {
  char stack[64];
  int depth = 0;
  size_t i = 0;
  while (i < len) {
    char c = s[i];
    switch (c) {
    case ' ':
    case '\t':
    case '\n':
    case '\r': i++; break;
    case '{':
    case '[':
      if (depth == 64) return i + 1;
      stack[depth++] = c;
      st->counts[c == '{' ? T_LBRACE : T_LBRACKET]++;
      i++;
      break;
    case '}':
    case ']':
      if (depth == 0 || stack[--depth] != (c == '}' ? '{' : '[')) return i + 1;
      st->counts[c == '}' ? T_RBRACE : T_RBRACKET]++;
      i++;
      break;
    case ':':
      st->counts[T_COLON]++;
      i++;
      break;
    case ',':
      st->counts[T_COMMA]++;
      i++;
      break;
    case '"': {
      i++;
      while (i < len && s[i] != '"') {
        char ch = s[i++];
        if (ch == '\\') {
          char e = s[i++];
          switch (e) {
          case 'n': ch = '\n'; break;
          case 't': ch = '\t'; break;
          case 'r': ch = '\r'; break;
          case 'b': ch = '\b'; break;
          case 'f': ch = '\f'; break;
          case '"':
          case '\\':
          case '/': ch = e; break;
          case 'u': {
            uint32_t code = 0;
            for (int k = 0; k < 4; k++) {
              int d = i < len ? hex_digit(s[i++]) : -1;
              if (d < 0) return i;
              code = code * 16 + (uint32_t)d;
            }
            /* Hash the UTF-8 encoding of the code point (BMP only). */
            if (code >= 0x80) {
              if (code >= 0x800)
                fnv(&st->hash, (uint8_t)(0xe0 | (code >> 12)));
              else
                fnv(&st->hash, (uint8_t)(0xc0 | (code >> 6)));
              ch = (char)(0x80 | (code & 0x3f));
            } else {
              ch = (char)code;
            }
            break;
          }
          default: return i;
          }
        }
        fnv(&st->hash, (uint8_t)ch);
      }
      if (i >= len) return i;
      i++;
      st->counts[T_STRING]++;
      break;
    }
    case 't':
    case 'f':
    case 'n': {
      const char* word = c == 't' ? "true" : c == 'f' ? "false" : "null";
      size_t n = strlen(word);
      if (i + n > len || memcmp(s + i, word, n) != 0) return i + 1;
      fnv(&st->hash, (uint8_t)c);
      st->counts[T_LITERAL]++;
      i += n;
      break;
    }
    default: {
      if (c != '-' && (c < '0' || c > '9')) return i + 1;
      /* number: -?digits(.digits)?([eE][+-]?digits)? folded into a mantissa and an exponent */
      int negative = c == '-';
      if (negative) i++;
      int64_t mantissa = 0;
      int exponent = 0, digits = 0;
      while (i < len && s[i] >= '0' && s[i] <= '9') {
        mantissa = mantissa * 10 + (s[i++] - '0');
        digits++;
      }
      if (i < len && s[i] == '.') {
        i++;
        while (i < len && s[i] >= '0' && s[i] <= '9') {
          mantissa = mantissa * 10 + (s[i++] - '0');
          exponent--;
          digits++;
        }
      }
      if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        int exp_negative = 0, e = 0;
        if (s[i] == '-' || s[i] == '+') exp_negative = s[i++] == '-';
        while (i < len && s[i] >= '0' && s[i] <= '9')
          e = e * 10 + (s[i++] - '0');
        exponent += exp_negative ? -e : e;
      }
      if (digits == 0) return i + 1;
      uint64_t folded =
          (uint64_t)(negative ? -mantissa : mantissa) ^ ((uint64_t)(uint32_t)exponent << 40);
      for (int k = 0; k < 8; k++)
        fnv(&st->hash, (uint8_t)(folded >> (8 * k)));
      st->counts[T_NUMBER]++;
      break;
    }
    }
  }
  return depth == 0 ? 0 : len + 1;
}

int main(int argc, char** argv) {
  long reps = bench_size(argc, argv, 500);
  size_t doc_size = (size_t)bench_arg(argc, argv, 2, 1024) * 1024; /* argv[2]: KB */
  Buf doc = {NULL, 0, 0};
  Rng rng = rng_new(5);
  puts_(&doc, "[\n");
  for (int i = 0; doc.len < doc_size; i++) {
    if (i) puts_(&doc, ",\n");
    gen_value(&doc, &rng, 0);
  }
  puts_(&doc, "\n]\n");

  uint32_t sum = 0;
  for (long r = 0; r < reps; r++) {
    Stats st;
    memset(&st, 0, sizeof st);
    st.hash = 2166136261u;
    size_t err = tokenize(doc.data, doc.len, &st);
    if (err) {
      printf("syntax error at %zu\n", err - 1);
      return 1;
    }
    sum = crc32_u32(sum, st.hash);
    if (r == 0) {
      printf("%zu bytes:", doc.len);
      for (int t = 0; t < T_COUNT; t++)
        printf(" %u", (unsigned)st.counts[t]);
      printf("\n");
      for (int t = 0; t < T_COUNT; t++)
        sum = crc32_u32(sum, st.counts[t]);
    }
    /* Bump one digit so each pass tokenizes slightly different text. */
    for (size_t k = (size_t)r * 7919 % doc.len; k < doc.len; k++) {
      if (doc.data[k] >= '1' && doc.data[k] <= '8') {
        doc.data[k]++;
        break;
      }
    }
  }
  bench_checksum_u32(sum);
  free(doc.data);
  return 0;
}
