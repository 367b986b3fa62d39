// ClientConfig: the cephfs-client charm's options, parsed and validated (charmcraft.yaml holds
// their descriptions, docs/charms.md the rules).
//
//   mountpoint   where to mount; also the share name sent to the provider (as the Python charm)
//   noexec, nosuid, nodev, read-only   booleans -> noexec|exec, nosuid|suid, nodev|dev, ro|rw
//   mount-method auto | kernel | fuse   (auto: kernel, or ceph-fuse where the kernel client cannot
//                                       mount, i.e. inside a container)
//
// Mountpoint rules: absolute, normalised (no "//", "." or ".." segments, no trailing "/"),
// characters A-Z a-z 0-9 _ . @ + - and '/', at most 1024 bytes; not "/"; not at or under a tree
// that local users own or can write to (/tmp /var/tmp /dev/shm /home /var/spool: the charm
// mounts as root, and a user who can replace a directory on the path by a symlink redirects the
// mount anywhere); not at or under a system tree (/etc /proc /sys /dev /boot /usr /bin /sbin /lib
// /lib32 /lib64 /libx32 /run /snap /root /var/lib /var/log /var/cache/apt); and not exactly one
// of /srv /mnt /opt /media /var (mounting over them would hide local data; a directory below
// them is fine). The character set excludes commas, spaces, newlines, quotes and '%', so a
// mountpoint can never inject mount options or systemd specifiers. These rules are about the
// name only; SystemMountManager checks the directories on the machine (mountpoint_guard.h).
//
// Errors (kInvalidArgument) read as statuses: "No configured mountpoint (set the mountpoint
// option)", "mountpoint '/etc/x' invalid: /etc is a system directory", "mountpoint '/home/x'
// invalid: /home holds directories that local users own or can write to; ...", "mount-method
// 'nfs' invalid: use auto, kernel or fuse".
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "ops/result.h"

namespace cephfs_client {

enum class MountMethodSetting { kAuto, kKernel, kFuse };

struct ClientConfig {
  std::string mountpoint;
  bool noexec = false;
  bool nosuid = false;
  bool nodev = false;
  bool read_only = false;
  MountMethodSetting method = MountMethodSetting::kAuto;

  // [exec|noexec, suid|nosuid, dev|nodev, rw|ro], the order of the Python charm.
  std::vector<std::string> access_options() const;
};

ops::Result<ClientConfig> parse_client_config(const nlohmann::json& config);

// The mountpoint rules above; the error message is the status text.
ops::Status validate_mountpoint(std::string_view mountpoint);

}  // namespace cephfs_client
