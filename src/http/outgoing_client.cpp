// The HttpClient (include/wasmcap/http.h) that serves wasi:http/outgoing-handler under
// `wasmcap serve`: the guest's requests go out through this layer's client (client.h): HTTP and
// HTTPS (certificates checked against the system's store), with the guest's timeouts.
#include "http/outgoing_client.h"

#include "http/client.h"

namespace wasmcap::http {

namespace {

class ClientCallAdapter final : public HttpOutgoingCall {
public:
  explicit ClientCallAdapter(std::unique_ptr<http::ClientCall> call) : call_(std::move(call)) {}
  Status write_body(std::span<const uint8_t> data) override { return call_->write_body(data); }
  Status finish(const HttpHeaders& trailers) override { return call_->finish(trailers); }
  Status receive_head() override {
    WASMCAP_TRY(call_->receive_head());
    headers_ = call_->headers();
    return ok();
  }
  uint16_t status() const override { return call_->status(); }
  const HttpHeaders& headers() const override { return headers_; }
  Result<size_t> read_body(std::span<uint8_t> buf) override { return call_->read_body(buf); }

private:
  std::unique_ptr<http::ClientCall> call_;
  HttpHeaders headers_;
};

class Client final : public HttpClient {
public:
  Result<std::unique_ptr<HttpOutgoingCall>> start(const HttpOutgoingRequest& r) override {
    http::ClientRequest req;
    req.method = r.method;
    req.scheme = r.scheme;
    req.authority = r.authority;
    req.path_with_query = r.path_with_query;
    req.headers = r.headers;
    req.content_length = r.content_length;
    http::ClientTimeouts t;
    t.connect = std::chrono::milliseconds(r.connect_ms);
    t.first_byte = std::chrono::milliseconds(r.first_byte_ms);
    t.between_bytes = std::chrono::milliseconds(r.between_bytes_ms);
    WASMCAP_ASSIGN(std::unique_ptr<http::ClientCall> call, http::start(req, t));
    return std::unique_ptr<HttpOutgoingCall>(std::make_unique<ClientCallAdapter>(std::move(call)));
  }
};

} // namespace

std::shared_ptr<HttpClient> make_outgoing_client() {
  return std::make_shared<Client>();
}

} // namespace wasmcap::http
