#include "rados_cluster.h"

#include <fmt/format.h>

#include <cerrno>

#include "ceph_error.h"

namespace cephfs::detail {
namespace {

// Owns the two buffers a command returns and frees them with the library's own free function.
template <class Free>
class CommandBuffers {
 public:
  explicit CommandBuffers(Free free) : free_(free) {}
  ~CommandBuffers() {
    if (out != nullptr) free_(out);
    if (status != nullptr) free_(status);
  }
  CommandBuffers(const CommandBuffers&) = delete;
  CommandBuffers& operator=(const CommandBuffers&) = delete;

  CommandReply reply() const {
    return {out != nullptr ? std::string(out, out_len) : std::string(),
            status != nullptr ? std::string(status, status_len) : std::string()};
  }

  char* out = nullptr;
  std::size_t out_len = 0;
  char* status = nullptr;
  std::size_t status_len = 0;

 private:
  Free free_;
};

}  // namespace

ops::Result<std::unique_ptr<RadosCluster>> RadosCluster::create(const LibradosApi& api,
                                                                const std::string& entity) {
  rados_handle handle = nullptr;
  int rc = api.rados_create2(&handle, "ceph", entity.c_str(), 0);
  if (rc < 0) return ceph_error(rc, fmt::format("rados_create2 for entity '{}'", entity));
  return std::unique_ptr<RadosCluster>(new RadosCluster(api, handle));
}

RadosCluster::~RadosCluster() { api_.rados_shutdown(handle_); }

ops::Status RadosCluster::conf_set(const std::string& option, const std::string& value) {
  int rc = api_.rados_conf_set(handle_, option.c_str(), value.c_str());
  if (rc < 0) return ceph_error(rc, fmt::format("rados_conf_set of option '{}'", option));
  return {};
}

ops::Status RadosCluster::conf_read_file(const std::string& path) {
  int rc = api_.rados_conf_read_file(handle_, path.c_str());
  if (rc < 0) return ceph_error(rc, fmt::format("reading the Ceph config file '{}'", path));
  return {};
}

ops::Status RadosCluster::connect() {
  int rc = api_.rados_connect(handle_);
  if (rc < 0) return ceph_error(rc, "connecting to the Ceph monitors (rados_connect)");
  return {};
}

ops::Result<std::string> RadosCluster::fsid() {
  char buf[64] = {};
  int rc = api_.rados_cluster_fsid(handle_, buf, sizeof(buf));
  if (rc < 0) return ceph_error(rc, "rados_cluster_fsid");
  return std::string(buf, static_cast<std::size_t>(rc));
}

ops::Result<CommandReply> RadosCluster::mon_command(const std::string& json,
                                                    const std::string& what) {
  const char* cmd[] = {json.c_str()};
  CommandBuffers buffers(api_.rados_buffer_free);
  int rc = api_.rados_mon_command(handle_, cmd, 1, "", 0, &buffers.out, &buffers.out_len,
                                  &buffers.status, &buffers.status_len);
  if (rc < 0) return ceph_error(rc, "mon command " + what);
  return buffers.reply();
}

ops::Result<CommandReply> RadosCluster::mgr_command(const std::string& json,
                                                    const std::string& what) {
  const char* cmd[] = {json.c_str()};
  CommandBuffers buffers(api_.rados_buffer_free);
  int rc = api_.rados_mgr_command(handle_, cmd, 1, "", 0, &buffers.out, &buffers.out_len,
                                  &buffers.status, &buffers.status_len);
  if (rc < 0) return ceph_error(rc, "mgr command " + what);
  return buffers.reply();
}

ops::Result<std::unique_ptr<RadosIoContext>> RadosIoContext::create(RadosCluster& cluster,
                                                                    const std::string& pool,
                                                                    const std::string& nspace) {
  rados_ioctx io = nullptr;
  int rc = cluster.api().rados_ioctx_create(cluster.handle(), pool.c_str(), &io);
  if (rc < 0) return ceph_error(rc, fmt::format("opening pool '{}' (rados_ioctx_create)", pool));
  cluster.api().rados_ioctx_set_namespace(io, nspace.c_str());
  return std::unique_ptr<RadosIoContext>(new RadosIoContext(cluster.api(), io));
}

RadosIoContext::~RadosIoContext() { api_.rados_ioctx_destroy(io_); }

ops::Result<std::optional<std::string>> RadosIoContext::read(const std::string& oid,
                                                             std::size_t max_bytes) {
  std::string buffer(max_bytes, '\0');
  int rc = api_.rados_read(io_, oid.c_str(), buffer.data(), buffer.size(), 0);
  if (rc == -ENOENT) return std::optional<std::string>();
  if (rc < 0) return ceph_error(rc, fmt::format("reading object '{}' (rados_read)", oid));
  buffer.resize(static_cast<std::size_t>(rc));
  return std::optional<std::string>(std::move(buffer));
}

ops::Result<bool> RadosIoContext::create_exclusive(const std::string& oid,
                                                   const std::string& content) {
  rados_write_op op = api_.rados_create_write_op();
  if (op == nullptr) return ceph_error(-ENOMEM, "rados_create_write_op");
  api_.rados_write_op_create(op, /*exclusive=*/1, nullptr);
  api_.rados_write_op_write_full(op, content.data(), content.size());
  int rc = api_.rados_write_op_operate(op, io_, oid.c_str(), nullptr, 0);
  api_.rados_release_write_op(op);
  if (rc == -EEXIST) return false;
  if (rc < 0)
    return ceph_error(rc, fmt::format("creating object '{}' (rados_write_op_operate)", oid));
  return true;
}

ops::Status RadosIoContext::remove(const std::string& oid) {
  int rc = api_.rados_remove(io_, oid.c_str());
  if (rc < 0 && rc != -ENOENT) {
    return ceph_error(rc, fmt::format("removing object '{}' (rados_remove)", oid));
  }
  return {};
}

ops::Result<std::unique_ptr<CephfsCommandClient>> CephfsCommandClient::create(
    const LibcephfsApi& api, RadosCluster& cluster) {
  ceph_mount_info* mount = nullptr;
  int rc = api.ceph_create_from_rados(&mount, cluster.handle());
  if (rc < 0) return ceph_error(rc, "ceph_create_from_rados");
  std::unique_ptr<CephfsCommandClient> client(new CephfsCommandClient(api, mount));
  rc = api.ceph_init(mount);
  if (rc < 0) return ceph_error(rc, "ceph_init (libcephfs, for MDS commands)");
  return client;
}

CephfsCommandClient::~CephfsCommandClient() { api_.ceph_shutdown(mount_); }

ops::Result<CommandReply> CephfsCommandClient::mds_command(const std::string& mds_name,
                                                           const std::string& json,
                                                           const std::string& what) {
  const char* cmd[] = {json.c_str()};
  CommandBuffers buffers(api_.ceph_buffer_free);
  int rc = api_.ceph_mds_command(mount_, mds_name.c_str(), cmd, 1, "", 0, &buffers.out,
                                 &buffers.out_len, &buffers.status, &buffers.status_len);
  if (rc < 0) {
    return ceph_error(rc, fmt::format("MDS command {} to mds.{}", what, mds_name));
  }
  return buffers.reply();
}

}  // namespace cephfs::detail
