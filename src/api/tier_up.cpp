// TierUp (tier_up.h): the background compile and the switch-over of instances.
#include "api/tier_up.h"

#include <algorithm>
#include <cstdlib>

#include "api/code_cache_file.h"
#include "api/tier_choice.h"
#include "api/tiered_code.h"
#include "binary/code_reader.h"
#include "binary/tail_call_use.h"

#ifdef WASMCAP_HAVE_LLVM_TIER
#include "llvm/aot.h"
#include "llvm/compile.h"
#include "llvm/jit_module.h"
#include "llvm/native_table.h"
#endif

namespace wasmcap::detail {

namespace {

using Clock = std::chrono::steady_clock;

// Compiles in progress in this process; exit() waits for them (wait_at_exit).
std::mutex g_compiles_mutex;
std::condition_variable g_compiles_done;
int g_compiles_in_progress = 0;
bool g_exiting = false; // exit() has begun: no compile may start

void stop_compile_thread(); // CompileQueue's, below

// Registered with atexit before the compile thread first loads the plugin. libLLVM lives in a
// link-map namespace of its own (tier_loader.cpp), whose static destructors run from _dl_fini,
// after every atexit handler: so a compile, or the plugin's load, never runs under them. Then
// the compile thread is stopped and joined, so a process leaves no thread behind (valgrind
// counted the detached thread's stack as possibly lost).
void wait_at_exit() {
  {
    std::unique_lock lock(g_compiles_mutex);
    g_exiting = true;
    g_compiles_done.wait(lock, [] { return g_compiles_in_progress == 0; });
  }
  stop_compile_thread();
}

// False once exit() has begun (a job falling due during exit must not start LLVM then).
bool begin_compile() {
  std::lock_guard lock(g_compiles_mutex);
  if (g_exiting) return false;
  ++g_compiles_in_progress;
  return true;
}

void end_compile() {
  {
    std::lock_guard lock(g_compiles_mutex);
    --g_compiles_in_progress;
  }
  g_compiles_done.notify_all();
}

double ms_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

// The defined functions (0 = first non-imported) `functions` call directly, in call order,
// each once. A body that fails to decode yields what was read before (it was validated).
std::vector<uint32_t> direct_callees(const ir::Module& m, const std::vector<uint32_t>& functions) {
  struct Finder {
    const ir::Module* m;
    std::vector<uint32_t>* out;
    support::Status operator()(const ir::Instr& instr) {
      if (instr.op != ir::Op::Call || instr.index < m->num_imported_funcs) return support::ok();
      const uint32_t f = instr.index - m->num_imported_funcs;
      if (std::find(out->begin(), out->end(), f) == out->end()) out->push_back(f);
      return support::ok();
    }
  };
  std::vector<uint32_t> out;
  Finder finder{&m, &out};
  for (uint32_t f : functions) {
    const ir::Function& fn = m.functions[f];
    binary::CodeReader<Finder> reader(m.range_bytes(fn.body), fn.body.offset, finder);
    (void)reader.read_expression();
  }
  return out;
}

// An environment variable as a number, or `otherwise` when unset.
uint64_t env_number(const char* name, uint64_t otherwise) {
  const char* env = std::getenv(name);
  if (env == nullptr || *env == '\0') return otherwise;
  return std::strtoull(env, nullptr, 10);
}

} // namespace

// Everything the background thread touches: it holds a reference, so the TierUp (and the Module
// holding it) may go while a compile runs.
struct TierUp::Job {
  std::shared_ptr<const ir::Module> module;
  // The interpreter's code, which knows the functions found running (osr_candidates).
  std::shared_ptr<const runtime::ModuleCode> interp_code;
  validate::Features features;
  bool guard_pages = false;
  uint32_t checks = 0; // llvm_tier::kCheck*, as the engine's config asks (checks_for)
  std::chrono::milliseconds delay{0};
  std::string cache_path;

