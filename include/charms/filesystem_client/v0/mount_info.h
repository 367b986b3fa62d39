// The mount_info interface library: charms.filesystem_client.v0.mount_info (LIBPATCH 1) in C++.
// Between a principal charm (requires `mount`) that says where to mount, and filesystem-client
// (provides `mount`) that mounts and says whether it did.
//
// Wire (shared/conformance/filesystem_info/cases.json `mount_info_databag`):
//   principal application bag   MountInfo through ops::Relation::save: one key per field, each
//                               value JSON ("\"/srv\"", "false")
//   filesystem-client unit bag  `mounted` = "true" / "false"
//
// Events:
//   MountRequires  mount_provider_connected     relation-created, leader
//                  mounted_filesystem           relation-changed, remote unit's `mounted` "true"
//                  unmounted_filesystem         relation-changed, remote unit's `mounted` "false"
//                  mount_provider_disconnected  relation-broken, leader
//   MountProvides  mount_requested              relation-changed, remote app bag has `mountpoint`
//                  mount_unrequested            relation-changed, it has not
//
// Errors are values: reading a MountInfo that is not JSON, lacks `mountpoint`, has a wrong type
// or a mountpoint that is not a clean absolute path is kInvalidData; writes return ops::Status.
//
// Example (filesystem-client):
//   void on_mount_requested(MountRequestedEvent& event) {
//     auto info = event.mount_info();
//     if (!info) { unit().set_status(ops::BlockedStatus(info.error().message)); return; }
//     mount_at(info->mountpoint);
//     (void)mount_.set_mount_status(true);
//   }
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "ops/charm.h"
#include "ops/events.h"
#include "ops/framework.h"
#include "ops/result.h"

namespace charms::filesystem_client::v0 {

namespace mount_info {
inline constexpr std::string_view kLibId = "48a4ca63d3b14351b9b1b2298bcf8c84";
inline constexpr int kLibApi = 0;
inline constexpr int kLibPatch = 1;
}  // namespace mount_info

inline constexpr std::string_view kDefaultMountEndpoint = "mount";
inline constexpr std::string_view kMountedKey = "mounted";

// Where and how to mount. Fields and JSON names as in Python's MountInfo dataclass.
struct MountInfo {
  std::string mountpoint;
  bool noexec = false;
  bool nosuid = false;
  bool nodev = false;
  bool read_only = false;
  friend bool operator==(const MountInfo&, const MountInfo&) = default;
};

// JSON object {mountpoint, noexec, nosuid, nodev, read_only}. from_json needs `mountpoint` (a
// string); absent flags are false; a wrong type throws nlohmann's exception (Relation::load turns
// it into kInvalidData).
void to_json(nlohmann::json& j, const MountInfo& info);
void from_json(const nlohmann::json& j, MountInfo& info);

// kInvalidArgument unless the mountpoint is absolute, valid UTF-8, without control bytes and
// without "." or ".." segments (it is mounted on as root). Spaces and quotes are allowed: the
// mounting code must escape them.
ops::Status validate(const MountInfo& info);

// ---- events ------------------------------------------------------------------------------------

class MountProviderConnectedEvent : public ops::RelationEvent {
 public:
  using RelationEvent::RelationEvent;
};
class MountedFilesystemEvent : public ops::RelationEvent {
 public:
  using RelationEvent::RelationEvent;
};
class UnmountedFilesystemEvent : public ops::RelationEvent {
 public:
  using RelationEvent::RelationEvent;
};
class MountProviderDisconnectedEvent : public ops::RelationEvent {
 public:
  using RelationEvent::RelationEvent;
};

// Base of mount_requested / mount_unrequested: the principal's MountInfo, read when asked.
class MountRequestEvent : public ops::RelationEvent {
 public:
  using RelationEvent::RelationEvent;
  // kInvalidData when absent or malformed; hook-tool failures: kModelError.
  ops::Result<MountInfo> mount_info() const;
};
class MountRequestedEvent : public MountRequestEvent {
 public:
  using MountRequestEvent::MountRequestEvent;
};
class MountUnrequestedEvent : public MountRequestEvent {
 public:
  using MountRequestEvent::MountRequestEvent;
};

class MountRequiresEvents : public ops::ObjectEvents {
 public:
  explicit MountRequiresEvents(ops::Object& parent) : ObjectEvents(parent) {}
  ops::BoundEvent<MountProviderConnectedEvent>& mount_provider_connected =
      define<MountProviderConnectedEvent>("mount_provider_connected");
  ops::BoundEvent<MountedFilesystemEvent>& mounted_filesystem =
      define<MountedFilesystemEvent>("mounted_filesystem");
  ops::BoundEvent<UnmountedFilesystemEvent>& unmounted_filesystem =
      define<UnmountedFilesystemEvent>("unmounted_filesystem");
  ops::BoundEvent<MountProviderDisconnectedEvent>& mount_provider_disconnected =
      define<MountProviderDisconnectedEvent>("mount_provider_disconnected");
};

class MountProvidesEvents : public ops::ObjectEvents {
 public:
  explicit MountProvidesEvents(ops::Object& parent) : ObjectEvents(parent) {}
  ops::BoundEvent<MountRequestedEvent>& mount_requested =
      define<MountRequestedEvent>("mount_requested");
  ops::BoundEvent<MountUnrequestedEvent>& mount_unrequested =
      define<MountUnrequestedEvent>("mount_unrequested");
};

// ---- the two sides -----------------------------------------------------------------------------

// The principal side. Observes <endpoint>-relation-created, -changed and -broken.
class MountRequires : public ops::Object {
 public:
  explicit MountRequires(ops::CharmBase& charm,
                         std::string endpoint = std::string(kDefaultMountEndpoint));

  MountRequiresEvents on{*this};

  // Leader: validates and writes `info` to this application's bag of every relation of the
  // endpoint (Relation::save). Errors: kInvalidArgument, or the failed hook tool's code.
  // Non-leader: logged at INFO, nothing written, success.
  ops::Status set_mount_info(const MountInfo& info);

 private:
  void on_relation_created(ops::RelationCreatedEvent& event);
  void on_relation_changed(ops::RelationChangedEvent& event);
  void on_relation_broken(ops::RelationBrokenEvent& event);

  ops::CharmBase& charm_;
  std::string endpoint_;
};

// The filesystem-client side. Observes <endpoint>-relation-changed.
class MountProvides : public ops::Object {
 public:
  explicit MountProvides(ops::CharmBase& charm,
                         std::string endpoint = std::string(kDefaultMountEndpoint));

  MountProvidesEvents on{*this};

  // The principal's MountInfo on the (only) relation; nullopt when there is no relation or no
  // `mountpoint` yet. kInvalidData when malformed.
  ops::Result<std::optional<MountInfo>> mount_info() const;
  // Writes `mounted` = "true" / "false" to this unit's bag of every relation of the endpoint.
  ops::Status set_mount_status(bool mounted);

 private:
  void on_relation_changed(ops::RelationChangedEvent& event);

  ops::CharmBase& charm_;
  std::string endpoint_;
};

}  // namespace charms::filesystem_client::v0
