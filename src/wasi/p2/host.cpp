// The WASI 0.2 host's function table, resource types and object table (host.h).
#include "wasi/p2/host.h"

#include <algorithm>
#include <string>

#include "wasi/p2/registry.h"

namespace wasmcap::wasi::p2 {

namespace resources {
const HostResourceType kError{"wasi:io/error", "error"};
const HostResourceType kPollable{"wasi:io/poll", "pollable"};
const HostResourceType kInputStream{"wasi:io/streams", "input-stream"};
const HostResourceType kOutputStream{"wasi:io/streams", "output-stream"};
const HostResourceType kTerminalInput{"wasi:cli/terminal-input", "terminal-input"};
const HostResourceType kTerminalOutput{"wasi:cli/terminal-output", "terminal-output"};
const HostResourceType kDescriptor{"wasi:filesystem/types", "descriptor"};
const HostResourceType kDirectoryEntryStream{"wasi:filesystem/types", "directory-entry-stream"};
const HostResourceType kNetwork{"wasi:sockets/network", "network"};
const HostResourceType kTcpSocket{"wasi:sockets/tcp", "tcp-socket"};
const HostResourceType kUdpSocket{"wasi:sockets/udp", "udp-socket"};
const HostResourceType kIncomingDatagramStream{"wasi:sockets/udp", "incoming-datagram-stream"};
const HostResourceType kOutgoingDatagramStream{"wasi:sockets/udp", "outgoing-datagram-stream"};
const HostResourceType kResolveAddressStream{"wasi:sockets/ip-name-lookup",
                                             "resolve-address-stream"};
const HostResourceType kFields{"wasi:http/types", "fields"};
const HostResourceType kIncomingRequest{"wasi:http/types", "incoming-request"};
const HostResourceType kOutgoingRequest{"wasi:http/types", "outgoing-request"};
const HostResourceType kRequestOptions{"wasi:http/types", "request-options"};
const HostResourceType kResponseOutparam{"wasi:http/types", "response-outparam"};
const HostResourceType kIncomingResponse{"wasi:http/types", "incoming-response"};
const HostResourceType kIncomingBody{"wasi:http/types", "incoming-body"};
const HostResourceType kFutureTrailers{"wasi:http/types", "future-trailers"};
const HostResourceType kOutgoingResponse{"wasi:http/types", "outgoing-response"};
const HostResourceType kOutgoingBody{"wasi:http/types", "outgoing-body"};
const HostResourceType kFutureIncomingResponse{"wasi:http/types", "future-incoming-response"};

namespace {
const HostResourceType* const kAll[] = {&kError,
                                        &kPollable,
                                        &kInputStream,
                                        &kOutputStream,
                                        &kTerminalInput,
                                        &kTerminalOutput,
                                        &kDescriptor,
                                        &kDirectoryEntryStream,
                                        &kNetwork,
                                        &kTcpSocket,
                                        &kUdpSocket,
                                        &kIncomingDatagramStream,
                                        &kOutgoingDatagramStream,
                                        &kResolveAddressStream,
                                        &kFields,
                                        &kIncomingRequest,
                                        &kOutgoingRequest,
                                        &kRequestOptions,
                                        &kResponseOutparam,
                                        &kIncomingResponse,
                                        &kIncomingBody,
                                        &kFutureTrailers,
                                        &kOutgoingResponse,
                                        &kOutgoingBody,
                                        &kFutureIncomingResponse};
} // namespace
} // namespace resources

namespace {

// "wasi:io/streams@0.2.3" -> "wasi:io/streams" when the version is a 0.2.x this host serves
// (WIT's semver rules: 0.2.x are compatible with 0.2.12 for what 0.2.x has); "" otherwise.
std::string_view served_interface(std::string_view name) {
  const size_t at = name.find('@');
  if (at == std::string_view::npos) return name;
  const std::string_view version = name.substr(at + 1);
  if (version.substr(0, 4) != "0.2.") return {};
  return name.substr(0, at);
}

const std::vector<HostFunction>& table() {
  static const std::vector<HostFunction> all = [] {
    std::vector<HostFunction> v;
    for (auto list : {cli_functions(), clocks_functions(), random_functions(), io_functions(),
                      filesystem_functions(), sockets_functions(), http_fields_functions(),
                      http_incoming_functions(), http_outgoing_functions()}) {
      v.insert(v.end(), list.begin(), list.end());
    }
    std::sort(v.begin(), v.end(), [](const HostFunction& a, const HostFunction& b) {
      return a.interface != b.interface ? a.interface < b.interface : a.name < b.name;
    });
    return v;
  }();
  return all;
}

} // namespace

std::span<const HostFunction> host_functions() {
  return table();
}

const HostFunction* find_host_function(std::string_view interface, std::string_view name) {
  const std::string_view iface = served_interface(interface);
  if (iface.empty()) return nullptr;
  const auto& t = table();
  auto it = std::lower_bound(
      t.begin(), t.end(), std::pair(iface, name),
      [](const HostFunction& f, const std::pair<std::string_view, std::string_view>& key) {
        return f.interface != key.first ? f.interface < key.first : f.name < key.second;
      });
  if (it == t.end() || it->interface != iface || it->name != name) return nullptr;
  return &*it;
}

const HostResourceType* find_host_resource(std::string_view interface, std::string_view name) {
  const std::string_view iface = served_interface(interface);
  for (const HostResourceType* t : resources::kAll) {
    if (t->interface == iface && t->name == name) return t;
  }
  return nullptr;
}

std::span<const HostResourceType* const> host_resources() {
  return resources::kAll;
}

uint32_t P2Ctx::add(std::unique_ptr<HostObject> object) {
  if (!free_.empty()) {
    const uint32_t rep = free_.back();
    free_.pop_back();
    objects_[rep] = std::move(object);
    return rep;
  }
  objects_.push_back(std::move(object));
  return static_cast<uint32_t>(objects_.size() - 1);
}

support::Result<HostObject*> P2Ctx::get(uint32_t rep, const HostResourceType& type) {
  if (rep == 0 || rep >= objects_.size() || !objects_[rep]) {
    return make_error(ErrorKind::Trap, "unknown handle to a " + std::string(type.name));
  }
  HostObject* o = objects_[rep].get();
  if (o->type != &type) {
    return make_error(ErrorKind::Trap, "handle is a " + std::string(o->type->name) + ", not a " +
                                           std::string(type.name));
  }
  return o;
}

support::Result<std::unique_ptr<HostObject>> P2Ctx::take(uint32_t rep,
                                                         const HostResourceType& type) {
  WASMCAP_TRY(get(rep, type));
  std::unique_ptr<HostObject> o = std::move(objects_[rep]);
  free_.push_back(rep);
  return o;
}

support::Status P2Ctx::drop(const HostResourceType& type, uint32_t rep) {
  if (&type == &resources::kDescriptor) {
    wasi_.fds().close(rep); // an fd the guest closed some other way is already gone
    return ok();
  }
  WASMCAP_TRY(get(rep, type));
  objects_[rep].reset();
  free_.push_back(rep);
  return ok();
}

} // namespace wasmcap::wasi::p2