  mutable std::mutex mutex;
  mutable std::condition_variable changed;
  State state = State::Idle;
  Clock::time_point first_instance;
  double compile_started_ms = 0;
  double compile_ms = 0;
  uint32_t switched = 0;
  std::string note;
  size_t osr_functions = 0;                        // compiled with on-stack replacement entries
  std::shared_ptr<const runtime::ModuleCode> code; // when Ready: the whole module
  // The poll flags of the stores watching (weak: a store that is gone needs no waking). Stores
  // come and go, one per request under `wasmcap serve`: watch() drops the expired ones, so this
  // stays as long as the number of live stores (it used to keep every store's flag for good, and
  // watch() searched them all: a leak and a slowdown growing with each request).
  std::vector<std::weak_ptr<runtime::PollFlag>> flags;

  // Per-function tier-up (docs/tiering.md, "Per-function tier-up"): a hot batch's limits, how
  // many hot batches at most before the whole module, the smallest module (bytes of bodies)
  // split into batches at all, and the testing knobs.
  uint32_t batch_max_functions = 64;
  uint64_t batch_max_bytes = 256 << 10;
  uint32_t max_hot_batches = 4;
  uint64_t split_min_bytes = 16 << 10;
  uint64_t small_callee_bytes = 0; // bytes of body (0: none): see pick_hot_batch
  // WASMCAP_TIER_UP_HOT: the first batches (function indices; batches separated by ';').
  std::vector<std::vector<uint32_t>> forced_hot;
  bool hot_only = false; // WASMCAP_TIER_UP_HOT_ONLY: nothing after the first (or forced) batches
  // The compile thread's own: the defined functions hot batches compiled, and the interpreter's
  // samples when the last one was picked (the next takes what ran since).
  std::vector<uint8_t> in_batches;
  std::vector<uint32_t> sample_base;
  // The newest hot batch: its code (for fits()) and the instances' mix of tiers it makes.
  std::shared_ptr<const runtime::ModuleCode> hot_code;
  std::shared_ptr<const TieredCode> hot_mix;
  uint32_t hot_switched = 0;  // instances switched to a hot batch (each counted once)
  std::vector<Batch> batches; // what each batch compiled, in order
  // Bumped (under `mutex`) whenever there is something new for the switch hooks (a batch ready,
  // a failure), so that a hook, which runs at every safe point while batches remain, looks at
  // the rest only then.
  std::atomic<uint32_t> generation{0};

