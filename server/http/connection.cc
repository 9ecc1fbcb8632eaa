#include "http/connection.h"

#include <cstdio>
#include <optional>

#include "http/asio.h"
#include "util/logging.h"

namespace strata::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using asio::awaitable;
using asio::use_awaitable;
using tcp = asio::ip::tcp;

constexpr std::string_view kLogger = "strata.http.server";
// Request line plus headers. Long enough for any Matrix path (room ids, event ids, filters
// inline in the query); longer is refused with 431.
constexpr uint32_t kHeaderLimit = 64 * 1024;
constexpr auto kTlsShutdownTimeout = std::chrono::seconds(2);

bool IsHttpParseError(const beast::error_code& ec) {
  return ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category() &&
         ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message;
}

std::string ClientAddress(const tcp::socket& socket, int* port) {
  beast::error_code ec;
  auto remote = socket.remote_endpoint(ec);
  if (ec) return "-";
  *port = remote.port();
  return remote.address().to_string();
}

// The first address of X-Forwarded-For, trimmed.
std::optional<std::string> ForwardedFor(const Request& req) {
  auto xff = req.Header("X-Forwarded-For");
  if (!xff) return std::nullopt;
  std::string first = xff->substr(0, xff->find(','));
  size_t b = first.find_first_not_of(' ');
  if (b == std::string::npos) return std::nullopt;
  size_t e = first.find_last_not_of(' ');
  return first.substr(b, e - b + 1);
}

// Counts a held poll against its holder's cap for as long as it lives.
class HeldPoll {
 public:
  HeldPoll(Front& front, std::string holder) : front_(front), holder_(std::move(holder)) {
    held_ = front_.TryHoldPoll(holder_);
  }
  ~HeldPoll() {
    if (held_) front_.ReleasePoll(holder_);
  }
  HeldPoll(const HeldPoll&) = delete;
  HeldPoll& operator=(const HeldPoll&) = delete;
  bool held() const { return held_; }

 private:
  Front& front_;
  std::string holder_;
  bool held_ = false;
};

template <class Stream>
class Session {
 public:
  Session(std::shared_ptr<Front> front, std::shared_ptr<const Listener> listener, Stream stream,
          std::string remote_addr, int remote_port)
      : front_(std::move(front)),
        listener_(std::move(listener)),
        stream_(std::move(stream)),
        remote_addr_(std::move(remote_addr)),
        remote_port_(remote_port) {
    id_ = front_->next_connection++;
    front_->connections.emplace(id_, [this] { Close(); });
    ++front_->open_connections;
  }
  ~Session() {
    front_->connections.erase(id_);
    --front_->open_connections;
  }
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  Stream& stream() { return stream_; }

  // Reads and answers requests until the connection should close.
  awaitable<void> Run() {
    for (bool first = true;; first = false) {
      Incoming in;
      if (!co_await Read(first, in)) co_return;
      Reply reply = co_await OnWorker(in.request);
      while (std::holds_alternative<Park>(reply)) {
        std::optional<Reply> resumed = co_await Hold(in.request, std::get<Park>(std::move(reply)));
        if (!resumed) co_return;  // the server is stopping
        reply = std::move(*resumed);
      }
      if (!co_await Write(std::get<Response>(std::move(reply)), in)) co_return;
      if (!in.keep_alive || front_->stopping) co_return;
    }
  }

 private:
  struct Incoming {
    Request request;
    unsigned version = 11;
    bool keep_alive = true;
  };

  beast::tcp_stream& tcp() { return beast::get_lowest_layer(stream_); }

  // Stop: abandon whatever this connection waits for (a read, a parked poll). A connection whose
  // handler is running finishes it and writes its response first.
  void Close() {
    closing_ = true;
    tcp().cancel();
    if (parked_) parked_->cancel();
  }

