// ProxyCharm's provisioning mode: one subvolume and one cephx client per cephfs-share relation
// (proxy_charm.h describes the behaviour, docs/charms.md the statuses).
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "cephfs/ceph_names.h"
#include "cephfs/share_fields.h"
#include "ops/errors.h"
#include "ops/log.h"
#include "ops/model.h"
#include "ops/secret.h"
#include "proxy_charm.h"
#include "share_ownership.h"
#include "user_secret.h"

namespace cephfs_server_proxy {

namespace v0 = charms::storage_libs::v0;

namespace {

// Errors that concern Ceph as a whole, not one relation: nothing else can succeed in this hook.
bool is_ceph_level(const ops::Error& error) {
  return error.code == ops::ErrorCode::kUnavailable || error.code == ops::ErrorCode::kTimeout ||
         error.code == ops::ErrorCode::kPermissionDenied;
}

std::string shares(std::size_t count) {
  return count == 1 ? "1 share" : fmt::format("{} shares", count);
}

// set_share's errors: kInvalidArgument when the share or key it was given is not valid (it came
// from Ceph; a per-relation status), kRelationNotFound, or a failed hook tool, which becomes
// kModelError so it is never mistaken for a Ceph error (raise_hook_tool_failure re-raises it).
ops::Status publish_error(const ops::Status& status) {
  if (status || status.error().code == ops::ErrorCode::kRelationNotFound) return status;
  const ops::ErrorCode code = status.error().code == ops::ErrorCode::kInvalidArgument
                                  ? ops::ErrorCode::kInvalidArgument
                                  : ops::ErrorCode::kModelError;
  return ops::Error{code, "cannot publish the share: " + status.error().message};
}

// A hook tool failed while publishing (after the caller's cleanup): fail the hook, so Juju
// discards everything it wrote and runs it again. A blocked status would leave the request
// unanswered for good: the library has already seen it and does not ask again.
void raise_hook_tool_failure(const ops::Status& published) {
  if (!published && published.error().code == ops::ErrorCode::kModelError) {
    ops::throw_error(published.error());
  }
}

// The entity of a keyring with exactly one section ("[client.provisioner]"), else nullopt (then
// client.admin, as before). Only the section headers are looked at.
std::optional<std::string> keyring_entity(const std::string& path) {
  std::ifstream file(path);
  std::optional<std::string> entity;
  int sections = 0;
  for (std::string line; std::getline(file, line);) {
    const auto start = line.find_first_not_of(" \t");
    if (start == std::string::npos || line[start] != '[') continue;
    const auto end = line.find(']', start);
    if (end == std::string::npos) continue;
    ++sections;
    entity = line.substr(start + 1, end - start - 1);
  }
  if (sections != 1 || !entity || !entity->starts_with("client.") ||
      !cephfs::validate_client_id(entity->substr(7)).ok()) {
    return std::nullopt;
  }
  return entity;
}

OwnerMark subvolume_mark(const ProvisionRecord& record) {
  return OwnerMark{.owner = record.owner, .app = record.app, .name = record.name};
}

OwnerMark client_mark(const ProvisionRecord& record) {
  return OwnerMark{.owner = record.owner, .relation = record.relation_id};
}

}  // namespace

ops::Relation* ProxyCharm::peer_relation() { return model().get_relation(kPeerEndpoint); }

std::vector<ops::Relation*> ProxyCharm::active_share_relations(std::optional<int> broken) {
  std::vector<ops::Relation*> out;
  for (const char* endpoint : {kShareEndpoint, kFilesystemEndpoint}) {
    for (ops::Relation* relation : model().relations[endpoint]) {
      if (relation->active() && (!broken || relation->id != *broken)) out.push_back(relation);
    }
  }
  return out;
}

ops::Result<cephfs::CephAdmin*> ProxyCharm::admin(const ProvisioningConfig& config) {
  if (connect_tried_) {
    if (admin_) return admin_.get();
    return *connect_error_;
  }
  connect_tried_ = true;
  auto fail = [this](ops::Error error) -> ops::Result<cephfs::CephAdmin*> {
    connect_error_ = error;
    return error;
  };
  cephfs::ConnectOptions options{.mon_host = config.monitor_hosts, .timeout = config.ceph_timeout};
  if (!config.admin_secret_id.empty()) {
    auto content = read_user_secret(model(), "admin-secret", config.admin_secret_id);
    if (!content) return fail(content.error());
    auto credentials = admin_credentials_from_secret(*content);
    if (!credentials) return fail(credentials.error());
    options.entity = credentials->entity;
    options.key = std::move(credentials->key);
  } else {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(config.admin_keyring, ec)) {
      return fail({ops::ErrorCode::kInvalidArgument,
                   fmt::format("admin-keyring '{}' invalid: no such file on this machine",
                               config.admin_keyring)});
    }
    auto perms = std::filesystem::status(config.admin_keyring, ec).permissions();
    if (!ec && (perms & (std::filesystem::perms::group_all | std::filesystem::perms::others_all)) !=
                   std::filesystem::perms::none) {
      ops::log::warning("admin-keyring {} is readable by other users; chmod 600 it",
                        config.admin_keyring);
    }
    options.keyring_file = config.admin_keyring;
    if (auto entity = keyring_entity(config.admin_keyring)) options.entity = *entity;
  }
  admin_entity_ = options.entity;
  ops::log::info("Connecting to Ceph at {} as {}", config.monitor_hosts, options.entity);
  auto connected = connect_(options);
  if (!connected) {
    ops::log::warning("Cannot connect to Ceph at {}: {}", config.monitor_hosts,
                      connected.error().message);
    if (is_ceph_level(connected.error())) return fail(connected.error());
    return fail(
        {connected.error().code, fmt::format("cannot connect to Ceph at {}: {}",
                                             config.monitor_hosts, connected.error().message)});
  }
  admin_ = std::move(*connected);
  return admin_.get();
}

