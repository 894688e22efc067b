// The WASI 0.2 face of the WASI host layer. A component's WASI imports are served by plain
// functions over lifted component values (component::Val), registered here by interface and
// function name as the WIT spells them; linking checks each against the WIT-generated table
// (wit/wasi_table.h), so nothing about an interface is copied by hand.
//
// One host layer for both generations: P2Ctx wraps the same WasiCtx as preview1 -- its args,
// environment, descriptor table (FdTable: rights, read-only grants, preopens), path sandbox
// (resolve_beneath), policy, audit/trace logs and learn mode. A wasi:filesystem `descriptor` IS
// a preview1 descriptor: its representation is its number in the FdTable, so every path and
// rights rule is enforced by the code preview1 uses.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "component/value.h"
#include "support/result.h"
#include "wasi/wasi_ctx.h"

namespace wasmcap::wasi::p2 {

using component::Val;

// A resource type the host implements, e.g. {"wasi:io/streams", "output-stream"}. Its address
// is its identity (Val::resource of a handle to it).
struct HostResourceType {
  std::string_view interface; // unversioned
  std::string_view name;
};

// A host-side resource object (a stream, a pollable, an error, ...). Descriptors are not these:
// they live in the FdTable.
struct HostObject {
  virtual ~HostObject() = default;
  const HostResourceType* type = nullptr;
};

class P2Ctx;

// A host function's result: nothing, a value, or an error that ends the guest (a Trap, or an
// Exit from wasi:cli/exit). WASI's own errors are values (`result<_, error-code>`), not errors.
using Ret = support::Result<std::optional<Val>>;
using HostFn = Ret (*)(P2Ctx& cx, std::span<const Val> args);

struct HostFunction {
  std::string_view interface; // unversioned, e.g. "wasi:clocks/monotonic-clock"
  std::string_view name;      // as in the component model, e.g. "[method]output-stream.write"
  HostFn fn;
};

// Every WASI 0.2 function the host implements (one list per interface file, joined here).
std::span<const HostFunction> host_functions();
// `interface` may carry a version ("wasi:io/streams@0.2.3"); any 0.2.x is served.
const HostFunction* find_host_function(std::string_view interface, std::string_view name);
// The host's resource type `name` of `interface` (versioned or not), or null.
const HostResourceType* find_host_resource(std::string_view interface, std::string_view name);
// Every resource type the host implements (to tell the host's handles from a guest's).
std::span<const HostResourceType* const> host_resources();

class P2Ctx {
public:
  explicit P2Ctx(WasiCtx& wasi) : wasi_(wasi) {}

  WasiCtx& wasi() { return wasi_; }

  // Host objects: their representation is an index into this table (never 0, so a stale
  // zero-initialised handle never names one).
  uint32_t add(std::unique_ptr<HostObject> object);
  // The object behind `rep` if it is of `type`; a Trap error naming the rule otherwise.
  support::Result<HostObject*> get(uint32_t rep, const HostResourceType& type);
  template <class T> support::Result<T*> get_as(uint32_t rep, const HostResourceType& type) {
    WASMCAP_ASSIGN(HostObject * o, get(rep, type));
    return static_cast<T*>(o);
  }
  // Ends a resource the guest dropped (or the host's own reference to it): a host object is
  // destroyed; a descriptor is closed in the FdTable.
  support::Status drop(const HostResourceType& type, uint32_t rep);
  // Takes the object behind an own handle the guest gave the host (a consuming call such as
  // `outgoing-body.finish`): the host now holds it alone.
  support::Result<std::unique_ptr<HostObject>> take(uint32_t rep, const HostResourceType& type);
  template <class T>
  support::Result<std::unique_ptr<T>> take_as(uint32_t rep, const HostResourceType& type) {
    WASMCAP_ASSIGN(std::unique_ptr<HostObject> o, take(rep, type));
    return std::unique_ptr<T>(static_cast<T*>(o.release()));
  }

private:
  WasiCtx& wasi_;
  std::vector<std::unique_ptr<HostObject>> objects_{1}; // slot 0 is never used
  std::vector<uint32_t> free_;
};

// Every resource type the host implements (io, cli, filesystem, ...): defined once, here.
namespace resources {
extern const HostResourceType kError;                  // wasi:io/error.error
extern const HostResourceType kPollable;               // wasi:io/poll.pollable
extern const HostResourceType kInputStream;            // wasi:io/streams.input-stream
extern const HostResourceType kOutputStream;           // wasi:io/streams.output-stream
extern const HostResourceType kTerminalInput;          // wasi:cli/terminal-input.terminal-input
extern const HostResourceType kTerminalOutput;         // wasi:cli/terminal-output.terminal-output
extern const HostResourceType kDescriptor;             // wasi:filesystem/types.descriptor (FdTable)
extern const HostResourceType kDirectoryEntryStream;   // wasi:filesystem/types
extern const HostResourceType kNetwork;                // wasi:sockets/network.network
extern const HostResourceType kTcpSocket;              // wasi:sockets/tcp.tcp-socket
extern const HostResourceType kUdpSocket;              // wasi:sockets/udp.udp-socket
extern const HostResourceType kIncomingDatagramStream; // wasi:sockets/udp
extern const HostResourceType kOutgoingDatagramStream; // wasi:sockets/udp
extern const HostResourceType kResolveAddressStream;   // wasi:sockets/ip-name-lookup
// wasi:http/types
extern const HostResourceType kFields;
extern const HostResourceType kIncomingRequest;
extern const HostResourceType kOutgoingRequest;
extern const HostResourceType kRequestOptions;
extern const HostResourceType kResponseOutparam;
extern const HostResourceType kIncomingResponse;
extern const HostResourceType kIncomingBody;
extern const HostResourceType kFutureTrailers;
extern const HostResourceType kOutgoingResponse;
extern const HostResourceType kOutgoingBody;
extern const HostResourceType kFutureIncomingResponse;
} // namespace resources

} // namespace wasmcap::wasi::p2
