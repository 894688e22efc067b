// wasi:filesystem (types, preopens) over the shared descriptor table and path sandbox: a
// descriptor's representation is its number in the FdTable, so rights, read-only grants and
// resolve_beneath apply exactly as in preview1. This file holds what every function goes
// through: the errno -> error-code table, the policy and the audit/trace/learn logs (the same
// CallObserver as preview1's calls), and the registration table. The bodies are in
// fs_descriptor.cpp and fs_paths.cpp.
#include "wasi/p2/filesystem.h"

#include <array>
#include <string>
#include <vector>

#include "wasi/function_info.h"
#include "wasi/p2/registry.h"
#include "wasi/p2_groups.h"
#include "wit/wasi_table.h"

namespace wasmcap::wasi::p2 {

namespace {

// The error-code case of every errno the host returns, by the case's WIT name.
std::string_view error_case(Errno e) {
  switch (e) {
  case Errno::Acces: return "access";
  case Errno::Again: return "would-block";
  case Errno::Badf: return "bad-descriptor";
  case Errno::Busy: return "busy";
  case Errno::Exist: return "exist";
  case Errno::Fbig: return "file-too-large";
  case Errno::Intr: return "interrupted";
  case Errno::Io: return "io";
  case Errno::Isdir: return "is-directory";
  case Errno::Loop: return "loop";
  case Errno::Mlink: return "too-many-links";
  case Errno::Nametoolong: return "name-too-long";
  case Errno::Nodev: return "no-device";
  case Errno::Noent: return "no-entry";
  // Out of descriptors or buffers: WASI 0.2 has no code of its own for these.
  case Errno::Mfile:
  case Errno::Nfile:
  case Errno::Nobufs:
  case Errno::Nomem: return "insufficient-memory";
  case Errno::Nospc: return "insufficient-space";
  case Errno::Nosys:
  case Errno::Notsock:
  case Errno::Notsup: return "unsupported";
  case Errno::Notdir: return "not-directory";
  case Errno::Notempty: return "not-empty";
  case Errno::Notty: return "no-tty";
  case Errno::Nxio: return "no-such-device";
  case Errno::Overflow:
  case Errno::Range: return "overflow";
  case Errno::Perm: return "not-permitted";
  case Errno::Pipe: return "pipe";
  case Errno::Rofs: return "read-only";
  case Errno::Spipe: return "invalid-seek";
  case Errno::Txtbsy: return "text-file-busy";
  case Errno::Xdev: return "cross-device";
  case Errno::Srch: return "no-entry";
  case Errno::Timedout: return "io";
  case Errno::Notcapable: return "not-permitted"; // refined by fs_error_code
  case Errno::TooBig:
  case Errno::Fault:
  case Errno::Inval:
  case Errno::Success: break;
  }
  return "invalid";
}

} // namespace

Val fs_error_code(Errno e, Refusal why, Deny deny) {
  if (e == Errno::Notcapable) {
    if (why == Refusal::ReadOnly) return enum_val(kFsErrorCode, "read-only");
    if (why == Refusal::Rights) {
      if (deny == Deny::Data) return enum_val(kFsErrorCode, "bad-descriptor");
      if (deny == Deny::Dir) return enum_val(kFsErrorCode, "read-only");
    }
    // A path escaping its grant (the WIT's own rule), a policy's refusal, other missing rights.
    return enum_val(kFsErrorCode, "not-permitted");
  }
  return enum_val(kFsErrorCode, error_case(e));
}

Errno require_directory(P2Ctx& cx, Fd fd) {
  auto e = cx.wasi().fds().get(fd);
  if (!e.ok()) return e.error();
  return (*e)->type == Filetype::Directory ? Errno::Success : Errno::Notdir;
}

support::Result<Fd> descriptor_fd(P2Ctx& cx, const Val& handle) {
  WASMCAP_ASSIGN(const uint32_t rep, handle_rep(handle, resources::kDescriptor));
  if (!cx.wasi().fds().get(rep).ok()) {
    return make_error(ErrorKind::Trap, "unknown handle to a descriptor");
  }
  return rep;
}

namespace {

constexpr std::string_view kTypes = "wasi:filesystem/types";
constexpr std::string_view kPreopens = "wasi:filesystem/preopens";

// How a function returns: `result<T, error-code>` (errors are values), or a plain value (the
// body never fails with an errno; if one did, the answer would be the empty one: no preopens,
// not the same object, no error code).
enum class Shape : uint8_t { Result, Plain };

struct FsFunction {
  std::string_view interface;
  std::string_view name;
  FsBody body;
  Deny deny;
  Shape shape;
};

constexpr FsFunction kFs[] = {
    {kTypes, "[method]descriptor.read-via-stream", read_via_stream, Deny::Data, Shape::Result},
    {kTypes, "[method]descriptor.write-via-stream", write_via_stream, Deny::Data, Shape::Result},
    {kTypes, "[method]descriptor.append-via-stream", append_via_stream, Deny::Data, Shape::Result},
    {kTypes, "[method]descriptor.advise", advise, Deny::Other, Shape::Result},
    {kTypes, "[method]descriptor.sync-data", sync_data, Deny::Data, Shape::Result},
    {kTypes, "[method]descriptor.get-flags", get_flags, Deny::Other, Shape::Result},
    {kTypes, "[method]descriptor.get-type", get_type, Deny::Other, Shape::Result},
    {kTypes, "[method]descriptor.set-size", set_size, Deny::Data, Shape::Result},
    {kTypes, "[method]descriptor.set-times", set_times, Deny::Other, Shape::Result},
    {kTypes, "[method]descriptor.read", read, Deny::Data, Shape::Result},
    {kTypes, "[method]descriptor.write", write, Deny::Data, Shape::Result},
    {kTypes, "[method]descriptor.read-directory", read_directory, Deny::Data, Shape::Result},
    {kTypes, "[method]descriptor.sync", sync, Deny::Data, Shape::Result},
    {kTypes, "[method]descriptor.create-directory-at", create_directory_at, Deny::Dir,
     Shape::Result},
    {kTypes, "[method]descriptor.stat", stat, Deny::Other, Shape::Result},
    {kTypes, "[method]descriptor.stat-at", stat_at, Deny::Other, Shape::Result},
    {kTypes, "[method]descriptor.set-times-at", set_times_at, Deny::Dir, Shape::Result},
    {kTypes, "[method]descriptor.link-at", link_at, Deny::Dir, Shape::Result},
    {kTypes, "[method]descriptor.open-at", open_at, Deny::Dir, Shape::Result},
    {kTypes, "[method]descriptor.readlink-at", readlink_at, Deny::Other, Shape::Result},
    {kTypes, "[method]descriptor.remove-directory-at", remove_directory_at, Deny::Dir,
     Shape::Result},
    {kTypes, "[method]descriptor.rename-at", rename_at, Deny::Dir, Shape::Result},
    {kTypes, "[method]descriptor.symlink-at", symlink_at, Deny::Dir, Shape::Result},
    {kTypes, "[method]descriptor.unlink-file-at", unlink_file_at, Deny::Dir, Shape::Result},
    {kTypes, "[method]descriptor.is-same-object", is_same_object, Deny::Other, Shape::Plain},
    {kTypes, "[method]descriptor.metadata-hash", metadata_hash, Deny::Other, Shape::Result},
    {kTypes, "[method]descriptor.metadata-hash-at", metadata_hash_at, Deny::Other, Shape::Result},
    {kTypes, "[method]directory-entry-stream.read-directory-entry", read_directory_entry,
     Deny::Data, Shape::Result},
    {kTypes, "filesystem-error-code", filesystem_error_code, Deny::Other, Shape::Plain},
    {kPreopens, "get-directories", get_directories, Deny::Other, Shape::Plain},
};
constexpr size_t kFsCount = std::size(kFs);

// What the observer needs per function: a FunctionInfo (name, group, argument names from the
// WIT) with storage that lives as long as the program.
struct Observed {
  std::vector<std::string> names;               // FunctionInfo::name / ::args storage
  std::vector<FunctionInfo> infos;              // by index in kFs
  std::vector<std::vector<std::string>> params; // WIT parameter names, `self` first
};

const Observed& observed() {
  static const Observed o = [] {
    Observed r;
    r.names.reserve(2 * kFsCount);
    for (const FsFunction& f : kFs) {
      std::vector<std::string> params;
      std::string args;
      const std::string iface = std::string(f.interface) + "@0.2.12";
      if (const wit::table::Function* w = wit::table::find_function(iface, f.name)) {
        for (const wit::table::Param& p : w->parameters()) {
          params.emplace_back(p.name);
          args += (args.empty() ? "" : " ") + std::string(p.name);
        }
      }
      r.params.push_back(std::move(params));
      r.names.push_back(std::string(f.name));
      r.names.push_back(std::move(args));
    }
    for (size_t i = 0; i < kFsCount; ++i) {
      const auto group = p2_capability_group(kFs[i].interface, kFs[i].name);
      // Descriptors are always files or directories beneath a grant: a fixed group. The plain
      // functions only describe what the guest already holds (its grants, its descriptors, an
      // error it got), like preview1's fd_prestat_*: they need no group, so a policy never
      // refuses them and learn mode does not count them as file access.
      const GroupBy by = kFs[i].shape == Shape::Plain ? GroupBy::Free : GroupBy::Fixed;
      r.infos.push_back(
          FunctionInfo{r.names[2 * i], group.value_or(Group::FsRead), by, r.names[2 * i + 1]});
    }
    return r;
  }();
  return o;
}

// open-at's groups, as preview1's path_open: fs-read, plus fs-write when it creates, truncates or
// asks to write.
CapabilitySet open_at_groups(std::span<const Val> a) {
  CapabilitySet s;
  if (a.size() < 5) return s;
  const bool write = has_flag(a[3], kOpenFlags, "create") ||
                     has_flag(a[3], kOpenFlags, "truncate") ||
                     has_flag(a[4], kDescriptorFlags, "write") ||
                     has_flag(a[4], kDescriptorFlags, "mutate-directory");
  if (has_flag(a[4], kDescriptorFlags, "read") || !write) s.add(Group::FsRead);
  if (write) s.add(Group::FsWrite);
  return s;
}

// Log fields for the arguments: descriptors as `fd` / `new_fd` (so the log names their grant and
// learn mode marks it used), strings as they are, byte lists by length, the rest as numbers.
void describe(CallObserver& obs, CallObserver::Call& call, FdTable& fds,
              const std::vector<std::string>& params, std::span<const Val> a) {
  for (size_t i = 0; i < a.size(); ++i) {
    const std::string name = i < params.size() ? params[i] : "arg" + std::to_string(i);
    const Val& v = a[i];
    switch (v.kind) {
    case Val::Kind::Own:
    case Val::Kind::Borrow:
      if (v.resource == &resources::kDescriptor || v.resource == nullptr) {
        obs.arg_number(call, name == "self" ? "fd" : "new_fd", v.bits, fds);
      } else {
        obs.arg_number(call, name, v.bits, fds);
      }
      break;
    case Val::Kind::String: obs.arg_string(call, name, v.str); break;
    case Val::Kind::List: obs.arg_number(call, name + "_len", v.list_size(), fds); break;
    default: obs.arg_number(call, name, v.bits, fds); break;
    }
  }
}

Val empty_answer(std::string_view name) {
  if (name == "get-directories") return list_val({});
  if (name == "filesystem-error-code") return none_val();
  return bool_val(false); // is-same-object
}

// The value a function returns for its body's outcome `r` (`why`: the refusal behind a
// Notcapable).
Ret answer(const FsFunction& f, FsOr& r, Refusal why) {
  if (f.shape == Shape::Plain) {
    return r.ok() ? std::move(*r) : std::optional<Val>(empty_answer(f.name));
  }
  if (r.ok()) return std::optional<Val>((*r) ? ok_val(std::move(**r)) : ok_val());
  return std::optional<Val>(err_val(fs_error_code(r.error(), why, f.deny)));
}

Ret run(P2Ctx& cx, std::span<const Val> a, size_t index) {
  const FsFunction& f = kFs[index];
  FdTable& fds = cx.wasi().fds();
  CallObserver& obs = cx.wasi().observer();
  if (!obs.active()) {
    fds.take_refusal(); // a reason left from an earlier call must not colour this one
    WASMCAP_ASSIGN(FsOr r, f.body(cx, a));
    return answer(f, r, fds.take_refusal());
  }
  const Observed& o = observed();
  CallObserver::Call call = obs.begin(o.infos[index], f.interface, {}, fds);
  if (f.name == "[method]descriptor.open-at") call.needed = open_at_groups(a);
  describe(obs, call, fds, o.params[index], a);
  const bool refused = obs.denied(call.needed).has_value();
  FsOr r = FsOr(Errno::Notcapable);
  if (!refused) {
    auto body = f.body(cx, a);
    if (!body) return std::move(body).error(); // a trap ends the guest; nothing to answer
    r = std::move(*body);
  }
  const Refusal why = refused ? Refusal::Policy : fds.take_refusal();
  fds.note_refusal(why); // finish() reads it again for the log
  obs.finish(call, r.ok() ? Errno::Success : r.error(), refused, fds);
  return answer(f, r, why);
}

template <size_t I> Ret entry(P2Ctx& cx, std::span<const Val> a) {
  return run(cx, a, I);
}

template <size_t... I>
constexpr std::array<HostFunction, kFsCount> table(std::index_sequence<I...>) {
  return {HostFunction{kFs[I].interface, kFs[I].name, entry<I>}...};
}

constexpr std::array<HostFunction, kFsCount> kFunctions =
    table(std::make_index_sequence<kFsCount>());

} // namespace

std::span<const HostFunction> filesystem_functions() {
  return kFunctions;
}

} // namespace wasmcap::wasi::p2
