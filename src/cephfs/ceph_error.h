// Turns a negative errno from librados/libcephfs into an ops::Error a human can act on.
#pragma once

#include <string_view>

#include "ops/result.h"

namespace cephfs::detail {

// `rc` is the call's return value (a negative errno), `action` what was attempted ("mgr command
// 'fs subvolume create' for cephfs/_nogroup/a"), `ceph_status` Ceph's status text (outs), if any.
// Codes: EACCES/EPERM -> kPermissionDenied, ETIMEDOUT -> kTimeout, ENOTCONN/ESHUTDOWN/
// ECONNREFUSED/EHOSTUNREACH/ENETUNREACH/ECONNRESET -> kUnavailable, ENOENT/EINVAL/EEXIST/ENOTEMPTY
// -> kInvalidArgument, everything else -> kIoError.
ops::Error ceph_error(int rc, std::string_view action, std::string_view ceph_status);

}  // namespace cephfs::detail
