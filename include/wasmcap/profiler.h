// GuestProfiler: a sampling profiler of the wasm code a store runs, on every tier. About every
// `interval` a timer thread asks the store's running code for a sample; the code takes it at its
// next check (the interpreter's fuel poll, compiled code's interruption check at function
// entries and loop headers) and records the wasm call stack, names from the name section. It
// writes what it gathered as a Firefox Profiler file (https://profiler.firefox.com, "Load a
// profile from file") and as a self-contained flame-graph SVG a browser opens. The CLI's
// `wasmcap run --profile=guest[,FILE]` uses it; docs/profiling.md.
//
// Compiled code is sampled only where it checks for interruption: make the Engine with
// Config::profiling (checks at every function entry and loop header). interruptible, fuel or
// timeout_ms work too, but their code skips the checks of counted loops, so time spent in those
// shows at the next check after them. Each sample costs one stack walk.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "wasmcap/error.h"

namespace wasmcap {

class Store;

class GuestProfiler {
public:
  struct Options {
    std::chrono::microseconds interval{1000}; // 1 kHz, as perf's and wasmtime's default
    std::string name = "wasm";                // the thread's name in the profile
  };
  // Starts sampling `store` at once. The store must outlive the profiler; one profiler per
  // store at a time.
  explicit GuestProfiler(Store& store) : GuestProfiler(store, Options()) {}
  GuestProfiler(Store& store, Options options);
  ~GuestProfiler(); // stops sampling
  GuestProfiler(const GuestProfiler&) = delete;
  GuestProfiler& operator=(const GuestProfiler&) = delete;

  // Stops the timer; the store no longer records samples. Idempotent.
  void stop();
  size_t sample_count() const;
  // Samples whose stack has a frame named `func_name` (its innermost frame, for self_samples).
  size_t samples_under(std::string_view func_name) const;
  size_t self_samples(std::string_view func_name) const;
  // The profile in the Firefox Profiler's (Gecko) JSON format, and as a flame-graph SVG.
  std::string firefox_json() const;
  std::string flame_svg(std::string_view title) const;
  // Stops, then writes firefox_json() to `json_path` and flame_svg(title) to `svg_path`.
  Status write(const std::string& json_path, const std::string& svg_path,
               std::string_view title = "wasm guest profile");

  struct State;

private:
  std::unique_ptr<State> state_;
};

} // namespace wasmcap