  Clock::time_point due() const { return first_instance + delay; }
  void run(); // on the compile thread, once due
  // The next hot batch (defined function indices), or nothing: then the whole module.
  std::vector<uint32_t> pick_hot_batch(size_t batches_so_far);
  // Compiles `hot` and publishes the mix it makes; false if that failed (state Failed).
  bool run_hot_batch(const std::vector<uint32_t>& hot);
  // The whole module, as a .cwasm (cached) and mapped; `osr_count`: how many functions got
  // on-stack replacement entries (those found running, but for `skip_osr`'s).
  support::Result<std::shared_ptr<const runtime::ModuleCode>>
  compile(std::string& note, size_t& osr_count, const std::vector<uint32_t>& skip_osr) const;
  // Only `functions`, mapped directly (never cached).
  support::Result<std::shared_ptr<const runtime::ModuleCode>>
  compile_hot(const std::vector<uint32_t>& functions, size_t& osr_count) const;
  // Publishes a change for the hooks: raises the stores' flags, then bumps the generation.
  void publish() {
    for (const auto& weak : flags)
      if (auto flag = weak.lock()) flag->store(true, std::memory_order_relaxed);
    generation.fetch_add(1, std::memory_order_release);
  }
};

namespace {

#ifdef WASMCAP_HAVE_LLVM_TIER
support::Status tier_usable() {
  if (const std::string* why = llvm_tier::unavailable_reason()) {
    return support::make_error(support::ErrorKind::Usage, *why);
  }
  // Again once the plugin is loaded: where it could only be dlopen'ed into the main namespace
  // (sanitizer builds), libLLVM's load-time destructors are on the atexit list now, and this
  // registration runs before them. (Those it registers while compiling still come after: the
  // case only dlmopen fixes.) Idempotent, so running it twice costs nothing.
  static std::once_flag registered;
  std::call_once(registered, [] { std::atexit(wait_at_exit); });
  return support::ok();
}
#endif

} // namespace

// The functions that ran (interpreted) since the last pick, hottest first, up to
// batch_max_functions and batch_max_bytes of bodies. None, so the whole module comes next (or at
// once), when the module is small (it compiles quickly anyway), when nothing new ran, after
// max_hot_batches, or when the hot batches would hold most of the module.
std::vector<uint32_t> TierUp::Job::pick_hot_batch(size_t batches_so_far) {
  const ir::Module& m = *module;
  std::vector<uint32_t> hot;
  if (!forced_hot.empty()) {
    if (batches_so_far >= forced_hot.size()) return {};
    for (uint32_t f : forced_hot[batches_so_far]) {
      if (f >= m.num_imported_funcs && f - m.num_imported_funcs < m.functions.size()) {
        hot.push_back(f - m.num_imported_funcs);
      }
    }
    return hot;
  }
  if (batches_so_far >= max_hot_batches || (hot_only && batches_so_far != 0) || !interp_code) {
    return {};
  }
  uint64_t total = 0, compiled = 0;
  for (size_t i = 0; i < m.functions.size(); ++i) {
    total += m.functions[i].body.size;
    if (i < in_batches.size() && in_batches[i] != 0) compiled += m.functions[i].body.size;
  }
  // A module with tail calls is compiled whole: a chain of tail calls going back and forth
  // between a batch and the interpreter would grow the stack (each crossing is a call).
  if (total < split_min_bytes) return {};
  if (batches_so_far == 0 && binary::uses_tail_calls(m)) return {};
  const std::vector<uint32_t> now = interp_code->samples();
  std::vector<std::pair<uint32_t, uint32_t>> ran; // (weight since the last pick, index)
  for (uint32_t i = 0; i < now.size(); ++i) {
    const uint32_t before = i < sample_base.size() ? sample_base[i] : 0;
    if (now[i] > before && (i >= in_batches.size() || in_batches[i] == 0)) {
      ran.emplace_back(now[i] - before, i);
    }
  }
  sample_base = now;
  // Heaviest first; equal weights in index order, so the choice is reproducible.
  std::sort(ran.begin(), ran.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  });
  uint64_t bytes = 0;
  auto take = [&](uint32_t f) {
    const uint64_t size = m.functions[f].body.size;
    if (hot.size() >= batch_max_functions || bytes + size > batch_max_bytes) return;
    hot.push_back(f);
    bytes += size;
  };
  for (const auto& [weight, f] : ran)
    take(f); // one too big is skipped: a smaller one may still fit
  // Most of the module ran: compile it whole.
  if ((compiled + bytes) * 2 > total) return {};
  // The small functions they call directly come along: short calls are rarely sampled, and a
  // call out of a batch costs an entry through the runtime, for as long as a frame that moved
  // into the batch by on-stack replacement runs (the rest of a loop in `main`).
  if (!hot.empty() && small_callee_bytes != 0) {
    for (uint32_t f : direct_callees(m, hot)) {
      const bool taken = std::find(hot.begin(), hot.end(), f) != hot.end() ||
                         (f < in_batches.size() && in_batches[f] != 0);
      if (!taken && m.functions[f].body.size <= small_callee_bytes) take(f);
    }
  }
  return hot;
}

