// RAII wrappers over the two Ceph C handles the admin interface uses. Each method names the C
// call it wraps. Not thread-safe (one owner at a time); the handles are closed by the destructors.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "ceph_libraries.h"
#include "ops/result.h"

namespace cephfs::detail {

// What a mon/mgr/MDS command returned: `data` (outbuf: JSON or plain text) and Ceph's status text
// (outs: e.g. "updated").
struct CommandReply {
  std::string data;
  std::string status;
};

// A rados_t: one connection to the cluster.
class RadosCluster {
 public:
  // rados_create2("ceph", entity). kInvalidArgument for a malformed entity name.
  static ops::Result<std::unique_ptr<RadosCluster>> create(const LibradosApi& api,
                                                           const std::string& entity);
  ~RadosCluster();  // rados_shutdown
  RadosCluster(const RadosCluster&) = delete;
  RadosCluster& operator=(const RadosCluster&) = delete;

  // rados_conf_set. `value` may be secret (the key): it is never put into an error message.
  ops::Status conf_set(const std::string& option, const std::string& value);
  // rados_conf_read_file.
  ops::Status conf_read_file(const std::string& path);
  // rados_connect: monitors, authentication, maps. Bounded by client_mount_timeout.
  ops::Status connect();
  // rados_cluster_fsid.
  ops::Result<std::string> fsid();
  // rados_mon_command / rados_mgr_command with one JSON command; `what` names it in errors.
  ops::Result<CommandReply> mon_command(const std::string& json, const std::string& what);
  ops::Result<CommandReply> mgr_command(const std::string& json, const std::string& what);

  const LibradosApi& api() const { return api_; }
  rados_handle handle() const { return handle_; }

 private:
  RadosCluster(const LibradosApi& api, rados_handle handle) : api_(api), handle_(handle) {}

  const LibradosApi& api_;
  rados_handle handle_;
};

// A rados_ioctx_t: I/O on the objects of one pool and namespace. Must not outlive the cluster.
class RadosIoContext {
 public:
  // rados_ioctx_create + rados_ioctx_set_namespace. A missing pool is kInvalidArgument.
  static ops::Result<std::unique_ptr<RadosIoContext>> create(RadosCluster& cluster,
                                                             const std::string& pool,
                                                             const std::string& nspace);
  ~RadosIoContext();  // rados_ioctx_destroy
  RadosIoContext(const RadosIoContext&) = delete;
  RadosIoContext& operator=(const RadosIoContext&) = delete;

  // rados_read of the first `max_bytes`; nullopt when the object does not exist.
  ops::Result<std::optional<std::string>> read(const std::string& oid, std::size_t max_bytes);
  // One write op: rados_write_op_create(exclusive) + rados_write_op_write_full. True: created;
  // false: the object existed (-EEXIST) and nothing was written.
  ops::Result<bool> create_exclusive(const std::string& oid, const std::string& content);
  // rados_remove; absent is success.
  ops::Status remove(const std::string& oid);

 private:
  RadosIoContext(const LibradosApi& api, rados_ioctx io) : api_(api), io_(io) {}

  const LibradosApi& api_;
  rados_ioctx io_;
};

// A ceph_mount_info made from a connected RadosCluster (ceph_create_from_rados + ceph_init), used
// only to send commands to MDS daemons; never mounted. Must not outlive the cluster.
class CephfsCommandClient {
 public:
  static ops::Result<std::unique_ptr<CephfsCommandClient>> create(const LibcephfsApi& api,
                                                                  RadosCluster& cluster);
  ~CephfsCommandClient();  // ceph_shutdown
  CephfsCommandClient(const CephfsCommandClient&) = delete;
  CephfsCommandClient& operator=(const CephfsCommandClient&) = delete;

  // ceph_mds_command to the MDS daemon named `mds_name` (its name or gid).
  ops::Result<CommandReply> mds_command(const std::string& mds_name, const std::string& json,
                                        const std::string& what);

 private:
  CephfsCommandClient(const LibcephfsApi& api, ceph_mount_info* mount) : api_(api), mount_(mount) {}

  const LibcephfsApi& api_;
  ceph_mount_info* mount_;
};

}  // namespace cephfs::detail
