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
  unit().set_status(ops::ActiveStatus(kExportingStatus));
  return share;
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
  if (!share) return;
  for (ops::Relation* relation : share_.integrations()) publish(*relation, *share);
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
