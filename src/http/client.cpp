// The HTTP client (client.h). Stub until the real one lands.
#include "http/client.h"

namespace wasmcap::http {

Result<std::unique_ptr<ClientResponse>> send(const ClientRequest&, const ClientTimeouts&) {
  return make_error(support::ErrorKind::Io, "the HTTP client is not written yet");
}

} // namespace wasmcap::http
