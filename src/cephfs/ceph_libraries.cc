#include "ceph_libraries.h"

#include <dlfcn.h>
#include <fmt/format.h>

#include <map>
#include <memory>
#include <mutex>
#include <type_traits>

#if __has_include(<rados/librados.h>)
#include <rados/librados.h>
#define STORAGE_LIBS_HAVE_LIBRADOS_H 1
#endif
#if __has_include(<cephfs/libcephfs.h>)
#include <cephfs/libcephfs.h>
#define STORAGE_LIBS_HAVE_LIBCEPHFS_H 1
#endif

namespace cephfs::detail {
namespace {

#ifdef STORAGE_LIBS_HAVE_LIBRADOS_H
static_assert(std::is_same_v<rados_t, rados_handle>);
static_assert(std::is_same_v<decltype(&::rados_create2), decltype(LibradosApi::rados_create2)>);
static_assert(std::is_same_v<decltype(&::rados_conf_set), decltype(LibradosApi::rados_conf_set)>);
static_assert(
    std::is_same_v<decltype(&::rados_conf_read_file), decltype(LibradosApi::rados_conf_read_file)>);
static_assert(std::is_same_v<decltype(&::rados_connect), decltype(LibradosApi::rados_connect)>);
static_assert(std::is_same_v<decltype(&::rados_shutdown), decltype(LibradosApi::rados_shutdown)>);
static_assert(
    std::is_same_v<decltype(&::rados_cluster_fsid), decltype(LibradosApi::rados_cluster_fsid)>);
static_assert(
    std::is_same_v<decltype(&::rados_mon_command), decltype(LibradosApi::rados_mon_command)>);
static_assert(
    std::is_same_v<decltype(&::rados_mgr_command), decltype(LibradosApi::rados_mgr_command)>);
static_assert(
    std::is_same_v<decltype(&::rados_buffer_free), decltype(LibradosApi::rados_buffer_free)>);
static_assert(std::is_same_v<rados_ioctx_t, rados_ioctx>);
static_assert(std::is_same_v<rados_write_op_t, rados_write_op>);
static_assert(LIBRADOS_CREATE_EXCLUSIVE == 1);
#define STORAGE_LIBS_SAME_CALL(name) \
  static_assert(std::is_same_v<decltype(&::name), decltype(LibradosApi::name)>)
STORAGE_LIBS_SAME_CALL(rados_ioctx_create);
STORAGE_LIBS_SAME_CALL(rados_ioctx_destroy);
STORAGE_LIBS_SAME_CALL(rados_ioctx_set_namespace);
STORAGE_LIBS_SAME_CALL(rados_read);
STORAGE_LIBS_SAME_CALL(rados_remove);
STORAGE_LIBS_SAME_CALL(rados_create_write_op);
STORAGE_LIBS_SAME_CALL(rados_release_write_op);
STORAGE_LIBS_SAME_CALL(rados_write_op_create);
STORAGE_LIBS_SAME_CALL(rados_write_op_write_full);
STORAGE_LIBS_SAME_CALL(rados_write_op_operate);
#undef STORAGE_LIBS_SAME_CALL
#endif
#ifdef STORAGE_LIBS_HAVE_LIBCEPHFS_H
// libcephfs.h names the handle in the global namespace; compare the shapes of the calls.
static_assert(std::is_same_v<decltype(&::ceph_init), int (*)(::ceph_mount_info*)>);
static_assert(
    std::is_same_v<decltype(&::ceph_create_from_rados), int (*)(::ceph_mount_info**, rados_t)>);
static_assert(std::is_same_v<decltype(&::ceph_mds_command),
                             int (*)(::ceph_mount_info*, const char*, const char**, size_t,
                                     const char*, size_t, char**, size_t*, char**, size_t*)>);
static_assert(std::is_same_v<decltype(&::ceph_buffer_free), void (*)(char*)>);
static_assert(std::is_same_v<decltype(&::ceph_shutdown), void (*)(::ceph_mount_info*)>);
#endif

// Resolves `name` into `fn`; on failure records the first missing symbol.
template <class Fn>
void resolve(void* handle, const char* name, Fn& fn, std::string& missing) {
  void* symbol = dlsym(handle, name);
  if (symbol == nullptr && missing.empty()) missing = name;
  fn = reinterpret_cast<Fn>(symbol);
}

template <class Api, class Fill>
ops::Result<const Api*> load(const std::string& path, std::string_view what, Fill fill) {
  static std::mutex mutex;
  static std::map<std::string, std::unique_ptr<Api>> loaded;
  std::lock_guard lock(mutex);
  if (auto it = loaded.find(path); it != loaded.end()) return it->second.get();

  dlerror();
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = dlerror();
    return ops::Error{ops::ErrorCode::kUnavailable,
                      fmt::format("cannot load {} ({}): {}; install Ceph's client libraries "
                                  "(Debian/Ubuntu: {})",
                                  what, path, why ? why : "unknown error",
                                  what == "librados" ? "librados2" : "libcephfs2")};
  }
  auto api = std::make_unique<Api>();
  std::string missing;
  fill(handle, *api, missing);
  if (!missing.empty()) {
    dlclose(handle);  // nothing of it was used yet
    return ops::Error{ops::ErrorCode::kUnavailable,
                      fmt::format("{} ({}) has no function {}; it is too old or not Ceph's {}",
                                  what, path, missing, what)};
  }
  const Api* result = api.get();
  loaded.emplace(path, std::move(api));
  return result;
}

}  // namespace

