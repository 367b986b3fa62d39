// MountPlan: everything needed to mount one CephFS share on this machine, built from the charm's
// configuration and the provider's data after strict validation. It holds no key: the key goes
// straight from the relation to the key file (MountManager::write_credentials).
//
// Trust boundary: every field that comes from the provider is a validated type of
// cephfs/share_fields.h (Fsid, CephFsName, SharePath, MonitorAddress, CephxUser), so a plan can
// only be made from values that passed their grammar; make_mount_plan and from_json (the stored
// record is re-validated too) are the only ways to make one. On top of the types:
//  - the key must be a cephx key (cephx_key.h);
//  - path: no ',' '%' '\' quotes '#' or '$' (it ends up in mount options, a unit file and an
//    fstab line: exactly what the file writers refuse, so a valid plan always renders);
//  - the mountpoint must pass validate_mountpoint (client_config.h);
//  - monitors, kernel: each as its kernel_form() "<host>:<port>" (from a vector: v1, else any,
//    else v2, without the nonce), joined into mon_addr=<a>/<b>;
//  - monitors, fuse: as published (str()), so the client knows the protocol of a non-standard
//    port and a refused key fails at once instead of after client_mount_timeout; joined into the
//    conf file's mon_host = <a>,<b> (Ceph parses ',' after a ']' as a separator).
// Errors (kInvalidArgument) are one sentence naming the field, never the key.
//
// Files (paths on the target machine; the MountManager may put them under a test root):
//   kernel: /etc/ceph/cephfs-client/<app>.<relation id>.secret   the bare key (secretfile=)
//   fuse:   /etc/ceph/cephfs-client/<app>.<relation id>.keyring  [client.<user>] key = ...
//           /etc/ceph/cephfs-client/<app>.<relation id>.conf     fsid and mon_host
//
// Example:
//   auto plan = make_mount_plan(config, MountMethod::kKernel, share, auth, "cephfs-client", 7);
//   plan->source();         // "user@fsid.cephfs=/data"
//   plan->mount_options();  // {"mon_addr=10.0.0.1:6789/10.0.0.2:6789",
//                           //  "secretfile=/etc/ceph/cephfs-client/cephfs-client.7.secret",
//                           //  "exec", "suid", "dev", "rw", "_netdev"}
//
// NFS and Lustre (filesystem-client; make_nfs_mount_plan, make_lustre_mount_plan): no key and no
// file but the mount record; the CephFS fields stay empty. Their fields are re-validated with the
// filesystem_info library's checks (validate(NfsInfo) / validate(LustreInfo)) and, on top, refused
// when they hold what the file writers refuse (whitespace, , % \ quotes # $):
//   nfs:     source "<host>:<path>" ("[<v6>]:<path>" for an IPv6 host), type nfs, options
//            [port=<port>,] <access options>, _netdev
//   lustre:  source "<nid>[:<nid>...]:/<fs_name>" (the MGS NIDs, failover ones after ':'), type
//            lustre, options <access options>, _netdev
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cephfs/share_fields.h"
#include "charms/filesystem_client/v0/filesystem_info_types.h"
#include "charms/storage_libs/v0/cephfs_share_types.h"
#include "client_config.h"
#include "ops/result.h"

namespace cephfs_client {

// kKernel and kFuse mount CephFS; kNfs and kLustre mount with their kernel client.
enum class MountMethod { kKernel, kFuse, kNfs, kLustre };
std::string_view to_string(MountMethod method);  // "kernel", "fuse", "nfs", "lustre"

inline constexpr std::string_view kCredentialDir = "/etc/ceph/cephfs-client";

struct MountPlan {
  std::string mountpoint;  // passed validate_mountpoint
  MountMethod method = MountMethod::kKernel;
  cephfs::Fsid fsid;
  cephfs::CephFsName fs_name;
  cephfs::SharePath path;
  std::vector<cephfs::MonitorAddress> monitors;
  cephfs::CephxUser user;                   // cephx id without "client."
  std::vector<std::string> access_options;  // ClientConfig::access_options()
  std::string key_file;                     // secret file (kernel) or keyring (fuse)
  std::string conf_file;                    // fuse only
  // NFS: {host} and the export path; Lustre: the MGS NIDs and the file-system name.
  std::vector<std::string> remote_hosts = {};
  std::string remote_path = {};
  std::optional<int> port = std::nullopt;  // NFS only

  bool is_cephfs() const { return method == MountMethod::kKernel || method == MountMethod::kFuse; }

  // The device: "<user>@<fsid>.<fs_name>=<path>" (kernel, the syntax mount.ceph documents), or
  // "none" (fuse: the share is in the options, as in an fstab line for mount.fuse.ceph); NFS and
  // Lustre: see the file comment.
  std::string source() const;
  // "ceph", "fuse.ceph", "nfs" or "lustre".
  std::string fs_type() const;
  // The -o options, in order; never the key.
  std::vector<std::string> mount_options() const;
  // "<fs_name>:<path>", as the provider's sharepoint (NFS, Lustre: the source).
  std::string share() const;
  // mon_addr's value (kernel): the kernel forms joined with '/'.
  std::string kernel_mon_addr() const;
  // mon_host's value (ceph.conf, fuse): the addresses as published, joined with ','.
  std::string conf_mon_host() const;
  // ceph-fuse's log file: /var/log/ceph/<app>.<relation id>.ceph-fuse.log (named like the key
  // file, so one per application and relation).
  std::string log_file() const;

  nlohmann::json to_json() const;
  static ops::Result<MountPlan> from_json(const nlohmann::json& value);

  friend bool operator==(const MountPlan&, const MountPlan&) = default;
};

ops::Result<MountPlan> make_mount_plan(const ClientConfig& config, MountMethod method,
                                       const charms::storage_libs::v0::CephFSShareInfo& share,
                                       const charms::storage_libs::v0::CephFSAuthInfo& auth,
                                       std::string_view app_name, int relation_id);

// The NFS and Lustre plans (see the file comment); kInvalidArgument naming the field.
ops::Result<MountPlan> make_nfs_mount_plan(const ClientConfig& config,
                                           const charms::filesystem_client::v0::NfsInfo& info);
ops::Result<MountPlan> make_lustre_mount_plan(
    const ClientConfig& config, const charms::filesystem_client::v0::LustreInfo& info);

}  // namespace cephfs_client
