// Profile (profile.h): the call tree of the samples, and the Firefox Profiler's JSON.
#include "profile/profile.h"

#include <unistd.h>

#include <cstdio>

namespace wasmcap::profile {

namespace {
// The Gecko profile format's version this writer follows: frame tables without the
// `optimizations` column (version 27) and counters without sample groups (29). The profiler
// upgrades older versions itself, so a later format change does not break these files.
constexpr int kGeckoVersion = 29;

void append_number(std::string& out, double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", v);
  out += buf;
}
} // namespace

std::string json_string(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", u);
      out += buf;
    } else {
      out += c; // UTF-8 passes through (names come from the name section, which is UTF-8)
    }
  }
  return out + "\"";
}

Profile::Profile(std::string thread_name, double interval_ms, double start_unix_ms)
    : thread_name_(std::move(thread_name)), interval_ms_(interval_ms),
      start_unix_ms_(start_unix_ms), nodes_(1) {}

uint32_t Profile::frame_id(std::string_view name) {
  if (auto it = frame_ids_.find(name); it != frame_ids_.end()) return it->second;
  const auto id = static_cast<uint32_t>(frames_.size());
  frames_.emplace_back(name);
  frame_ids_.emplace(std::string(name), id);
  return id;
}

uint32_t Profile::child(uint32_t parent, uint32_t frame) {
  auto [it, added] = child_ids_.try_emplace({parent, frame}, static_cast<uint32_t>(nodes_.size()));
  if (added) {
    Node n;
    n.parent = parent;
    n.frame = frame;
    nodes_.push_back(std::move(n));
    nodes_[parent].children.push_back(it->second);
  }
  return it->second;
}

void Profile::add_sample(std::span<const std::string_view> innermost_first, double time_ms) {
  uint32_t node = 0;
  for (size_t i = innermost_first.size(); i-- > 0;)
    node = child(node, frame_id(innermost_first[i]));
  samples_.push_back({node, time_ms});
  nodes_[node].self++;
  for (uint32_t n = node;; n = nodes_[n].parent) {
    nodes_[n].total++;
    if (n == 0) break;
  }
}

size_t Profile::samples_under(std::string_view name) const {
  size_t count = 0;
  for (const Sample& s : samples_) {
    for (uint32_t n = s.node; n != 0; n = nodes_[n].parent) {
      if (frames_[nodes_[n].frame] == name) {
        ++count;
        break;
      }
    }
  }
  return count;
}

size_t Profile::samples_in(std::string_view name) const {
  size_t count = 0;
  for (const Sample& s : samples_)
    count += s.node != 0 && frames_[nodes_[s.node].frame] == name ? 1 : 0;
  return count;
}

// One process with one thread. Stack i of the stack table is call-tree node i + 1 (the root is
// no stack); a node's parent comes before it, as the format requires of prefixes. Frame i and
// string i are frames_[i].
std::string Profile::firefox_json() const {
  const long pid = static_cast<long>(getpid());
  std::string out;
  out += "{\"meta\":{\"version\":" + std::to_string(kGeckoVersion) + ",\"startTime\":";
  append_number(out, start_unix_ms_);
  out += ",\"shutdownTime\":null,\"interval\":";
  append_number(out, interval_ms_);
  out += ",\"stackwalk\":0,\"debug\":0,\"gcpoison\":0,\"asyncstack\":0,\"processType\":0,"
         "\"product\":\"wasmcap\",\"presymbolicated\":true,"
         "\"categories\":[{\"name\":\"WebAssembly\",\"color\":\"blue\",\"subcategories\":"
         "[\"Other\"]}],\"markerSchema\":[]},\"libs\":[],\"pausedRanges\":[],\"processes\":[],"
         "\"threads\":[{\"name\":";
  out += json_string(thread_name_);
  out += ",\"processType\":\"default\",\"processName\":\"wasmcap\",\"registerTime\":0,"
         "\"unregisterTime\":null,\"tid\":" +
         std::to_string(pid) + ",\"pid\":" + std::to_string(pid) +
         ",\"markers\":{\"schema\":{\"name\":0,\"startTime\":1,\"endTime\":2,\"phase\":3,"
         "\"category\":4,\"data\":5},\"data\":[]},"
         "\"samples\":{\"schema\":{\"stack\":0,\"time\":1,\"eventDelay\":2},\"data\":[";
  for (size_t i = 0; i < samples_.size(); ++i) {
    if (i) out += ',';
    out += '[';
    out += samples_[i].node == 0 ? std::string("null") : std::to_string(samples_[i].node - 1);
    out += ',';
    append_number(out, samples_[i].time_ms);
    out += ",0]";
  }
  out += "]},\"frameTable\":{\"schema\":{\"location\":0,\"relevantForJS\":1,\"innerWindowID\":2,"
         "\"implementation\":3,\"line\":4,\"column\":5,\"category\":6,\"subcategory\":7},"
         "\"data\":[";
  for (size_t i = 0; i < frames_.size(); ++i) {
    if (i) out += ',';
    out += '[' + std::to_string(i) + ",false,0,null,null,null,0,0]";
  }
  out += "]},\"stackTable\":{\"schema\":{\"prefix\":0,\"frame\":1},\"data\":[";
  for (size_t n = 1; n < nodes_.size(); ++n) {
    if (n > 1) out += ',';
    out += '[';
    out += nodes_[n].parent == 0 ? std::string("null") : std::to_string(nodes_[n].parent - 1);
    out += ',' + std::to_string(nodes_[n].frame) + ']';
  }
  out += "]},\"stringTable\":[";
  for (size_t i = 0; i < frames_.size(); ++i) {
    if (i) out += ',';
    out += json_string(frames_[i]);
  }
  out += "]}]}\n";
  return out;
}

} // namespace wasmcap::profile
