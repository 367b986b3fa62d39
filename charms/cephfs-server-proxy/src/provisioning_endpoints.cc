// ProxyCharm's provisioning mode for both interface generations: what a relation of either
// endpoint asks for, and how its share is published (proxy_charm.h, docs/charms.md).
#include "ops/errors.h"
#include "ops/log.h"
#include "ops/model.h"
#include "proxy_charm.h"

namespace cephfs_server_proxy {

namespace v0 = charms::storage_libs::v0;

std::optional<std::string> ProxyCharm::requested_name(ops::Relation& relation) {
  ops::Application* remote = relation.app();
  if (remote == nullptr) return std::nullopt;
  // A filesystem_info requirer sends nothing. Juju allows one relation per pair of endpoints, so
  // the remote application names the relation's share, and stays the same when the relation is
  // removed and added again (the kept subvolume comes back, as for a cephfs-share name).
  if (relation.name == kFilesystemEndpoint) return remote->name;
  auto name = relation.data[*remote].get("name");
  if (!name || name->empty()) return std::nullopt;  // nothing requested yet
  return name;
}

bool ProxyCharm::has_proxy_mode_data(ops::Relation& relation) {
  auto& bag = relation.data[app()];
  return relation.name == kFilesystemEndpoint
             ? bag.contains(charms::filesystem_client::v0::kEndpointKey)
             : bag.contains("share_info");
}

ops::Status ProxyCharm::publish_provisioned(ops::Relation& relation,
                                            const v0::CephFSShareInfo& share_info,
                                            const v0::CephFSAuthInfo& auth_info) {
  if (relation.name == kFilesystemEndpoint) {
    return fs_.set_info(relation.id, to_cephfs_info(share_info, auth_info));
  }
  return share_.set_share(relation.id, share_info, auth_info);
}

void ProxyCharm::on_filesystem_relation_joined(ops::RelationJoinedEvent& event) {
  // Proxy mode: FilesystemProvides copies the stored URI itself. Provisioning mode: the requirer
  // will send nothing, so the relation is provisioned now.
  if (event.relation == nullptr || !is_provisioning_mode(config().all())) return;
  reconcile({.republish = event.relation->id});
}

}  // namespace cephfs_server_proxy
