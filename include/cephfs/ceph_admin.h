// CephAdmin: what a provider charm needs from a Ceph cluster to hand out CephFS shares with one
// cephx client per consumer, and to take them back.
//
// It is an interface so charms can be tested without a cluster (cephfs::testing::FakeCephAdmin).
// The real implementation, made by connect_ceph_admin(), talks to the monitors and the manager
// through librados and to the MDS daemons through libcephfs. Both libraries are loaded with
// dlopen() on first use, so a program using this header starts on a machine without Ceph's
// libraries and gets a kUnavailable error from connect_ceph_admin() there.
//
// Contract of every method:
//  - Names are checked first (cephfs/ceph_names.h); a bad one is kInvalidArgument and nothing is
//    sent to Ceph.
//  - Errors: kUnavailable (Ceph libraries missing, monitors/manager unreachable),
//    kTimeout (no answer within ConnectOptions::timeout), kPermissionDenied (the admin key is
//    wrong or lacks caps), kInvalidArgument (Ceph rejected the request: a missing file system or
//    subvolume, a client that already exists with other caps, ...), kIoError (anything else,
//    e.g. a quota or pool error). Messages say which call failed with which name and Ceph's own
//    explanation; they never contain a key.
//  - Calls are idempotent where Ceph's commands are: creating an existing subvolume, authorizing
//    a client again with the same caps (same key back), removing an absent client or subvolume.
//  - Not thread-safe: use one CephAdmin from one thread at a time.
//
// Example (provider, on share_requested):
//   auto admin = cephfs::connect_ceph_admin({.mon_host = mons, .key = admin_key});
//   if (!admin) return block(admin.error().message);
//   auto subvolume = (*admin)->create_subvolume({.id = {"cephfs", name, ""}, .size_bytes = {}});
//   auto client = (*admin)->authorize_client(subvolume->id, client_id, cephfs::Access::kReadWrite);
//   // publish (*admin)->fsid(), (*admin)->monitor_addresses(), subvolume->path, client->key
// and on relation-broken:  (*admin)->revoke_client(client_id);   // auth rm + evict sessions
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cephfs/cephx_caps.h"
#include "ops/result.h"

namespace cephfs {

// The RADOS namespace of the metadata pool that holds ownership marks (see CephAdmin).
inline constexpr const char* kOwnerMarkNamespace = "cephfs-share.owners";

// kInvalidArgument unless `object` is a valid mark name (see CephAdmin::owner_mark).
ops::Status validate_mark_object(std::string_view object);

// A subvolume: file system (volume) name, subvolume name and group ("" = the default group,
// which Ceph calls _nogroup).
struct SubvolumeId {
  std::string fs_name;
  std::string name;
  std::string group;

  friend bool operator==(const SubvolumeId&, const SubvolumeId&) = default;
};

struct SubvolumeRequest {
  SubvolumeId id{};
  std::optional<std::uint64_t> size_bytes{};  // quota; none = unlimited
};

// What Ceph reports for a subvolume (`fs subvolume info`).
struct Subvolume {
  SubvolumeId id;
  std::string path;            // absolute path in the file system, e.g. /volumes/_nogroup/a/<uuid>
  std::string data_pool;       // e.g. cephfs.data
  std::string pool_namespace;  // e.g. fsvolumens_a: the RADOS namespace holding its file data
  std::optional<std::uint64_t> size_bytes;  // quota; none = unlimited

  friend bool operator==(const Subvolume&, const Subvolume&) = default;
};

// One monitor's address vector (Ceph's entity_addrvec_t) in the typed forms a client accepts;
// either may be empty. (A published MON address, validated, is cephfs::MonitorAddress.)
struct MonitorAddrvec {
  std::string v2;  // "v2:127.0.0.1:3300"
  std::string v1;  // "v1:127.0.0.1:6789"

  friend bool operator==(const MonitorAddrvec&, const MonitorAddrvec&) = default;
};

// "[v2:a:3300,v1:a:6789] [v2:b:3300,v1:b:6789]": a mon_host value. Typed addresses make a bad or
// revoked key fail at once with EACCES; untyped ones on non-standard ports make it time out.
std::string to_mon_host(const std::vector<MonitorAddrvec>& monitors);

// A cephx client and its secret key (base64). Keep the key out of logs, argv and statuses.
struct ClientKey {
  std::string entity;  // "client.<id>"
  std::string key;
};

class CephAdmin {
 public:
  virtual ~CephAdmin() = default;

  // The cluster fsid (librados rados_cluster_fsid).
  virtual ops::Result<std::string> fsid() = 0;

  // Every monitor, from the mon map (mon command "mon dump").
  virtual ops::Result<std::vector<MonitorAddrvec>> monitor_addresses() = 0;

  // Names of the CephFS file systems (mgr command "fs volume ls").
  virtual ops::Result<std::vector<std::string>> list_volumes() = 0;