bool TierUp::Job::run_hot_batch(const std::vector<uint32_t>& hot) {
  const double started = ms_between(first_instance, Clock::now());
  const Clock::time_point start = Clock::now();
  size_t osr_count = 0;
  auto compiled = compile_hot(hot, osr_count);
  Batch batch{hot.size(), 0, started, ms_between(start, Clock::now()), false};
  std::vector<uint8_t> members(module->functions.size());
  for (uint32_t f : hot) {
    batch.bytes += module->functions[f].body.size;
    members[f] = 1;
  }
  std::shared_ptr<const TieredCode> mix;
  if (compiled) {
    in_batches.resize(module->functions.size());
    for (uint32_t f : hot)
      in_batches[f] = 1;
    // The newest batch over the previous mix: its functions keep their batch's code.
    std::shared_ptr<const TieredCode> previous;
    {
      std::lock_guard lock(mutex);
      previous = hot_mix;
    }
    mix = std::make_shared<TieredCode>(interp_code, previous, *compiled, members);
  }
  std::lock_guard lock(mutex);
  if (!compiled) {
    state = State::Failed;
    note = compiled.error().message;
    publish();
    return false;
  }
  hot_code = std::move(compiled).value();
  hot_mix = std::move(mix);
  batches.push_back(batch);
  osr_functions += osr_count;
  publish();
  return true;
}

support::Result<std::shared_ptr<const runtime::ModuleCode>>
TierUp::Job::compile(std::string& cache_note, size_t& osr_count,
                     const std::vector<uint32_t>& skip_osr) const {
#ifdef WASMCAP_HAVE_LLVM_TIER
  WASMCAP_TRY(tier_usable());
  // With on-stack replacement entries for the functions the interpreter found running, so that
  // their loops move over too; not with fuel, whose amounts would then depend on when the switch
  // came (docs/tiering.md). A hot batch gave its functions theirs already.
  std::vector<uint32_t> osr;
  if ((checks & llvm_tier::kCheckFuel) == 0 && interp_code) osr = interp_code->osr_candidates();
  std::erase_if(osr, [&](uint32_t f) {
    return std::find(skip_osr.begin(), skip_osr.end(), f) != skip_osr.end();
  });
  osr_count = osr.size();
  auto bytes = llvm_tier::precompile(*module, features, guard_pages, checks, osr);
  if (!bytes) return bytes.error();
  if (!cache_path.empty()) cache_note = write_cache_entry(cache_path, *bytes);
  auto loaded = llvm_tier::load_precompiled(*bytes, features, guard_pages, checks, module);
  if (!loaded) return loaded.error();
  return std::move(loaded->code);
#else
  (void)cache_note;
  (void)osr_count;
  (void)skip_osr;
  return support::make_error(support::ErrorKind::Usage,
                             "this wasmcap was built without the LLVM tier");
#endif
}

support::Result<std::shared_ptr<const runtime::ModuleCode>>
TierUp::Job::compile_hot(const std::vector<uint32_t>& functions, size_t& osr_count) const {
#ifdef WASMCAP_HAVE_LLVM_TIER
  WASMCAP_TRY(tier_usable());
  std::vector<uint32_t> osr;
  if ((checks & llvm_tier::kCheckFuel) == 0 && interp_code) osr = interp_code->osr_candidates();
  std::erase_if(osr, [&](uint32_t f) {
    return std::find(functions.begin(), functions.end(), f) == functions.end();
  });
  osr_count = osr.size();
  return llvm_tier::compile_batch(module, features, guard_pages, checks, osr, functions);
#else
  (void)functions;
  (void)osr_count;
  return support::make_error(support::ErrorKind::Usage,
                             "this wasmcap was built without the LLVM tier");
#endif
}

