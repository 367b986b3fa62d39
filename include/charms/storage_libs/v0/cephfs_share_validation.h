// Checks on what a cephfs_share provider publishes (and what a requirer is about to paste into a
// mount map). LIBPATCH 2 checks nothing; these checks never change the bytes on the wire, they
// only refuse values that cannot describe a mountable share or could inject mount options.
//
// Contract (all functions pure and thread-safe; errors are kInvalidArgument with a wire code, see
// cephfs_share_wire.h, and list every problem found, separated by "; "). The grammar of every
// field is that of its validated type in cephfs/share_fields.h (one grammar, used here, by the
// mount plan and by the file writers):
//  - fsid: cephfs::Fsid; name: cephfs::CephFsName; path: cephfs::SharePath;
//  - monitor_hosts: at least one; each a cephfs::MonitorAddress;
//  - auth: username a cephfs::CephxUser; key non-empty base64 ([A-Za-z0-9+/], '=' padding only
//    at the end, length a multiple of 4). The key's text never appears in a message.
//  Code invalid-share-info for share info, invalid-auth-info for credentials.
//
// Example:
//   if (auto status = validate_share_info(share); !status) {
//     set_blocked(std::string(wire_error_detail(status.error())));
//   }
#pragma once

#include <string_view>

#include "charms/storage_libs/v0/cephfs_share_types.h"
#include "ops/result.h"

namespace charms::storage_libs::v0 {

ops::Status validate_share_info(const CephFSShareInfo& share_info);
ops::Status validate_auth_info(const CephFSAuthInfo& auth_info);

// One MON address (cephfs::MonitorAddress): <host>:<port> (host IPv4, [IPv6] or a DNS name), a
// typed address v1:|v2:|any:<ip>:<port>[/<nonce>], or an address vector of typed addresses, e.g.
// [v2:10.0.0.1:3300/0,v1:10.0.0.1:6789/0].
ops::Status validate_monitor_host(std::string_view host);

}  // namespace charms::storage_libs::v0
