#include "http/message.h"

#include <algorithm>
#include <cctype>

#include "http/router.h"

namespace strata::http {
namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

const std::string kEmpty;

}  // namespace

Response Response::Json(const nlohmann::json& body, int status) {
  Response r;
  r.status = status;
  r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

Response Response::Error(int status, std::string_view errcode, std::string_view message,
                         const nlohmann::json& extra) {
  nlohmann::json body = nlohmann::json::object();
  if (extra.is_object()) body = extra;
  body["errcode"] = errcode;
  body["error"] = message;
  return Json(body, status);
}

Response Response::Raw(int status, std::string body, std::string content_type) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  r.content_type = std::move(content_type);
  return r;
}

const std::string& Request::Param(const std::string& name) const {
  auto it = path_params.find(name);
  return it == path_params.end() ? kEmpty : it->second;
}

std::optional<std::string> Request::Query(const std::string& name) const {
  auto it = query.find(name);
  if (it == query.end()) return std::nullopt;
  return it->second;
}

std::vector<std::string> Request::QueryAll(const std::string& name) const {
  std::vector<std::string> out;
  auto [begin, end] = query.equal_range(name);
  for (auto it = begin; it != end; ++it) out.push_back(it->second);
  return out;
}

std::optional<std::string> Request::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (EqualsIgnoreCase(key, name)) return value;
  }
  return std::nullopt;
}

std::optional<std::string> Request::AccessToken() const {
  if (auto auth = Header("Authorization")) {
    constexpr std::string_view kBearer = "Bearer ";
    if (auth->size() > kBearer.size() &&
        EqualsIgnoreCase(std::string_view(*auth).substr(0, kBearer.size()), kBearer)) {
      return auth->substr(kBearer.size());
    }
  }
  return Query("access_token");
}

const nlohmann::json& Request::JsonBody() const {
  if (!json_) {
    auto parsed = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (parsed.is_discarded()) throw MatrixError(400, errcode::kNotJson, "Content not JSON.");
    json_ = std::move(parsed);
  }
  return *json_;
}

const nlohmann::json& Request::JsonObject() const {
  const auto& value = JsonBody();
  if (!value.is_object()) {
    throw MatrixError(400, errcode::kBadJson, "Content must be a JSON object.");
  }
  return value;
}

std::string Request::RedactedTarget() const {
  size_t q = target.find('?');
  if (q == std::string::npos) return target;
  std::string out = target.substr(0, q + 1);
  std::string_view rest = std::string_view(target).substr(q + 1);
  bool first = true;
  while (!rest.empty()) {
    size_t amp = rest.find('&');
    std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    size_t eq = pair.find('=');
    std::string key = PercentDecode(pair.substr(0, eq), true);
    if (!first) out += '&';
    first = false;
    if (eq != std::string_view::npos && (key == "access_token" || key == "password")) {
      out += std::string(pair.substr(0, eq)) + "=<redacted>";
    } else {
      out += pair;
    }
  }
  return out;
}

}  // namespace strata::http
