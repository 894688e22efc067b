#include <cstdio>
#include <stdexcept>
struct Guard { const char* n; ~Guard() { std::printf("unwound %s\n", n); } };
int depth(int n) { Guard g{"frame"}; if (n == 0) throw std::runtime_error("bottom"); return depth(n - 1) + 1; }
int main() {
  try { depth(3); } catch (const std::exception& e) { std::printf("caught %s\n", e.what()); }
  int count = 0;
  for (int i = 0; i < 1000; ++i) { try { throw i; } catch (int v) { count += v; } }
  std::printf("sum %d\n", count);
  try { try { throw 42; } catch (...) { std::printf("rethrowing\n"); throw; } } catch (int v) { std::printf("outer %d\n", v); }
  return 0;
}
