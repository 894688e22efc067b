// CallObserver: policy decisions, JSON-lines audit/trace records and learn-mode bookkeeping for
// WASI calls (see call_observer.h). Each record is one write(2) of a whole line, so no event is
// lost when the guest exits, traps, or the host process ends right after.
#include "wasi/call_observer.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <ctime>

#include "wasi/wasi_types.h"

namespace wasmcap::wasi {

namespace {

uint64_t monotonic_ns() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return uint64_t(ts.tv_sec) * 1000000000u + uint64_t(ts.tv_nsec);
}

// UTC wall-clock time with microseconds: "2025-01-31T12:00:00.123456Z".
std::string utc_now() {
  timespec ts{};
  ::clock_gettime(CLOCK_REALTIME, &ts);
  tm t{};
  ::gmtime_r(&ts.tv_sec, &t);
  char buf[40];
  const size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &t);
  std::snprintf(buf + n, sizeof buf - n, ".%06ldZ", static_cast<long>(ts.tv_nsec / 1000));
  return buf;
}

std::string_view refusal_text(Refusal r) {
  switch (r) {
  case Refusal::Policy: return "denied by policy";
  case Refusal::Rights: return "missing right";
  case Refusal::ReadOnly: return "read-only grant";
  case Refusal::NoSocketGrant: return "no socket is granted";
  case Refusal::Escape:
  case Refusal::None: break;
  }
  // The resolver is the one refuser that does not note a reason: the path left its grant.
  return "path escapes the grant";
}

bool ends_with_fd(std::string_view name) {
  return name.size() >= 2 && name.substr(name.size() - 2) == "fd";
}

// What a descriptor is for policy purposes.
std::optional<Group> fd_group(FdTable& fds, Fd fd, bool write) {
  auto e = fds.get(fd);
  if (!e.ok()) return std::nullopt;
  const FdEntry& entry = **e;
  if (entry.type == Filetype::SocketStream || entry.type == Filetype::SocketDgram) {
    return Group::Net;
  }
  if (entry.stdio) return Group::Stdio;
  return write ? Group::FsWrite : Group::FsRead;
}

} // namespace

void append_json_string(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += ch;
    } else if (c >= 0x20 && c < 0x7f) {
      out += ch;
    } else {
      out += "\\u00";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  out += '"';
}

CallObserver::CallObserver(ObserverConfig config) : config_(std::move(config)) {
  active_ =
      !config_.allowed.is_all() || config_.audit_fd >= 0 || config_.trace_fd >= 0 || config_.learn;
  usage_.preopen_use.assign(config_.preopen_names.size(), 0);
}

CapabilitySet CallObserver::needed(const FunctionInfo& info, std::span<const runtime::Value> args,
                                   FdTable& fds) const {
  CapabilitySet s;
  switch (info.by) {
  case GroupBy::Free: break;
  case GroupBy::Fixed: s.add(info.group); break;
  case GroupBy::FdRead:
  case GroupBy::FdWrite:
    if (args.empty()) break;
    if (auto g = fd_group(fds, args[0].i32, info.by == GroupBy::FdWrite)) s.add(*g);
    break;
  case GroupBy::PathOpen: {
    // wasm arguments: fd, dirflags, path ptr, path len, oflags, rights_base, ...
    if (args.size() < 6) break;
    const uint32_t oflags = args[4].i32;
    const uint64_t rights = args[5].i64;
    const bool write =
        (oflags & (oflag::kCreat | oflag::kTrunc)) ||
        (rights & (right::kFdWrite | right::kFdAllocate | right::kFdFilestatSetSize));
    const bool read = (rights & (right::kFdRead | right::kFdReaddir)) || !write;
    if (read) s.add(Group::FsRead);
    if (write) s.add(Group::FsWrite);
    break;
  }
  }
  return s;
}

std::optional<Group> CallObserver::denied(CapabilitySet needed) const {
  for (size_t i = 0; i < kCapabilityGroupCount; ++i) {
    const auto g = static_cast<Group>(i);
    if (needed.has(g) && !config_.allowed.has(g)) return g;
  }
  return std::nullopt;
}

CallObserver::Call CallObserver::begin(const FunctionInfo& info, std::string_view module,
                                       std::span<const runtime::Value> args, FdTable& fds) {
  Call c;
  c.info = &info;
  c.module = module;
  c.needed = needed(info, args, fds);
  if (config_.trace_fd >= 0) c.start_ns = monotonic_ns();
  fds.take_refusal(); // a reason left over from an earlier call must not be reported here
  return c;
}

void CallObserver::arg_number(Call& call, std::string_view name, uint64_t value,
                              FdTable& fds) const {
  if (!call.args.empty()) call.args += ',';
  append_json_string(call.args, name);
  call.args += ':';
  call.args += std::to_string(value);
  if (!ends_with_fd(name) || value > UINT32_MAX) return;
  const auto fd = static_cast<Fd>(value);
  call.fds.push_back(fd);
  auto e = fds.get(fd);
  if (!e.ok()) return;
  const int origin = (*e)->origin;
  if (origin < 0 || static_cast<size_t>(origin) >= config_.preopen_names.size()) return;
  call.args += ',';
  append_json_string(call.args, std::string(name) + "_preopen");
  call.args += ':';
  append_json_string(call.args, config_.preopen_names[static_cast<size_t>(origin)]);
}

void CallObserver::arg_string(Call& call, std::string_view name, std::string_view value) const {
  if (!call.args.empty()) call.args += ',';
  append_json_string(call.args, name);
  call.args += ':';
  append_json_string(call.args, value);
}