ops::Result<const LibradosApi*> load_librados(const std::string& path) {
  return load<LibradosApi>(path, "librados", [](void* h, LibradosApi& api, std::string& missing) {
    resolve(h, "rados_create2", api.rados_create2, missing);
    resolve(h, "rados_conf_set", api.rados_conf_set, missing);
    resolve(h, "rados_conf_read_file", api.rados_conf_read_file, missing);
    resolve(h, "rados_connect", api.rados_connect, missing);
    resolve(h, "rados_shutdown", api.rados_shutdown, missing);
    resolve(h, "rados_cluster_fsid", api.rados_cluster_fsid, missing);
    resolve(h, "rados_mon_command", api.rados_mon_command, missing);
    resolve(h, "rados_mgr_command", api.rados_mgr_command, missing);
    resolve(h, "rados_buffer_free", api.rados_buffer_free, missing);
    resolve(h, "rados_ioctx_create", api.rados_ioctx_create, missing);
    resolve(h, "rados_ioctx_destroy", api.rados_ioctx_destroy, missing);
    resolve(h, "rados_ioctx_set_namespace", api.rados_ioctx_set_namespace, missing);
    resolve(h, "rados_read", api.rados_read, missing);
    resolve(h, "rados_remove", api.rados_remove, missing);
    resolve(h, "rados_create_write_op", api.rados_create_write_op, missing);
    resolve(h, "rados_release_write_op", api.rados_release_write_op, missing);
    resolve(h, "rados_write_op_create", api.rados_write_op_create, missing);
    resolve(h, "rados_write_op_write_full", api.rados_write_op_write_full, missing);
    resolve(h, "rados_write_op_operate", api.rados_write_op_operate, missing);
  });
}

ops::Result<const LibcephfsApi*> load_libcephfs(const std::string& path) {
  return load<LibcephfsApi>(
      path, "libcephfs", [](void* h, LibcephfsApi& api, std::string& missing) {
        resolve(h, "ceph_create_from_rados", api.ceph_create_from_rados, missing);
        resolve(h, "ceph_init", api.ceph_init, missing);
        resolve(h, "ceph_mds_command", api.ceph_mds_command, missing);
        resolve(h, "ceph_buffer_free", api.ceph_buffer_free, missing);
        resolve(h, "ceph_shutdown", api.ceph_shutdown, missing);
      });
}

}  // namespace cephfs::detail
