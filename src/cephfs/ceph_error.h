// Turns a negative errno from librados/libcephfs into an ops::Error a human can act on.
#pragma once

#include <string_view>

#include "ops/result.h"

namespace cephfs::detail {

// `rc` is the call's return value (a negative errno), `action` what was attempted ("mgr command
// 'fs subvolume create' for cephfs/_nogroup/a"). Ceph's own status text (outs) is never part of
// the message: it may echo a request's values or a reply's content into a status or a log; the
// errno and the action say what failed, Ceph's logs say more.
// Codes: EACCES/EPERM -> kPermissionDenied, ETIMEDOUT -> kTimeout, ENOTCONN/ESHUTDOWN/
// ECONNREFUSED/EHOSTUNREACH/ENETUNREACH/ECONNRESET -> kUnavailable, ENOENT/EINVAL/EEXIST/ENOTEMPTY
// -> kInvalidArgument, everything else -> kIoError.
ops::Error ceph_error(int rc, std::string_view action);

}  // namespace cephfs::detail
