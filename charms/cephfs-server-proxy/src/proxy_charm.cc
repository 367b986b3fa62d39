#include "proxy_charm.h"

#include <fmt/format.h>

#include "cephfs/share_fields.h"
#include "ops/errors.h"
#include "ops/log.h"
#include "ops/model.h"
#include "ops/secret.h"
#include "ops/secret_id.h"
#include "user_secret.h"

namespace cephfs_server_proxy {

namespace v0 = charms::storage_libs::v0;
namespace fs = charms::filesystem_client::v0;

ProxyCharm::ProxyCharm(ops::Framework& framework, CephAdminFactory connect)
    : CharmBase(framework),
      connect_(connect ? std::move(connect) : CephAdminFactory(&cephfs::connect_ceph_admin)) {
  framework.observe(on.config_changed, this, &ProxyCharm::on_config_changed);
  framework.observe(on.leader_elected, this, &ProxyCharm::on_config_changed);
  framework.observe(on.upgrade_charm, this, &ProxyCharm::on_config_changed);
  framework.observe(on.secret_changed, this, &ProxyCharm::on_secret_changed);
  framework.observe(share_.on.share_requested, this, &ProxyCharm::on_share_requested);
  framework.observe(on.update_status, this, &ProxyCharm::on_update_status);
  framework.observe(on.relation_broken(kShareEndpoint), this,
                    &ProxyCharm::on_share_relation_broken);
  framework.observe(on.relation_broken(kFilesystemEndpoint), this,
                    &ProxyCharm::on_share_relation_broken);
  framework.observe(on.relation_joined(kFilesystemEndpoint), this,
                    &ProxyCharm::on_filesystem_relation_joined);
  framework.observe(on.action(kRotateAction), this, &ProxyCharm::on_rotate_credentials);
}

std::optional<ProxyCharm::Share> ProxyCharm::load_share() {
  auto config = parse_proxy_config(this->config().all());
  if (!config) {
    unit().set_status(ops::BlockedStatus(config.error().message));
    return std::nullopt;
  }
  Share share{config->share_info, {}};
  if (config->auth_secret_id) {
    if (config->auth_info_ignored) {
      ops::log::warning("auth-info is ignored: auth-secret is set and takes precedence");
    }
    auto content = read_user_secret(model(), "auth-secret", *config->auth_secret_id);
    if (!content) {
      unit().set_status(ops::BlockedStatus(content.error().message));
      return std::nullopt;
    }
    auto auth = auth_info_from_secret(*content);
    if (!auth) {
      unit().set_status(ops::BlockedStatus(auth.error().message));
      return std::nullopt;
    }
    share.auth_info = std::move(*auth);
  } else {
    share.auth_info = *config->auth_info;
  }
  // Checked before anything is published, so both generations get the share or neither does.
  if (auto valid = fs::validate(to_cephfs_info(share.share_info, share.auth_info)); !valid) {
    unit().set_status(ops::BlockedStatus(fmt::format("configuration cannot be published on {}: {}",
                                                     kFilesystemEndpoint, valid.error().message)));
    return std::nullopt;
  }
  unit().set_status(ops::ActiveStatus(kExportingStatus));
  return share;
}

namespace {

// One monitor as filesystem_info can carry it. Its URI joins the hosts with `,` and splits them
// there again, so a Ceph address vector ("[v2:10.0.0.1:3300/0,v1:10.0.0.1:6789/0]") cannot pass:
// it becomes its v1 address (what mount.ceph and ceph-fuse reach without ms_mode), else its
// first one, without the type prefix and the nonce. Other hosts stay as they are.
std::string filesystem_info_monitor(const std::string& host) {
  if (host.size() < 2 || host.front() != '[' || host.back() != ']') return host;
  std::string_view rest(host);
  rest = rest.substr(1, rest.size() - 2);
  if (!rest.starts_with("v1:") && !rest.starts_with("v2:")) return host;  // "[IPv6]"
  std::string chosen;
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    std::string_view entry = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    const bool v1 = entry.starts_with("v1:");
    if (entry.starts_with("v1:") || entry.starts_with("v2:")) entry.remove_prefix(3);
    if (const auto slash = entry.find('/'); slash != std::string_view::npos) {
      entry = entry.substr(0, slash);
    }
    if (chosen.empty() || v1) chosen = std::string(entry);
    if (v1) break;
  }
  return chosen.empty() ? host : chosen;
}

}  // namespace

fs::CephfsInfo ProxyCharm::to_cephfs_info(const v0::CephFSShareInfo& share_info,
                                          const v0::CephFSAuthInfo& auth_info) {
  std::vector<std::string> monitors;
  monitors.reserve(share_info.monitor_hosts.size());
  for (const auto& host : share_info.monitor_hosts) {
    monitors.push_back(filesystem_info_monitor(host));
  }
  return fs::CephfsInfo{.fsid = share_info.fsid,
                        .name = share_info.name,
                        .path = share_info.path,
                        .monitor_hosts = std::move(monitors),
                        .user = auth_info.username,
                        .key = auth_info.key};
}

