#include "filesystem_client_charm.h"

#include <variant>

#include "cephfs/share_fields.h"
#include "ops/errors.h"
#include "ops/log.h"
#include "ops/model.h"
#include "system_mount_manager.h"

namespace filesystem_client {

namespace v0 = charms::filesystem_client::v0;
using cephfs_client::ClientConfig;
using cephfs_client::MountMethod;
using cephfs_client::MountPlan;

namespace {

std::string remote_name(ops::Relation& relation, const char* fallback) {
  ops::Application* app = relation.app();
  return app != nullptr ? app->name : std::string(fallback);
}

// A monitor host of a CephfsInfo may come without a port (filesystem_info allows it); the plan
// wants "<host>:<port>", so the MON's default v1 port is added.
std::string with_monitor_port(const std::string& host) {
  if (cephfs::MonitorAddress::parse(host)) return host;
  const bool ipv6 = host.find(':') != std::string::npos && !host.starts_with('[');
  return (ipv6 ? "[" + host + "]" : host) + ":6789";
}

}  // namespace

FilesystemClientCharm::FilesystemClientCharm(ops::Framework& framework,
                                             std::unique_ptr<cephfs_client::MountManager> mounts)
    : CharmBase(framework),
      mounts_(mounts ? std::move(mounts) : std::make_unique<cephfs_client::SystemMountManager>()) {
  stored_.set_default("mount", nullptr);
  framework.observe(on.config_changed, this, &FilesystemClientCharm::on_reconcile);
  framework.observe(on.upgrade_charm, this, &FilesystemClientCharm::on_reconcile);
  framework.observe(on.update_status, this, &FilesystemClientCharm::on_reconcile);
  framework.observe(filesystem_.on.mount_filesystem, this, &FilesystemClientCharm::on_reconcile);
  framework.observe(filesystem_.on.umount_filesystem, this,
                    &FilesystemClientCharm::on_umount_filesystem);
  framework.observe(mount_.on.mount_requested, this, &FilesystemClientCharm::on_reconcile);
  framework.observe(mount_.on.mount_unrequested, this, &FilesystemClientCharm::on_reconcile);
  framework.observe(on.stop, this, &FilesystemClientCharm::on_stop);
}

void FilesystemClientCharm::on_reconcile(ops::EventBase& /*event*/) { reconcile(); }

std::optional<ClientConfig> FilesystemClientCharm::load_config() {
  nlohmann::json options = config().all();
  const auto configured = options.find("mountpoint");
  if (configured == options.end() || !configured->is_string() ||
      configured->get<std::string>().empty()) {
    // As upstream: without the option, the principal's MountInfo says where and how.
    auto requested = mount_.mount_info();
    if (!requested) {
      if (requested.error().code == ops::ErrorCode::kModelError) {
        ops::throw_error(requested.error());
      }
      unit().set_status(ops::BlockedStatus("mount request from the principal invalid: " +
                                           requested.error().message));
      return std::nullopt;
    }
    if (!*requested) {
      ops::Relation* relation = model().get_relation(kMountEndpoint);
      if (relation != nullptr) {
        unit().set_status(ops::WaitingStatus("Waiting for the mountpoint from " +
                                             remote_name(*relation, "the principal")));
      } else {
        unit().set_status(ops::BlockedStatus(
            "Missing mountpoint: set the mountpoint option or relate a principal over mount"));
      }
      return std::nullopt;
    }
    const v0::MountInfo& info = **requested;
    options = {{"mountpoint", info.mountpoint},
               {"noexec", info.noexec},
               {"nosuid", info.nosuid},
               {"nodev", info.nodev},
               {"read-only", info.read_only}};
  }
  options.erase("mount-method");  // not an option of this charm: always auto
  auto config = cephfs_client::parse_client_config(options);
  if (!config) {
    unit().set_status(ops::BlockedStatus(config.error().message));
    return std::nullopt;
  }
  return std::move(*config);
}

std::optional<MountPlan> FilesystemClientCharm::current_plan() const {
  return cephfs_client::recorded_plan(stored_.data().at("mount"));
}

void FilesystemClientCharm::report_mounted(bool mounted) {
  if (auto done = mount_.set_mount_status(mounted); !done) ops::throw_error(done.error());
}

std::optional<std::pair<MountPlan, std::string>> FilesystemClientCharm::plan_for(
    ops::Relation& relation, const ClientConfig& config) {
  const std::string provider = remote_name(relation, "the provider");
  std::optional<v0::Endpoint> endpoint;
  for (auto& candidate : filesystem_.endpoints()) {
    if (candidate.relation_id == relation.id) endpoint = std::move(candidate);
  }
  if (!endpoint) {
    unit().set_status(ops::WaitingStatus("Waiting for the filesystem endpoint from " + provider));
    return std::nullopt;
  }
  const auto refuse = [&](const std::string& why) {
    ops::log::warning("filesystem endpoint from {} rejected: {}", provider, why);
    unit().set_status(
        ops::BlockedStatus("filesystem endpoint from " + provider + " invalid: " + why));
    return std::nullopt;
  };
  if (!endpoint->info) {
    const auto& error = endpoint->info.error();
    if (error.code == ops::ErrorCode::kModelError) ops::throw_error(error);
    if (error.code == ops::ErrorCode::kSecretNotFound) {
      return refuse("its credentials secret is not visible (not granted?)");
    }
    return refuse(error.message);
  }

  std::string key;
  ops::Result<MountPlan> plan = std::visit(
      [&](const auto& info) -> ops::Result<MountPlan> {
        using Info = std::decay_t<decltype(info)>;
        if constexpr (std::is_same_v<Info, v0::CephfsInfo>) {
          charms::storage_libs::v0::CephFSShareInfo share{
              .fsid = info.fsid, .name = info.name, .path = info.path, .monitor_hosts = {}};
          for (const auto& host : info.monitor_hosts) {
            share.monitor_hosts.push_back(with_monitor_port(host));
          }
          key = info.key;
          const MountMethod method =
              mounts_->kernel_client_usable() ? MountMethod::kKernel : MountMethod::kFuse;
          return cephfs_client::make_mount_plan(config, method, share, {info.user, info.key},
                                                app().name, relation.id);
        } else if constexpr (std::is_same_v<Info, v0::NfsInfo>) {
          return cephfs_client::make_nfs_mount_plan(config, info);
        } else {
          return cephfs_client::make_lustre_mount_plan(config, info);
        }
      },
      *endpoint->info);
  if (!plan) return refuse(plan.error().message);
  return std::make_pair(std::move(*plan), std::move(key));
}

void FilesystemClientCharm::reconcile() {
  auto config = load_config();
  if (!config) {
    // Nothing (valid) is asked any more: what was mounted is unmounted.
    if (unmount_current()) report_mounted(false);
    return;
  }
  ops::Relation* relation = model().get_relation(kFilesystemEndpoint);
  if (relation == nullptr) {
    unit().set_status(ops::WaitingStatus("Waiting for an integration with a filesystem provider"));
    report_mounted(false);
    return;
  }
  auto planned = plan_for(*relation, *config);
  if (!planned) {
    report_mounted(false);
    return;
  }
  report_mounted(apply(planned->first, planned->second));
}

bool FilesystemClientCharm::apply(const MountPlan& plan, const std::string& key) {
  auto current = current_plan();
  if (current && (current->mountpoint != plan.mountpoint || current->method != plan.method ||
                  current->key_file != plan.key_file)) {
    if (!unmount_current()) return false;
    current.reset();
  }
  auto mounted = mounts_->find_mount(plan.mountpoint);
  if (!mounted) {
    unit().set_status(
        ops::BlockedStatus("cannot check " + plan.mountpoint + ": " + mounted.error().message));
    return false;
  }
  if (!current && *mounted && !is_mount_of(**mounted, plan.method)) {
    unit().set_status(ops::BlockedStatus("mountpoint '" + plan.mountpoint + "' invalid: a " +
                                         (*mounted)->fs_type +
                                         " file system is already mounted there"));
    return false;
  }
  const std::string failure = "cannot mount " + plan.share() + " at " + plan.mountpoint + ": ";
  if (auto installed = mounts_->install_tools(plan.method); !installed) {
    unit().set_status(ops::BlockedStatus(failure + installed.error().message));
    return false;
  }
  // The mountpoint before the key: a refused mountpoint (unsafe path) leaves no key file behind.
  if (!current) {
    if (auto created = mounts_->create_mountpoint(plan.mountpoint); !created) {
      unit().set_status(ops::BlockedStatus(failure + created.error().message));
      return false;
    }
  }
  bool credentials_changed = false;
  if (plan.is_cephfs()) {
    auto written = mounts_->write_credentials(plan, key);
    if (!written) {
      unit().set_status(ops::BlockedStatus(failure + written.error().message));
      return false;
    }
    credentials_changed = *written;
  }
  const bool is_mounted = *mounted && is_mount_of(**mounted, plan.method);
  if (!(is_mounted && current && *current == plan && !credentials_changed)) {
    unit().set_status(ops::MaintenanceStatus("Mounting filesystem at " + plan.mountpoint));
    auto done = mounts_->mount(plan, /*remount=*/is_mounted);
    // Recorded even when it failed: the unit file exists and the next hook retries or cleans up.
    stored_["mount"] = plan.to_json();
    if (!done) {
      unit().set_status(ops::BlockedStatus(failure + done.error().message));
      return false;
    }
    ops::log::info("Mounted {} at {} ({} client)", plan.share(), plan.mountpoint,
                   cephfs_client::to_string(plan.method));
  }
  stored_["mount"] = plan.to_json();
  unit().set_status(ops::ActiveStatus("Mounted filesystem at " + plan.mountpoint));
  return true;
}

bool FilesystemClientCharm::unmount_current() {
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

void FilesystemClientCharm::on_umount_filesystem(v0::UmountFilesystemEvent& /*event*/) {
  if (!unmount_current()) return;
  report_mounted(false);
  unit().set_status(ops::WaitingStatus("Waiting for an integration with a filesystem provider"));
}

void FilesystemClientCharm::on_stop(ops::StopEvent& /*event*/) {
  if (!unmount_current()) {
    // Stop cannot be deferred; fail the hook so Juju retries it.
    throw ops::ModelError("cannot unmount the file system; see the unit status");
  }
}

}  // namespace filesystem_client
