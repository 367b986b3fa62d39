// ProxyCharm: hands the coordinates of a CephFS share that Juju does not manage to clients of both
// interface generations at once: cephfs_share (endpoint cephfs-share) and filesystem_info (endpoint
// filesystem, a `cephfs://` URI with the key in a Juju secret). The C++ twin of both Python
// cephfs-server-proxy charms, without their weaknesses; see docs/charms.md.
//
// Behaviour:
//  - Every hook re-reads and validates the configuration (proxy_config.h); invalid or missing
//    options give a blocked status naming the option and the problem, valid ones
//    "Exporting share". The configuration is never frozen: new keys or monitors apply at once.
//  - The leader publishes the share (set_share) to every cephfs-share relation and (set_info, the
//    URI kept in the server-peers relation) to every filesystem relation on config-changed,
//    leader-elected, upgrade-charm and on a new revision of the auth-secret secret; to one
//    cephfs-share relation on share_requested; the library copies the URI to a filesystem
//    relation on relation-joined. A request that arrives before the configuration is not
//    deferred: the config-changed that completes the configuration answers every relation.
//  - Non-leaders only report the configuration's status; they never write and never fail.
//  - A peer `config` key left by the Python charm (it holds the key in clear text) is deleted by
//    the leader.
//
// Provisioning mode (admin-secret or admin-keyring set; provisioning_config.h): instead of one
// fixed share, the leader creates a namespace-isolated subvolume and a cephx client per relation
// of either endpoint through cephfs::CephAdmin (a filesystem relation is provisioned on
// relation-joined, named after the remote application, as its requirer sends no name), publishes
// them with set_share or set_info(relation id, ...) (per-relation secret) and records them
// in the peer application bag (provision_record.h); relation-broken revokes the client (and
// removes the subvolume when delete-data-on-revoke is true); the rotate-credentials action gives
// clients new keys. Every leader hook reconciles: relations not provisioned yet are provisioned,
// records of removed relations are revoked, so a Ceph outage is retried on update-status.
// Names carry the model and every subvolume and client is claimed with an ownership mark in the
// cluster before it is made; nothing without this deployment's mark is ever reused, revoked or
// deleted (share_ownership.h). Records from before marks are honoured as they are. The modes do
// not overwrite each other: proxy mode with provisioned shares recorded, or provisioning mode on
// a relation that has the proxy-mode share, is blocked with the way out.
// Nothing is left half-created: a subvolume or client this hook created is removed again when a
// later step for the same relation fails. A Ceph-side failure (quota, invalid name, caps) blocks
// with the relation's problem and is retried by the next leader hook (update-status,
// config-changed); a failed hook tool while publishing (secret-info-get, secret-add,
// secret-grant, relation-set) fails the hook after that cleanup, so Juju retries it with nothing
// of it committed. The Ceph connection is made on first use, at most once
// per hook, with the admin key held in memory only.
//
// Ceph is reached through the injected CephAdminFactory (cephfs::connect_ceph_admin by default);
// tests pass one returning a cephfs::testing::FakeCephAdmin.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cephfs/ceph_admin.h"
#include "charms/filesystem_client/v0/filesystem_info.h"
#include "charms/storage_libs/v0/cephfs_interfaces.h"
#include "ops/charm.h"
#include "provision_record.h"
#include "provisioning_config.h"
#include "proxy_config.h"
#include "share_ownership.h"

namespace cephfs_server_proxy {

inline constexpr const char* kShareEndpoint = "cephfs-share";
inline constexpr const char* kPeerEndpoint = "proxy";
// The filesystem_info generation (docs/charms.md): its endpoint and the peer relation the library
// keeps the published URI in, both named as in the upstream Python charm (juju refresh from it).
inline constexpr const char* kFilesystemEndpoint = "filesystem";
inline constexpr const char* kServerPeersEndpoint = "server-peers";
inline constexpr const char* kExportingStatus = "Exporting share";
inline constexpr const char* kRotateAction = "rotate-credentials";

using CephAdminFactory =
    std::function<ops::Result<std::unique_ptr<cephfs::CephAdmin>>(const cephfs::ConnectOptions&)>;

class ProxyCharm : public ops::CharmBase {
 public:
  // connect: how to reach Ceph in provisioning mode; empty = cephfs::connect_ceph_admin.
  explicit ProxyCharm(ops::Framework& framework, CephAdminFactory connect = {});

 private:
  struct Share {
    charms::storage_libs::v0::CephFSShareInfo share_info;
    charms::storage_libs::v0::CephFSAuthInfo auth_info;
  };
  // The same share in the filesystem_info generation's terms.
  static charms::filesystem_client::v0::CephfsInfo to_cephfs_info(
      const charms::storage_libs::v0::CephFSShareInfo& share_info,
      const charms::storage_libs::v0::CephFSAuthInfo& auth_info);