ops::StatusBase ProxyCharm::ceph_error_status(const ops::Error& error,
                                              const ProvisioningConfig& config) {
  if (error.code == ops::ErrorCode::kUnavailable || error.code == ops::ErrorCode::kTimeout) {
    return ops::WaitingStatus(fmt::format("Ceph unreachable at {}: {}; retrying on update-status",
                                          config.monitor_hosts, error.message));
  }
  if (error.code == ops::ErrorCode::kPermissionDenied) {
    return ops::BlockedStatus(
        fmt::format("admin credentials refused by Ceph ({}): permission denied", admin_entity_));
  }
  return ops::BlockedStatus(error.message);
}

ops::Result<std::string> ProxyCharm::resolve_filesystem(const ProvisioningConfig& config) {
  auto volumes = admin_->list_volumes();
  if (!volumes) return volumes.error();
  const std::string names = volumes->empty() ? "none" : fmt::to_string(fmt::join(*volumes, ", "));
  if (!config.filesystem.empty()) {
    for (const auto& name : *volumes) {
      if (name == config.filesystem) return name;
    }
    return ops::Error{ops::ErrorCode::kInvalidArgument,
                      fmt::format("filesystem '{}' not found in the cluster (it has: {})",
                                  config.filesystem, names)};
  }
  if (volumes->size() == 1) return volumes->front();
  if (volumes->empty()) {
    return ops::Error{ops::ErrorCode::kInvalidArgument,
                      "the cluster has no CephFS file system; create one (ceph fs volume create "
                      "<name>)"};
  }
  return ops::Error{ops::ErrorCode::kInvalidArgument,
                    fmt::format("filesystem not set and the cluster has {} CephFS file systems "
                                "({}); set filesystem to one of them",
                                volumes->size(), names)};
}

