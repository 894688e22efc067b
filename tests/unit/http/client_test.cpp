// The HTTP client (src/http/client.h) against the local server.
#include "http/client.h"
#include "server_fixture.h"

namespace wasmcap::http::test {
namespace {

TEST(HttpClient, Placeholder) {
  SUCCEED();
}

} // namespace
} // namespace wasmcap::http::test