  // Creates a namespace-isolated subvolume, and its group first when one is named (mgr commands
  // "fs subvolumegroup create", "fs subvolume create ... --namespace-isolated [--size]",
  // "fs subvolume info"). Existing: returned as it is (Ceph applies a new size).
  virtual ops::Result<Subvolume> create_subvolume(const SubvolumeRequest& request) = 0;

  // mgr command "fs subvolume info". A missing subvolume is kInvalidArgument.
  virtual ops::Result<Subvolume> subvolume_info(const SubvolumeId& id) = 0;

  // mgr command "fs subvolume getpath": the path to mount.
  virtual ops::Result<std::string> subvolume_path(const SubvolumeId& id) = 0;

  // Removes a subvolume and its data (mgr command "fs subvolume rm"); absent is success.
  virtual ops::Status remove_subvolume(const SubvolumeId& id) = 0;

  // Creates client.<client_id> with subvolume_caps() for the subvolume, or returns the existing
  // key when it already has exactly those caps (subvolume info, then mon command
  // "auth get-or-create"). Existing with other caps: kInvalidArgument.
  virtual ops::Result<ClientKey> authorize_client(const SubvolumeId& subvolume,
                                                  const std::string& client_id, Access access) = 0;

  // The key of client.<client_id> (mon command "auth get"); missing: kInvalidArgument.
  virtual ops::Result<ClientKey> client_key(const std::string& client_id) = 0;

  // Deletes client.<client_id> and its key (mon command "auth rm"); absent is success. New
  // sessions then fail, but sessions opened before keep working: see evict_client().
  virtual ops::Status remove_client(const std::string& client_id) = 0;

  // Ends every session of client.<client_id> on every active MDS of every file system (mon
  // command "fs dump" for the active MDS daemons, then libcephfs ceph_mds_command
  // "client evict auth_name=<id>" to each). The evicted mounts fail with ESHUTDOWN and are
  // blocklisted. It does not revoke: the key still opens new sessions, see revoke_client().
  // Returns how many MDS daemons were asked.
  virtual ops::Result<int> evict_client(const std::string& client_id) = 0;

  // remove_client() then evict_client(): access ends for new and existing mounts. Both steps run
  // even when the first fails; the first error is returned.
  ops::Status revoke_client(const std::string& client_id);

  // ---- ownership marks ----
  // A mark is a small RADOS object that says who created a subvolume or a cephx client, so that
  // a provider never reuses, revokes or deletes what another deployment (or a person) made.
  // Ceph 16.2 has no subvolume metadata and cephx entities carry none, so the marks live beside
  // the file system: in namespace kOwnerMarkNamespace of the file system's metadata pool (from
  // mon command "fs ls"). Reading and creating one is a single RADOS op (no MDS session), and an
  // exclusive create makes the claim atomic: of two deployments racing for one name, exactly one
  // gets `true`. `object` is a mark name from the caller ([A-Za-z0-9_.:-], 1-200 characters);
  // `content` is opaque to this layer (never a key).

  // The mark's content, or nullopt when there is none (librados rados_read).
  virtual ops::Result<std::optional<std::string>> owner_mark(const std::string& fs_name,
                                                             const std::string& object) = 0;
  // Creates the mark with `content` unless it exists (rados_write_op_create exclusive +
  // write_full). True: created by this call; false: it existed and was left unchanged.
  virtual ops::Result<bool> claim_owner_mark(const std::string& fs_name, const std::string& object,
                                             const std::string& content) = 0;
  // Removes the mark (rados_remove); absent is success.
  virtual ops::Status remove_owner_mark(const std::string& fs_name, const std::string& object) = 0;
};

// How to reach the cluster as an admin. Give either mon_host or conf_file (or both: mon_host
// wins), and either key or keyring_file, or neither with a conf_file that names a keyring.
struct ConnectOptions {
  std::string mon_host{};   // e.g. "[v2:127.0.0.1:3300,v1:127.0.0.1:6789]"
  std::string conf_file{};  // a ceph.conf; "" reads none (not even /etc/ceph/ceph.conf)
  std::string entity = "client.admin";
  std::string key{};           // base64 cephx key, held in memory only
  std::string keyring_file{};  // a keyring file (keep it 0600)
  // Bounds connecting (client_mount_timeout) and every command (rados_mon_op_timeout,
  // rados_osd_op_timeout); must be >= 1 s.
  std::chrono::seconds timeout{10};
  // Which shared libraries to load; tests point these at missing files.
  std::string librados_path = "librados.so.2";
  std::string libcephfs_path = "libcephfs.so.2";
};

// Loads librados, connects and authenticates. The connection closes when the CephAdmin is
// destroyed. kUnavailable when librados cannot be loaded or no monitor answers in time,
// kPermissionDenied when the key is refused, kInvalidArgument for unusable options.
ops::Result<std::unique_ptr<CephAdmin>> connect_ceph_admin(const ConnectOptions& options);

}  // namespace cephfs
