// The raw socket helper of the HTTP tests (raw_socket.h).
#include "raw_socket.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstring>

namespace wasmcap::http::test {

std::optional<std::string> RawResponse::header(const std::string& lower_name) const {
  for (const auto& [n, v] : headers)
    if (n == lower_name) return v;
  return std::nullopt;
}

size_t RawResponse::count(const std::string& lower_name) const {
  return std::count_if(headers.begin(), headers.end(),
                       [&](const auto& h) { return h.first == lower_name; });
}

RawSocket::RawSocket(uint16_t port, std::chrono::milliseconds recv_timeout) {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd_ < 0) return;
  timeval tv{};
  tv.tv_sec = recv_timeout.count() / 1000;
  tv.tv_usec = (recv_timeout.count() % 1000) * 1000;
  ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) close();
}

RawSocket::~RawSocket() {
  close();
}

void RawSocket::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

void RawSocket::shutdown_write() {
  ::shutdown(fd_, SHUT_WR);
}

bool RawSocket::send(const std::string& bytes) {
  size_t off = 0;
  while (off < bytes.size()) {
    ssize_t n = ::send(fd_, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
    if (n <= 0) return false;
    off += static_cast<size_t>(n);
  }
  return true;
}

bool RawSocket::fill() {
  if (eof_ || fd_ < 0) return false;
  char tmp[65536];
  ssize_t n = ::recv(fd_, tmp, sizeof tmp, 0);
  if (n <= 0) {
    if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) eof_ = true;
    return false;
  }
  buf_.append(tmp, static_cast<size_t>(n));
  return true;
}

bool RawSocket::read_line(std::string* line) {
  for (;;) {
    size_t eol = buf_.find("\r\n");
    if (eol != std::string::npos) {
      *line = buf_.substr(0, eol);
      buf_.erase(0, eol + 2);
      return true;
    }
    if (!fill()) return false;
  }
}

bool RawSocket::read_exact(size_t n, std::string* out) {
  while (buf_.size() < n)
    if (!fill()) return false;
  out->append(buf_, 0, n);
  buf_.erase(0, n);
  return true;
}

bool RawSocket::closed_by_peer() {
  while (fill()) {
  }
  return eof_;
}

namespace {
std::string lower(std::string s) {
  for (auto& c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}
bool parse_field(const std::string& line, std::vector<std::pair<std::string, std::string>>* out) {
  size_t colon = line.find(':');
  if (colon == std::string::npos) return false;
  std::string value = line.substr(colon + 1);
  size_t b = value.find_first_not_of(" \t"), e = value.find_last_not_of(" \t");
  value = b == std::string::npos ? "" : value.substr(b, e - b + 1);
  out->emplace_back(lower(line.substr(0, colon)), value);
  return true;
}
} // namespace

std::optional<RawResponse> RawSocket::read_response(bool head_request) {
  RawResponse r;
  std::string line;
  if (!read_line(&line) || line.rfind("HTTP/1.", 0) != 0 || line.size() < 12) return std::nullopt;
  r.status = std::stoi(line.substr(9, 3));
  for (;;) {
    if (!read_line(&line)) return std::nullopt;
    if (line.empty()) break;
    if (!parse_field(line, &r.headers)) return std::nullopt;
  }
  if (r.status / 100 == 1) return r; // 100 Continue: the caller reads again
  if (head_request || r.status == 204 || r.status == 304) return r;
  auto te = r.header("transfer-encoding");
  if (te && lower(*te).find("chunked") != std::string::npos) {
    r.chunked = true;
    for (;;) {
      if (!read_line(&line)) return std::nullopt;
      size_t size = std::stoul(line, nullptr, 16);
      if (size == 0) break;
      if (!read_exact(size, &r.body)) return std::nullopt;
      std::string crlf;
      if (!read_exact(2, &crlf) || crlf != "\r\n") return std::nullopt;
    }
    for (;;) {
      if (!read_line(&line)) return std::nullopt;
      if (line.empty()) break;
      if (!parse_field(line, &r.trailers)) return std::nullopt;
    }
  } else if (auto cl = r.header("content-length")) {
    if (!read_exact(std::stoull(*cl), &r.body)) return std::nullopt;
  } else {
    while (fill()) {
    }
    r.body = std::move(buf_);
    buf_.clear();
  }
  return r;
}

} // namespace wasmcap::http::test
