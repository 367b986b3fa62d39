// The cephfs_share interface library: charms.storage_libs.v0.cephfs_interfaces (LIBPATCH 2) in
// C++, wire-compatible with the Python library in both directions (protocol: docs/reference/
// cephfs-share-protocol.md; what we keep, fix and add: docs/protocol.md).
//
//  - CephFSRequires (the client side) emits server_connected (leader, relation-joined),
//    mount_share (every unit, when share_info / auth / auth-rev changed against the unit's own
//    `cache`, or when the credentials secret changed) and umount_share (relation-departed), and
//    writes the requested share name with request_share().
//  - CephFSProvides (the server side) emits share_requested (leader, when `name` appears) and
//    publishes a share with set_share(): share_info, auth (a secret id) and auth-rev.
//
// Payloads are read lazily from the remote application bag when the charm asks (so a deferred
// event sees the data of the hook it finally runs in), and never throw for bad data: they return
// an ops::Result whose error message starts with a wire code (cephfs_share_wire.h) that
// wire_error_code() extracts. The library logs LIBPATCH 2's two warnings for a malformed `auth`.
//
// Errors of the calls (request_share, set_share) come back as ops::Status, never as exceptions:
// kInvalidArgument (bad arguments), kRelationNotFound (unknown relation id), others for failed
// hook tools. On a non-leader both calls are logged no-ops that succeed, as in Python.
//
// Example (a client charm):
//   class ClientCharm : public ops::CharmBase {
//    public:
//     explicit ClientCharm(ops::Framework& f) : CharmBase(f), share_(*this, "cephfs-share") {
//       f.observe(share_.on.server_connected, this, &ClientCharm::on_connected);
//       f.observe(share_.on.mount_share, this, &ClientCharm::on_mount);
//     }
//     void on_connected(ServerConnectedEvent& e) {
//       if (auto ok = share_.request_share(e.relation->id, "/data"); !ok) ...
//     }
//     void on_mount(MountShareEvent& e) {
//       auto share = e.share_info();
//       auto auth = e.auth_info();
//       if (!share || !auth) { unit().set_status(ops::BlockedStatus(...)); return; }
//       if (!*share || !*auth) return;  // not published yet
//       mount(**share, **auth);
//     }
//    private:
//     CephFSRequires share_;
//   };
//
// Not thread-safe (one hook runs in one thread), like the rest of the runtime.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "charms/storage_libs/v0/cephfs_share_types.h"
#include "charms/storage_libs/v0/cephfs_share_wire.h"
#include "ops/charm.h"
#include "ops/events.h"
#include "ops/framework.h"
#include "ops/result.h"

namespace charms::storage_libs::v0 {

// The application-owned secret that holds the credentials shared by every relation that gets the
// same credentials (the only secret LIBPATCH 2 knows; a C++ provider adopts it when it replaces
// a Python one).
inline constexpr std::string_view kAuthInfoSecretLabel = "auth_info";
inline constexpr std::string_view kAuthInfoSecretDescription =
    "Auth info to authenticate against the CephFS share";
// "auth_info-<relation id>": a relation's own secret, used once its credentials differ from those
// of another relation that shares the `auth_info` secret.
std::string per_relation_secret_label(int relation_id);

// ---- events ------------------------------------------------------------------------------------

// requires.on.server_connected: a provider unit joined (leader only, once per joining unit). The
// charm answers with request_share(event.relation->id, name).
class ServerConnectedEvent : public ops::RelationEvent {
 public:
  using RelationEvent::RelationEvent;
};

// Base of mount_share and umount_share (Python's _MountEvent): the share as the provider
// application currently publishes it.
class MountEventBase : public ops::RelationEvent {
 public:
  using RelationEvent::RelationEvent;

  // The provider's `share_info`; nullopt when absent. Errors: invalid-share-info (not exactly
  // {fsid, name, path: string, monitor_hosts: [string]}), relation-data-unavailable.
  ops::Result<std::optional<CephFSShareInfo>> share_info() const;
  // The provider's `auth`, resolved: "secret:<id>" reads the secret's newest revision (and tracks
  // it), "plain:<json>" is parsed; nullopt when absent. Errors: invalid-auth-format (logs
  // "Could not get the kind of auth info"), unknown-auth-kind (logs "Invalid kind for auth
  // info."), invalid-auth-content, auth-secret-not-found, relation-data-unavailable.
  // Every call reads again (one secret-get for a secret), as Python does.
  ops::Result<std::optional<CephFSAuthInfo>> auth_info() const;
};

// requires.on.mount_share: share_info, auth or auth-rev changed (or appeared), or the secret
// named by `auth` got a new revision (secret-changed). Either payload may be absent (quirk 8).
class MountShareEvent : public MountEventBase {
 public:
  using MountEventBase::MountEventBase;
};

// requires.on.umount_share: a unit left the relation (every relation-departed, quirk 3).
class UmountShareEvent : public MountEventBase {
 public:
  using MountEventBase::MountEventBase;
};

// provides.on.share_requested: the requirer application wrote `name` (leader only, when the key
// is added; a changed name is ignored, as in Python).
class ShareRequestedEvent : public ops::RelationEvent {
 public:
  using RelationEvent::RelationEvent;
  // The requested name (free text), read now; nullopt when absent. Hook-tool failures throw
  // ops::ModelError like any other data read at the charm line.
  std::optional<std::string> name() const;
};

class CephFSRequiresEvents : public ops::ObjectEvents {
 public:
  explicit CephFSRequiresEvents(ops::Object& parent) : ObjectEvents(parent) {}
  ops::BoundEvent<ServerConnectedEvent>& server_connected =
      define<ServerConnectedEvent>("server_connected");
  ops::BoundEvent<MountShareEvent>& mount_share = define<MountShareEvent>("mount_share");
  ops::BoundEvent<UmountShareEvent>& umount_share = define<UmountShareEvent>("umount_share");
};

class CephFSProvidesEvents : public ops::ObjectEvents {
 public:
  explicit CephFSProvidesEvents(ops::Object& parent) : ObjectEvents(parent) {}
  ops::BoundEvent<ShareRequestedEvent>& share_requested =
      define<ShareRequestedEvent>("share_requested");
};

// ---- the two sides -----------------------------------------------------------------------------

// What both sides share (Python's _BaseInterface). Handle path "<charm>/<Type>[<endpoint>]".
class CephFSInterfaceBase : public ops::Object {
 public:
  CephFSInterfaceBase(ops::CharmBase& charm, std::string_view kind, std::string endpoint);