void TierUp::Job::run() {
  {
    std::lock_guard lock(mutex);
    if (!begin_compile()) return;
    state = State::Compiling;
    compile_started_ms = ms_between(first_instance, Clock::now());
  }
  // Hot batches first, while the interpreter keeps finding new hot functions; then the whole
  // module, which replaces them all and is the code cache's entry.
  std::vector<uint32_t> all_hot;
  for (;;) {
    const std::vector<uint32_t> hot = pick_hot_batch(batches.size());
    if (hot.empty()) break;
    if (!run_hot_batch(hot)) break;
    all_hot.insert(all_hot.end(), hot.begin(), hot.end());
    // With the testing knobs, the forced batches one after the other, then nothing.
    const bool last = hot_only && (forced_hot.empty() || batches.size() >= forced_hot.size());
    // Time for the stores to switch and for the interpreter to sample what runs now (the
    // functions the batch calls out to), as before the first batch.
    if (!last) std::this_thread::sleep_for(std::max(delay, std::chrono::milliseconds(20)));
    if (last) {
      std::lock_guard lock(mutex);
      state = State::Hot;
      publish();
      break;
    }
  }
  bool go_on = false;
  {
    std::lock_guard lock(mutex);
    go_on = state == State::Compiling;
  }
  if (go_on) {
    const double started = ms_between(first_instance, Clock::now());
    const Clock::time_point start = Clock::now();
    std::string cache_note;
    size_t osr_count = 0;
    auto compiled = compile(cache_note, osr_count, all_hot);
    std::lock_guard lock(mutex);
    compile_ms = ms_between(start, Clock::now());
    if (all_hot.empty()) compile_started_ms = started;
    if (compiled) {
      code = std::move(compiled).value();
      note = std::move(cache_note);
      osr_functions += osr_count;
      batches.push_back({module->functions.size(), 0, started, compile_ms, true});
      for (const ir::Function& fn : module->functions)
        batches.back().bytes += fn.body.size;
      state = State::Ready;
    } else {
      state = State::Failed;
      note = compiled.error().message;
    }
    publish();
  }
  end_compile();
  changed.notify_all();
}

namespace {

// The process's one compile thread and its queue: compiles run one at a time, in the order they
// fall due, however many modules tier up (a wast script makes hundreds). The queue holds jobs
// weakly: a job whose Module and instances are all gone is dropped without compiling. Created
// on first use and never destroyed (exit() may come from any thread while it runs); exit()
// stops and joins its thread (wait_at_exit).
class CompileQueue {
public:
  static CompileQueue& get() {
    static CompileQueue* queue = new CompileQueue;
    return *queue;
  }
  // Ends work() and joins it; later jobs are never run. Idempotent (wait_at_exit is registered
  // twice).
  void stop() {
    std::thread thread;
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
      thread = std::move(thread_);
    }
    changed_.notify_all();
    if (!thread.joinable()) return;
    if (thread.get_id() == std::this_thread::get_id()) {
      thread.detach(); // exit() called from a job: it cannot wait for itself
    } else {
      thread.join();
    }
  }
  void add(const std::shared_ptr<TierUp::Job>& job) {
    {
      std::lock_guard lock(mutex_);
      jobs_.push_back(job);
      if (!started_) {
        started_ = true;
        // Before the thread can load the plugin: exit() then waits for a load or compile in
        // progress and keeps later ones from starting (wait_at_exit).
        std::atexit(wait_at_exit);
        thread_ = std::thread([this] { work(); });
      }
    }
    changed_.notify_one();
  }

private:
  void work() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
      std::erase_if(jobs_, [](const auto& job) { return job.expired(); });
      if (jobs_.empty()) {
        changed_.wait(lock);
        continue;
      }
      // `due` is fixed once queued, so reading it through a live lock() is stable.
      auto due = [](const std::weak_ptr<TierUp::Job>& w) {
        auto job = w.lock();
        return job ? job->due() : Clock::time_point::min();
      };
      auto next = std::min_element(jobs_.begin(), jobs_.end(),
                                   [&](const auto& a, const auto& b) { return due(a) < due(b); });
      if (Clock::now() < due(*next)) {
        changed_.wait_until(lock, due(*next));
        continue;
      }
      std::shared_ptr<TierUp::Job> job = next->lock();
      jobs_.erase(next);
      if (!job) continue;
      lock.unlock();
      job->run();
      job.reset(); // its last reference may go here, outside the lock
      lock.lock();
    }
  }

  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::weak_ptr<TierUp::Job>> jobs_;
  bool started_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

void stop_compile_thread() {
  CompileQueue::get().stop();
}

} // namespace

