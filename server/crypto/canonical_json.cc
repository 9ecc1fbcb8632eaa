#include "crypto/canonical_json.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>

namespace strata::crypto {
namespace {

using nlohmann::json;

// Length of the well-formed UTF-8 sequence starting at p (whose first byte is >= 0x80), or 0 if
// it is malformed. Ranges from RFC 3629 section 4.
size_t Utf8SequenceLength(const unsigned char* p, const unsigned char* end) {
  auto in = [](unsigned char c, unsigned char lo, unsigned char hi) { return c >= lo && c <= hi; };
  const size_t left = size_t(end - p);
  const unsigned char c = p[0];
  if (in(c, 0xC2, 0xDF)) return left >= 2 && in(p[1], 0x80, 0xBF) ? 2 : 0;
  if (in(c, 0xE0, 0xEF)) {
    if (left < 3) return 0;
    const unsigned char lo = c == 0xE0 ? 0xA0 : 0x80;  // no overlong forms
    const unsigned char hi = c == 0xED ? 0x9F : 0xBF;  // no UTF-16 surrogates
    return in(p[1], lo, hi) && in(p[2], 0x80, 0xBF) ? 3 : 0;
  }
  if (in(c, 0xF0, 0xF4)) {
    if (left < 4) return 0;
    const unsigned char lo = c == 0xF0 ? 0x90 : 0x80;  // no overlong forms
    const unsigned char hi = c == 0xF4 ? 0x8F : 0xBF;  // nothing past U+10FFFF
    return in(p[1], lo, hi) && in(p[2], 0x80, 0xBF) && in(p[3], 0x80, 0xBF) ? 4 : 0;
  }
  return 0;
}

// Appends what Python's float.__repr__ gives (the shortest digits that round-trip; positional
// notation with a trailing ".0" when the decimal exponent is in (-4, 16], otherwise "de+XX"),
// because that is how Synapse encoded floats in events of room versions 1-5.
void AppendPythonFloat(double value, std::string& out) {
  char buf[40];
  // Shortest round-trip digits in the form "-d.ddde+XX".
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::scientific);
  std::string_view sci(buf, size_t(end - buf));
  if (sci.front() == '-') {
    out += '-';
    sci.remove_prefix(1);
  }
  const size_t e_pos = sci.find('e');
  std::string digits;
  for (char c : sci.substr(0, e_pos)) {
    if (c != '.') digits += c;
  }
  int exponent = 0;
  std::string_view exp_text = sci.substr(e_pos + 1);
  if (exp_text.front() == '+') exp_text.remove_prefix(1);
  std::from_chars(exp_text.data(), exp_text.data() + exp_text.size(), exponent);

  // Python's decpt: the value is 0.DIGITS * 10^decpt.
  const int decpt = exponent + 1;
  const int ndigits = int(digits.size());
  if (decpt > -4 && decpt <= 16) {
    if (decpt <= 0) {
      out += "0.";
      out.append(size_t(-decpt), '0');
      out += digits;
    } else if (decpt >= ndigits) {
      out += digits;
      out.append(size_t(decpt - ndigits), '0');
      out += ".0";
    } else {
      out.append(digits, 0, size_t(decpt));
      out += '.';
      out.append(digits, size_t(decpt));
    }
    return;
  }
  out += digits[0];
  if (ndigits > 1) {
    out += '.';
    out.append(digits, 1);
  }
  out += exponent < 0 ? "e-" : "e+";
  const int magnitude = std::abs(exponent);
  if (magnitude < 10) out += '0';
  out += std::to_string(magnitude);
}

class Encoder {
 public:
  Encoder(std::string& out, CanonicalMode mode) : out_(out), mode_(mode) {}

  // Each returns false after recording the problem; callers unwind, adding to the path.
  bool Value(const json& value) {
    switch (value.type()) {
      case json::value_t::null:
        out_ += "null";
        return true;
      case json::value_t::boolean:
        out_ += value.get_ref<const json::boolean_t&>() ? "true" : "false";
        return true;
      case json::value_t::string:
        return String(value.get_ref<const json::string_t&>());
      case json::value_t::number_integer:
        return Integer(value.get_ref<const json::number_integer_t&>());
      case json::value_t::number_unsigned:
        return Unsigned(value.get_ref<const json::number_unsigned_t&>());
      case json::value_t::number_float:
        return Float(value.get_ref<const json::number_float_t&>());
      case json::value_t::object:
        return Object(value, {});
      case json::value_t::array:
        return Array(value);
      case json::value_t::binary:
        return Fail("binary values have no JSON encoding");
      case json::value_t::discarded:
        break;
    }
    return Fail("discarded values have no JSON encoding");
  }

  // nlohmann's object_t is a std::map ordered by std::string's operator<, which compares bytes as
  // unsigned char: UTF-8 byte order, which is code point order. So iteration order is canonical.
  bool Object(const json& object, std::initializer_list<std::string_view> omit) {
    out_ += '{';
    bool first = true;
    for (const auto& [key, member] : object.get_ref<const json::object_t&>()) {
      if (std::find(omit.begin(), omit.end(), key) != omit.end()) continue;
      if (!first) out_ += ',';
      first = false;
      bool ok = String(key);
      if (ok) {
        out_ += ':';
        ok = Value(member);
      }
      if (!ok) {
        PrependPath(key);
        return false;
      }
    }
    out_ += '}';
    return true;
  }

