// SystemMountManager: the MountManager of a real machine.
//
// Persistence: one systemd mount unit per share, /etc/systemd/system/<escaped mountpoint>.mount
// (name as `systemd-escape --path`), marked as written by this charm, enabled for
// remote-fs.target and ordered after network-online.target. systemd runs mount.ceph or
// mount.fuse.ceph with the unit's options, so the key only ever travels in a 0600 file. A unit
// file of that name that this charm did not write is never overwritten (error).
//
// Commands (no shell; argv never holds the key; PATH=/usr/sbin:/usr/bin:/sbin:/bin):
//   apt-get install -y --no-install-recommends ceph-common | ceph-fuse   (only when missing)
//   systemctl daemon-reload | enable <unit> | start <unit> | restart <unit> | disable --now <unit>
//   umount <mountpoint>   (when the mount outlived its unit)
//
// `root` prefixes every path the manager reads or writes ("/" in production; a temporary
// directory in tests). `run` runs one command; by default posix_spawn of argv[0] looked up in
// the PATH above, with stdin /dev/null and stderr captured for the error message.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "mount_manager.h"

namespace cephfs_client {

using CommandRunner = std::function<ops::Status(const std::vector<std::string>& argv)>;

// posix_spawn without a shell; kIoError naming the command, its exit code and its last stderr
// line on failure.
ops::Status run_command(const std::vector<std::string>& argv);

// `systemd-escape --path <mountpoint>` + ".mount", e.g. "/srv/my-data" -> "srv-my\x2ddata.mount".
std::string mount_unit_name(std::string_view mountpoint);
// The unit file text for a plan.
std::string mount_unit_text(const MountPlan& plan);

class SystemMountManager : public MountManager {
 public:
  explicit SystemMountManager(std::filesystem::path root = "/", CommandRunner run = run_command);

  bool kernel_mounts_permitted() override;
  ops::Status install_tools(MountMethod method) override;
  ops::Result<bool> write_credentials(const MountPlan& plan, std::string_view key) override;
  ops::Status remove_credentials(const MountPlan& plan) override;
  ops::Result<bool> create_mountpoint(const std::string& mountpoint) override;
  ops::Status remove_mountpoint_if_empty(const std::string& mountpoint) override;
  ops::Status mount(const MountPlan& plan, bool remount) override;
  ops::Status unmount(const MountPlan& plan) override;
  ops::Result<std::optional<MountedFilesystem>> find_mount(const std::string& mountpoint) override;

 private:
  std::filesystem::path under_root(std::string_view absolute) const;

  std::filesystem::path root_;
  CommandRunner run_;
};

}  // namespace cephfs_client
