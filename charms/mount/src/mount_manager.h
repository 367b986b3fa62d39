// MountManager: the one door from the cephfs-client charm to the machine (files, mount tools,
// /proc). The charm decides what should be mounted; a MountManager does it. Implementations:
//  - SystemMountManager (system_mount_manager.h): key files; a systemd .mount unit per share
//    where systemd runs, else a direct ceph-fuse / mount -t ceph and a marked /etc/fstab entry;
//    commands run without a shell and with a timeout; every path under a root directory so
//    tests can use a temporary one.
//  - FakeMountManager (tests/fake_mount_manager.h): records every call, for charm tests.
//
// Contract: every method returns an error value instead of throwing; messages say what failed and
// never contain the key. Not thread-safe (one hook at a time).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "mount_plan.h"
#include "ops/result.h"

namespace cephfs_client {

// One line of /proc/self/mountinfo.
struct MountedFilesystem {
  std::string source;
  std::string fs_type;  // e.g. "ceph", "fuse.ceph-fuse"
  std::string options;  // the per-mount options, comma-separated

  friend bool operator==(const MountedFilesystem&, const MountedFilesystem&) = default;
};

class MountManager {
 public:
  virtual ~MountManager() = default;

  // True only where the kernel CephFS client can mount: the kernel knows the ceph file system
  // (or has the module for the running kernel) and this is not a container. `mount-method:
  // auto` uses ceph-fuse otherwise.
  virtual bool kernel_client_usable() = 0;
  // Makes sure the tools of `method` are installed (mount.ceph from ceph-common, ceph-fuse,
  // mount.nfs from nfs-common); Lustre: kUnavailable naming what is missing (not installed).
  virtual ops::Status install_tools(MountMethod method) = 0;
  // Writes the credential files of `plan` (root-only, 0600, in a 0700 directory) atomically.
  // Returns true when a file was created or its content changed since the last successful
  // mount() (so a mount must be redone), also when that change was written by an earlier hook
  // that failed before remounting (SystemMountManager records it on the machine).
  virtual ops::Result<bool> write_credentials(const MountPlan& plan, std::string_view key) = 0;
  // Removes the credential files of `plan`; missing files are fine.
  virtual ops::Status remove_credentials(const MountPlan& plan) = 0;
  // Creates the mountpoint directory (and parents) when missing. Before creating it, records on
  // the machine that this charm created it (SystemMountManager: a root-only marker file next to
  // the key files), so the record survives a hook that fails afterwards (Juju discards a failed
  // hook's stored state, never the machine). True when this charm created the directory, in
  // this hook or an earlier one (the record exists); false for a directory it found.
  virtual ops::Result<bool> create_mountpoint(const std::string& mountpoint) = 0;
  // If this charm created `mountpoint` (the record of create_mountpoint): rmdir of it if it is an
  // empty directory, then the record is removed. A directory it did not create is left alone.
  // Never deletes anything else.
  virtual ops::Status remove_created_mountpoint(const std::string& mountpoint) = 0;
  // Records the mount persistently (survives reboot) and mounts it; with remount, an existing
  // mount is unmounted first so new options or credentials take effect.
  virtual ops::Status mount(const MountPlan& plan, bool remount) = 0;
  // Unmounts and removes the persistent record. Not mounted: success.
  virtual ops::Status unmount(const MountPlan& plan) = 0;
  // Where the mount of `plan` is recorded to survive a reboot, e.g. "systemd unit
  // srv-data.mount" or "/etc/fstab"; nullopt when it is not recorded.
  virtual std::optional<std::string> persistent_record(const MountPlan& plan) = 0;
  // The file system mounted at `mountpoint` (the topmost one), if any.
  virtual ops::Result<std::optional<MountedFilesystem>> find_mount(
      const std::string& mountpoint) = 0;
};

// Undoes `plan` on the machine, as both client charms do when a share goes: unmounts it (that
// error is returned, and then nothing else is touched), then removes its credentials and the
// mountpoint directory the charm created (failures there are logged as warnings: the share is
// already gone).
ops::Status unmount_and_clean_up(MountManager& mounts, const MountPlan& plan);

// The plan a client charm recorded in its stored state (`stored`: null when nothing is mounted).
// A record that no longer passes MountPlan::from_json is logged as a warning and treated as none.
std::optional<MountPlan> recorded_plan(const nlohmann::json& stored);

// Whether a mounted file system is a CephFS mount (kernel or ceph-fuse).
inline bool is_cephfs(const MountedFilesystem& mounted) {
  return mounted.fs_type == "ceph" || mounted.fs_type.starts_with("fuse.ceph");
}

// Whether a mounted file system is what a plan of `method` mounts (NFS: nfs or nfs4).
inline bool is_mount_of(const MountedFilesystem& mounted, MountMethod method) {
  switch (method) {
    case MountMethod::kNfs:
      return mounted.fs_type == "nfs" || mounted.fs_type == "nfs4";
    case MountMethod::kLustre:
      return mounted.fs_type == "lustre";
    case MountMethod::kKernel:
    case MountMethod::kFuse:
      break;
  }
  return is_cephfs(mounted);
}

}  // namespace cephfs_client
