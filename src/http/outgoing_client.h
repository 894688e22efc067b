// The HttpClient `wasmcap serve` gives the WASI host for wasi:http/outgoing-handler: requests
// sent by this layer's client (client.h), adapted to the public interface (wasmcap/http.h) so
// the library below needs no HTTP stack.
#pragma once

#include <memory>

#include "wasmcap/http.h"

namespace wasmcap::http {

std::shared_ptr<HttpClient> make_outgoing_client();

} // namespace wasmcap::http