// Runs on the store's thread at a safe point once the flag is up: switches the instance when
// the code is ready (and fits its memory), and is dropped when there is nothing left to do.
class TierUp::SwitchHook final : public runtime::PollHook {
public:
  SwitchHook(std::shared_ptr<Job> job, runtime::ModuleInstance& instance)
      : job_(std::move(job)), instance_(instance) {}

  // Runs at every safe point while batches remain: one atomic load when nothing is new.
  bool run(runtime::Store&) override {
    const uint32_t generation = job_->generation.load(std::memory_order_acquire);
    if (generation == seen_) return true;
    seen_ = generation;
    std::shared_ptr<const runtime::ModuleCode> code;
    std::shared_ptr<const TieredCode> mix;
    State state;
    {
      std::lock_guard lock(job_->mutex);
      state = job_->state;
      code = job_->code;
      if (job_->hot_mix != nullptr && job_->hot_mix.get() != mixed_ && fits(*job_->hot_code)) {
        mix = job_->hot_mix;
      }
    }
    if (state == State::Ready) {
      if (!fits(*code)) return false; // the instance stays on the interpreter (or hot batches)
      switch_to(code);
      // Frames still running a batch's code (moved there by on-stack replacement) now call
      // the whole module's code through the table.
      if (instance_.code_state) refresh_native_table();
      std::lock_guard lock(job_->mutex);
      ++job_->switched;
      return false;
    }
    // A hot batch: its functions switch, the others keep their code. Only from the
    // interpreter's own code or the previous mix (an instance a batch does not fit stays).
    const runtime::ModuleCode* now = instance_.code.get();
    if (mix != nullptr && (now == job_->interp_code.get() || now == mixed_)) {
      const bool first = mixed_ == nullptr;
      mixed_ = mix.get();
      switch_to(mix);
      refresh_native_table();
      std::lock_guard lock(job_->mutex);
      if (first) ++job_->hot_switched;
    }
    return state != State::Failed && state != State::Hot;
  }

private:
  // The code it ran so far stays alive as long as the instance: its frames may be running.
  void switch_to(std::shared_ptr<const runtime::ModuleCode> code) {
    auto both = std::make_shared<std::pair<std::shared_ptr<const runtime::ModuleCode>,
                                           std::shared_ptr<const runtime::ModuleCode>>>(
        instance_.code, code);
    instance_.switch_code(std::shared_ptr<const runtime::ModuleCode>(both, code.get()));
  }

  // Per-function tier-up's table of native entries (llvm/native_table.h), made on the first
  // switch to a batch: the batches call the functions outside them that are compiled (in
  // another batch, or the whole module) through it, the others through the runtime.
  void refresh_native_table() {
#ifdef WASMCAP_HAVE_LLVM_TIER
    if (!instance_.code_state) {
      instance_.code_state =
          std::make_shared<llvm_tier::NativeTable>(instance_.module().functions.size());
    }
    static_cast<llvm_tier::NativeTable&>(*instance_.code_state).refresh(instance_);
#endif
  }

  // Code compiled without bounds compares needs memory 0's guard pages, which a failed
  // reservation (a low `ulimit -v`) may have left out.
  bool fits(const runtime::ModuleCode& code) const {
#ifdef WASMCAP_HAVE_LLVM_TIER
    const auto* jit = dynamic_cast<const llvm_tier::JitModule*>(&code);
    if (jit != nullptr && jit->guard_pages() && !instance_.memories.empty() &&
        !instance_.memories[0]->guarded()) {
      return false;
    }
#else
    (void)code;
#endif
    return true;
  }

  std::shared_ptr<Job> job_;
  runtime::ModuleInstance& instance_;
  uint32_t seen_ = 0;                 // the job's generation last looked at
  const TieredCode* mixed_ = nullptr; // the mix of tiers this instance switched to last
};

