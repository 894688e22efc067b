// A C++ program with exceptions, built with `clang++-19 --target=wasm32-wasi -fwasm-exceptions`
// (WebAssembly's exception instructions) and linked with eh_runtime.cpp: destructors run while
// an exception unwinds through frames, a handler for a base class catches a derived exception,
// a loop throws and catches a thousand times, `throw;` rethrows to an outer handler, and an
// exception thrown through a function pointer and across a catch(...) keeps its value. The
// output is checked on every tier (tests/exceptions/CMakeLists.txt).
#include <cstdio>
#include <stdexcept>

namespace {

int destroyed = 0;

struct Guard {
  int depth;
  ~Guard() { ++destroyed; }
};

int descend(int n) {
  Guard g{n};
  if (n == 0) throw std::runtime_error("bottom reached");
  return descend(n - 1) + g.depth;
}

struct Code {
  int value;
};

[[gnu::noinline]] void raise_code(int v) {
  throw Code{v};
}

int through_pointer(void (*f)(int), int v) {
  try {
    f(v);
  } catch (...) {
    throw; // rethrown unchanged
  }
  return -1;
}

} // namespace

int main() {
  try {
    descend(4);
  } catch (const std::exception& e) {
    std::printf("caught: %s after %d destructors\n", e.what(), destroyed);
  }
  long sum = 0;
  for (int i = 0; i < 1000; ++i) {
    try {
      throw i;
    } catch (int v) {
      sum += v;
    }
  }
  std::printf("sum of 1000 caught ints: %ld\n", sum);
  try {
    try {
      throw 42;
    } catch (...) {
      std::printf("rethrowing\n");
      throw;
    }
  } catch (int v) {
    std::printf("outer handler: %d\n", v);
  }
  try {
    through_pointer(&raise_code, 7);
  } catch (const Code& c) {
    std::printf("code through a pointer: %d\n", c.value);
  }
  return 0;
}
