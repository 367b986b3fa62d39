// The filesystem_info interface library: charms.filesystem_client.v0.filesystem_info (LIBPATCH 3)
// in C++, wire-compatible with the Python library (shared/conformance/filesystem_info/README.md;
// what we keep and what we refuse: docs/protocol.md, "filesystem_info").
//
//  - FilesystemProvides (a file-system provider, e.g. cephfs-server-proxy): set_info() publishes
//    one endpoint URI (filesystem_info_types.h) in every relation's application bag and keeps it
//    in the peer relation's application bag (key `endpoint`), from which the leader copies it to
//    each relation that joins later. A CephFS key lives in an application-owned secret labelled
//    `auth` ({"key": ...}), granted to every relation; the URI names it by the id secret-add
//    printed. Non-leaders write nothing.
//  - FilesystemRequires (filesystem-client): mount_filesystem on relation-changed when the
//    provider published an endpoint (Python also emits before, with no info), umount_filesystem on
//    relation-broken; the typed info is read when the charm asks (event.info(), endpoints()).
//
// Bad remote data (not a URI, unsupported scheme, a field that fails validation, a secret the unit
// cannot see) never throws: info() returns an ops::Result whose error the charm turns into a
// blocked status. Hook-tool failures in the provider's calls come back as ops::Status.
//
// Example (a requirer):
//   class ClientCharm : public ops::CharmBase {
//    public:
//     explicit ClientCharm(ops::Framework& f) : CharmBase(f), fs_(*this) {
//       f.observe(fs_.on.mount_filesystem, this, &ClientCharm::on_mount);
//     }
//     void on_mount(MountFilesystemEvent& event) {
//       auto info = event.info();
//       if (!info) { unit().set_status(ops::BlockedStatus(info.error().message)); return; }
//       std::visit([&](const auto& fs) { mount(fs); }, *info);
//     }
//    private:
//     FilesystemRequires fs_;
//   };
//
// Not thread-safe (one hook runs in one thread), like the rest of the runtime.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "charms/filesystem_client/v0/filesystem_info_types.h"
#include "charms/filesystem_client/v0/filesystem_info_uri.h"
#include "ops/charm.h"
#include "ops/events.h"
#include "ops/framework.h"
#include "ops/result.h"

namespace charms::filesystem_client::v0 {

namespace filesystem_info {
inline constexpr std::string_view kLibId = "7e11f60a31a441aaa70ada2f41c75580";
inline constexpr int kLibApi = 0;
inline constexpr int kLibPatch = 3;
}  // namespace filesystem_info

inline constexpr std::string_view kEndpointKey = "endpoint";
inline constexpr std::string_view kAuthSecretLabel = "auth";
inline constexpr std::string_view kAuthSecretDescription =
    "Cephx key to authenticate against the CephFS share";
inline constexpr std::string_view kDefaultFilesystemEndpoint = "filesystem";
inline constexpr std::string_view kDefaultPeerEndpoint = "server-peers";

// What a relation publishes: the URI as written, and its typed info (or why it is unusable).
struct Endpoint {
  int relation_id = -1;
  std::string uri;
  ops::Result<FilesystemInfo> info;
};

// ---- events ------------------------------------------------------------------------------------

// Base of mount_filesystem and umount_filesystem: the provider's endpoint, read when asked.
class FilesystemEvent : public ops::RelationEvent {
 public:
  using RelationEvent::RelationEvent;
  // The provider's `endpoint`, nullopt when absent. Hook-tool failures: kModelError.
  ops::Result<std::optional<std::string>> uri() const;
  // The typed info: reads `endpoint` and, for `secret:` auth, the secret (secret-get <id>, then
  // secret-get <id> --refresh). Errors: kInvalidData (no endpoint, bad URI or fields, bad secret
  // content), kSecretNotFound (secret not visible), kModelError (a hook tool failed).
  ops::Result<FilesystemInfo> info() const;
};

// requires.on.mount_filesystem: relation-changed while the provider publishes an endpoint.
class MountFilesystemEvent : public FilesystemEvent {
 public:
  using FilesystemEvent::FilesystemEvent;
};

// requires.on.umount_filesystem: relation-broken (info() is the last published endpoint, when the
// remote bag can still be read).
class UmountFilesystemEvent : public FilesystemEvent {
 public:
  using FilesystemEvent::FilesystemEvent;
};

class FilesystemRequiresEvents : public ops::ObjectEvents {
 public:
  explicit FilesystemRequiresEvents(ops::Object& parent) : ObjectEvents(parent) {}
  ops::BoundEvent<MountFilesystemEvent>& mount_filesystem =
      define<MountFilesystemEvent>("mount_filesystem");
  ops::BoundEvent<UmountFilesystemEvent>& umount_filesystem =
      define<UmountFilesystemEvent>("umount_filesystem");
};

// ---- the two sides -----------------------------------------------------------------------------

// The requirer. Observes <endpoint>-relation-changed and -broken. Writes nothing.
class FilesystemRequires : public ops::Object {
 public:
  explicit FilesystemRequires(ops::CharmBase& charm,
                              std::string endpoint = std::string(kDefaultFilesystemEndpoint));