  const std::string& endpoint() const { return endpoint_; }
  // The active relations of the endpoint (one relation-ids per hook, cached by the model).
  std::vector<ops::Relation*> integrations() const;
  // Per relation id, the remote application bag without `cache`. Relations whose remote
  // application is unknown are left out.
  std::map<int, Databag> fetch_data() const;

 protected:
  ops::Model& model() const { return charm_.model(); }
  // The relation of this endpoint with that id, or kRelationNotFound.
  ops::Result<ops::Relation*> find_relation(int relation_id) const;
  // Section 5 of the protocol: diff the remote application bag against this unit's `cache` and
  // rewrite the cache when it differs. A cache that does not parse is logged and treated as {}.
  // nullopt when the event has no relation or remote application.
  std::optional<CacheDiff> evaluate(ops::RelationEvent& event) const;

  ops::CharmBase& charm_;
  std::string endpoint_;
};

// The client side. Observes <endpoint>-relation-joined/-changed/-departed and secret-changed.
class CephFSRequires : public CephFSInterfaceBase {
 public:
  CephFSRequires(ops::CharmBase& charm, std::string endpoint);

  CephFSRequiresEvents on{*this};

  // Leader: writes `name` into this application's bag of that relation (one relation-set).
  // Errors: kInvalidArgument (empty name: "" would delete the key), kRelationNotFound, or the
  // failed hook tool's code. Non-leader: logged at INFO, nothing written, success.
  ops::Status request_share(int relation_id, std::string_view name);

 private:
  void on_relation_joined(ops::RelationJoinedEvent& event);
  void on_relation_changed(ops::RelationChangedEvent& event);
  void on_relation_departed(ops::RelationDepartedEvent& event);
  void on_secret_changed(ops::SecretChangedEvent& event);
};

// The server side. Observes <endpoint>-relation-changed/-broken and secret-remove.
//
// Credentials (see docs/protocol.md, "Per-relation credentials"): relations that get the same
// credentials share the app-owned secret labelled `auth_info` (the LIBPATCH 2 secret, adopted if
// it exists); a relation whose credentials differ from those of another relation using
// `auth_info` gets its own secret `auth_info-<relation id>`, so a client can only ever read the
// credentials it was given. `auth-rev` is the revision the secret will have once the hook commits,
// so it changes whenever the key changes, also under a real controller (quirk 2).
class CephFSProvides : public CephFSInterfaceBase {
 public:
  CephFSProvides(ops::CharmBase& charm, std::string endpoint);

  CephFSProvidesEvents on{*this};

  // Leader: validates both values (validate_share_info / validate_auth_info), stores the
  // credentials in the relation's secret (created, or updated when they changed), grants it to
  // the relation and writes share_info, auth and auth-rev with one relation-set.
  // Errors: kInvalidArgument with invalid-share-info / invalid-auth-info (nothing written),
  // kRelationNotFound, or the failed hook tool's code. Non-leader: logged at INFO, no-op, success.
  ops::Status set_share(int relation_id, const CephFSShareInfo& share_info,
                        const CephFSAuthInfo& auth_info);

 private:
  struct PublishedSecret {
    std::string id;  // as written to `auth`: "secret:<xid>"
    int revision = 0;
  };
  ops::Result<PublishedSecret> store_credentials(ops::Relation& relation,
                                                 const CephFSAuthInfo& auth_info);
  bool shared_secret_used_elsewhere(std::string_view secret_id, int relation_id) const;
  // The revision to publish for a secret this hook did (changed) or did not change.
  int revision_to_publish(const std::string& secret_id, int reported_revision, bool changed);

  void on_relation_changed(ops::RelationChangedEvent& event);
  void on_relation_broken(ops::RelationBrokenEvent& event);
  void on_secret_remove(ops::SecretRemoveEvent& event);

  // Revisions this process (= this hook) created, by secret unique id: a controller coalesces
  // several secret-set calls of one hook into one revision and reports the old one until commit.
  std::map<std::string, int> revisions_set_in_this_hook_;
};

}  // namespace charms::storage_libs::v0
