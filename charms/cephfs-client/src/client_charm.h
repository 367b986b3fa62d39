// ClientCharm: the cephfs-client subordinate. It asks the related cephfs_share provider for a
// share named after its mountpoint and mounts it on the principal's machine (the C++ twin of
// the Python cephfs-client, without its weaknesses; see docs/charms.md).
//
// Behaviour:
//  - config-changed, upgrade-charm, leader-elected: validate the options (client_config.h); the
//    leader (re)writes the request; the share is then reconciled by re-emitting mount_share, so
//    a changed option remounts and a corrected one mounts.
//  - server_connected (leader): request_share(relation, mountpoint).
//  - mount_share (every unit): validate the provider's data (mount_plan.h), write the key file,
//    mount, record the mount (systemd unit or /etc/fstab, see system_mount_manager.h); nothing
//    happens when the same plan is already mounted with the same key; a changed share, option
//    or key remounts.
//  - umount_share: unmount only when no provider unit is left (quirk 3); relation-broken and stop
//    always unmount. A provider unit joining while nothing is mounted re-reads the share (so a
//    provider that lost all its units and came back is mounted again).
//  - update-status: a full reconcile (mount_share is re-emitted while the relation exists): a
//    mount that is gone (e.g. the network was down at boot) is mounted again, a mount still on
//    an old key (a remount that failed) is redone, a stale "cannot mount" status is cleared when
//    the share is in fact mounted. Unmounting removes the key files and rmdirs the mountpoint only
//    if this charm created it (recorded on the machine, see MountManager::create_mountpoint) and it
//    is empty.
//  - mount-method auto: kernel where MountManager::kernel_client_usable(), else ceph-fuse.
//  - Action mount-info: where, what, as whom, with which method and whether the mount is
//    recorded to survive a reboot (never the key).
// Statuses: blocked with the option or datum that is wrong, waiting for the relation or the
// provider's data, active "mounted <fs>:<path> at <mountpoint>". Non-leaders never write the
// application bag, so they never fail for it.
//
// The MountManager is injected (SystemMountManager("/") by default); tests pass a fake.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "charms/storage_libs/v0/cephfs_interfaces.h"
#include "client_config.h"
#include "mount_manager.h"
#include "ops/charm.h"
#include "ops/stored_state.h"

namespace cephfs_client {

inline constexpr const char* kShareEndpoint = "cephfs-share";

class ClientCharm : public ops::CharmBase {
 public:
  explicit ClientCharm(ops::Framework& framework, std::unique_ptr<MountManager> mounts = nullptr);

  MountManager& mounts() { return *mounts_; }

 private:
  void on_config_changed(ops::EventBase& event);
  void on_server_connected(charms::storage_libs::v0::ServerConnectedEvent& event);
  void on_mount_share(charms::storage_libs::v0::MountShareEvent& event);
  void on_umount_share(charms::storage_libs::v0::UmountShareEvent& event);
  void on_provider_joined(ops::RelationJoinedEvent& event);
  void on_relation_broken(ops::RelationBrokenEvent& event);
  void on_update_status(ops::UpdateStatusEvent& event);
  void on_stop(ops::StopEvent& event);
  void on_mount_info_action(ops::ActionEvent& event);

  // The options, or nullopt after setting the blocked status that names the bad option.
  std::optional<ClientConfig> load_config();
  void request_share(ops::Relation& relation, const ClientConfig& config);
  // Brings the machine to `plan` mounted with `key`; sets the resulting status.
  void apply(const MountPlan& plan, const std::string& key);
  // Unmounts what this unit mounted, if anything. False (status blocked) when it could not.
  bool unmount_current();
  std::optional<MountPlan> current_plan() const;

  std::unique_ptr<MountManager> mounts_;
  charms::storage_libs::v0::CephFSRequires share_{*this, kShareEndpoint};
  // "mount": the MountPlan this unit mounted (JSON, no key) or null. Whether this charm created
  // the mountpoint directory lives on the machine (MountManager::create_mountpoint), so that a
  // failed hook, whose stored state Juju discards, cannot lose it.
  ops::StoredState stored_{*this};
};

}  // namespace cephfs_client