  // Reads one request into `in`; false when the connection should close (after answering a
  // malformed request where that helps the client).
  awaitable<bool> Read(bool first, Incoming& in) {
    const auto& o = front_->options;
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(kHeaderLimit);
    parser.body_limit(o.max_request_body_bytes);
    beast::error_code ec;
    tcp().expires_after(first ? o.read_timeout : o.keep_alive_timeout);
    co_await bhttp::async_read_header(stream_, buffer_, parser,
                                      asio::redirect_error(use_awaitable, ec));
    if (ec) co_return co_await RefuseUnreadable(ec, parser.get().version());
    in.version = parser.get().version();
    if (auto length = parser.content_length(); length && *length > o.max_request_body_bytes) {
      co_return co_await RefuseUnreadable(bhttp::error::body_limit, in.version);
    }
    if (beast::iequals(parser.get()[bhttp::field::expect], "100-continue")) {
      bhttp::response<bhttp::empty_body> go_on{bhttp::status::continue_, in.version};
      tcp().expires_after(o.write_timeout);
      co_await bhttp::async_write(stream_, go_on, asio::redirect_error(use_awaitable, ec));
      if (ec) co_return false;
    }
    if (!parser.is_done()) {
      tcp().expires_after(o.read_timeout);
      co_await bhttp::async_read(stream_, buffer_, parser, asio::redirect_error(use_awaitable, ec));
      if (ec) co_return co_await RefuseUnreadable(ec, in.version);
    }
    tcp().expires_never();
    if (closing_) co_return false;

    auto message = parser.release();
    in.keep_alive = message.keep_alive();
    Request& req = in.request;
    req.received_at = std::chrono::steady_clock::now();
    req.method = std::string(message.method_string());
    req.target = std::string(message.target());
    const size_t q = req.target.find('?');
    req.path = req.target.substr(0, q);
    if (q != std::string::npos) req.query = ParseQuery(std::string_view(req.target).substr(q + 1));
    for (const auto& field : message) {
      req.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    req.body = std::move(message.body());
    req.remote_addr = remote_addr_;
    req.remote_port = remote_port_;
    if (listener_->spec.x_forwarded) {
      if (auto forwarded = ForwardedFor(req)) req.remote_addr = *forwarded;
    }
    req.request_id = req.method + "-" + std::to_string(front_->next_request++);
    co_return true;
  }

  // After a failed read: a malformed or oversized request gets its Matrix error (and the
  // connection closes); a timeout, a closed connection or a stop just closes. Returns false.
  awaitable<bool> RefuseUnreadable(beast::error_code ec, unsigned version) {
    int status = 0;
    if (ec == bhttp::error::body_limit) {
      status = 413;
    } else if (ec == bhttp::error::header_limit) {
      status = 431;
    } else if (IsHttpParseError(ec)) {
      status = 400;
    }
    if (status != 0 && !closing_) {
      Incoming in;
      in.version = version == 10 ? 10 : 11;
      in.keep_alive = false;
      in.request.remote_addr = remote_addr_;
      co_await Write(TransportError(status), in);
    }
    co_return false;
  }

  // Runs the route on a worker thread and comes back to the loop with its reply.
  awaitable<Reply> OnWorker(Request& req) {
    co_return co_await asio::co_spawn(
        front_->workers->get_executor(),
        [this, &req]() -> awaitable<Reply> {
          logging::ScopedRequest scope(req.request_id);
          co_return front_->dispatcher.Dispatch(listener_->spec.resources, req);
        },
        use_awaitable);
  }

  // Parks `req` until its wake-up fires or park.retry_at, then runs it again. nullopt when the
  // server is stopping (the connection then closes without a reply; the client's next /sync
  // with the same token loses nothing).
  awaitable<std::optional<Reply>> Hold(Request& req, Park park) {
    HeldPoll held(*front_, park.holder);
    if (!held.held()) {
      co_return Reply(Response::Error(
          429, errcode::kLimitExceeded,
          "Too many requests are waiting for " + park.holder + "; finish some first",
          {{"retry_after_ms", 1000}}));
    }
    auto executor = co_await asio::this_coro::executor;
    auto timer = std::make_shared<asio::steady_timer>(executor, park.retry_at);
    parked_ = timer;
    std::function<void()> disarm;
    if (park.arm) {
      // The wake-up may run on any thread; the timer is touched only on the loop.
      disarm = park.arm([timer, executor] { asio::post(executor, [timer] { timer->cancel(); }); });
    }
    beast::error_code ec;
    if (!closing_) co_await timer->async_wait(asio::redirect_error(use_awaitable, ec));
    parked_.reset();
    if (disarm) disarm();
    if (closing_) co_return std::nullopt;
    ++front_->polls_resumed;
    co_return co_await OnWorker(req);
  }

  awaitable<bool> Write(Response res, const Incoming& in) {
    AddStandardHeaders(res);
    bhttp::response<bhttp::string_body> out{static_cast<bhttp::status>(res.status), in.version};
    for (const auto& [key, value] : res.headers) out.insert(key, value);
    out.set(bhttp::field::content_type, res.content_type);
    out.body() = std::move(res.body);
    out.prepare_payload();
    const size_t bytes = out.body().size();
    if (in.request.method == "HEAD") {
      out.body().clear();  // the length stays that of the GET
    }
    out.keep_alive(in.keep_alive && !front_->stopping);
    beast::error_code ec;
    tcp().expires_after(front_->options.write_timeout);
    co_await bhttp::async_write(stream_, out, asio::redirect_error(use_awaitable, ec));
    tcp().expires_never();
    Log(in, res.status, bytes);
    co_return !ec;
  }

  void Log(const Incoming& in, int status, size_t bytes) const {
    const auto& logger = front_->options.access_logger;
    if (in.request.method.empty() || !logging::Enabled(logger, logging::Level::kInfo)) return;
    const Request& req = in.request;
    logging::ScopedRequest scope(req.request_id);
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - req.received_at).count();
    char took[32];
    std::snprintf(took, sizeof(took), "%.3f", secs);
    STRATA_LOG(Info, logger) << req.remote_addr << " - " << listener_->port
                             << " - Processed request: " << took << "sec " << bytes << "B "
                             << status << " \"" << req.method << " " << req.RedactedTarget()
                             << " HTTP/" << in.version / 10 << "." << in.version % 10 << "\" \""
                             << req.Header("User-Agent").value_or("-") << "\"";
  }

