#include "charms/storage_libs/v0/python_json.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <string_view>
#include <system_error>

namespace charms::storage_libs::v0 {
namespace {

constexpr char kHexDigits[] = "0123456789abcdef";  // CPython writes lowercase hex

ops::Error invalid_argument(std::string message) {
  return ops::Error{ops::ErrorCode::kInvalidArgument, std::move(message)};
}

void append_u_escape(std::string& out, std::uint32_t unit) {
  out += "\\u";
  out += kHexDigits[(unit >> 12) & 0xF];
  out += kHexDigits[(unit >> 8) & 0xF];
  out += kHexDigits[(unit >> 4) & 0xF];
  out += kHexDigits[unit & 0xF];
}

// Decodes one UTF-8 sequence starting at text[i]; returns its length, or 0 when it is not a
// well-formed sequence (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF).
std::size_t decode_utf8(std::string_view text, std::size_t i, std::uint32_t& code_point) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  std::size_t length = 0;
  std::uint32_t min = 0;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2, min = 0x80, code_point = lead & 0x1F;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3, min = 0x800, code_point = lead & 0x0F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4, min = 0x10000, code_point = lead & 0x07;
  } else {
    return 0;  // a continuation byte, 0xC0/0xC1 (always overlong) or 0xF5..0xFF
  }
  if (text.size() - i < length) return 0;
  for (std::size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    code_point = (code_point << 6) | (byte(i + k) & 0x3F);
  }
  if (code_point < min || code_point > 0x10FFFF) return 0;
  if (code_point >= 0xD800 && code_point <= 0xDFFF) return 0;
  return length;
}

ops::Status append_string(std::string& out, std::string_view text) {
  out += '"';
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      switch (c) {
        case '"':
          out += "\\\"";
          break;
        case '\\':
          out += "\\\\";
          break;
        case '\n':
          out += "\\n";
          break;
        case '\r':
          out += "\\r";
          break;
        case '\t':
          out += "\\t";
          break;
        case '\b':
          out += "\\b";
          break;
        case '\f':
          out += "\\f";
          break;
        default:
          if (c >= 0x20 && c <= 0x7E) {
            out += static_cast<char>(c);
          } else {
            append_u_escape(out, c);  // other control characters and DEL
          }
      }
      ++i;
      continue;
    }
    std::uint32_t code_point = 0;
    const std::size_t length = decode_utf8(text, i, code_point);
    if (length == 0) {
      return invalid_argument("string is not valid UTF-8 at byte " + std::to_string(i) +
                              "; only Unicode text can be encoded as Python JSON");
    }
    if (code_point >= 0x10000) {
      const std::uint32_t v = code_point - 0x10000;
      append_u_escape(out, 0xD800 | (v >> 10));
      append_u_escape(out, 0xDC00 | (v & 0x3FF));
    } else {
      append_u_escape(out, code_point);
    }
    i += length;
  }
  out += '"';
  return {};
}

// float.__repr__: the shortest digits that round-trip, written in fixed notation when the decimal
// exponent is in [-4, 16), otherwise as d[.ddd]e+XX (CPython's format_float_short, mode 'r').
void append_float(std::string& out, double value) {
  if (std::isnan(value)) {
    out += "NaN";
    return;
  }
  if (std::isinf(value)) {
    out += value < 0 ? "-Infinity" : "Infinity";
    return;
  }
  char buffer[64];
  const auto result =
      std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::scientific);
  // Cannot fail: a double in scientific form needs at most 24 characters.
  const std::string_view scientific(buffer, static_cast<std::size_t>(result.ptr - buffer));

  std::size_t pos = 0;
  if (scientific[pos] == '-') {
    out += '-';
    ++pos;
  }
  const std::size_t e = scientific.find('e');
  std::string digits;
  for (std::size_t k = pos; k < e; ++k) {
    if (scientific[k] != '.') digits += scientific[k];
  }
  int exponent = 0;
  std::string_view exponent_text = scientific.substr(e + 1);
  if (exponent_text.front() == '+') exponent_text.remove_prefix(1);
  std::from_chars(exponent_text.data(), exponent_text.data() + exponent_text.size(), exponent);

  const int decimal_point = exponent + 1;  // value = 0.<digits> * 10^decimal_point
  const int length = static_cast<int>(digits.size());
  if (decimal_point > -4 && decimal_point <= 16) {
    if (decimal_point <= 0) {
      out += "0.";
      out.append(static_cast<std::size_t>(-decimal_point), '0');
      out += digits;
    } else if (decimal_point >= length) {
      out += digits;
      out.append(static_cast<std::size_t>(decimal_point - length), '0');
      out += ".0";
    } else {
      out.append(digits, 0, static_cast<std::size_t>(decimal_point));
      out += '.';
      out.append(digits, static_cast<std::size_t>(decimal_point));
    }
    return;
  }
  out += digits[0];
  if (length > 1) {
    out += '.';
    out.append(digits, 1);
  }
  out += exponent < 0 ? "e-" : "e+";
  const int magnitude = exponent < 0 ? -exponent : exponent;
  if (magnitude < 10) out += '0';
  out += std::to_string(magnitude);
}

ops::Status append_value(std::string& out, const nlohmann::ordered_json& value, int depth) {
  if (depth > kPythonJsonMaxDepth) {
    return invalid_argument("JSON value nests deeper than " + std::to_string(kPythonJsonMaxDepth) +
                            " levels");
  }
  using Type = nlohmann::ordered_json::value_t;
  switch (value.type()) {
    case Type::null:
    case Type::discarded:
      out += "null";
      return {};
    case Type::boolean:
      out += value.get<bool>() ? "true" : "false";
      return {};
    case Type::number_integer:
      out += std::to_string(value.get<std::int64_t>());
      return {};
    case Type::number_unsigned:
      out += std::to_string(value.get<std::uint64_t>());
      return {};
    case Type::number_float:
      append_float(out, value.get<double>());
      return {};
    case Type::string:
      return append_string(out, value.get_ref<const std::string&>());
    case Type::binary:
      return invalid_argument("binary values have no Python JSON form");
    case Type::array: {
      out += '[';
      bool first = true;
      for (const auto& element : value) {
        if (!first) out += ", ";
        first = false;
        if (auto status = append_value(out, element, depth + 1); !status) return status;
      }
      out += ']';
      return {};
    }
    case Type::object: {
      out += '{';
      bool first = true;
      for (const auto& [key, element] : value.items()) {
        if (!first) out += ", ";
        first = false;
        if (auto status = append_string(out, key); !status) return status;
        out += ": ";
        if (auto status = append_value(out, element, depth + 1); !status) return status;
      }
      out += '}';
      return {};
    }
  }
  return invalid_argument("unknown JSON value type");
}

}  // namespace

ops::Result<std::string> python_json_dumps(const nlohmann::ordered_json& value) {
  std::string out;
  if (auto status = append_value(out, value, 0); !status) return status.error();
  return out;
}

}  // namespace charms::storage_libs::v0
