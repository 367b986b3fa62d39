// SystemMountManager: the MountManager of a real machine.
//
// Two modes, chosen at each call by whether systemd runs (<root>/run/systemd/system exists):
//
// systemd: one mount unit per share, /etc/systemd/system/<escaped mountpoint>.mount (name as
// `systemd-escape --path`), marked as written by this charm, enabled for remote-fs.target and
// ordered after network-online.target. systemd runs mount.ceph or mount.fuse.ceph with the unit's
// options. A unit file of that name that this charm did not write is never overwritten (error).
//   systemctl daemon-reload | enable <unit> | start <unit> | restart <unit> | disable --now <unit>
//
// direct (no systemd, e.g. containers and CI): the charm mounts itself and records the mount in
// /etc/fstab, as two lines: a marker comment "# cephfs-client charm: <mountpoint> ..." and the
// entry after it (render_fstab_entry). The file is rewritten atomically (temporary file, fsync,
// rename) with every other line kept byte for byte; an entry for the mountpoint that this charm
// did not write is never replaced (error).
//   ceph-fuse -c <conf> -n client.<user> -k <keyring> --client_fs <fs> -r <path>
//             --client_mount_timeout=30 --log-file <plan.log_file()> -o <access options> <mp>
//   mount -t ceph <device> <mp> -o mon_addr=...,secretfile=...,<access options>
//   umount <mp>, then `umount -l <mp>` when the FUSE daemon is gone ("Transport endpoint is not
//   connected"). ceph-fuse daemonizes and its parent exits with the mount's result; the mount
//   is then checked in /proc/self/mountinfo.
//
// Both modes, the mountpoint (mountpoint_guard.h): the charm mounts as root, so a local
// unprivileged user must not be able to redirect the mount through a symlink or a directory they
// own or can write to. Every existing component of the mountpoint must be a real directory (no
// symlink) owned by `trusted_uid` (root) and not writable by group or others. create_mountpoint
// checks before writing anything, creates missing components one by one with mkdirat (0755,
// never following a symlink) and checks again; mount checks again before any file is written or
// command run (and, in direct mode, again after unmounting for a remount), so a directory
// swapped for a symlink after creation is refused. Such a path can only be changed by root, so
// nothing can change between the check and the mount. Refusals are kInvalidArgument, e.g.
// "mountpoint '/srv/a/b' unsafe: /srv/a is a symlink; ...".
// Both modes: a mountpoint directory the charm creates is recorded first in
// /etc/ceph/cephfs-client/<escaped mountpoint>.created-mountpoint (0600, written atomically,
// holding the mountpoint; created_mountpoint_marker), consulted and removed on unmount.
// Both modes: the key only ever travels in a 0600 file in a 0700 directory (never argv); every
// file's text comes from mount_files.h, whose renderers refuse values the format would split,
// and is rendered before anything is written;
//   apt-get update -q; apt-get install -y -q --no-install-recommends ceph-common | ceph-fuse |
//   nfs-common (only when mount.ceph / ceph-fuse / mount.nfs is missing).
// NFS and Lustre (filesystem-client): the same unit or fstab record and `mount -t nfs|lustre
// <source> <mp> -o [port=<n>,]<access options>`; no key file. A missing Lustre client
// (mount.lustre, or the lustre file system / module of the running kernel) is kUnavailable.
//
// `root` prefixes every path the manager reads or writes ("/" in production; a temporary
// directory in tests) and is trusted (never checked); commands get the real paths. `run` runs
// one command with a timeout; by default run_command. `trusted_uid` is the owner every
// mountpoint directory must have: root (0) in production; tests that do not run as root pass
// ::geteuid().
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "mount_files.h"
#include "mount_manager.h"

namespace cephfs_client {

using CommandRunner =
    std::function<ops::Status(const std::vector<std::string>& argv, std::chrono::seconds timeout)>;

// posix_spawn of argv[0] (looked up in PATH=/usr/sbin:/usr/bin:/sbin:/bin) without a shell, in
// its own process group, stdin and stdout /dev/null, stderr captured for the error message.
// Returns when the child exits (not when its daemonized children close stderr). After `timeout`
// the process group gets SIGTERM, then SIGKILL 5 s later: kTimeout. Other failures kIoError
// naming the command, its exit code and its last stderr line.
ops::Status run_command(const std::vector<std::string>& argv,
                        std::chrono::seconds timeout = std::chrono::seconds(60));

// The file recording that the charm created `mountpoint`, e.g. "/srv/my-data" ->
// "/etc/ceph/cephfs-client/srv-my\x2ddata.created-mountpoint" (named as the mount unit; no
// key file ends so).
std::string created_mountpoint_marker(std::string_view mountpoint);
// The file recording that the key files of `plan` changed and no mount has used them yet:
// "<key file>.remount-pending" (0600; written by write_credentials before the new key, removed by
// a successful mount and by remove_credentials).
std::string remount_pending_marker(const MountPlan& plan);
// The argv of a direct mount (see the file comment).
std::vector<std::string> direct_mount_command(const MountPlan& plan);

class SystemMountManager : public MountManager {
 public:
  explicit SystemMountManager(std::filesystem::path root = "/", CommandRunner run = run_command,
                              uid_t trusted_uid = 0);

  bool kernel_client_usable() override;
  ops::Status install_tools(MountMethod method) override;
  ops::Result<bool> write_credentials(const MountPlan& plan, std::string_view key) override;
  ops::Status remove_credentials(const MountPlan& plan) override;
  ops::Result<bool> create_mountpoint(const std::string& mountpoint) override;
  ops::Status remove_created_mountpoint(const std::string& mountpoint) override;
  ops::Status mount(const MountPlan& plan, bool remount) override;
  ops::Status unmount(const MountPlan& plan) override;
  std::optional<std::string> persistent_record(const MountPlan& plan) override;
  ops::Result<std::optional<MountedFilesystem>> find_mount(const std::string& mountpoint) override;

  // Whether systemd is the running init (<root>/run/systemd/system exists).
  bool systemd_running() const;

 private:
  std::filesystem::path under_root(std::string_view absolute) const;
  ops::Status mount_with_systemd(const MountPlan& plan, bool remount);
  ops::Status unmount_with_systemd(const MountPlan& plan);
  ops::Status mount_directly(const MountPlan& plan, bool remount);
  ops::Status unmount_directly(const MountPlan& plan);
  // umount, falling back to a lazy unmount when the FUSE daemon is gone; only a mount of the
  // plan's file-system type.
  ops::Status umount_if_mounted(const MountPlan& plan);
  // mount.lustre installed and the kernel's Lustre client present, else kUnavailable saying what
  // to install (the Lustre client is not in Ubuntu's archive: the charm does not install it).
  ops::Status check_lustre_client();
  // Adds (or replaces) or removes this charm's fstab entry for plan.mountpoint.
  ops::Status update_fstab(const MountPlan& plan, bool present);

  std::filesystem::path root_;
  CommandRunner run_;
  uid_t trusted_uid_;
};

}  // namespace cephfs_client