TierUp::TierUp(std::shared_ptr<const ir::Module> module,
               std::shared_ptr<const runtime::ModuleCode> interp_code, const Config& config)
    : job_(std::make_shared<Job>()) {
  job_->module = std::move(module);
  job_->interp_code = std::move(interp_code);
  job_->features = features_for(config);
  job_->guard_pages = guard_pages_allowed(config);
  job_->checks = checks_for(config);
  job_->delay = std::chrono::milliseconds(config.tier_up_delay_ms);
  // For tests and experiments with the CLI, which has no option for it.
  if (const char* env = std::getenv("WASMCAP_TIER_UP_DELAY_MS"); env != nullptr && *env != '\0') {
    job_->delay = std::chrono::milliseconds(std::strtoul(env, nullptr, 10));
  }
  // The same for per-function tier-up: the smallest module split into batches (bytes of bodies),
  // and for tests, the hot batch itself (function indices, comma-separated) and whether any batch
  // follows it.
  job_->split_min_bytes = env_number("WASMCAP_TIER_UP_SPLIT_BYTES", job_->split_min_bytes);
  if (const char* env = std::getenv("WASMCAP_TIER_UP_HOT"); env != nullptr && *env != '\0') {
    job_->forced_hot.emplace_back();
    for (const char* p = env; *p != '\0';) {
      char* end = nullptr;
      const unsigned long f = std::strtoul(p, &end, 10);
      if (end == p) break;
      job_->forced_hot.back().push_back(static_cast<uint32_t>(f));
      if (*end == ';') job_->forced_hot.emplace_back();
      p = *end == ',' || *end == ';' ? end + 1 : end;
    }
  }
  job_->hot_only = env_number("WASMCAP_TIER_UP_HOT_ONLY", 0) != 0;
  job_->small_callee_bytes = env_number("WASMCAP_TIER_UP_CALLEE_BYTES", job_->small_callee_bytes);
}

TierUp::~TierUp() = default;

void TierUp::set_cache_path(std::string path) {
  std::lock_guard lock(job_->mutex);
  job_->cache_path = std::move(path);
}

void TierUp::watch(runtime::Store& store, runtime::ModuleInstance& instance) {
  store.add_poll_hook(std::make_unique<SwitchHook>(job_, instance));
  std::lock_guard lock(job_->mutex);
  const std::shared_ptr<runtime::PollFlag>& flag = store.poll_flag();
  bool known = false;
  std::erase_if(job_->flags, [&](const std::weak_ptr<runtime::PollFlag>& weak) {
    if (weak.expired()) return true;
    if (!weak.owner_before(flag) && !flag.owner_before(weak)) known = true;
    return false;
  });
  if (!known) job_->flags.push_back(flag);
  if (job_->generation.load(std::memory_order_relaxed) != 0) {
    store.poll_flag()->store(true, std::memory_order_relaxed);
  }
  if (job_->state == State::Idle || job_->state == State::Waiting) {
    // Memory 0 without guard pages (a failed reservation under a low `ulimit -v`, an imported
    // unguarded memory): compile with explicit bounds checks, which fit every instance. Such
    // code is not what the cache's key names, so it is not written there.
    if (!instance.memories.empty() && !instance.memories[0]->guarded() && job_->guard_pages) {
      job_->guard_pages = false;
      job_->cache_path.clear();
    }
  }
  if (job_->state != State::Idle) return;
  job_->state = State::Waiting;
  job_->first_instance = Clock::now();
  CompileQueue::get().add(job_);
}

TierUp::Status TierUp::status() const {
  std::lock_guard lock(job_->mutex);
  return {job_->state,
          job_->compile_started_ms,
          job_->compile_ms,
          job_->switched,
          job_->note,
          job_->osr_functions,
          job_->interp_code ? job_->interp_code->osr_entries() : 0,
          job_->hot_switched,
          job_->batches,
          job_->flags.size()};
}

bool TierUp::wait() const {
  std::unique_lock lock(job_->mutex);
  if (job_->state == State::Idle) return false;
  job_->changed.wait(lock, [this] {
    return job_->state == State::Ready || job_->state == State::Failed || job_->state == State::Hot;
  });
  return true;
}

int TierUp::compiles_in_progress() {
  std::lock_guard lock(g_compiles_mutex);
  return g_compiles_in_progress;
}

} // namespace wasmcap::detail
