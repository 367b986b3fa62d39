// Workload statuses, as in Python ops: ActiveStatus, BlockedStatus, MaintenanceStatus,
// WaitingStatus (settable), and ErrorStatus / UnknownStatus (read-only).
//
// Example: model.unit().set_status(ops::BlockedStatus("mountpoint is not set"));
#pragma once

#include <string>
#include <string_view>

namespace ops {

struct StatusBase {
  std::string name;  // active, blocked, maintenance, waiting, error, unknown
  std::string message;

  // Priority used by collect-status: error 5 > blocked 4 > maintenance 3 > waiting 2 > active 1 >
  // unknown 0.
  int priority() const;
  bool settable() const;  // active, blocked, maintenance, waiting
  friend bool operator==(const StatusBase&, const StatusBase&) = default;
};

struct ActiveStatus : StatusBase {
  explicit ActiveStatus(std::string message = "") : StatusBase{"active", std::move(message)} {}
};
struct BlockedStatus : StatusBase {
  explicit BlockedStatus(std::string message) : StatusBase{"blocked", std::move(message)} {}
};
struct MaintenanceStatus : StatusBase {
  explicit MaintenanceStatus(std::string message) : StatusBase{"maintenance", std::move(message)} {}
};
struct WaitingStatus : StatusBase {
  explicit WaitingStatus(std::string message) : StatusBase{"waiting", std::move(message)} {}
};
struct ErrorStatus : StatusBase {
  explicit ErrorStatus(std::string message = "") : StatusBase{"error", std::move(message)} {}
};
struct UnknownStatus : StatusBase {
  UnknownStatus() : StatusBase{"unknown", ""} {}
};

}  // namespace ops
