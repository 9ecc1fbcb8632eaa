#include "poll_crowd.h"

#include <atomic>
#include <stdexcept>
#include <thread>

#include "http/asio.h"

namespace strata::bench {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

}  // namespace

struct PollCrowd::Impl {
  explicit Impl(int p) : port(p) {}

  struct Poll {
    std::string target;
    std::string token;
    Outcome outcome;
  };

  asio::awaitable<void> Run(Poll& poll) {
    beast::error_code ec;
    beast::tcp_stream stream(co_await asio::this_coro::executor);
    co_await stream.async_connect(
        tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)),
        asio::redirect_error(asio::use_awaitable, ec));
    --connecting;
    if (ec) {
      ++failed;
      ++done;
      co_return;
    }
    stream.socket().set_option(tcp::no_delay(true), ec);
    bhttp::request<bhttp::empty_body> req{bhttp::verb::get, poll.target, 11};
    req.set(bhttp::field::host, "127.0.0.1");
    req.set(bhttp::field::authorization, "Bearer " + poll.token);
    co_await bhttp::async_write(stream, req, asio::redirect_error(asio::use_awaitable, ec));
    poll.outcome.sent = Clock::now();
    if (ec) {
      ++failed;
      ++done;
      co_return;
    }
    ++sent;
    beast::flat_buffer buffer;
    bhttp::response<bhttp::string_body> res;
    co_await bhttp::async_read(stream, buffer, res, asio::redirect_error(asio::use_awaitable, ec));
    poll.outcome.answered = Clock::now();
    if (!ec) {
      poll.outcome.status = res.result_int();
      poll.outcome.body = std::move(res.body());
    }
    ++done;
  }

  asio::awaitable<void> Launch(size_t in_flight) {
    asio::steady_timer pause(co_await asio::this_coro::executor);
    for (auto& poll : polls) {
      while (connecting.load() >= in_flight) {
        pause.expires_after(std::chrono::milliseconds(1));
        co_await pause.async_wait(asio::use_awaitable);
      }
      ++connecting;
      asio::co_spawn(io, Run(poll), asio::detached);
    }
  }

  int port;
  asio::io_context io{1};
  std::vector<Poll> polls;
  std::atomic<size_t> connecting{0};
  std::atomic<size_t> sent{0};
  std::atomic<size_t> failed{0};  // could not connect or send
  std::atomic<size_t> done{0};
  std::thread loop;
};

PollCrowd::PollCrowd(int port) : impl_(std::make_unique<Impl>(port)) {}

PollCrowd::~PollCrowd() {
  impl_->io.stop();
  if (impl_->loop.joinable()) impl_->loop.join();
}

void PollCrowd::Add(std::string target, std::string token) {
  impl_->polls.push_back({std::move(target), std::move(token), {}});
}

void PollCrowd::Start(size_t in_flight, std::chrono::seconds limit) {
  asio::co_spawn(impl_->io, impl_->Launch(in_flight), asio::detached);
  impl_->loop = std::thread([this] { impl_->io.run(); });
  const auto deadline = Clock::now() + limit;
  auto settled = [this] { return impl_->sent.load() + impl_->failed.load(); };
  while (settled() < impl_->polls.size() && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (settled() < impl_->polls.size()) {
    throw std::runtime_error("only " + std::to_string(impl_->sent.load()) + " of " +
                             std::to_string(impl_->polls.size()) + " polls were sent in time");
  }
}

size_t PollCrowd::answered() const {
  return impl_->done.load();
}

std::vector<PollCrowd::Outcome> PollCrowd::Wait(Clock::time_point deadline) {
  while (impl_->done.load() < impl_->polls.size() && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  impl_->io.stop();
  if (impl_->loop.joinable()) impl_->loop.join();
  std::vector<Outcome> out;
  out.reserve(impl_->polls.size());
  for (const auto& p : impl_->polls) out.push_back(p.outcome);
  return out;
}

}  // namespace strata::bench
