#include "handlers/directory_token.h"

#include <cstdint>
#include <stdexcept>

#include "util/base64.h"

namespace strata::handlers {
namespace {

using nlohmann::json;

void PackString(std::string& out, const std::string& s) {
  if (s.size() < 32) {
    out += static_cast<char>(0xa0 | s.size());
  } else if (s.size() < 256) {
    out += static_cast<char>(0xd9);
    out += static_cast<char>(s.size());
  } else {
    out += static_cast<char>(0xda);
    out += static_cast<char>(s.size() >> 8);
    out += static_cast<char>(s.size() & 0xff);
  }
  out += s;
}

void PackInt(std::string& out, int64_t v) {
  if (v >= 0 && v < 128) {
    out += static_cast<char>(v);
    return;
  }
  out += static_cast<char>(0xd3);
  for (int shift = 56; shift >= 0; shift -= 8) out += static_cast<char>((v >> shift) & 0xff);
}

}  // namespace

std::string PackToken(const json& map) {
  std::string out;
  out += static_cast<char>(0x80 | map.size());
  for (const auto& [k, v] : map.items()) {
    PackString(out, k);
    if (v.is_boolean()) {
      out += static_cast<char>(v.get<bool>() ? 0xc3 : 0xc2);
    } else if (v.is_number_integer()) {
      PackInt(out, v.get<int64_t>());
    } else {
      PackString(out, v.get<std::string>());
    }
  }
  return Base64Encode(out);
}

std::optional<json> UnpackToken(const std::string& token) {
  auto bytes = Base64Decode(token);
  if (!bytes || bytes->empty()) return std::nullopt;
  const std::string& b = *bytes;
  size_t i = 0;
  auto byte = [&]() -> int {
    if (i >= b.size()) throw std::out_of_range("token");
    return static_cast<unsigned char>(b[i++]);
  };
  auto read_value = [&]() -> json {
    int t = byte();
    if (t < 0x80) return t;
    if (t >= 0xe0) return t - 256;
    if ((t & 0xe0) == 0xa0 || t == 0xd9 || t == 0xda) {
      size_t n = (t & 0xe0) == 0xa0 ? (t & 0x1f) : t == 0xd9 ? byte() : (byte() << 8) | byte();
      if (i + n > b.size()) throw std::out_of_range("token");
      std::string s = b.substr(i, n);
      i += n;
      return s;
    }
    if (t == 0xc2) return false;
    if (t == 0xc3) return true;
    int width = t == 0xcc || t == 0xd0   ? 1
                : t == 0xcd || t == 0xd1 ? 2
                : t == 0xce || t == 0xd2 ? 4
                : t == 0xcf || t == 0xd3 ? 8
                                         : 0;
    if (width == 0) throw std::out_of_range("token");
    uint64_t v = 0;
    for (int k = 0; k < width; ++k) v = (v << 8) | static_cast<uint64_t>(byte());
    if (t >= 0xd0 && width < 8) {
      const uint64_t sign = uint64_t{1} << (width * 8 - 1);
      if (v & sign) return static_cast<int64_t>(v) - static_cast<int64_t>(sign << 1);
    }
    return static_cast<int64_t>(v);
  };
  try {
    int head = byte();
    if ((head & 0xf0) != 0x80) return std::nullopt;
    json map = json::object();
    for (int n = head & 0x0f; n > 0; --n) {
      json key = read_value();
      if (!key.is_string()) return std::nullopt;
      map[key.get<std::string>()] = read_value();
    }
    return map;
  } catch (const std::out_of_range&) {
    return std::nullopt;
  }
}

}  // namespace strata::handlers
