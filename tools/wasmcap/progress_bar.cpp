// The compile progress bar (progress_bar.h). The callback runs on the compiling thread; one
// compile is the calls from the first after a finish (done == 1) to the next finish. The bar
// waits a second, so quick compiles print nothing, redraws at most ten times a second, and
// erases itself at the end, leaving the terminal as it was.
#include "progress_bar.h"

#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

namespace wasmcap::cli {

namespace {

using Clock = std::chrono::steady_clock;

struct BarState {
  bool running = false; // between a compile's first call and its finish
  bool drawn = false;   // a line is on the terminal
  Clock::time_point start;
  Clock::time_point last_draw;
};

bool stderr_is_terminal() {
  if (isatty(STDERR_FILENO) == 0) return false;
  const char* term = std::getenv("TERM");
  return term == nullptr || std::strcmp(term, "dumb") != 0;
}

void write_stderr(const std::string& s) {
  std::fwrite(s.data(), 1, s.size(), stderr);
  std::fflush(stderr);
}

} // namespace

std::string progress_line(double done, uint64_t functions, double seconds, int width) {
  done = std::fmin(1.0, std::fmax(0.0, done));
  const int filled = static_cast<int>(done * width);
  std::string bar(static_cast<size_t>(filled), '#');
  bar.append(static_cast<size_t>(width - filled), '.');
  const auto finished = static_cast<uint64_t>(std::floor(done * static_cast<double>(functions)));
  const double rate = seconds > 0 ? static_cast<double>(finished) / seconds : 0;
  char text[160];
  std::snprintf(text, sizeof text, "compiling [%s] %3d%%  %llu/%llu functions  %.0f/s", bar.c_str(),
                static_cast<int>(done * 100), static_cast<unsigned long long>(finished),
                static_cast<unsigned long long>(functions), rate);
  return text;
}

std::function<void(double, uint64_t)> terminal_progress_bar() {
  if (!stderr_is_terminal()) return {};
  auto state = std::make_shared<BarState>();
  // A testing hook (tests/cli/progress_bar.py): the wait before the first draw.
  std::chrono::milliseconds after(1000);
  if (const char* env = std::getenv("WASMCAP_PROGRESS_AFTER_MS"); env != nullptr && *env != '\0') {
    after = std::chrono::milliseconds(std::strtol(env, nullptr, 10));
  }
  return [state, after](double done, uint64_t functions) {
    const Clock::time_point now = Clock::now();
    if (!state->running) {
      state->running = true;
      state->start = now;
    }
    if (done >= 1.0) {
      if (state->drawn) write_stderr("\r\033[K");
      *state = BarState{};
      return;
    }
    if (now - state->start < after) return;
    if (state->drawn && now - state->last_draw < std::chrono::milliseconds(100)) return;
    const double seconds = std::chrono::duration<double>(now - state->start).count();
    write_stderr("\r\033[K" + progress_line(done, functions, seconds));
    state->drawn = true;
    state->last_draw = now;
  };
}

} // namespace wasmcap::cli
