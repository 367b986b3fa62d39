// The value types of the cephfs_share interface (LIBPATCH 2) and the library's identity, without
// the charm runtime: the wire layer (cephfs_share_wire.h), the checks (cephfs_share_validation.h)
// and the fuzz targets use them on their own. Charms include cephfs_interfaces.h, which includes
// this header.
//
// Example:
//   CephFSShareInfo share{"354ca7c4-f10d-11ee-93f8-1f85f87b7845", "cephfs", "/",
//                         {"10.5.0.80:6789", "10.5.2.23:6789"}};
//   CephFSAuthInfo auth{"ceph-client", cephx_key};
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace charms::storage_libs::v0 {

// Same identity as the Python library, so `charmcraft fetch-lib` tooling and humans can tell which
// protocol revision this implements.
inline constexpr std::string_view LIBID = "874169fd0b874bbeb616941ada231d99";
inline constexpr int LIBAPI = 0;
inline constexpr int LIBPATCH = 2;

// Where a CephFS share is: the Ceph cluster (fsid, monitors), the file system name and the
// exported directory inside it. Plain data; no invariants are enforced on construction (use
// validate_share_info before publishing or mounting).
struct CephFSShareInfo {
  std::string fsid;                        // Ceph cluster id
  std::string name;                        // CephFS file system name
  std::string path;                        // exported directory inside the file system
  std::vector<std::string> monitor_hosts;  // MON addresses, e.g. "10.0.0.1:6789"

  friend bool operator==(const CephFSShareInfo&, const CephFSShareInfo&) = default;
};

// Credentials for a share: the cephx user name (without the "client." prefix) and its key. The
// key is secret: never log it or put it in an error message.
struct CephFSAuthInfo {
  std::string username;
  std::string key;

  friend bool operator==(const CephFSAuthInfo&, const CephFSAuthInfo&) = default;
};

}  // namespace charms::storage_libs::v0
