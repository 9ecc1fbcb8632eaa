#include "http/http_server.h"

#include <httplib.h>
#include <sys/socket.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <thread>

#include "util/logging.h"

namespace strata::http {
namespace {

constexpr std::string_view kLogger = "strata.http.server";

// Synapse's CORS headers (synapse/http/server.py set_cors_headers), on every response so that
// browser clients on other origins can talk to the server.
void SetCorsHeaders(httplib::Response& res) {
  res.set_header("Access-Control-Allow-Origin", "*");
  res.set_header("Access-Control-Allow-Methods", "GET, HEAD, POST, PUT, DELETE, OPTIONS");
  res.set_header("Access-Control-Allow-Headers",
                 "Origin, X-Requested-With, Content-Type, Accept, Authorization");
}

std::string_view ErrcodeForStatus(int status) {
  switch (status) {
    case 404:
    case 405:
      return errcode::kUnrecognized;
    case 413:
      return errcode::kTooLarge;
    default:
      return errcode::kUnknown;
  }
}

std::string MessageForStatus(int status) {
  switch (status) {
    case 400:
      return "Bad request";
    case 404:
    case 405:
      return "Unrecognized request";
    case 413:
      return "Request body too large";
    case 414:
      return "Request URI too long";
    default:
      return "HTTP error " + std::to_string(status);
  }
}

std::string Lowered(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

struct HttpServer::Core {
  explicit Core(HttpServerOptions o) : options(std::move(o)) {}

  HttpServerOptions options;
  Router router;
  mutable std::mutex maintenance_mu;
  std::optional<nlohmann::json> maintenance;
  std::atomic<uint64_t> next_request{1};

  std::optional<Response> MaintenanceResponse() const {
    std::lock_guard<std::mutex> lock(maintenance_mu);
    if (!maintenance) return std::nullopt;
    nlohmann::json body = {
        {"errcode", errcode::kUnknown},
        {"error",
         "The server is upgrading its database and is not serving requests yet; try "
         "again shortly"}};
    if (maintenance->is_object()) {
      for (const auto& [key, value] : maintenance->items()) body[key] = value;
    }
    Response r = Response::Json(body, 503);
    r.headers.emplace_back("Retry-After", "5");
    return r;
  }

  Response Dispatch(const ListenerSpec& spec, Request& req) {
    if (auto busy = MaintenanceResponse()) return std::move(*busy);
    // Synapse answers any OPTIONS request under its resources with 200 {} (CORS preflight).
    if (req.method == "OPTIONS") return Response::Json(nlohmann::json::object());

    std::string method = req.method == "HEAD" ? "GET" : req.method;
    Router::Match match;
    std::vector<std::string> allowed;
    switch (router.Find(method, req.path, spec.resources, &match, &allowed)) {
      case Router::Outcome::kNotFound:
        return Response::Error(404, errcode::kUnrecognized, "Unrecognized request");
      case Router::Outcome::kWrongMethod: {
        Response r = Response::Error(405, errcode::kUnrecognized, "Unrecognized request");
        std::string allow;
        for (const auto& m : allowed) allow += (allow.empty() ? "" : ", ") + m;
        r.headers.emplace_back("Allow", allow + ", OPTIONS");
        return r;
      }
      case Router::Outcome::kFound:
        break;
    }
    req.path_params = std::move(match.params);
    try {
      return match.handler(req);
    } catch (const MatrixError& e) {
      return e.ToResponse();
    } catch (const std::exception& e) {
      STRATA_LOG(Error, kLogger) << "Failed handle request via " << match.pattern << ": "
                                 << req.method << " " << req.RedactedTarget() << ": " << e.what();
      return Response::Error(500, errcode::kUnknown, "Internal server error");
    } catch (...) {
      STRATA_LOG(Error, kLogger) << "Failed handle request via " << match.pattern << ": "
                                 << req.method << " " << req.RedactedTarget()
                                 << ": unknown exception";
      return Response::Error(500, errcode::kUnknown, "Internal server error");
    }
  }

  void Serve(const ListenerSpec& spec, int local_port, const httplib::Request& hreq,
             httplib::Response& hres) {
    auto started = std::chrono::steady_clock::now();
    Request req;
    req.method = hreq.method;
    req.target = hreq.target;
    size_t q = hreq.target.find('?');
    req.path = hreq.target.substr(0, q);
    if (q != std::string::npos) req.query = ParseQuery(std::string_view(hreq.target).substr(q + 1));
    req.headers.reserve(hreq.headers.size());
    for (const auto& [key, value] : hreq.headers) req.headers.emplace_back(key, value);
    req.body = hreq.body;
    req.remote_addr = hreq.remote_addr;
    req.remote_port = hreq.remote_port;
    if (spec.x_forwarded) {
      if (auto xff = req.Header("X-Forwarded-For")) {
        std::string first = xff->substr(0, xff->find(','));
        size_t b = first.find_first_not_of(' ');
        size_t e = first.find_last_not_of(' ');
        if (b != std::string::npos) req.remote_addr = first.substr(b, e - b + 1);
      }
    }
    req.request_id = req.method + "-" + std::to_string(next_request++);
    logging::ScopedRequest scope(req.request_id);

    Response res = Dispatch(spec, req);

    hres.status = res.status;
    SetCorsHeaders(hres);
    bool has_cache_control = false;
    for (const auto& [key, value] : res.headers) {
      hres.set_header(key.c_str(), value);
      if (Lowered(key) == "cache-control") has_cache_control = true;
    }
    if (res.content_type == "application/json" && !has_cache_control) {
      hres.set_header("Cache-Control", "no-cache, no-store, must-revalidate");
    }
    hres.set_content(std::move(res.body), res.content_type.c_str());

    if (logging::Enabled(options.access_logger, logging::Level::kInfo)) {
      double secs =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      char took[32];
      std::snprintf(took, sizeof(took), "%.3f", secs);
      STRATA_LOG(Info, options.access_logger)
          << req.remote_addr << " - " << local_port << " - Processed request: " << took << "sec "
          << hres.body.size() << "B " << hres.status << " \"" << req.method << " "
          << req.RedactedTarget() << " " << hreq.version << "\" \""
          << req.Header("User-Agent").value_or("-") << "\"";
    }
  }
};

struct HttpServer::Listening {
  std::unique_ptr<httplib::Server> server;
  std::thread thread;
  std::shared_ptr<std::atomic<bool>> done = std::make_shared<std::atomic<bool>>(false);
  BoundAddress where;
};

HttpServer::HttpServer(HttpServerOptions options)
    : core_(std::make_shared<Core>(std::move(options))) {}

HttpServer::~HttpServer() {
  Stop();
}

void HttpServer::Route(std::string_view method, std::string_view pattern, Handler handler) {
  core_->router.Add(method, pattern, std::move(handler));
}

Router& HttpServer::router() {
  return core_->router;
}

void HttpServer::SetMaintenance(std::optional<nlohmann::json> status) {
  std::lock_guard<std::mutex> lock(core_->maintenance_mu);
  core_->maintenance = std::move(status);
}

bool HttpServer::InMaintenance() const {
  std::lock_guard<std::mutex> lock(core_->maintenance_mu);
  return core_->maintenance.has_value();
}

Status HttpServer::Start(const std::vector<ListenerSpec>& listeners) {
  if (!listening_.empty()) return Status::FailedPrecondition("the HTTP server is already started");
  const auto& opts = core_->options;
  for (const auto& spec : listeners) {
    std::vector<std::string> addresses = spec.bind_addresses;
    if (addresses.empty()) addresses = {"::", "0.0.0.0"};
    int port = spec.port;
    bool bound_any_v6 = false;
    for (const auto& address : addresses) {
      std::unique_ptr<httplib::Server> srv;
      if (spec.tls) {
        if (spec.tls_certificate_path.empty() || spec.tls_private_key_path.empty()) {
          Stop();
          return Status::InvalidArgument(
              "listener on port " + std::to_string(spec.port) +
              " has tls: true but tls_certificate_path or tls_private_key_path is not set");
        }
        srv = std::make_unique<httplib::SSLServer>(spec.tls_certificate_path.c_str(),
                                                   spec.tls_private_key_path.c_str());
        if (!srv->is_valid()) {
          Stop();
          return Status::InvalidArgument("cannot load the TLS certificate " +
                                         spec.tls_certificate_path + " or key " +
                                         spec.tls_private_key_path);
        }
      } else {
        srv = std::make_unique<httplib::Server>();
      }
      size_t workers = opts.worker_threads == 0 ? 1 : opts.worker_threads;
      srv->new_task_queue = [workers] { return new httplib::ThreadPool(workers); };
      srv->set_tcp_nodelay(true);
      // SO_REUSEADDR only: cpp-httplib's default adds SO_REUSEPORT, which would let a second
      // server start on a port already in use and silently share its traffic. The socket is
      // remembered so that its listen backlog can be raised once it is bound (below).
      auto listen_socket = std::make_shared<socket_t>(INVALID_SOCKET);
      srv->set_socket_options([listen_socket](socket_t sock) {
        int yes = 1;
        ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
        *listen_socket = sock;
      });
      srv->set_payload_max_length(opts.max_request_body_bytes);
      srv->set_read_timeout(opts.read_timeout);
      srv->set_write_timeout(opts.write_timeout);
      srv->set_keep_alive_timeout(opts.keep_alive_timeout.count());
      srv->set_keep_alive_max_count(1000);

      auto core = core_;
      auto listener = std::make_shared<ListenerSpec>(spec);
      auto serve_port = std::make_shared<std::atomic<int>>(port);
      httplib::Server::Handler handler = [core, listener, serve_port](const httplib::Request& req,
                                                                      httplib::Response& res) {
        core->Serve(*listener, serve_port->load(), req, res);
      };
      // One catch-all per method; routing is ours. [\s\S] rather than '.' so that paths holding
      // a decoded newline still reach us (and get a JSON 404) instead of httplib's own page.
      const std::string all = R"([\s\S]*)";
      srv->Get(all, handler);
      srv->Post(all, handler);
      srv->Put(all, handler);
      srv->Patch(all, handler);
      srv->Delete(all, handler);
      srv->Options(all, handler);
      srv->set_error_handler(
          httplib::Server::HandlerWithResponse([](const httplib::Request&, httplib::Response& res) {
            if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
            SetCorsHeaders(res);
            Response body = Response::Error(res.status, ErrcodeForStatus(res.status),
                                            MessageForStatus(res.status));
            res.set_content(body.body, "application/json");
            return httplib::Server::HandlerResponse::Handled;
          }));
      srv->set_exception_handler(
          [](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
            std::string what = "unknown exception";
            try {
              if (ep) std::rethrow_exception(ep);
            } catch (const std::exception& e) {
              what = e.what();
            } catch (...) {
            }
            STRATA_LOG(Error, kLogger)
                << "Failed handle request " << req.method << " " << req.path << ": " << what;
            res.status = 500;
            SetCorsHeaders(res);
            res.set_content(Response::Error(500, errcode::kUnknown, "Internal server error").body,
                            "application/json");
          });

      int bound_port = port;
      bool ok;
      errno = 0;
      if (port == 0) {
        bound_port = srv->bind_to_any_port(address);
        ok = bound_port > 0;
      } else {
        ok = srv->bind_to_port(address, port);
      }
      int err = errno;
      if (!ok) {
        // Synapse's rule: with "::" bound dual-stack, "0.0.0.0" on the same port must fail.
        if (address == "0.0.0.0" && bound_any_v6) {
          STRATA_LOG(Info, kLogger) << "Failed to listen on 0.0.0.0, continuing because "
                                       "listening on [::]";
          continue;
        }
        // A host without IPv6 cannot bind "::"; the IPv4 address of the pair still serves.
        bool v4_follows =
            std::find(addresses.begin(), addresses.end(), "0.0.0.0") != addresses.end();
        if (address == "::" && v4_follows && (err == EAFNOSUPPORT || err == EADDRNOTAVAIL)) {
          STRATA_LOG(Warning, kLogger)
              << "Cannot listen on [::] (" << std::strerror(err) << "); continuing with 0.0.0.0";
          continue;
        }
        Stop();
        return Status::IoError("cannot listen on " + address + " port " + std::to_string(port) +
                               (err ? std::string(": ") + std::strerror(err) : std::string()) +
                               " (is another server using it, or is the address not local?)");
      }
      // cpp-httplib listens with a backlog of 5 (fixed in the shared library). When many clients
      // connect at once (200 /sync long-polls) the rest of their SYNs are dropped and retried
      // seconds later, so those requests wait for nothing. Linux lets listen() be called again
      // on a listening socket to change its backlog.
      if (*listen_socket != INVALID_SOCKET) ::listen(*listen_socket, SOMAXCONN);
      if (address == "::") bound_any_v6 = true;
      if (port == 0) port = bound_port;  // the listener's other addresses share the port
      serve_port->store(bound_port);

      auto entry = std::make_unique<Listening>();
      entry->where = BoundAddress{address, bound_port};
      httplib::Server* raw = srv.get();
      entry->server = std::move(srv);
      entry->thread = std::thread([raw, done = entry->done] {
        raw->listen_after_bind();
        done->store(true);
      });
      STRATA_LOG(Info, kLogger) << "Listening on "
                                << (address.find(':') != std::string::npos ? "[" + address + "]"
                                                                           : address)
                                << ":" << bound_port << (spec.tls ? " (TLS)" : "");
      listening_.push_back(std::move(entry));
    }
  }
  // Return once every socket accepts, so callers (and tests) can connect straight away.
  for (const auto& l : listening_) {
    while (!l->done->load() && !l->server->is_running()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
  return Status::Ok();
}

void HttpServer::Stop() {
  for (auto& l : listening_) {
    // cpp-httplib's stop() is a no-op until listen_after_bind is running, and must be called
    // only once; so wait for it to run (or to have given up) first.
    while (!l->done->load() && !l->server->is_running()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    if (!l->done->load()) l->server->stop();
  }
  for (auto& l : listening_) {
    if (l->thread.joinable()) l->thread.join();
  }
  listening_.clear();
}

std::vector<HttpServer::BoundAddress> HttpServer::bound() const {
  std::vector<BoundAddress> out;
  for (const auto& l : listening_) out.push_back(l->where);
  return out;
}

}  // namespace strata::http
