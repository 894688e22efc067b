// A freestanding wasm64 guest (clang --target=wasm64, no libc) that grows its 64-bit memory past
// 4 GiB and writes and reads bytes on both sides of the 4 GiB line and at the last byte: what an
// i32 memory cannot address. `run` returns 298 when every byte read back as written, 1 when
// memory.size disagrees with the grow, and 0 when the grow failed (the host could not map 5 GiB:
// run_big_memory.sh reports the test as skipped then).
#define GIB (1ull << 30)
#define PAGE 65536ull

__attribute__((export_name("run"))) unsigned long long run(void) {
  const unsigned long long want = 5 * GIB / PAGE;
  const unsigned long long have = __builtin_wasm_memory_size(0);
  if (__builtin_wasm_memory_grow(0, want - have) == (unsigned long)-1) return 0;
  if (__builtin_wasm_memory_size(0) != want) return 1;
  volatile unsigned char* mem = (volatile unsigned char*)0;
  // Page numbers (mod 256) at 4 GiB - 4 KiB, 4 GiB and 4 GiB + 4 KiB: 255, 0 and 1.
  for (unsigned long long a = 4 * GIB - 4096; a <= 4 * GIB + 4096; a += 4096)
    mem[a + 7] = (unsigned char)(a >> 12);
  unsigned long long sum = 0;
  for (unsigned long long a = 4 * GIB - 4096; a <= 4 * GIB + 4096; a += 4096)
    sum += mem[a + 7];
  mem[5 * GIB - 1] = 42;
  return sum + mem[5 * GIB - 1]; // 255 + 0 + 1 + 42
}

// One byte past the end: must trap (out of bounds), whatever the address's low 32 bits say.
__attribute__((export_name("past_end"))) unsigned past_end(void) {
  volatile unsigned char* mem = (volatile unsigned char*)0;
  return mem[__builtin_wasm_memory_size(0) * PAGE];
}
