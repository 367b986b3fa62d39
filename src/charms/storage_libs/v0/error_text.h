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

}  // namespace charms::storage_libs::v0::detail
