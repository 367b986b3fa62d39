// Small charms around CephFSRequires / CephFSProvides for the library's state-transition tests:
// they record every library event with the payload read inside the observer, can defer, and run a
// library call inside update-status.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "charms/storage_libs/v0/cephfs_interfaces.h"
#include "ops/testing/context.h"

namespace charms::storage_libs::v0::testing {

inline constexpr const char* kEndpoint = "cephfs-share";

// The upstream library tests' fixture (canonical/storage-libs
// tests/unit/test_cephfs_interfaces.py).
inline const CephFSShareInfo kShareInfo{
    "123456789-0abc-defg-hijk-lmnopqrstuvw",
    "filesystem",
    "/data",
    {"192.168.1.1:6789", "192.168.1.2:6789", "192.168.1.3:6789"}};
inline const CephFSAuthInfo kAuthInfo{"user", "R//appdqz4NP4Bxcc5XWrg=="};
inline const std::string kShareInfoJson =
    R"({"fsid": "123456789-0abc-defg-hijk-lmnopqrstuvw", "name": "filesystem", "path": "/data", )"
    R"("monitor_hosts": ["192.168.1.1:6789", "192.168.1.2:6789", "192.168.1.3:6789"]})";
inline const std::string kPlainAuth =
    R"(plain:{"username": "user", "key": "R//appdqz4NP4Bxcc5XWrg=="})";

// One library event as the charm saw it.
struct SeenEvent {
  std::string kind;
  int relation_id = -1;
  std::optional<ops::Result<std::optional<CephFSShareInfo>>> share_info{};
  std::optional<ops::Result<std::optional<CephFSAuthInfo>>> auth_info{};
  std::optional<std::string> name{};
};

struct Seen {
  std::vector<SeenEvent> events;
  std::optional<ops::Status> call_result;
  std::optional<nlohmann::json> value;  // whatever a call wants to report
};

inline std::string requirer_yaml(const std::string& app = "cephfs-client") {
  return "name: " + app + "\nrequires:\n  cephfs-share:\n    interface: cephfs_share\n";
}
inline std::string provider_yaml(const std::string& app = "cephfs-server") {
  return "name: " + app + "\nprovides:\n  cephfs-share:\n    interface: cephfs_share\n";
}

class RequirerCharm : public ops::CharmBase {
 public:
  explicit RequirerCharm(ops::Framework& framework)
      : CharmBase(framework), share(*this, kEndpoint) {
    framework.observe(share.on.server_connected, this, &RequirerCharm::on_server_connected);
    framework.observe(share.on.mount_share, this, &RequirerCharm::on_mount);
    framework.observe(share.on.umount_share, this, &RequirerCharm::on_mount);
    framework.observe(on.update_status, this, &RequirerCharm::on_update_status);
  }
  CephFSRequires share;
  Seen* seen = nullptr;
  bool defer_mount = false;
  std::function<ops::Status(RequirerCharm&)> call;

 private:
  void on_server_connected(ServerConnectedEvent& event) {
    seen->events.push_back({.kind = "server_connected", .relation_id = event.relation->id});
  }
  void on_mount(MountEventBase& event) {
    if (defer_mount) {
      event.defer();
      return;
    }
    seen->events.push_back({.kind = event.kind(),
                            .relation_id = event.relation->id,
                            .share_info = event.share_info(),
                            .auth_info = event.auth_info()});
  }
  void on_update_status(ops::UpdateStatusEvent&) {
    if (call) seen->call_result = call(*this);
  }
};

class ProviderCharm : public ops::CharmBase {
 public:
  explicit ProviderCharm(ops::Framework& framework)
      : CharmBase(framework), share(*this, kEndpoint) {
    framework.observe(share.on.share_requested, this, &ProviderCharm::on_share_requested);
    framework.observe(on.update_status, this, &ProviderCharm::on_update_status);
  }
  CephFSProvides share;
  Seen* seen = nullptr;
  bool defer_request = false;
  // Runs in share_requested (with the event's relation id) when set.
  std::function<ops::Status(ProviderCharm&, int)> answer;
  std::function<ops::Status(ProviderCharm&)> call;

 private:
  void on_share_requested(ShareRequestedEvent& event) {
    if (defer_request) {
      event.defer();
      return;
    }
    seen->events.push_back(
        {.kind = "share_requested", .relation_id = event.relation->id, .name = event.name()});
    if (answer) seen->call_result = answer(*this, event.relation->id);
  }
  void on_update_status(ops::UpdateStatusEvent&) {
    if (call) seen->call_result = call(*this);
  }
};

// Kinds of the library events in ctx.emitted_events.
inline std::vector<std::string> library_events(const ops::testing::ContextBase& ctx) {
  std::vector<std::string> out;
  for (const auto& kind : ctx.emitted_events) {
    if (kind == "server_connected" || kind == "mount_share" || kind == "umount_share" ||
        kind == "share_requested") {
      out.push_back(kind);
    }
  }
  return out;
}

// "relation-get --format=json -r cephfs-share:0 - cephfs-client/0", one per call.
inline std::vector<std::string> tool_calls(const ops::testing::ContextBase& ctx) {
  std::vector<std::string> out;
  for (const auto& call : ctx.tool_calls) out.push_back(call.to_string());
  return out;
}

inline std::vector<std::string> log_lines(const ops::testing::ContextBase& ctx,
                                          const std::string& level) {
  std::vector<std::string> out;
  for (const auto& line : ctx.juju_log) {
    if (line.level == level) out.push_back(line.message);
  }
  return out;
}

}  // namespace charms::storage_libs::v0::testing
