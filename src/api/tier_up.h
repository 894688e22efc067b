// TierUp: tiering for Tier::Auto (docs/tiering.md). A module starts on the interpreter, lowered so
// its calls check the store's poll flag. Config::tier_up_delay_ms after its first instantiation,
// the process's compile thread compiles it with the LLVM tier: first batches of the functions
// the interpreter found running (a module big enough; switched function by function, the others
// staying interpreted), then the whole module (as a .cwasm, written to the code cache when the
// module came through one). After each it raises the poll flag of every store holding an
// instance; each store's own thread then switches those instances over at its next safe point (a
// call), so calls made from then on run compiled code, and frames running a loop move over to it
// at the loop's header (on-stack replacement).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "ir/module.h"
#include "runtime/module_instance.h"
#include "runtime/store.h"
#include "runtime/tier.h"
#include "wasmcap/config.h"

namespace wasmcap::detail {

class TierUp {
public:
  enum class State : uint8_t {
    Idle,      // no instance yet: the delay has not started
    Waiting,   // the delay runs
    Compiling, // the background thread is in the LLVM tier (the hot batch may be switched in)
    Ready,     // the whole module compiled: stores switch their instances at their next safe
               // point
    Failed,    // the tier cannot compile this module (SIMD, no plugin): it stays interpreted
    Hot,       // only the hot batch was compiled, and nothing follows (WASMCAP_TIER_UP_HOT_ONLY)
  };
  // One compile of per-function tier-up: the hot batch, or the whole module.
  struct Batch {
    size_t functions = 0;
    uint64_t bytes = 0;    // of their bodies
    double started_ms = 0; // since the first instantiation
    double compile_ms = 0;
    bool whole = false; // the whole module (the code cache's entry)
  };
  struct Status {
    State state = State::Idle;
    double compile_started_ms = 0; // since the first instantiation
    double compile_ms = 0;         // how long the compile took (Ready)
    uint32_t switched = 0;         // instances switched over so far
    std::string note;              // Failed: why; Ready: a cache write that failed
    size_t osr_functions = 0;      // functions compiled with on-stack replacement entries
    uint64_t osr_entries = 0;      // interpreter frames that moved over through them
    uint32_t hot_switched = 0;     // instances switched to the hot batch
    std::vector<Batch> batches;    // in the order they were compiled
    size_t watched_stores = 0;     // stores known to watch() (live ones, and any gone since)
  };

  // `interp_code`: the module's interpreter code (its osr_candidates() are read when the
  // compile starts).
  TierUp(std::shared_ptr<const ir::Module> module,
         std::shared_ptr<const runtime::ModuleCode> interp_code, const Config& config);
  // Never waits for a compile in progress: the compile thread holds what it uses. The compile
  // is dropped before it starts only once the instances are gone too (they may still run and
  // switch). exit() waits for a compile in progress (a handler registered when the first one
  // starts); a process that does not want to wait exits with _Exit while compiles_in_progress().
  ~TierUp();
  TierUp(const TierUp&) = delete;
  TierUp& operator=(const TierUp&) = delete;

  // Where the compiled .cwasm goes (the code cache's entry); "" for nowhere. Before watch().
  void set_cache_path(std::string path);
  // Called for each new instance of the module: starts the delay on the first one, and adds the
  // poll hook that switches this instance once the code is ready.
  void watch(runtime::Store& store, runtime::ModuleInstance& instance);

  Status status() const;
  // Blocks until the compiles have ended (Ready, Failed, or Hot); false if it never started.
  bool wait() const;

  // Background compiles running in this process.
  static int compiles_in_progress();

  struct Job; // shared by this object and the compile queue

private:
  class SwitchHook;
  std::shared_ptr<Job> job_;
};

} // namespace wasmcap::detail