  void on_config_changed(ops::EventBase& event);
  void on_secret_changed(ops::SecretChangedEvent& event);
  void on_share_requested(charms::storage_libs::v0::ShareRequestedEvent& event);

  // The share to publish, or nullopt after setting the blocked status that says why not.
  std::optional<Share> load_share();
  // set_share on one relation and one INFO line saying so (naming what the client requested, when
  // answering share_requested); a relation that vanished meanwhile is skipped, any other failure
  // fails the hook (Juju retries it).
  void publish(ops::Relation& relation, const Share& share, std::string_view requested = {});
  // set_info to every filesystem relation (and the server-peers copy for relations that join
  // later); a failed hook tool fails the hook.
  void publish_filesystem(const Share& share);
  void forget_python_peer_config();

  // ---- provisioning mode (provisioning.cc) ----
  struct ReconcileRequest {
    bool republish_all = false;      // re-publish recorded relations too (config-changed, ...)
    std::optional<int> republish{};  // re-publish this recorded relation (share_requested)
    std::optional<int> broken{};     // the relation of a relation-broken hook
  };
  // One leader pass over the records and relations (see the file comment); sets the status.
  void reconcile(const ReconcileRequest& request);
  void on_update_status(ops::UpdateStatusEvent& event);
  void on_share_relation_broken(ops::RelationBrokenEvent& event);
  void on_filesystem_relation_joined(ops::RelationJoinedEvent& event);

  // ---- both generations in provisioning mode (provisioning_endpoints.cc) ----
  // What a relation without a record asks to be provisioned as: the `name` a cephfs-share
  // requirer sent (nullopt while it has sent none), or, on a filesystem relation (whose requirer
  // sends nothing), the remote application's name.
  std::optional<std::string> requested_name(ops::Relation& relation);
  // Whether the relation still carries what proxy mode published (share_info, or endpoint).
  bool has_proxy_mode_data(ops::Relation& relation);
  // Publishes a provisioned share to a relation of either endpoint: set_share on cephfs-share,
  // set_info(relation id, ...) (a per-relation `auth-<id>` secret) on filesystem.
  ops::Status publish_provisioned(ops::Relation& relation,
                                  const charms::storage_libs::v0::CephFSShareInfo& share_info,
                                  const charms::storage_libs::v0::CephFSAuthInfo& auth_info);
  void on_rotate_credentials(ops::ActionEvent& event);

  // The admin connection, made on the first call of a hook (the result, even an error, is kept
  // for the rest of the hook). Errors: kInvalidArgument "admin-secret invalid: ..." /
  // "admin-keyring ... invalid: ...", or connect_ceph_admin's.
  ops::Result<cephfs::CephAdmin*> admin(const ProvisioningConfig& config);
  ops::Result<charms::storage_libs::v0::CephFSShareInfo> share_info_for(const std::string& fs_name,
                                                                        const std::string& path);
  ops::Status provision_new(ops::Relation& relation, const std::string& name,
                            const std::string& fs_name, const ProvisioningConfig& config,
                            std::map<int, ProvisionRecord>& records);
  ops::Status republish(ops::Relation& relation, const ProvisionRecord& record,
                        const ProvisioningConfig& config);
  ops::Status revoke(const ProvisionRecord& record, const ProvisioningConfig& config);
  ops::Status rotate(ops::Relation& relation, const ProvisionRecord& record);
  ops::Result<std::string> resolve_filesystem(const ProvisioningConfig& config);
  // This model and application (share_ownership.h); kInvalidArgument without a model UUID.
  ops::Result<Deployment> deployment();
  ops::Relation* peer_relation();
  // Active cephfs-share and filesystem relations, without `broken`.
  std::vector<ops::Relation*> active_share_relations(std::optional<int> broken);
  // Mode switches are explicit (docs/charms.md): in proxy mode, the blocked message while the peer
  // bag still records provisioned shares (nothing is published over them), else nullopt.
  std::optional<std::string> provisioned_shares_block_proxy_mode();
  // The status for a Ceph-level error (unreachable, timeout, refused credentials).
  ops::StatusBase ceph_error_status(const ops::Error& error, const ProvisioningConfig& config);

  charms::storage_libs::v0::CephFSProvides share_{*this, kShareEndpoint};
  charms::filesystem_client::v0::FilesystemProvides fs_{*this, kFilesystemEndpoint,
                                                        kServerPeersEndpoint};
  CephAdminFactory connect_;
  bool connect_tried_ = false;
  std::unique_ptr<cephfs::CephAdmin> admin_;
  std::optional<ops::Error> connect_error_;
  std::string admin_entity_ = "client.admin";
  // fsid and monitor_hosts as published, fetched once per hook.
  std::optional<std::pair<std::string, std::vector<std::string>>> cluster_;
};

}  // namespace cephfs_server_proxy
