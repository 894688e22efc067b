// The per-interface lists of WASI 0.2 host functions that host.cpp joins into one table. Each
// list lives in the file that implements its interfaces.
#pragma once

#include <span>

#include "wasi/p2/host.h"

namespace wasmcap::wasi::p2 {

std::span<const HostFunction> cli_functions();        // cli.cpp: environment, exit, stdio, terminal
std::span<const HostFunction> clocks_functions();     // clocks_random.cpp
std::span<const HostFunction> random_functions();     // clocks_random.cpp
std::span<const HostFunction> io_functions();         // io.cpp: error, poll, streams
std::span<const HostFunction> filesystem_functions(); // filesystem.cpp: types, preopens
std::span<const HostFunction> sockets_functions();    // sockets*.cpp: network, tcp, udp, lookup
// wasi:http/types and outgoing-handler, one list per file (http_fields/incoming/outgoing.cpp)
std::span<const HostFunction> http_fields_functions();
std::span<const HostFunction> http_incoming_functions();
std::span<const HostFunction> http_outgoing_functions();

} // namespace wasmcap::wasi::p2
