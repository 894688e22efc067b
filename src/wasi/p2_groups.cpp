// WASI 0.2 function -> capability group (p2_groups.h). Interfaces map whole to a group, except
// wasi:filesystem/types, whose functions split into reading and writing like preview1's, and
// wasi:cli/environment, whose arguments and variables are two groups.
#include "wasi/p2_groups.h"

#include <array>
#include <string>

namespace wasmcap::wasi {

namespace {

using G = CapabilityGroup;

// "wasi:filesystem/types@0.2.12" -> "wasi:filesystem/types".
std::string_view unversioned(std::string_view name) {
  const size_t at = name.find('@');
  return at == std::string_view::npos ? name : name.substr(0, at);
}

// The part after "[method]resource." / "[static]resource." / "[constructor]", or the name.
std::string_view plain_function(std::string_view f) {
  if (!f.empty() && f.front() == '[') {
    const size_t close = f.find(']');
    if (close != std::string_view::npos) f.remove_prefix(close + 1);
    const size_t dot = f.find('.');
    if (dot != std::string_view::npos) f.remove_prefix(dot + 1);
  }
  return f;
}

// wasi:filesystem/types functions that change the file system (or may: open-at with create
// flags is counted as a write, as path_open with O_CREAT is in preview1).
constexpr std::array<std::string_view, 14> kFsWrites = {"write-via-stream",
                                                        "append-via-stream",
                                                        "set-size",
                                                        "set-times",
                                                        "set-times-at",
                                                        "write",
                                                        "create-directory-at",
                                                        "link-at",
                                                        "rename-at",
                                                        "symlink-at",
                                                        "remove-directory-at",
                                                        "unlink-file-at",
                                                        "sync",
                                                        "sync-data"};

} // namespace

std::optional<CapabilityGroup> p2_capability_group(std::string_view interface,
                                                   std::string_view function) {
  const std::string_view iface = unversioned(interface);
  if (iface.substr(0, 5) != "wasi:") return std::nullopt;
  const std::string_view fn = plain_function(function);
  if (iface == "wasi:cli/environment") return fn == "get-arguments" ? G::Args : G::Env;
  if (iface == "wasi:cli/exit") return G::Proc;
  if (iface.substr(0, 9) == "wasi:cli/") return G::Stdio; // stdin/out/err, terminal-*
  if (iface.substr(0, 12) == "wasi:clocks/") return G::Clock;
  if (iface.substr(0, 12) == "wasi:random/") return G::Random;
  // wasi:http/types only describes requests and responses; sending one needs the network.
  if (iface.substr(0, 13) == "wasi:sockets/" || iface == "wasi:http/outgoing-handler") {
    return G::Net;
  }
  if (iface == "wasi:filesystem/types") {
    for (std::string_view w : kFsWrites) {
      if (fn == w) return G::FsWrite;
    }
    return G::FsRead;
  }
  if (iface.substr(0, 16) == "wasi:filesystem/") return G::FsRead;
  return std::nullopt; // wasi:io: streams and polls carry no authority of their own
}

} // namespace wasmcap::wasi