  Status status() const {
    return Status::InvalidArgument("not canonical JSON at '" + path_ + "': " + problem_);
  }

 private:
  bool Array(const json& array) {
    out_ += '[';
    size_t index = 0;
    for (const json& element : array) {
      if (index > 0) out_ += ',';
      if (!Value(element)) {
        PrependPath(std::to_string(index));
        return false;
      }
      ++index;
    }
    out_ += ']';
    return true;
  }

  bool String(std::string_view text) {
    static constexpr char kHex[] = "0123456789abcdef";
    // Characters with a two-character escape, and the letter that follows the backslash.
    static constexpr std::string_view kShortEscaped = "\"\\\b\f\n\r\t";
    static constexpr std::string_view kShortEscapes = "\"\\bfnrt";
    out_ += '"';
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    const auto* end = p + text.size();
    const auto* run = p;  // start of bytes not yet copied
    while (p < end) {
      const unsigned char c = *p;
      if (c >= 0x80) {
        const size_t n = Utf8SequenceLength(p, end);
        if (n == 0) return Fail("string is not valid UTF-8");
        p += n;
        continue;
      }
      if (c >= 0x20 && c != '"' && c != '\\') {
        ++p;
        continue;
      }
      out_.append(reinterpret_cast<const char*>(run), size_t(p - run));
      out_ += '\\';
      if (size_t i = kShortEscaped.find(char(c)); i != std::string_view::npos) {
        out_ += kShortEscapes[i];
      } else {
        out_ += "u00";
        out_ += kHex[c >> 4];
        out_ += kHex[c & 0xF];
      }
      run = ++p;
    }
    out_.append(reinterpret_cast<const char*>(run), size_t(end - run));
    out_ += '"';
    return true;
  }

  bool Integer(int64_t n) {
    if (mode_ == CanonicalMode::kStrict &&
        (n > kCanonicalJsonMaxInt || n < -kCanonicalJsonMaxInt)) {
      return Fail("integer " + std::to_string(n) + " is outside [-(2^53)+1, 2^53-1]");
    }
    AppendDecimal(n);
    return true;
  }

  bool Unsigned(uint64_t n) {
    if (mode_ == CanonicalMode::kStrict && n > uint64_t(kCanonicalJsonMaxInt)) {
      return Fail("integer " + std::to_string(n) + " is outside [-(2^53)+1, 2^53-1]");
    }
    AppendDecimal(n);
    return true;
  }

  bool Float(double d) {
    if (mode_ == CanonicalMode::kStrict) return Fail("floats are not allowed (only integers)");
    if (!std::isfinite(d)) return Fail("NaN and infinity have no JSON encoding");
    AppendPythonFloat(d, out_);
    return true;
  }

  template <typename Int>
  void AppendDecimal(Int n) {
    char buf[24];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, n);
    out_.append(buf, size_t(end - buf));
  }

  bool Fail(std::string problem) {
    problem_ = std::move(problem);
    return false;
  }

  // JSON pointer (RFC 6901) segment: '~' and '/' are escaped as ~0 and ~1.
  void PrependPath(std::string_view segment) {
    std::string escaped = "/";
    for (char c : segment) {
      if (c == '~') {
        escaped += "~0";
      } else if (c == '/') {
        escaped += "~1";
      } else {
        escaped += c;
      }
    }
    path_.insert(0, escaped);
  }

  std::string& out_;
  const CanonicalMode mode_;
  std::string problem_;
  std::string path_;  // built only on the error path, while unwinding
};

}  // namespace

Status AppendCanonicalJson(const json& value, std::string& out, CanonicalMode mode) {
  Encoder encoder(out, mode);
  return encoder.Value(value) ? Status::Ok() : encoder.status();
}

Result<std::string> EncodeCanonicalJson(const json& value, CanonicalMode mode) {
  std::string out;
  if (Status s = AppendCanonicalJson(value, out, mode); !s.ok()) return s;
  return out;
}

Result<std::string> EncodeCanonicalJsonWithout(const json& object,
                                               std::initializer_list<std::string_view> omit,
                                               CanonicalMode mode) {
  if (!object.is_object()) {
    return Status::InvalidArgument(std::string("expected a JSON object, got ") +
                                   object.type_name());
  }
  std::string out;
  Encoder encoder(out, mode);
  if (!encoder.Object(object, omit)) return encoder.status();
  return out;
}

bool IsValidUtf8(std::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* end = p + text.size();
  while (p < end) {
    if (*p < 0x80) {
      ++p;
      continue;
    }
    const size_t n = Utf8SequenceLength(p, end);
    if (n == 0) return false;
    p += n;
  }
  return true;
}

}  // namespace strata::crypto
