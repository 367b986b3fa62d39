// Private helpers for the errors of the interface library (format: see cephfs_share_wire.h).
#pragma once

#include <string>
#include <string_view>

#include "ops/result.h"

namespace charms::storage_libs::v0::detail {

// ops::Error whose message is "<wire code>: <detail>".
inline ops::Error make_wire_error(ops::ErrorCode code, std::string_view wire_code,
                                  std::string_view detail) {
  std::string message(wire_code);
  message += ": ";
  message += detail;
  return ops::Error{code, std::move(message)};
}

// A value quoted for an error message: printable ASCII kept, '"', '\' and everything else as
// \xNN, at most 64 bytes shown. Never call it on a key or secret content.
inline std::string quote_for_message(std::string_view text) {
  constexpr std::size_t kMaxShown = 64;
  constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (std::size_t i = 0; i < text.size() && i < kMaxShown; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') {
      out += static_cast<char>(c);
    } else {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  if (text.size() > kMaxShown) out += "...";
  out += '"';
  return out;
}

}  // namespace charms::storage_libs::v0::detail