ops::Result<v0::CephFSShareInfo> ProxyCharm::share_info_for(const std::string& fs_name,
                                                            const std::string& path) {
  if (!cluster_) {
    auto fsid = admin_->fsid();
    if (!fsid) return fsid.error();
    auto monitors = admin_->monitor_addresses();
    if (!monitors) return monitors.error();
    std::vector<std::string> hosts;
    // One typed address vector per monitor: a bad key then fails at once (EACCES) instead of
    // timing out on non-standard ports.
    for (const auto& monitor : *monitors) {
      std::string host = cephfs::to_mon_host({monitor});
      if (!host.empty()) hosts.push_back(std::move(host));
    }
    if (hosts.empty()) {
      return ops::Error{ops::ErrorCode::kIoError, "Ceph reported no monitor address (mon dump)"};
    }
    cluster_.emplace(std::move(*fsid), std::move(hosts));
  }
  return v0::CephFSShareInfo{cluster_->first, fs_name, path, cluster_->second};
}

ops::Result<Deployment> ProxyCharm::deployment() {
  if (model().uuid().empty()) {
    return ops::Error{ops::ErrorCode::kInvalidArgument,
                      "JUJU_MODEL_UUID is not set, so subvolumes and clients cannot be named "
                      "for this model; is the charm running under Juju?"};
  }
  return Deployment{model().uuid(), app().name};
}

ops::Status ProxyCharm::provision_new(ops::Relation& relation, const std::string& name,
                                      const std::string& fs_name, const ProvisioningConfig& config,
                                      std::map<int, ProvisionRecord>& records) {
  cephfs::CephAdmin& ceph = *admin_;
  auto deployment = this->deployment();
  if (!deployment) return deployment.error();
  ops::Application* remote = relation.app();
  const std::string remote_app = remote != nullptr ? remote->name : std::string("unknown");
  ProvisionRecord record{.relation_id = relation.id,
                         .subvolume = {fs_name, owned_subvolume_name(*deployment, remote_app, name),
                                       config.subvolume_group},
                         .client_id = owned_client_id(*deployment, relation.id),
                         .owner = deployment->id(),
                         .app = remote_app,
                         .name = name};
  for (const auto& [id, other] : records) {
    if (other.subvolume == record.subvolume) {
      return ops::Error{ops::ErrorCode::kInvalidArgument,
                        fmt::format("subvolume '{}' is already provisioned for relation {}",
                                    record.subvolume.name, id)};
    }
  }

  // Claim both names first (share_ownership.h): nothing that is not ours is ever used, and what
  // exists already is never removed on error; only what this hook created and claimed.
  auto subvolume_claim = claim_subvolume(ceph, record.subvolume, subvolume_mark(record));
  if (!subvolume_claim) return subvolume_claim.error();
  bool subvolume_existed = false;
  if (!subvolume_claim->claimed_now) {  // ours already: a kept subvolume, or a failed hook's
    if (auto info = ceph.subvolume_info(record.subvolume)) {
      subvolume_existed = true;
    } else if (info.error().code != ops::ErrorCode::kInvalidArgument) {
      return info.error();
    }
  }
  auto release_subvolume = [&] {
    if (!subvolume_existed) {
      if (auto removed = ceph.remove_subvolume(record.subvolume); !removed) {
        ops::log::error("Cannot remove subvolume '{}' created by this hook: {}",
                        record.subvolume.name, removed.error().message);
        return;  // keep its mark: it is still ours
      }
    }
    if (subvolume_claim->claimed_now) {
      (void)ceph.remove_owner_mark(fs_name, subvolume_mark_object(record.subvolume));
    }
  };
  auto client_claim = claim_client(ceph, fs_name, record.client_id, client_mark(record));
  if (!client_claim) {
    release_subvolume();
    return client_claim.error();
  }
  bool client_existed = false;
  if (!client_claim->claimed_now) {
    if (auto key = ceph.client_key(record.client_id)) {
      client_existed = true;
    } else if (key.error().code != ops::ErrorCode::kInvalidArgument) {
      release_subvolume();
      return key.error();
    }
  }
  auto undo = [&](bool client_authorized) {
    bool client_gone = true;
    if (client_authorized && !client_existed) {
      if (auto removed = ceph.remove_client(record.client_id); !removed) {
        client_gone = false;
        ops::log::error("Cannot remove client.{} created by this hook: {}", record.client_id,
                        removed.error().message);
      } else {
        ops::log::info("Removed client.{} again", record.client_id);
      }
    }
    if (client_gone && client_claim->claimed_now) {
      (void)ceph.remove_owner_mark(fs_name, client_mark_object(record.client_id));
    }
    release_subvolume();
  };

  // A failed create leaves nothing behind (Ceph's volumes module cleans up after itself).
  auto subvolume =
      ceph.create_subvolume({.id = record.subvolume, .size_bytes = config.subvolume_size});
  if (!subvolume) {
    undo(false);
    return subvolume.error();
  }
  auto key = ceph.authorize_client(record.subvolume, record.client_id, cephfs::Access::kReadWrite);
  if (!key) {
    // A timeout may come after Ceph made the client: remove it (the name is ours, it did not
    // exist before), or keep its mark when that fails too, so the retry finds it ours.
    undo(true);
    return key.error();
  }
  auto share_info = share_info_for(fs_name, subvolume->path);
  if (!share_info) {
    undo(true);
    return share_info.error();
  }
  // The record and the share are written in the same hook, so Juju commits both or neither.
  auto& bag = peer_relation()->data[app()];
  try {
    bag.set(record_key(relation.id), encode_record(record));
  } catch (const std::exception&) {
    undo(true);
    throw;
  }
  auto published = publish_error(
      publish_provisioned(relation, *share_info, v0::CephFSAuthInfo{record.client_id, key->key}));
  if (!published) {
    undo(true);
    raise_hook_tool_failure(published);
    bag.erase(record_key(relation.id));
    return published;
  }
  records[relation.id] = record;
  ops::log::info(
      "Provisioned subvolume {}/{}/{}{} for share '{}' of {} on relation {} as client.{}", fs_name,
      record.subvolume.group.empty() ? "_nogroup" : record.subvolume.group, record.subvolume.name,
      subvolume_existed ? " (kept, reused)" : "", cephfs::escape_untrusted(name), remote_app,
      relation.to_string(), record.client_id);
  return {};
}