void CallObserver::write_line(int fd, const std::string& line) {
  // One write per line; a short write (a full disk, a signal) continues where it stopped.
  size_t done = 0;
  while (done < line.size()) {
    const ssize_t n = ::write(fd, line.data() + done, line.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return; // the log is the host's; a failing one must not change the guest's run
    done += static_cast<size_t>(n);
  }
}

namespace {

std::string record(const CallObserver::Call& call, std::string_view event) {
  std::string line =
      "{\"time\":\"" + utc_now() + "\",\"event\":\"" + std::string(event) + "\",\"module\":";
  append_json_string(line, call.module);
  line += ",\"func\":";
  append_json_string(line, call.info->name);
  line += ",\"args\":{" + call.args + "}";
  return line;
}

void add_group(std::string& line, std::optional<Group> g) {
  if (!g) return;
  line += ",\"group\":";
  append_json_string(line, capability_group_name(*g));
}

} // namespace

void CallObserver::finish(Call& call, Errno e, bool policy, FdTable& fds) {
  const Refusal reason = policy ? Refusal::Policy : fds.take_refusal();
  if (e == Errno::Notcapable && config_.audit_fd >= 0) {
    std::string line = record(call, "refused");
    line += ",\"errno\":76,\"reason\":";
    append_json_string(line, refusal_text(reason));
    // A read-only grant's refusal is a refused write, whatever group the call itself is in.
    add_group(line, policy                        ? denied(call.needed)
                    : reason == Refusal::ReadOnly ? std::optional<Group>(Group::FsWrite)
                                                  : std::nullopt);
    line += "}\n";
    write_line(config_.audit_fd, line);
  }
  if (config_.trace_fd >= 0) {
    std::string line = record(call, "call");
    line += ",\"errno\":" + std::to_string(static_cast<unsigned>(e));
    if (e == Errno::Notcapable) {
      line += ",\"reason\":";
      append_json_string(line, refusal_text(reason));
    }
    line += ",\"duration_ns\":" + std::to_string(monotonic_ns() - call.start_ns) + "}\n";
    write_line(config_.trace_fd, line);
  }
  // A refused call did not use anything; what it tried is in the audit log instead.
  if (config_.learn && e != Errno::Notcapable) learn(call, fds);
}

void CallObserver::finish_exit(Call& call, uint32_t code, bool refused) {
  if (refused && config_.audit_fd >= 0) {
    std::string line = record(call, "refused");
    line += ",\"errno\":76,\"reason\":\"denied by policy\",\"group\":\"proc\"}\n";
    write_line(config_.audit_fd, line);
  }
  if (config_.trace_fd >= 0) {
    std::string line = record(call, refused ? "call" : "exit");
    line += refused ? ",\"errno\":76" : ",\"code\":" + std::to_string(code);
    line += ",\"duration_ns\":" + std::to_string(monotonic_ns() - call.start_ns) + "}\n";
    write_line(config_.trace_fd, line);
  }
  if (config_.learn && !refused) usage_.groups.add(Group::Proc);
}

void CallObserver::refused_p2(std::string_view module, std::string_view func, std::string_view args,
                              std::string_view reason, Group group) {
  if (config_.audit_fd < 0) return;
  std::string line = "{\"time\":\"" + utc_now() + "\",\"event\":\"refused\",\"module\":";
  append_json_string(line, module);
  line += ",\"func\":";
  append_json_string(line, func);
  line += ",\"args\":{" + std::string(args) + "},\"error\":\"access-denied\",\"reason\":";
  append_json_string(line, reason);
  add_group(line, group);
  line += "}\n";
  write_line(config_.audit_fd, line);
}

void CallObserver::learn_net(NetOp op, const NetEndpoint& ep) {
  if (!config_.learn) return;
  usage_.groups.add(Group::Net);
  std::vector<NetRule>& rules = op == NetOp::TcpConnect  ? usage_.net.tcp_connect
                                : op == NetOp::TcpListen ? usage_.net.tcp_listen
                                                         : usage_.net.udp;
  for (const NetRule& r : rules) {
    if (rule_matches(r, ep)) return;
  }
  NetRule r;
  r.v6 = ep.v6;
  r.address = ep.address;
  r.prefix = ep.v6 ? 128 : 32;
  r.port_lo = r.port_hi = ep.port;
  rules.push_back(r);
}

void CallObserver::learn_name_lookup() {
  if (!config_.learn) return;
  usage_.groups.add(Group::Net);
  usage_.net.ip_name_lookup = true;
}

void CallObserver::learn(const Call& call, FdTable& fds) {
  // A call that needed nothing (fd_prestat_*: wasi-libc's start-up scan of the preopens, or an
  // unknown fd) used nothing.
  if (call.needed.empty()) return;
  for (size_t i = 0; i < kCapabilityGroupCount; ++i) {
    if (call.needed.has(static_cast<Group>(i))) usage_.groups.add(static_cast<Group>(i));
  }
  // Directories: every descriptor argument beneath a preopen marks it used; a call that needed
  // fs-write marks it written (so the learned grant is read-write only when a write happened).
  const bool writes = call.needed.has(Group::FsWrite);
  for (const Fd fd : call.fds) {
    auto e = fds.get(fd);
    if (!e.ok()) continue; // fd_close already dropped it: its origin was recorded when opened
    const int origin = (*e)->origin;
    if (origin < 0 || static_cast<size_t>(origin) >= usage_.preopen_use.size()) continue;
    uint8_t& use = usage_.preopen_use[static_cast<size_t>(origin)];
    use = std::max<uint8_t>(use, writes ? 2 : 1);
  }
}

} // namespace wasmcap::wasi
