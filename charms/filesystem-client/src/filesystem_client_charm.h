// FilesystemClientCharm: the filesystem-client subordinate, a drop-in for the Python
// filesystem-client of charmed-hpc filesystem-charms (same name, endpoints, options and status
// meanings). It mounts the file system a filesystem_info provider publishes on the principal's
// machine, with the mount machinery (and trust-boundary rules) of cephfs-client (charms/mount/).
//
// Behaviour: every event reconciles the machine with what is asked.
//  - What: the provider's endpoint (FilesystemRequires: a CephfsInfo, NfsInfo or LustreInfo,
//    validated by the library) becomes a MountPlan, which re-validates it (mount_plan.h): CephFS
//    by the kernel client where MountManager::kernel_client_usable(), else ceph-fuse (the key in
//    a 0600 file, never on a command line); NFS by mount -t nfs; Lustre by mount -t lustre.
//  - Where: the `mountpoint` option with the noexec / nosuid / nodev / read-only options; when
//    the option is unset, the principal's MountInfo over `mount` (mountpoint and its flags).
//    Either way the mountpoint must pass validate_mountpoint (client_config.h).
//  - Events: config-changed, upgrade-charm, update-status, filesystem mount_filesystem,
//    mount mount_requested / mount_unrequested: reconcile. umount_filesystem (relation-broken):
//    unmount. stop: unmount (the hook fails when it cannot, so Juju retries).
//  - Reported back: `mounted` "true" / "false" in this unit's bag of the mount relation
//    (MountProvides::set_mount_status) after every reconcile.
// Statuses:
//   blocked  "Missing mountpoint: set the mountpoint option or relate a principal over mount",
//            a mountpoint or option that is refused, "filesystem endpoint from <app> invalid:
//            <why>", "cannot mount <source> at <mountpoint>: <why>" (e.g. the Lustre client is
//            not installed)
//   waiting  "Waiting for an integration with a filesystem provider", "Waiting for the
//            filesystem endpoint from <app>", "Waiting for the mountpoint from <principal>"
//   active   "Mounted filesystem at <mountpoint>"
// No status or log line ever holds a key.
//
// The MountManager is injected (SystemMountManager("/") by default); tests pass a fake.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "charms/filesystem_client/v0/filesystem_info.h"
#include "charms/filesystem_client/v0/mount_info.h"
#include "client_config.h"
#include "mount_manager.h"
#include "ops/charm.h"
#include "ops/stored_state.h"

namespace filesystem_client {

inline constexpr const char* kFilesystemEndpoint = "filesystem";
inline constexpr const char* kMountEndpoint = "mount";

class FilesystemClientCharm : public ops::CharmBase {
 public:
  explicit FilesystemClientCharm(ops::Framework& framework,
                                 std::unique_ptr<cephfs_client::MountManager> mounts = nullptr);

 private:
  void on_reconcile(ops::EventBase& event);
  void on_umount_filesystem(charms::filesystem_client::v0::UmountFilesystemEvent& event);
  void on_stop(ops::StopEvent& event);

  // Brings the machine to what is asked; sets the status and reports `mounted`.
  void reconcile();
  // The options and mountpoint (config, else the principal's MountInfo), or nullopt after
  // setting the status that says what is missing or wrong.
  std::optional<cephfs_client::ClientConfig> load_config();
  // The plan for the provider's endpoint and the key (CephFS only), or nullopt after setting the
  // status.
  std::optional<std::pair<cephfs_client::MountPlan, std::string>> plan_for(
      ops::Relation& relation, const cephfs_client::ClientConfig& config);
  // Mounts `plan`; false (status blocked) when it could not.
  bool apply(const cephfs_client::MountPlan& plan, const std::string& key);
  // Unmounts what this unit mounted, if anything. False (status blocked) when it could not.
  bool unmount_current();
  std::optional<cephfs_client::MountPlan> current_plan() const;
  void report_mounted(bool mounted);

  std::unique_ptr<cephfs_client::MountManager> mounts_;
  charms::filesystem_client::v0::FilesystemRequires filesystem_{*this, kFilesystemEndpoint};
  charms::filesystem_client::v0::MountProvides mount_{*this, kMountEndpoint};
  // "mount": the MountPlan this unit mounted (JSON, no key) or null.
  ops::StoredState stored_{*this};
};

}  // namespace filesystem_client
