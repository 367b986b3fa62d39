#include "cephx_key.h"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cephx {
namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int sextet(char c) {
  const auto pos = kAlphabet.find(c);
  return pos == std::string_view::npos ? -1 : static_cast<int>(pos);
}

// Strict decoding: length a multiple of 4, padding only at the end; nullopt otherwise.
std::optional<std::vector<std::uint8_t>> decode_base64(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::vector<std::uint8_t> out;
  for (std::size_t i = 0; i < text.size(); i += 4) {
    std::array<int, 4> v{};
    int padding = 0;
    for (std::size_t j = 0; j < 4; ++j) {
      const char c = text[i + j];
      if (c == '=') {
        if (i + 4 != text.size() || j < 2) return std::nullopt;
        ++padding;
        v[j] = 0;
        continue;
      }
      if (padding > 0) return std::nullopt;
      v[j] = sextet(c);
      if (v[j] < 0) return std::nullopt;
    }
    const std::uint32_t n =
        (static_cast<std::uint32_t>(v[0]) << 18) | (static_cast<std::uint32_t>(v[1]) << 12) |
        (static_cast<std::uint32_t>(v[2]) << 6) | static_cast<std::uint32_t>(v[3]);
    out.push_back(static_cast<std::uint8_t>(n >> 16));
    if (padding < 2) out.push_back(static_cast<std::uint8_t>((n >> 8) & 0xff));
    if (padding < 1) out.push_back(static_cast<std::uint8_t>(n & 0xff));
  }
  return out;
}

std::string encode_base64(const std::vector<std::uint8_t>& bytes) {
  std::string out;
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    const std::size_t left = bytes.size() - i;
    std::uint32_t n = static_cast<std::uint32_t>(bytes[i]) << 16;
    if (left > 1) n |= static_cast<std::uint32_t>(bytes[i + 1]) << 8;
    if (left > 2) n |= bytes[i + 2];
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += left > 1 ? kAlphabet[(n >> 6) & 63] : '=';
    out += left > 2 ? kAlphabet[n & 63] : '=';
  }
  return out;
}

ops::Status invalid(std::string message) {
  return ops::Error{ops::ErrorCode::kInvalidArgument, std::move(message)};
}

}  // namespace

ops::Status validate_cephx_key(std::string_view key) {
  if (key.empty()) return invalid("the key is empty");
  if (key.size() != kCephxKeyLength) {
    return invalid("the key is " + std::to_string(key.size()) +
                   " characters long; a cephx key (`ceph auth get-key client.<id>`) is " +
                   std::to_string(kCephxKeyLength));
  }
  auto bytes = decode_base64(key);
  if (!bytes) return invalid("the key is not base64 (characters A-Z a-z 0-9 + / and = padding)");
  if (encode_base64(*bytes) != key) return invalid("the key is not canonical base64");
  const unsigned type = (*bytes)[0] | ((*bytes)[1] << 8);
  const unsigned length = (*bytes)[10] | ((*bytes)[11] << 8);
  if (type != 1 || length != 16) {
    return invalid("the key does not hold an AES cephx secret (wrong type or length field)");
  }
  return {};
}

std::string_view without_line_end(std::string_view key) {
  if (key.ends_with("\r\n")) return key.substr(0, key.size() - 2);
  if (key.ends_with('\n')) return key.substr(0, key.size() - 1);
  return key;
}

}  // namespace cephx
