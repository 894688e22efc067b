// The one table of what each WASI function is for: its capability group, how the group is
// decided at a call (fixed, or by the descriptor it acts on), and its argument names for logs.
// inspect's summary, the policy, the audit/trace logs and learn mode all read this table.
#pragma once

#include <span>
#include <string_view>

#include "wasmcap/capability_group.h"

namespace wasmcap::wasi {

using Group = CapabilityGroup;

// How a call's group is decided. Descriptor functions serve whatever the descriptor is: stdio
// (fds the embedder passed as 0-2), a socket (net), or a file or directory beneath a grant
// (fs-read, or fs-write for the writing ones); so denying stdio never breaks file I/O.
enum class GroupBy : uint8_t {
  Fixed,    // always `group`
  FdRead,   // by the first argument (an fd): stdio / net / fs-read
  FdWrite,  // by the first argument (an fd): stdio / net / fs-write
  PathOpen, // fs-read, plus fs-write when it creates, truncates or asks for write rights
  Free,     // none: it only describes a grant the guest already holds (fd_prestat_*), so
            // denying fs-read does not break wasi-libc's start-up scan of its preopens
};

struct FunctionInfo {
  std::string_view name;
  Group group;           // the group inspect reports for an import of it
  GroupBy by;            // how a call's group is decided
  std::string_view args; // the body's parameter names, space-separated, in order (for logs)
};

// The entry for a function of wasi_snapshot_preview1 / wasi_unstable, or nullptr.
const FunctionInfo* function_info(std::string_view name);
// Every function, in the witx order (docs and tests list them from here).
std::span<const FunctionInfo> all_function_infos();
// True for "wasi_snapshot_preview1" and "wasi_unstable".
bool is_wasi_module(std::string_view module);
// The groups a call of `info` may need, whatever it acts on (strict mode refuses an import only
// when every one of them is denied).
CapabilitySet possible_groups(const FunctionInfo& info);

} // namespace wasmcap::wasi
