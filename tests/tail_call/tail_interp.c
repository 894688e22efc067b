// A tail-call-heavy guest: a bytecode interpreter whose handlers chain with
// [[clang::musttail]] (built with -mtail-call, each dispatch is a wasm return_call or
// return_call_indirect), running a Collatz program for millions of instructions, and a mutual
// recursion (even/odd) ten million calls deep. Without tail calls either would exhaust any
// stack; the test (tests/tail_call) runs it on every tier and checks the printed results.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

// The bytecode: a tiny register machine.
enum Op { LOADI, MOV, ADD, ADDI, MULI, SHRI, ANDI, JZ, JNZ, JMP, DEC, HALT };
typedef struct {
  uint8_t op, a, b;
  int32_t imm;
} Insn;

typedef struct {
  int64_t r[8];
} Regs;

typedef int64_t (*Handler)(const Insn* pc, Regs* regs);
static const Handler handlers[];

// Every handler ends in a guaranteed tail call of the next one.
#define NEXT(pc) __attribute__((musttail)) return handlers[(pc)->op]((pc), regs)

static __attribute__((noinline)) int64_t op_loadi(const Insn* pc, Regs* regs) {
  regs->r[pc->a] = pc->imm;
  ++pc;
  NEXT(pc);
}
static __attribute__((noinline)) int64_t op_mov(const Insn* pc, Regs* regs) {
  regs->r[pc->a] = regs->r[pc->b];
  ++pc;
  NEXT(pc);
}
static __attribute__((noinline)) int64_t op_add(const Insn* pc, Regs* regs) {
  regs->r[pc->a] += regs->r[pc->b];
  ++pc;
  NEXT(pc);
}
static __attribute__((noinline)) int64_t op_addi(const Insn* pc, Regs* regs) {
  regs->r[pc->a] += pc->imm;
  ++pc;
  NEXT(pc);
}
static __attribute__((noinline)) int64_t op_muli(const Insn* pc, Regs* regs) {
  regs->r[pc->a] *= pc->imm;
  ++pc;
  NEXT(pc);
}
static __attribute__((noinline)) int64_t op_shri(const Insn* pc, Regs* regs) {
  regs->r[pc->a] >>= pc->imm;
  ++pc;
  NEXT(pc);
}
static __attribute__((noinline)) int64_t op_andi(const Insn* pc, Regs* regs) {
  regs->r[pc->a] = regs->r[pc->b] & pc->imm;
  ++pc;
  NEXT(pc);
}
static __attribute__((noinline)) int64_t op_jz(const Insn* pc, Regs* regs) {
  pc = regs->r[pc->a] == 0 ? pc + pc->imm : pc + 1;
  NEXT(pc);
}
static __attribute__((noinline)) int64_t op_jnz(const Insn* pc, Regs* regs) {
  pc = regs->r[pc->a] != 0 ? pc + pc->imm : pc + 1;
  NEXT(pc);
}
static __attribute__((noinline)) int64_t op_jmp(const Insn* pc, Regs* regs) {
  pc += pc->imm;
  NEXT(pc);
}
static __attribute__((noinline)) int64_t op_dec(const Insn* pc, Regs* regs) {
  --regs->r[pc->a];
  ++pc;
  NEXT(pc);
}
static __attribute__((noinline)) int64_t op_halt(const Insn* pc, Regs* regs) {
  return regs->r[pc->a];
}

static const Handler handlers[] = {op_loadi, op_mov, op_add, op_addi, op_muli, op_shri,
                                   op_andi,  op_jz,  op_jnz, op_jmp,  op_dec,  op_halt};

// r0 = sum over n in [1, N] of the Collatz steps of n; r1 = n, r2 = x, r3 = scratch. Jump
// immediates are relative to the jumping instruction.
static const Insn collatz[] = {
    {LOADI, 0, 0, 0}, // 0: sum = 0
    {LOADI, 1, 0, 0}, // 1: n = N (set by main)
    {MOV, 2, 1, 0},   // 2: outer: x = n
    {ADDI, 2, 0, -1}, // 3: inner: x - 1
    {JZ, 2, 0, 10},   // 4:   x was 1: -> 14
    {ADDI, 2, 0, 1},  // 5:   x again
    {ADDI, 0, 0, 1},  // 6:   ++sum
    {ANDI, 3, 2, 1},  // 7:   x odd?
    {JNZ, 3, 0, 3},   // 8:   -> 11
    {SHRI, 2, 0, 1},  // 9:   x /= 2
    {JMP, 0, 0, -7},  // 10:  -> 3
    {MULI, 2, 0, 3},  // 11:  x = 3x
    {ADDI, 2, 0, 1},  // 12:      + 1
    {JMP, 0, 0, -10}, // 13:  -> 3
    {DEC, 1, 0, 0},   // 14: --n
    {JNZ, 1, 0, -13}, // 15: n != 0: -> 2
    {HALT, 0, 0, 0},  // 16: result: sum
};

// Mutual recursion ten million calls deep.
static int is_odd(uint32_t n);
static __attribute__((noinline)) int is_even(uint32_t n) {
  if (n == 0) return 1;
  __attribute__((musttail)) return is_odd(n - 1);
}
static __attribute__((noinline)) int is_odd(uint32_t n) {
  if (n == 0) return 0;
  __attribute__((musttail)) return is_even(n - 1);
}

int main(int argc, char** argv) {
  int32_t n = argc > 1 ? atoi(argv[1]) : 30000;
  Insn program[sizeof collatz / sizeof collatz[0]];
  for (size_t i = 0; i < sizeof program / sizeof program[0]; ++i)
    program[i] = collatz[i];
  program[1].imm = n;
  Regs regs = {{0}};
  int64_t steps = handlers[program[0].op](program, &regs);
  printf("collatz steps for 1..%d: %lld\n", n, (long long)steps);
  uint32_t depth = 10000000u + (uint32_t)(argc > 2 ? atoi(argv[2]) : 1);
  printf("is_even(%u) = %d\n", depth, is_even(depth));
  return 0;
}
