// The HTTP server's life cycle (server.h, docs/serve.md): binding, the I/O threads (one
// io_context each, connections spread round-robin), the accept loop with its connection limit,
// and stop with a grace period for requests in flight.
#include "http/server_impl.h"

#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>

namespace wasmcap::http {

namespace {

Error listen_error(const std::string& addr, const std::string& why) {
  return make_error(support::ErrorKind::Io, "cannot listen on " + addr + ": " + why);
}

// "ip:port", "[ipv6]:port", "localhost:port".
Result<tcp::endpoint> parse_addr(const std::string& addr) {
  size_t colon = addr.rfind(':');
  if (colon == std::string::npos) return listen_error(addr, "expected host:port");
  std::string host = addr.substr(0, colon), port = addr.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  if (host == "localhost") host = "127.0.0.1";
  if (host.empty()) host = "0.0.0.0";
  if (port.empty() || port.size() > 5 ||
      port.find_first_not_of("0123456789") != std::string::npos || std::stoul(port) > 65535)
    return listen_error(addr, "invalid port");
  boost::system::error_code ec;
  auto ip = asio::ip::make_address(host, ec);
  if (ec) return listen_error(addr, "invalid IP address");
  return tcp::endpoint(ip, static_cast<uint16_t>(std::stoul(port)));
}

unsigned or_cores(unsigned n) {
  if (n) return n;
  unsigned cores = std::thread::hardware_concurrency();
  return cores ? cores : 1;
}

} // namespace

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Server::~Server() {
  if (impl_) impl_->stop(std::chrono::milliseconds(0));
}

Result<std::unique_ptr<Server>> Server::start(ServerOptions options, Handler handler) {
  if (!handler) return make_error(support::ErrorKind::Usage, "the server needs a handler");
  WASMCAP_ASSIGN(tcp::endpoint endpoint, parse_addr(options.addr));
  auto impl = std::make_unique<Impl>();
  unsigned io_threads = or_cores(options.io_threads);
  unsigned handler_threads = or_cores(options.handler_threads);
  if (options.limits.max_concurrent && options.limits.max_concurrent < handler_threads)
    handler_threads = options.limits.max_concurrent;
  // The default concurrency hint: a lane taken over from an inline handler is run by two
  // threads for a moment (the old one only finishes its handler).
  for (unsigned i = 0; i < io_threads; ++i) {
    impl->lanes.push_back(std::make_unique<Lane>());
    impl->guards.push_back(asio::make_work_guard(impl->lanes.back()->ioc));
  }

  boost::system::error_code ec;
  auto& acceptor = impl->acceptor.emplace(impl->lanes[0]->ioc);
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return listen_error(options.addr, ec.message());
  impl->bound_port = acceptor.local_endpoint(ec).port();
  impl->accept_retry.emplace(impl->lanes[0]->ioc);

  impl->options = std::move(options);
  impl->handler = std::move(handler);
  impl->pool = std::make_unique<HandlerPool>(handler_threads, impl->options.limits.max_queue);
  impl->do_accept();
  // Spares for the lanes whose inline handlers block or run long: at most handler_threads
  // handlers run at once, inline or not.
  impl->start_threads(impl->options.inline_handlers ? handler_threads : 0);
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

uint16_t Server::port() const {
  return impl_->bound_port;
}

void Server::stop(std::chrono::milliseconds grace) {
  impl_->stop(grace);
}

void Server::wait() {
  std::unique_lock lock(impl_->stop_mu);
  impl_->stopped_cv.wait(lock, [&] { return impl_->stopped; });
}

Server::Stats Server::stats() const {
  Stats st;
  st.requests = impl_->requests;
  st.active = impl_->pool->running();
  st.queued = impl_->pool->queued();
  st.rejected_503 = impl_->rejected_503;
  st.bad_requests = impl_->bad_requests;
  return st;
}

Server::Impl::~Impl() {
  stop(std::chrono::milliseconds(0));
  // The io_contexts go first: destroying them destroys the connections still referenced by
  // their abandoned handlers, and those need the sockets' io_contexts (and nothing else here).
  guards.clear();
  acceptor.reset();
  accept_retry.reset();
  lanes.clear();
}

void Server::Impl::do_accept() {
  Lane& lane = *lanes[next_lane++ % lanes.size()];
  acceptor->async_accept(lane.ioc, [this, &lane](boost::system::error_code ec, tcp::socket socket) {
    on_accept(lane, ec, std::move(socket));
  });
}

void Server::Impl::on_accept(Lane& lane, const boost::system::error_code& ec, tcp::socket socket) {
  if (stopping || ec == asio::error::operation_aborted) return;
  if (ec) {
    // Out of descriptors and the like: try again shortly instead of spinning.
    accept_retry->expires_after(std::chrono::milliseconds(50));
    accept_retry->async_wait([this](boost::system::error_code wait_ec) {
      if (!wait_ec && !stopping) do_accept();
    });
    return;
  }
  if (open_connections >= options.limits.max_connections) {
    boost::system::error_code ignored;
    socket.close(ignored);
    return do_accept();
  }
  auto executor = socket.get_executor();
  auto conn = std::make_shared<Connection>(*this, lane, std::move(socket));
  {
    std::lock_guard lock(conns_mu);
    conns.emplace(conn.get(), conn);
    ++open_connections;
  }
  asio::post(executor, [conn] { conn->start(); });
  do_accept();
}

void Server::Impl::set_busy(bool on) {
  std::lock_guard lock(conns_mu);
  if (on)
    ++busy;
  else if (busy > 0 && --busy == 0)
    conns_cv.notify_all();
}

void Server::Impl::stop(std::chrono::milliseconds grace) {
  if (io_threads.empty()) return; // start failed before any thread ran
  {
    std::unique_lock lock(stop_mu);
    if (stop_started) {
      stopped_cv.wait(lock, [&] { return stopped; });
      return;
    }
    stop_started = true;
  }
  stopping = true;
  asio::post(lanes[0]->ioc, [this] {
    boost::system::error_code ignored;
    acceptor->close(ignored);
    accept_retry->cancel();
  });
  auto each_connection = [this](void (Connection::*what)()) {
    std::vector<std::shared_ptr<Connection>> open;
    {
      std::lock_guard lock(conns_mu);
      for (auto& [raw, weak] : conns)
        if (auto c = weak.lock()) open.push_back(std::move(c));
    }
    for (auto& c : open) {
      auto executor = c->executor();
      asio::post(executor, [c, what] { ((*c).*what)(); });
    }
  };
  each_connection(&Connection::on_stop);
  {
    std::unique_lock lock(conns_mu);
    conns_cv.wait_for(lock, grace, [&] { return busy == 0; });
  }
  each_connection(&Connection::close_now);
  // Handlers see their connections closed and return; queued ones are skipped.
  pool->join();
  guards.clear();
  for (auto& lane : lanes)
    lane->ioc.stop();
  stop_threads();
  // A connection whose posted close did not run before its io_context stopped still holds itself
  // (a request was in flight: Connection::self_while_handling_). With no thread left to race,
  // close it here, which lets it go.
  {
    std::vector<std::shared_ptr<Connection>> left;
    {
      std::lock_guard lock(conns_mu);
      for (auto& [raw, weak] : conns)
        if (auto c = weak.lock()) left.push_back(std::move(c));
    }
    for (auto& c : left)
      c->close_now();
  }
  // The close posted above may not have run before the io_contexts stopped; the threads are gone
  // now, so close here: a stopped server must not keep listening (a client would connect and
  // wait for an answer instead of being refused).
  {
    boost::system::error_code ignored;
    if (acceptor) acceptor->close(ignored);
  }
  {
    std::lock_guard lock(stop_mu);
    stopped = true;
  }
  stopped_cv.notify_all();
}

} // namespace wasmcap::http