ops::Status ProxyCharm::republish(ops::Relation& relation, const ProvisionRecord& record,
                                  const ProvisioningConfig& config) {
  cephfs::CephAdmin& ceph = *admin_;
  if (record.owned()) {
    // The marks still say ours (a client removed by hand is claimed and made again).
    auto subvolume = check_subvolume_owned(ceph, record.subvolume, subvolume_mark(record));
    if (!subvolume) return subvolume.error();
    auto client =
        claim_client(ceph, record.subvolume.fs_name, record.client_id, client_mark(record));
    if (!client) return client.error();
  }
  auto info = ceph.subvolume_info(record.subvolume);
  if (!info) return info.error();
  if (config.subvolume_size && info->size_bytes != config.subvolume_size) {
    ops::log::info("Resizing subvolume '{}' to {} bytes", record.subvolume.name,
                   *config.subvolume_size);
    auto resized =
        ceph.create_subvolume({.id = record.subvolume, .size_bytes = config.subvolume_size});
    if (!resized) return resized.error();
  }
  // Idempotent: the same caps give the same key (and re-create a client removed by hand).
  auto key = ceph.authorize_client(record.subvolume, record.client_id, cephfs::Access::kReadWrite);
  if (!key) return key.error();
  auto share_info = share_info_for(record.subvolume.fs_name, info->path);
  if (!share_info) return share_info.error();
  auto published = publish_error(
      publish_provisioned(relation, *share_info, v0::CephFSAuthInfo{record.client_id, key->key}));
  raise_hook_tool_failure(published);
  return published;
}

