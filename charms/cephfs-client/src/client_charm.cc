#include "client_charm.h"

#include "ops/errors.h"
#include "ops/log.h"
#include "ops/model.h"
#include "system_mount_manager.h"

namespace cephfs_client {

namespace v0 = charms::storage_libs::v0;

namespace {

std::string remote_name(ops::Relation& relation) {
  ops::Application* app = relation.app();
  return app != nullptr ? app->name : std::string("the provider");
}

std::string comma_joined(const std::vector<std::string>& values) {
  std::string out;
  for (const auto& value : values) out += (out.empty() ? "" : ",") + value;
  return out;
}

std::string mounted_status(const MountPlan& plan) {
  return "mounted " + plan.share() + " at " + plan.mountpoint;
}

}  // namespace

ClientCharm::ClientCharm(ops::Framework& framework, std::unique_ptr<MountManager> mounts)
    : CharmBase(framework),
      mounts_(mounts ? std::move(mounts) : std::make_unique<SystemMountManager>()) {
  stored_.set_default("mount", nullptr);
  framework.observe(on.config_changed, this, &ClientCharm::on_config_changed);
  framework.observe(on.upgrade_charm, this, &ClientCharm::on_config_changed);
  framework.observe(on.leader_elected, this, &ClientCharm::on_config_changed);
  framework.observe(share_.on.server_connected, this, &ClientCharm::on_server_connected);
  framework.observe(share_.on.mount_share, this, &ClientCharm::on_mount_share);
  framework.observe(share_.on.umount_share, this, &ClientCharm::on_umount_share);
  framework.observe(on.relation_joined(kShareEndpoint), this, &ClientCharm::on_provider_joined);
  framework.observe(on.relation_broken(kShareEndpoint), this, &ClientCharm::on_relation_broken);
  framework.observe(on.update_status, this, &ClientCharm::on_update_status);
  framework.observe(on.stop, this, &ClientCharm::on_stop);
  framework.observe(on.action("mount-info"), this, &ClientCharm::on_mount_info_action);
}

std::optional<ClientConfig> ClientCharm::load_config() {
  auto config = parse_client_config(this->config().all());
  if (!config) {
    unit().set_status(ops::BlockedStatus(config.error().message));
    return std::nullopt;
  }
  return std::move(*config);
}

std::optional<MountPlan> ClientCharm::current_plan() const {
  return recorded_plan(stored_.data().at("mount"));
}

void ClientCharm::request_share(ops::Relation& relation, const ClientConfig& config) {
  auto requested = share_.request_share(relation.id, config.mountpoint);
  if (!requested && requested.error().code != ops::ErrorCode::kRelationNotFound) {
    ops::throw_error(requested.error());
  }
}

void ClientCharm::on_config_changed(ops::EventBase& /*event*/) {
  auto config = load_config();
  if (!config) return;
  ops::Relation* relation = model().get_relation(kShareEndpoint);
  if (relation == nullptr) {
    unit().set_status(ops::WaitingStatus("waiting for cephfs-share relation"));
    return;
  }
  // A new leader writes the request too, so one that was never written is recovered (quirk 12).
  if (unit().is_leader()) request_share(*relation, *config);
  // One code path reads the provider's data and mounts: mount_share.
  share_.on.mount_share.emit(relation, relation->app(), nullptr);
}

void ClientCharm::on_server_connected(v0::ServerConnectedEvent& event) {
  auto config = load_config();
  if (!config) return;  // config-changed requests once the mountpoint is valid
  request_share(*event.relation, *config);
  if (!current_plan()) {
    unit().set_status(
        ops::WaitingStatus("waiting for share data from " + remote_name(*event.relation)));
  }
}

void ClientCharm::on_mount_share(v0::MountShareEvent& event) {
  auto config = load_config();
  if (!config) return;
  const std::string provider = remote_name(*event.relation);

  auto share = event.share_info();
  if (!share) {
    if (share.error().code == ops::ErrorCode::kModelError) ops::throw_error(share.error());
    ops::log::warning("share_info from {} rejected: {}", provider,
                      v0::wire_error_detail(share.error()));
    unit().set_status(ops::BlockedStatus("share data from " + provider + " invalid: " +
                                         std::string(v0::wire_error_detail(share.error()))));
    return;
  }
  auto auth = event.auth_info();
  if (!auth) {
    const auto code = v0::wire_error_code(auth.error());
    if (code == v0::kRelationDataUnavailable) ops::throw_error(auth.error());
    std::string why = code == v0::kAuthSecretNotFound
                          ? "its credentials secret is not visible (not granted?)"
                          : std::string(v0::wire_error_detail(auth.error()));
    ops::log::warning("auth from {} rejected: {}", provider, why);
    unit().set_status(ops::BlockedStatus("credentials from " + provider + " invalid: " + why));
    return;
  }
  if (!*share || !*auth) {
    unit().set_status(ops::WaitingStatus("waiting for share data from " + provider));
    return;
  }

  MountMethod method = MountMethod::kKernel;
  if (config->method == MountMethodSetting::kFuse ||
      (config->method == MountMethodSetting::kAuto && !mounts_->kernel_client_usable())) {
    method = MountMethod::kFuse;
  }
  auto plan = make_mount_plan(*config, method, **share, **auth, app().name, event.relation->id);
  if (!plan) {
    ops::log::warning("share data from {} rejected: {}", provider, plan.error().message);
    unit().set_status(
        ops::BlockedStatus("share data from " + provider + " invalid: " + plan.error().message));
    return;
  }
  apply(*plan, (*auth)->key);
}

void ClientCharm::apply(const MountPlan& plan, const std::string& key) {
  auto current = current_plan();
  if (current && (current->mountpoint != plan.mountpoint || current->key_file != plan.key_file)) {
    if (!unmount_current()) return;
    current.reset();
  }

  auto mounted = mounts_->find_mount(plan.mountpoint);
  if (!mounted) {
    unit().set_status(
        ops::BlockedStatus("cannot check " + plan.mountpoint + ": " + mounted.error().message));
    return;
  }
  if (!current && *mounted && !is_cephfs(**mounted)) {
    unit().set_status(ops::BlockedStatus("mountpoint '" + plan.mountpoint + "' invalid: a " +
                                         (*mounted)->fs_type +
                                         " file system is already mounted there"));
    return;
  }

  const std::string failure = "cannot mount " + plan.share() + " at " + plan.mountpoint + ": ";
  if (auto installed = mounts_->install_tools(plan.method); !installed) {
    unit().set_status(ops::BlockedStatus(failure + installed.error().message));
    return;
  }
  // The mountpoint before the key: a refused mountpoint (unsafe path) leaves no key file behind.
  if (!current) {
    // Whether this charm created the directory is recorded on the machine by the MountManager,
    // not in stored state: a hook that fails after the mkdir would lose it.
    auto created = mounts_->create_mountpoint(plan.mountpoint);
    if (!created) {
      unit().set_status(ops::BlockedStatus(failure + created.error().message));
      return;
    }
  }
  auto credentials_changed = mounts_->write_credentials(plan, key);
  if (!credentials_changed) {
    unit().set_status(ops::BlockedStatus(failure + credentials_changed.error().message));
    return;
  }

  const bool is_mounted = *mounted && is_cephfs(**mounted);
  const bool up_to_date = is_mounted && current && *current == plan && !*credentials_changed;
  if (!up_to_date) {
    unit().set_status(
        ops::MaintenanceStatus("mounting " + plan.share() + " at " + plan.mountpoint));
    if (auto done = mounts_->mount(plan, /*remount=*/is_mounted); !done) {
      // Recorded all the same: the unit file exists and the next hook retries or cleans up.
      stored_["mount"] = plan.to_json();
      unit().set_status(ops::BlockedStatus(failure + done.error().message));
      return;
    }
    ops::log::info("Mounted {} at {} with the {} client ({})", plan.share(), plan.mountpoint,
                   to_string(plan.method), comma_joined(plan.access_options));
  }
  stored_["mount"] = plan.to_json();
  unit().set_status(ops::ActiveStatus(mounted_status(plan)));
}

bool ClientCharm::unmount_current() {
  auto current = current_plan();
  if (!current) return true;
  if (auto done = unmount_and_clean_up(*mounts_, *current); !done) {
    unit().set_status(
        ops::BlockedStatus("cannot unmount " + current->mountpoint + ": " + done.error().message));
    return false;
  }
  stored_["mount"] = nullptr;
  return true;
}

void ClientCharm::on_umount_share(v0::UmountShareEvent& event) {
  const auto& remaining = event.relation->units();
  if (!remaining.empty()) {
    // Quirk 3: one provider unit left, the share is still served.
    ops::log::info("A unit of {} left relation {}; {} remain, keeping the mount",
                   remote_name(*event.relation), event.relation->to_string(), remaining.size());
    return;
  }
  if (!unmount_current()) return;
  unit().set_status(
      ops::WaitingStatus("waiting for share data from " + remote_name(*event.relation)));
}

void ClientCharm::on_provider_joined(ops::RelationJoinedEvent& event) {
  // The application bag did not change, so the library emits nothing; if every provider unit
  // had left (and this unit unmounted), a returning one must bring the mount back.
  if (current_plan() || event.relation == nullptr) return;
  share_.on.mount_share.emit(event.relation, event.app, event.unit);
}

void ClientCharm::on_update_status(ops::UpdateStatusEvent& /*event*/) {
  // A full reconcile, not only "remount what is lost": a mount that came back after a status
  // said it could not (a command that timed out after mounting), a mount that still uses an old
  // key after a failed remount, a directory an administrator has since made safe, all converge
  // here (mount_share validates the options itself). Without a relation there is nothing to
  // mount.
  ops::Relation* relation = model().get_relation(kShareEndpoint);
  if (relation == nullptr) return;
  share_.on.mount_share.emit(relation, relation->app(), nullptr);
}

void ClientCharm::on_relation_broken(ops::RelationBrokenEvent& /*event*/) {
  if (!unmount_current()) return;
  if (load_config()) unit().set_status(ops::WaitingStatus("waiting for cephfs-share relation"));
}

void ClientCharm::on_stop(ops::StopEvent& /*event*/) {
  if (!unmount_current()) {
    // Stop cannot be retried by deferral; fail the hook so Juju retries it.
    throw ops::ModelError("cannot unmount the CephFS share; see the unit status");
  }
}

void ClientCharm::on_mount_info_action(ops::ActionEvent& event) {
  auto current = current_plan();
  if (!current) {
    event.set_results({{"mounted", "false"}});
    return;
  }
  auto mounted = mounts_->find_mount(current->mountpoint);
  const bool is_mounted = mounted && *mounted && is_cephfs(**mounted);
  const auto record = mounts_->persistent_record(*current);
  event.set_results({{"mounted", is_mounted ? "true" : "false"},
                     {"persistent", record ? "true" : "false"},
                     {"persisted-by", record.value_or("nothing")},
                     {"mountpoint", current->mountpoint},
                     {"fsid", current->fsid.str()},
                     {"share", current->share()},
                     {"user", current->user.str()},
                     {"method", std::string(to_string(current->method))},
                     {"options", comma_joined(current->access_options)}});
}

}  // namespace cephfs_client