void ProxyCharm::publish_filesystem(const Share& share) {
  auto status = fs_.set_info(to_cephfs_info(share.share_info, share.auth_info));
  if (!status) ops::throw_error(status.error());
  const auto relations = model().relations[kFilesystemEndpoint];
  if (!relations.empty()) {
    ops::log::info("Published share {}:{} to {} {} relation{}", share.share_info.name,
                   share.share_info.path, relations.size(), kFilesystemEndpoint,
                   relations.size() == 1 ? "" : "s");
  }
}

void ProxyCharm::publish(ops::Relation& relation, const Share& share, std::string_view requested) {
  auto status = share_.set_share(relation.id, share.share_info, share.auth_info);
  if (status) {
    ops::log::info("Published share {}:{} to relation {}{}", share.share_info.name,
                   share.share_info.path, relation.to_string(),
                   requested.empty()
                       ? std::string()
                       : fmt::format(" (requested: '{}')", cephfs::escape_untrusted(requested)));
    return;
  }
  if (status.error().code == ops::ErrorCode::kRelationNotFound) {
    ops::log::info("Relation {} is gone; not publishing to it", relation.to_string());
    return;
  }
  ops::throw_error(status.error());
}

void ProxyCharm::forget_python_peer_config() {
  ops::Relation* peer = model().get_relation(kPeerEndpoint);
  if (peer == nullptr) return;
  auto& bag = peer->data[app()];
  if (bag.contains("config")) {
    ops::log::info("Deleting the peer `config` key written by the Python charm (it held the key)");
    bag.erase("config");
  }
}

void ProxyCharm::on_config_changed(ops::EventBase& /*event*/) {
  if (is_provisioning_mode(config().all())) {
    if (unit().is_leader()) forget_python_peer_config();
    reconcile({.republish_all = true});
    return;
  }
  auto share = load_share();
  if (auto blocked = provisioned_shares_block_proxy_mode()) {
    unit().set_status(ops::BlockedStatus(*blocked));
    return;
  }
  if (!unit().is_leader()) return;
  forget_python_peer_config();
  if (!share) {
    // As on cephfs-share, a relation that joins while the configuration is invalid gets nothing:
    // the last valid URI is not copied to it (relations that have it keep it).
    if (auto cleared = fs_.clear_stored_endpoint(); !cleared) ops::throw_error(cleared.error());
    return;
  }
  for (ops::Relation* relation : share_.integrations()) publish(*relation, *share);
  publish_filesystem(*share);
}

void ProxyCharm::on_secret_changed(ops::SecretChangedEvent& event) {
  if (is_provisioning_mode(config().all())) {
    const auto& all = config().all();
    auto it = all.find("admin-secret");
    const std::string admin_secret =
        (it != all.end() && it->is_string()) ? it->get<std::string>() : std::string();
    if (!ops::same_secret(admin_secret, event.id)) return;
    ops::log::info("admin-secret has a new revision; reconnecting to Ceph with it");
    reconcile({});
    return;
  }
  auto config = parse_proxy_config(this->config().all());
  if (!config || !config->auth_secret_id) return;
  if (!ops::same_secret(*config->auth_secret_id, event.id)) return;
  ops::log::info("auth-secret has a new revision; publishing the new credentials");
  on_config_changed(event);
}

void ProxyCharm::on_share_requested(v0::ShareRequestedEvent& event) {
  // One INFO line per request, written by what answers it (publish, or provisioning's own lines),
  // so that answering a request costs one juju-log call, not two.
  const std::string requested = event.name().value_or("");
  ops::log::debug("Share requested on relation {}: '{}'", event.relation->to_string(),
                  cephfs::escape_untrusted(requested));
  if (is_provisioning_mode(config().all())) {
    reconcile({.republish = event.relation->id});
    return;
  }
  auto share = load_share();
  if (auto blocked = provisioned_shares_block_proxy_mode()) {
    unit().set_status(ops::BlockedStatus(*blocked));
    ops::log::info("Share requested on relation {} is not published: {}",
                   event.relation->to_string(), *blocked);
    return;
  }
  // Not deferred: the config-changed that completes the configuration publishes everywhere.
  if (!share) {
    ops::log::info("Share '{}' requested on relation {} is not published: the unit is blocked",
                   cephfs::escape_untrusted(requested), event.relation->to_string());
    return;
  }
  publish(*event.relation, *share, requested);
}

}  // namespace cephfs_server_proxy
