#include "support/process.h"

#include <httplib.h>

#include <thread>

namespace strata::testing {

std::optional<std::pair<int, std::string>> WaitForHttp(int port, const std::string& path,
                                                       std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(std::chrono::seconds(1));
  while (std::chrono::steady_clock::now() < deadline) {
    if (auto res = client.Get(path)) return std::make_pair(res->status, res->body);
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  return std::nullopt;
}

}  // namespace strata::testing
