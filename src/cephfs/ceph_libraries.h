// The parts of Ceph's C APIs this project calls, loaded at run time with dlopen()/dlsym().
//
// Why dlopen: a charm binary that links librados directly cannot even start on a machine without
// Ceph's packages; loaded on demand, only the provider's provisioning path needs them and their
// absence is an ordinary kUnavailable error.
//
// The prototypes are declared here (the C ABI of librados.so.2 / libcephfs.so.2 is stable since
// Luminous); when Ceph's headers are present, ceph_libraries.cc checks them against the real ones
// at compile time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <ctime>
#include <string>

#include "ops/result.h"

namespace cephfs::detail {

using rados_handle = void*;    // rados_t
using rados_ioctx = void*;     // rados_ioctx_t
using rados_write_op = void*;  // rados_write_op_t
struct ceph_mount_info;        // libcephfs' opaque handle

// Function table of librados.so.2.
struct LibradosApi {
  int (*rados_create2)(rados_handle* cluster, const char* cluster_name, const char* name,
                       std::uint64_t flags);
  int (*rados_conf_set)(rados_handle cluster, const char* option, const char* value);
  int (*rados_conf_read_file)(rados_handle cluster, const char* path);
  int (*rados_connect)(rados_handle cluster);
  void (*rados_shutdown)(rados_handle cluster);
  int (*rados_cluster_fsid)(rados_handle cluster, char* buf, std::size_t len);
  int (*rados_mon_command)(rados_handle cluster, const char** cmd, std::size_t cmdlen,
                           const char* inbuf, std::size_t inbuflen, char** outbuf,
                           std::size_t* outbuflen, char** outs, std::size_t* outslen);
  int (*rados_mgr_command)(rados_handle cluster, const char** cmd, std::size_t cmdlen,
                           const char* inbuf, std::size_t inbuflen, char** outbuf,
                           std::size_t* outbuflen, char** outs, std::size_t* outslen);
  void (*rados_buffer_free)(char* buf);
  // I/O on objects (ownership marks).
  int (*rados_ioctx_create)(rados_handle cluster, const char* pool_name, rados_ioctx* ioctx);
  void (*rados_ioctx_destroy)(rados_ioctx io);
  void (*rados_ioctx_set_namespace)(rados_ioctx io, const char* nspace);
  int (*rados_read)(rados_ioctx io, const char* oid, char* buf, std::size_t len, std::uint64_t off);
  int (*rados_remove)(rados_ioctx io, const char* oid);
  rados_write_op (*rados_create_write_op)();
  void (*rados_release_write_op)(rados_write_op write_op);
  void (*rados_write_op_create)(rados_write_op write_op, int exclusive, const char* category);
  void (*rados_write_op_write_full)(rados_write_op write_op, const char* buffer, std::size_t len);
  int (*rados_write_op_operate)(rados_write_op write_op, rados_ioctx io, const char* oid,
                                std::time_t* mtime, int flags);
};

// Function table of libcephfs.so.2 (only what sending MDS commands needs).
struct LibcephfsApi {
  int (*ceph_create_from_rados)(ceph_mount_info** cmount, rados_handle cluster);
  int (*ceph_init)(ceph_mount_info* cmount);
  int (*ceph_mds_command)(ceph_mount_info* cmount, const char* mds_spec, const char** cmd,
                          std::size_t cmdlen, const char* inbuf, std::size_t inbuflen,
                          char** outbuf, std::size_t* outbuflen, char** outs, std::size_t* outslen);
  void (*ceph_buffer_free)(char* buf);
  void (*ceph_shutdown)(ceph_mount_info* cmount);
};

// Loads the library at `path` (a soname or a file) once per process and resolves every function
// of the table; the returned table lives until the process exits. Libraries are never unloaded:
// librados and libcephfs register exit-time handlers and thread-local destructors that must not
// outlive their code. Thread-safe. kUnavailable, naming the library and dlerror(), when the file
// is missing or lacks a symbol.
ops::Result<const LibradosApi*> load_librados(const std::string& path);
ops::Result<const LibcephfsApi*> load_libcephfs(const std::string& path);

}  // namespace cephfs::detail