ops::Status ProxyCharm::revoke(const ProvisionRecord& record, const ProvisioningConfig& config) {
  const std::string& fs_name = record.subvolume.fs_name;
  if (record.owned()) {
    auto client = check_client_owned(*admin_, fs_name, record.client_id, client_mark(record));
    if (!client) return client.error();
    if (client->exists) {
      if (auto revoked = admin_->revoke_client(record.client_id); !revoked) return revoked;
      ops::log::info("Revoked client.{} of relation {} (key removed, sessions evicted)",
                     record.client_id, record.relation_id);
    }
    if (client->marked_ours) {
      auto unmarked = admin_->remove_owner_mark(fs_name, client_mark_object(record.client_id));
      if (!unmarked) return unmarked;
    }
    if (config.delete_data_on_revoke) {
      auto subvolume = check_subvolume_owned(*admin_, record.subvolume, subvolume_mark(record));
      if (!subvolume) {
        if (is_ceph_level(subvolume.error())) return subvolume.error();
        ops::log::warning("Not deleting subvolume '{}' (delete-data-on-revoke): {}",
                          record.subvolume.name, subvolume.error().message);
        return {};
      }
      if (!subvolume->marked_ours) return {};  // gone, and the name is someone else's now
      if (auto removed = admin_->remove_subvolume(record.subvolume); !removed) return removed;
      auto mark = admin_->remove_owner_mark(fs_name, subvolume_mark_object(record.subvolume));
      if (!mark) return mark;
      ops::log::info("Removed subvolume '{}' and its data (delete-data-on-revoke)",
                     record.subvolume.name);
    } else {
      ops::log::info("Kept subvolume '{}' for application '{}' (delete-data-on-revoke is false)",
                     record.subvolume.name, record.app);
    }
    return {};
  }
  // A record from before ownership marks: what it names was made by this application.
  if (auto revoked = admin_->revoke_client(record.client_id); !revoked) return revoked;
  ops::log::info("Revoked client.{} of relation {} (key removed, sessions evicted)",
                 record.client_id, record.relation_id);
  if (config.delete_data_on_revoke) {
    if (auto removed = admin_->remove_subvolume(record.subvolume); !removed) return removed;
    ops::log::info("Removed subvolume '{}' and its data (delete-data-on-revoke)",
                   record.subvolume.name);
  } else {
    ops::log::info("Kept subvolume '{}' (delete-data-on-revoke is false)", record.subvolume.name);
  }
  return {};
}

ops::Status ProxyCharm::rotate(ops::Relation& relation, const ProvisionRecord& record) {
  cephfs::CephAdmin& ceph = *admin_;
  if (record.owned()) {
    auto client =
        claim_client(ceph, record.subvolume.fs_name, record.client_id, client_mark(record));
    if (!client) return client.error();
  }
  auto info = ceph.subvolume_info(record.subvolume);
  if (!info) return info.error();
  auto share_info = share_info_for(record.subvolume.fs_name, info->path);
  if (!share_info) return share_info.error();
  if (auto removed = ceph.remove_client(record.client_id); !removed) return removed;
  auto key = ceph.authorize_client(record.subvolume, record.client_id, cephfs::Access::kReadWrite);
  if (!key) return key.error();
  // Mounts opened with the old key outlive `auth rm` until evicted.
  if (auto evicted = ceph.evict_client(record.client_id); !evicted) return evicted.error();
  return publish_error(
      publish_provisioned(relation, *share_info, v0::CephFSAuthInfo{record.client_id, key->key}));
}

