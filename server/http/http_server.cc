#include "http/http_server.h"

#include <future>
#include <thread>

#include "http/asio.h"
#include "http/connection.h"
#include "http/front.h"
#include "util/logging.h"

namespace strata::http {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

constexpr std::string_view kLogger = "strata.http.server";
// After accept fails for lack of resources (too many open files), try again this much later
// instead of spinning.
constexpr auto kAcceptBackoff = std::chrono::milliseconds(100);

std::string Printable(const std::string& address) {
  return address.find(':') != std::string::npos ? "[" + address + "]" : address;
}

asio::awaitable<void> AcceptLoop(std::shared_ptr<Front> front,
                                 std::shared_ptr<tcp::acceptor> acceptor,
                                 std::shared_ptr<const Listener> listener) {
  for (;;) {
    boost::system::error_code ec;
    tcp::socket socket =
        co_await acceptor->async_accept(asio::redirect_error(asio::use_awaitable, ec));
    if (front->stopping || ec == asio::error::operation_aborted) co_return;
    if (ec) {
      STRATA_LOG(Warning, kLogger)
          << "Failed to accept a connection on port " << listener->port << ": " << ec.message();
      asio::steady_timer pause(acceptor->get_executor(), kAcceptBackoff);
      co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      continue;
    }
    socket.set_option(tcp::no_delay(true), ec);
    if (front->connections.size() >= front->options.max_connections) {
      asio::co_spawn(acceptor->get_executor(), RefuseConnection(listener, std::move(socket)),
                     asio::detached);
    } else {
      asio::co_spawn(acceptor->get_executor(), ServeConnection(front, listener, std::move(socket)),
                     asio::detached);
    }
  }
}

// Runs `fn` on the loop thread and waits for its result.
template <typename Fn>
auto OnLoop(asio::io_context& io, Fn fn) -> decltype(fn()) {
  std::packaged_task<decltype(fn())()> task(std::move(fn));
  auto result = task.get_future();
  asio::post(io, [&task] { task(); });
  return result.get();
}

}  // namespace

bool Front::TryHoldPoll(const std::string& holder) {
  std::lock_guard lock(polls_mu);
  if (!holder.empty()) {
    size_t& mine = polls_by_holder[holder];
    if (mine >= options.max_polls_per_holder) {
      if (mine == 0) polls_by_holder.erase(holder);
      return false;
    }
    ++mine;
  }
  ++polls_held;
  return true;
}

void Front::ReleasePoll(const std::string& holder) {
  std::lock_guard lock(polls_mu);
  --polls_held;
  if (holder.empty()) return;
  auto it = polls_by_holder.find(holder);
  if (it != polls_by_holder.end() && --it->second == 0) polls_by_holder.erase(it);
}

struct HttpServer::Running {
  std::unique_ptr<asio::io_context> io;
  std::vector<std::shared_ptr<tcp::acceptor>> acceptors;
  std::thread loop;
};

HttpServer::HttpServer(HttpServerOptions options)
    : front_(std::make_shared<Front>(std::move(options))) {}

HttpServer::~HttpServer() {
  Stop();
}

void HttpServer::Route(std::string_view method, std::string_view pattern, Handler handler) {
  front_->dispatcher.router().Add(method, pattern, std::move(handler));
}

void HttpServer::RoutePoll(std::string_view method, std::string_view pattern, PollHandler handler) {
  front_->dispatcher.router().AddPoll(method, pattern, std::move(handler));
}

Router& HttpServer::router() {
  return front_->dispatcher.router();
}

void HttpServer::SetMaintenance(std::optional<nlohmann::json> status) {
  front_->dispatcher.SetMaintenance(std::move(status));
}

bool HttpServer::InMaintenance() const {
  return front_->dispatcher.InMaintenance();
}

