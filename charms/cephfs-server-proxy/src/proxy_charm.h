// ProxyCharm: hands the coordinates of a CephFS share that Juju does not manage to cephfs_share
// clients (the C++ twin of the Python cephfs-server-proxy, without its weaknesses; see
// docs/charms.md).
//
// Behaviour:
//  - Every hook re-reads and validates the configuration (proxy_config.h); invalid or missing
//    options give a blocked status naming the option and the problem, valid ones
//    "Exporting share". The configuration is never frozen: new keys or monitors apply at once.
//  - The leader publishes the share (set_share) to every cephfs-share relation on config-changed,
//    leader-elected, upgrade-charm and on a new revision of the auth-secret secret, and to one
//    relation on share_requested. A request that arrives before the configuration is not
//    deferred: the config-changed that completes the configuration answers every relation.
//  - Non-leaders only report the configuration's status; they never write and never fail.
//  - A peer `config` key left by the Python charm (it holds the key in clear text) is deleted by
//    the leader.
#pragma once

#include <optional>
#include <string>

#include "charms/storage_libs/v0/cephfs_interfaces.h"
#include "ops/charm.h"
#include "proxy_config.h"

namespace cephfs_server_proxy {

inline constexpr const char* kShareEndpoint = "cephfs-share";
inline constexpr const char* kPeerEndpoint = "proxy";
inline constexpr const char* kExportingStatus = "Exporting share";

class ProxyCharm : public ops::CharmBase {
 public:
  explicit ProxyCharm(ops::Framework& framework);

 private:
  struct Share {
    charms::storage_libs::v0::CephFSShareInfo share_info;
    charms::storage_libs::v0::CephFSAuthInfo auth_info;
  };

  void on_config_changed(ops::EventBase& event);
  void on_secret_changed(ops::SecretChangedEvent& event);
  void on_share_requested(charms::storage_libs::v0::ShareRequestedEvent& event);

  // The share to publish, or nullopt after setting the blocked status that says why not.
  std::optional<Share> load_share();
  // set_share on one relation; a relation that vanished meanwhile is skipped, any other failure
  // fails the hook (Juju retries it).
  void publish(ops::Relation& relation, const Share& share);
  void forget_python_peer_config();

  charms::storage_libs::v0::CephFSProvides share_{*this, kShareEndpoint};
};

}  // namespace cephfs_server_proxy