  FilesystemRequiresEvents on{*this};

  // One entry per active relation whose provider publishes an endpoint.
  std::vector<Endpoint> endpoints() const;
  const std::string& endpoint() const { return endpoint_; }

 private:
  void on_relation_changed(ops::RelationChangedEvent& event);
  void on_relation_broken(ops::RelationBrokenEvent& event);

  ops::CharmBase& charm_;
  std::string endpoint_;
};

// The provider. Observes <endpoint>-relation-joined (leader: copies the stored endpoint).
//
// Secrets: the key is stored in the app-owned secret `auth`. Unlike Python, a new revision is made
// only when the key changes (Python adds one on every relation-joined); `auth-rev` is the revision
// the secret has once the hook commits, so it changes exactly when the key does.
class FilesystemProvides : public ops::Object {
 public:
  FilesystemProvides(ops::CharmBase& charm,
                     std::string endpoint = std::string(kDefaultFilesystemEndpoint),
                     std::string peer_endpoint = std::string(kDefaultPeerEndpoint));

  // Leader: validates `info`, stores a CephFS key in the `auth` secret, writes the URI to the peer
  // relation's application bag and to every relation's application bag, and grants the secret to
  // every relation. Errors: kInvalidArgument (invalid info, nothing written), or the failed hook
  // tool's code. Non-leader: logged at INFO, nothing written, success.
  ops::Status set_info(const FilesystemInfo& info);

  // Leader: publishes `info` to the one relation `relation_id` (a provider that hands each
  // relation its own share, e.g. a subvolume and cephx key per relation). The wire is the same as
  // set_info's; a CephFS key lives in its own app-owned secret labelled `auth-<relation id>`
  // (auth_secret_label), granted to that relation only. Nothing is written to the peer relation,
  // so relation-joined never copies per-relation info to another relation. A new secret revision
  // is made only when the key changes. Errors: kInvalidArgument (invalid info, nothing written),
  // kRelationNotFound (no such relation of this endpoint), or the failed hook tool's code.
  // Non-leader: nothing written, success.
  ops::Status set_info(int relation_id, const FilesystemInfo& info);

  // Leader: removes the secret of set_info(relation_id, ...) when there is one (relation-broken,
  // after the key was revoked). Non-leader or no such secret: success, nothing done.
  ops::Status remove_info(int relation_id);

  // Leader: deletes the endpoint kept in the peer relation, so relation-joined copies nothing
  // (a provider that switched to per-relation info). Relation bags are left as they are.
  ops::Status clear_stored_endpoint();

  // The label of the secret holding the key of relation `relation_id`: "auth-<relation id>".
  static std::string auth_secret_label(int relation_id);

  // The endpoint URI kept in the peer relation, nullopt when none (not configured yet, or no peer
  // relation). Readable by every unit.
  std::optional<std::string> stored_endpoint() const;
  const std::string& endpoint() const { return endpoint_; }

 private:
  struct PublishedSecret {
    std::string id;  // as secret-add printed it
    int revision = 0;
  };
  // `label`'s secret holds `key` (created or updated); `stored_uri` is the URI published before,
  // whose `auth` gives the id as secret-add printed it.
  ops::Result<PublishedSecret> store_key(const std::string& label, const std::string& key,
                                         const std::optional<std::string>& stored_uri);
  // The URI of `info`, its key stored in `label`'s secret (secret_id set to the secret's id).
  ops::Result<std::string> uri_for(const FilesystemInfo& info, const std::string& label,
                                   const std::optional<std::string>& stored_uri,
                                   std::optional<std::string>& secret_id);
  ops::Status publish(ops::Relation& relation, const std::string& uri,
                      const std::optional<std::string>& secret_id);
  void on_relation_joined(ops::RelationJoinedEvent& event);

  ops::CharmBase& charm_;
  std::string endpoint_;
  std::string peer_endpoint_;
  // The revision this process created with secret-set, by secret xid: a controller reports the old
  // revision until the hook commits.
  std::map<std::string, int> revision_set_in_this_hook_;
};

}  // namespace charms::filesystem_client::v0