void ProxyCharm::reconcile(const ReconcileRequest& request) {
  auto config = parse_provisioning_config(this->config().all());
  if (!config) {
    unit().set_status(ops::BlockedStatus(config.error().message));
    return;
  }
  ops::Relation* peer = peer_relation();
  std::map<int, ProvisionRecord> records;
  if (peer != nullptr) records = records_from_bag(peer->data[app()].items());

  if (!unit().is_leader()) {
    unit().set_status(ops::ActiveStatus(
        fmt::format("Provisioning {} (managed by the leader)", shares(records.size()))));
    return;
  }
  if (peer == nullptr) {
    unit().set_status(ops::WaitingStatus("waiting for the proxy peer relation"));
    return;
  }
  // A URI stored in proxy mode must not be copied to filesystem relations that join now.
  if (auto cleared = fs_.clear_stored_endpoint(); !cleared) ops::throw_error(cleared.error());

  const auto relations = active_share_relations(request.broken);
  std::set<int> active_ids;
  for (const ops::Relation* relation : relations) active_ids.insert(relation->id);

  std::optional<ops::Error> ceph_error;
  std::vector<std::string> problems;  // per relation: blocked
  std::vector<std::string> pending;   // revocations still to do
  std::string filesystem;

  auto ceph = admin(*config);
  if (!ceph) ceph_error = ceph.error();

  // Revocations first: they need neither the file system nor the cluster's fsid.
  for (auto it = records.begin(); it != records.end();) {
    const ProvisionRecord& record = it->second;
    if (active_ids.contains(it->first)) {
      ++it;
      continue;
    }
    if (!ceph_error) {
      auto revoked = revoke(record, *config);
      if (revoked) {
        // The key of a filesystem relation also sits in its `auth-<id>` secret.
        if (auto removed = fs_.remove_info(it->first); !removed) ops::throw_error(removed.error());
        peer->data[app()].erase(record_key(it->first));
        it = records.erase(it);
        continue;
      }
      ops::log::warning("Revoking client.{} of removed relation {} failed: {}; retrying later",
                        record.client_id, it->first, revoked.error().message);
      if (is_ceph_level(revoked.error())) {
        ceph_error = revoked.error();
      } else if (revoked.error().code == ops::ErrorCode::kInvalidArgument) {
        problems.push_back(
            fmt::format("revoking relation {}: {}", it->first, revoked.error().message));
      }
    }
    pending.push_back(std::to_string(it->first));
    ++it;
  }

  if (!ceph_error) {
    auto resolved = resolve_filesystem(*config);
    if (resolved) {
      filesystem = *resolved;
    } else if (is_ceph_level(resolved.error())) {
      ceph_error = resolved.error();
    } else {
      problems.push_back(resolved.error().message);
    }
  }

  for (ops::Relation* relation : relations) {
    if (ceph_error || filesystem.empty()) break;
    ops::Status result;
    if (auto record = records.find(relation->id); record != records.end()) {
      if (!request.republish_all && request.republish != relation->id) continue;
      result = republish(*relation, record->second, *config);
    } else {
      auto name = requested_name(*relation);
      if (!name) continue;  // nothing requested yet
      if (has_proxy_mode_data(*relation)) {
        // Published in proxy mode: never replaced silently by an empty subvolume.
        problems.push_back(fmt::format(
            "relation {} still has the share published in proxy mode; to give it a provisioned "
            "share, remove and re-add the relation (or set the proxy-mode options back)",
            relation->id));
        continue;
      }
      result = provision_new(*relation, *name, filesystem, *config, records);
    }
    if (result) continue;
    if (result.error().code == ops::ErrorCode::kRelationNotFound) {
      ops::log::info("Relation {} is gone; not publishing to it", relation->to_string());
      continue;
    }
    ops::log::error("Share for relation {} failed: {}", relation->to_string(),
                    result.error().message);
    if (is_ceph_level(result.error())) {
      ceph_error = result.error();
      break;
    }
    problems.push_back(
        fmt::format("share for relation {} failed: {}", relation->id, result.error().message));
  }

  std::size_t provisioned = 0;
  for (const auto& [id, record] : records) provisioned += active_ids.contains(id) ? 1 : 0;
  const std::string pending_text =
      pending.empty() ? std::string()
                      : fmt::format("; revocation pending for relation{} {}",
                                    pending.size() == 1 ? "" : "s", fmt::join(pending, ", "));
  ops::StatusBase status = ops::ActiveStatus(
      fmt::format("Provisioning {} on {}", shares(provisioned), filesystem) + pending_text);
  if (ceph_error) {
    status = ceph_error_status(*ceph_error, *config);
    status.message += pending_text;
  } else if (!problems.empty()) {
    status = ops::BlockedStatus(fmt::format("{}{}", fmt::join(problems, "; "), pending_text));
  } else if (!pending.empty()) {
    status = ops::WaitingStatus(fmt::format("Provisioning {} on {}{}; retrying on update-status",
                                            shares(provisioned), filesystem, pending_text));
  }
  unit().set_status(status);
}

