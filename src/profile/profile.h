// Profile: the samples of a sampling profiler as a call tree, and the two files a person reads
// them in: the Firefox Profiler's JSON (its "Gecko" format, which profiler.firefox.com opens and
// converts) and a self-contained flame-graph SVG that any browser opens (flame_svg.cpp). Knows
// nothing about WebAssembly: a frame is a name. Filled by the guest profiler
// (include/wasmcap/profiler.h, src/api/guest_profiler.cpp); docs/profiling.md.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace wasmcap::profile {

class Profile {
public:
  // `thread_name` names the one thread the samples come from; `interval_ms` is the sampling
  // period asked for; `start_unix_ms` is when sampling started (wall clock, ms since 1970).
  Profile(std::string thread_name, double interval_ms, double start_unix_ms);

  // One sample: the stack's frames innermost first (as backtraces list them), taken
  // `time_ms` after the start. An empty stack is a sample outside any frame.
  void add_sample(std::span<const std::string_view> innermost_first, double time_ms);

  size_t sample_count() const { return samples_.size(); }
  // How many samples have `name` anywhere on their stack (once per sample), and innermost.
  size_t samples_under(std::string_view name) const;
  size_t samples_in(std::string_view name) const;

  // The Firefox Profiler's Gecko profile format (one process, one thread).
  std::string firefox_json() const;
  // A flame graph (callers below, callees above, width = samples), zoomable by clicking.
  std::string flame_svg(std::string_view title) const;

  // The call tree both writers walk: node 0 is the root (no frame); every other node is a
  // stack, i.e. its parent's stack plus one frame.
  struct Node {
    uint32_t parent = 0;
    uint32_t frame = 0; // index into frames()
    uint64_t self = 0;  // samples whose innermost frame this is
    uint64_t total = 0; // samples at or above it
    std::vector<uint32_t> children;
  };
  const std::vector<Node>& nodes() const { return nodes_; }
  const std::vector<std::string>& frames() const { return frames_; }

private:
  std::string thread_name_;
  double interval_ms_;
  double start_unix_ms_;
  std::vector<std::string> frames_;
  std::map<std::string, uint32_t, std::less<>> frame_ids_;
  std::vector<Node> nodes_;
  std::map<std::pair<uint32_t, uint32_t>, uint32_t> child_ids_; // (parent, frame) -> node
  struct Sample {
    uint32_t node;
    double time_ms;
  };
  std::vector<Sample> samples_;

  uint32_t frame_id(std::string_view name);
  uint32_t child(uint32_t parent, uint32_t frame);
};

// JSON string literal for `s` (quotes included), escaping what JSON requires.
std::string json_string(std::string_view s);

} // namespace wasmcap::profile