Status HttpServer::Start(const std::vector<ListenerSpec>& listeners) {
  if (running_ || !bound_.empty()) {
    return Status::FailedPrecondition("the HTTP server is already started");
  }
  auto running = std::make_unique<Running>();
  running->io = std::make_unique<asio::io_context>(1);
  std::vector<std::pair<std::shared_ptr<tcp::acceptor>, std::shared_ptr<const Listener>>> bound;
  std::vector<BoundAddress> where;

  for (const auto& spec : listeners) {
    std::shared_ptr<asio::ssl::context> tls;
    if (spec.tls) {
      if (spec.tls_certificate_path.empty() || spec.tls_private_key_path.empty()) {
        return Status::InvalidArgument(
            "listener on port " + std::to_string(spec.port) +
            " has tls: true but tls_certificate_path or tls_private_key_path is not set");
      }
      tls = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_server);
      tls->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                       asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                       asio::ssl::context::no_tlsv1_1);
      boost::system::error_code ec;
      tls->use_certificate_chain_file(spec.tls_certificate_path, ec);
      if (!ec) tls->use_private_key_file(spec.tls_private_key_path, asio::ssl::context::pem, ec);
      if (ec) {
        return Status::InvalidArgument("cannot load the TLS certificate " +
                                       spec.tls_certificate_path + " or key " +
                                       spec.tls_private_key_path + ": " + ec.message());
      }
    }
    std::vector<std::string> addresses = spec.bind_addresses;
    if (addresses.empty()) addresses = {"::", "0.0.0.0"};
    int port = spec.port;
    bool bound_any_v6 = false;
    for (const auto& address : addresses) {
      boost::system::error_code ec;
      const auto ip = asio::ip::make_address(address, ec);
      if (ec) {
        return Status::InvalidArgument("cannot listen on " + address + " port " +
                                       std::to_string(port) + ": it is not an IP address");
      }
      auto acceptor = std::make_shared<tcp::acceptor>(*running->io);
      const tcp::endpoint endpoint(ip, static_cast<unsigned short>(port));
      acceptor->open(endpoint.protocol(), ec);
      // SO_REUSEADDR only (never SO_REUSEPORT, which would let a second server share the port).
      if (!ec) acceptor->set_option(tcp::acceptor::reuse_address(true), ec);
      if (!ec) acceptor->bind(endpoint, ec);
      if (!ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
      if (ec) {
        const int err = ec.value();
        // Synapse's rule: with "::" bound dual-stack, "0.0.0.0" on the same port must fail.
        if (address == "0.0.0.0" && bound_any_v6) {
          STRATA_LOG(Info, kLogger) << "Failed to listen on 0.0.0.0, continuing because "
                                       "listening on [::]";
          continue;
        }
        // A host without IPv6 cannot bind "::"; the IPv4 address of the pair still serves.
        const bool v4_follows =
            std::find(addresses.begin(), addresses.end(), "0.0.0.0") != addresses.end();
        if (address == "::" && v4_follows && (err == EAFNOSUPPORT || err == EADDRNOTAVAIL)) {
          STRATA_LOG(Warning, kLogger)
              << "Cannot listen on [::] (" << ec.message() << "); continuing with 0.0.0.0";
          continue;
        }
        return Status::IoError("cannot listen on " + address + " port " + std::to_string(port) +
                               ": " + ec.message() +
                               " (is another server using it, or is the address not local?)");
      }
      const int bound_port = acceptor->local_endpoint().port();
      if (address == "::") bound_any_v6 = true;
      if (port == 0) port = bound_port;  // the listener's other addresses share the port
      auto listener = std::make_shared<Listener>();
      listener->spec = spec;
      listener->port = bound_port;
      listener->tls = tls;
      bound.emplace_back(acceptor, listener);
      where.push_back(BoundAddress{address, bound_port});
      STRATA_LOG(Info, kLogger) << "Listening on " << Printable(address) << ":" << bound_port
                                << (spec.tls ? " (TLS)" : "");
    }
  }

  front_->workers = std::make_unique<asio::thread_pool>(
      front_->options.worker_threads == 0 ? 1 : front_->options.worker_threads);
  for (auto& [acceptor, listener] : bound) {
    asio::co_spawn(*running->io, AcceptLoop(front_, acceptor, listener), asio::detached);
    running->acceptors.push_back(acceptor);
  }
  running->loop = std::thread([io = running->io.get()] { io->run(); });
  running_ = std::move(running);
  bound_ = std::move(where);
  return Status::Ok();
}

void HttpServer::Stop() {
  if (!running_) return;
  asio::io_context& io = *running_->io;
  // Stop accepting; close idle connections and parked polls. Busy ones finish their request.
  OnLoop(io, [this] {
    front_->stopping = true;
    for (auto& acceptor : running_->acceptors) {
      boost::system::error_code ec;
      acceptor->close(ec);
    }
    std::vector<std::function<void()>> closes;
    for (const auto& [id, close] : front_->connections) closes.push_back(close);
    for (auto& close : closes) close();
    return 0;
  });
  const auto deadline = std::chrono::steady_clock::now() + front_->options.shutdown_grace;
  while (front_->open_connections.load() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  if (front_->open_connections.load() > 0) {
    STRATA_LOG(Warning, kLogger) << "Stopping with " << front_->open_connections.load()
                                 << " connections still busy after "
                                 << front_->options.shutdown_grace.count() << " s";
  }
  // Handlers still running finish before the loop goes; what they post back is then dropped.
  front_->workers->join();
  io.stop();
  running_->loop.join();
  running_->acceptors.clear();
  running_->io.reset();  // destroys what was still waiting on the loop
  running_.reset();
}

std::vector<HttpServer::BoundAddress> HttpServer::bound() const {
  return bound_;
}

size_t HttpServer::connections() const {
  return front_->open_connections.load();
}

size_t HttpServer::polls_held() const {
  std::lock_guard lock(front_->polls_mu);
  return front_->polls_held;
}

uint64_t HttpServer::polls_resumed() const {
  return front_->polls_resumed.load();
}

}  // namespace strata::http
