// GuestProfiler (include/wasmcap/profiler.h): a timer thread raising the store's sample request,
// and the sink that turns each sample's wasm frames into names for src/profile's call tree.
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <thread>
#include <vector>

#include "profile/profile.h"
#include "runtime/store.h"
#include "support/result.h"
#include "wasmcap/profiler.h"
#include "wasmcap/store.h"

namespace wasmcap {

namespace {
double unix_ms_now() {
  using namespace std::chrono;
  return static_cast<double>(
             duration_cast<microseconds>(system_clock::now().time_since_epoch()).count()) /
         1000.0;
}

// The name a frame has in the profile: the name section's, else the index as wasmtime and the
// browsers print it.
std::string frame_name(const TraceFrame& f) {
  if (!f.func_name.empty()) return f.func_name;
  return "wasm-function[" + std::to_string(f.func_index) + "]";
}

Status write_file(const std::string& path, const std::string& text) {
  FILE* out = std::fopen(path.c_str(), "wb");
  if (out == nullptr) return make_error(ErrorKind::Io, "cannot write " + path);
  const bool ok = std::fwrite(text.data(), 1, text.size(), out) == text.size();
  if (std::fclose(out) != 0 || !ok) return make_error(ErrorKind::Io, "cannot write " + path);
  return wasmcap::ok();
}
} // namespace

struct GuestProfiler::State final : runtime::SampleSink {
  State(runtime::Store& s, const Options& o)
      : store(s), interval(o.interval),
        profile(o.name, static_cast<double>(o.interval.count()) / 1000.0, unix_ms_now()),
        start(std::chrono::steady_clock::now()) {}

  runtime::Store& store;
  std::chrono::microseconds interval;
  profile::Profile profile;
  std::chrono::steady_clock::time_point start;
  std::thread timer;
  std::mutex mutex;
  std::condition_variable wake;
  bool stopping = false;
  bool stopped = false;
  std::vector<std::string> names; // reused by every sample

  // On the store's thread, from the tier that took the request.
  void sample(std::span<const TraceFrame> frames) override {
    names.clear();
    for (const TraceFrame& f : frames)
      names.push_back(frame_name(f));
    std::vector<std::string_view> views(names.begin(), names.end());
    const std::chrono::duration<double, std::milli> at = std::chrono::steady_clock::now() - start;
    profile.add_sample(views, at.count());
  }

  void run_timer() {
    std::unique_lock lock(mutex);
    while (!wake.wait_for(lock, interval, [this] { return stopping; })) {
      store.interrupt_state().raise(runtime::Store::kSampleRequested);
    }
  }
};

GuestProfiler::GuestProfiler(Store& store, Options options)
    : state_(std::make_unique<State>(store.impl(), options)) {
  store.impl().set_sample_sink(state_.get());
  state_->timer = std::thread([s = state_.get()] { s->run_timer(); });
}

GuestProfiler::~GuestProfiler() {
  stop();
}

void GuestProfiler::stop() {
  if (state_->stopped) return;
  {
    std::lock_guard lock(state_->mutex);
    state_->stopping = true;
  }
  state_->wake.notify_all();
  state_->timer.join();
  state_->store.set_sample_sink(nullptr);
  state_->stopped = true;
}

size_t GuestProfiler::sample_count() const {
  return state_->profile.sample_count();
}
size_t GuestProfiler::samples_under(std::string_view func_name) const {
  return state_->profile.samples_under(func_name);
}
size_t GuestProfiler::self_samples(std::string_view func_name) const {
  return state_->profile.samples_in(func_name);
}
std::string GuestProfiler::firefox_json() const {
  return state_->profile.firefox_json();
}
std::string GuestProfiler::flame_svg(std::string_view title) const {
  return state_->profile.flame_svg(title);
}

Status GuestProfiler::write(const std::string& json_path, const std::string& svg_path,
                            std::string_view title) {
  stop();
  WASMCAP_TRY(write_file(json_path, firefox_json()));
  return write_file(svg_path, flame_svg(title));
}

} // namespace wasmcap
