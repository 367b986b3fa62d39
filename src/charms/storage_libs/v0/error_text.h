// Private helpers for the errors of the interface library (format: see cephfs_share_wire.h).
#pragma once

#include <string>
#include <string_view>

#include "cephfs/share_fields.h"
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

// A value quoted for an error message (cephfs::quote_untrusted). Never call it on a key or secret
// content.
inline std::string quote_for_message(std::string_view text) {
  return cephfs::quote_untrusted(text);
}

}  // namespace charms::storage_libs::v0::detail