std::optional<std::string> ProxyCharm::provisioned_shares_block_proxy_mode() {
  ops::Relation* peer = peer_relation();
  if (peer == nullptr) return std::nullopt;
  auto records = records_from_bag(peer->data[app()].items());
  if (records.empty()) return std::nullopt;
  std::vector<int> ids;
  ids.reserve(records.size());
  for (const auto& [id, record] : records) ids.push_back(id);
  return fmt::format(
      "proxy mode is configured but provisioning mode still has {} (relation{} {}); to "
      "switch, set admin-secret or admin-keyring back, remove those cephfs-share relations "
      "(their clients are revoked), then configure proxy mode",
      shares(records.size()), ids.size() == 1 ? "" : "s", fmt::join(ids, ", "));
}

void ProxyCharm::on_update_status(ops::UpdateStatusEvent& /*event*/) {
  if (is_provisioning_mode(config().all())) reconcile({});
}

void ProxyCharm::on_share_relation_broken(ops::RelationBrokenEvent& event) {
  if (!is_provisioning_mode(config().all())) return;
  reconcile({.broken = event.relation != nullptr ? std::optional<int>(event.relation->id)
                                                 : std::nullopt});
}

void ProxyCharm::on_rotate_credentials(ops::ActionEvent& event) {
  if (!is_provisioning_mode(config().all())) {
    event.fail(
        "rotate-credentials works in provisioning mode only (admin-secret or admin-keyring); in "
        "proxy mode, rotate the key in Ceph and update auth-secret");
    return;
  }
  if (!unit().is_leader()) {
    event.fail("run rotate-credentials on the leader unit (juju run <application>/leader ...)");
    return;
  }
  auto config = parse_provisioning_config(this->config().all());
  if (!config) {
    event.fail(config.error().message);
    return;
  }
  std::optional<int> only;
  const auto& params = event.params();
  if (auto it = params.find("relation-id"); it != params.end()) {
    if (!it->is_number_integer()) {
      event.fail("relation-id must be the integer id of a cephfs-share relation");
      return;
    }
    only = it->get<int>();
  }
  ops::Relation* peer = peer_relation();
  std::map<int, ProvisionRecord> records;
  if (peer != nullptr) records = records_from_bag(peer->data[app()].items());
  std::vector<std::pair<ops::Relation*, ProvisionRecord>> targets;
  for (ops::Relation* relation : active_share_relations(std::nullopt)) {
    auto record = records.find(relation->id);
    if (record == records.end() || (only && *only != relation->id)) continue;
    targets.emplace_back(relation, record->second);
  }
  if (only && targets.empty()) {
    event.fail(fmt::format("relation {} has no provisioned share", *only));
    return;
  }
  std::vector<std::string> relation_ids;
  std::vector<std::string> client_ids;
  std::vector<std::string> failures;
  if (!targets.empty()) {
    auto ceph = admin(*config);
    if (!ceph) {
      event.fail(ceph_error_status(ceph.error(), *config).message);
      return;
    }
  }
  for (auto& [relation, record] : targets) {
    auto rotated = rotate(*relation, record);
    if (!rotated) {
      ops::log::error("Rotating client.{} of relation {} failed: {}", record.client_id,
                      relation->id, rotated.error().message);
      failures.push_back(fmt::format("relation {}: {}", relation->id, rotated.error().message));
      continue;
    }
    ops::log::info("Rotated the key of client.{} (relation {})", record.client_id, relation->id);
    relation_ids.push_back(std::to_string(relation->id));
    client_ids.push_back(record.client_id);
  }
  event.set_results({{"count", std::to_string(relation_ids.size())},
                     {"relation-ids", fmt::to_string(fmt::join(relation_ids, ","))},
                     {"client-ids", fmt::to_string(fmt::join(client_ids, ","))}});
  if (!failures.empty()) {
    event.fail(fmt::format("rotation failed for {}", fmt::join(failures, "; ")));
  }
}

}  // namespace cephfs_server_proxy