  std::shared_ptr<Front> front_;
  std::shared_ptr<const Listener> listener_;
  Stream stream_;
  std::string remote_addr_;
  int remote_port_;
  uint64_t id_ = 0;
  beast::flat_buffer buffer_;
  bool closing_ = false;
  std::shared_ptr<asio::steady_timer> parked_;
};

}  // namespace

awaitable<void> ServeConnection(std::shared_ptr<Front> front,
                                std::shared_ptr<const Listener> listener, tcp::socket socket) {
  int remote_port = 0;
  std::string remote_addr = ClientAddress(socket, &remote_port);
  if (!listener->tls) {
    Session<beast::tcp_stream> session(front, listener, beast::tcp_stream(std::move(socket)),
                                       std::move(remote_addr), remote_port);
    co_await session.Run();
    beast::error_code ec;
    session.stream().socket().shutdown(tcp::socket::shutdown_send, ec);
    co_return;
  }
  using TlsStream = beast::ssl_stream<beast::tcp_stream>;
  Session<TlsStream> session(front, listener, TlsStream(std::move(socket), *listener->tls),
                             std::move(remote_addr), remote_port);
  beast::error_code ec;
  beast::get_lowest_layer(session.stream()).expires_after(front->options.read_timeout);
  co_await session.stream().async_handshake(asio::ssl::stream_base::server,
                                            asio::redirect_error(use_awaitable, ec));
  if (ec) co_return;
  co_await session.Run();
  beast::get_lowest_layer(session.stream()).expires_after(kTlsShutdownTimeout);
  co_await session.stream().async_shutdown(asio::redirect_error(use_awaitable, ec));
}

awaitable<void> RefuseConnection(std::shared_ptr<const Listener> listener, tcp::socket socket) {
  Response res = TransportError(503);
  res.headers.emplace_back("Retry-After", "5");
  AddStandardHeaders(res);
  bhttp::response<bhttp::string_body> out{bhttp::status::service_unavailable, 11};
  for (const auto& [key, value] : res.headers) out.insert(key, value);
  out.set(bhttp::field::content_type, res.content_type);
  out.body() = std::move(res.body);
  out.prepare_payload();
  out.keep_alive(false);
  beast::error_code ec;
  if (listener->tls) {
    // A TLS client would not understand plain bytes; closing is the clearest answer it can get.
    co_return;
  }
  beast::tcp_stream stream(std::move(socket));
  stream.expires_after(std::chrono::seconds(2));
  co_await bhttp::async_write(stream, out, asio::redirect_error(use_awaitable, ec));
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
}

}  // namespace strata::http
