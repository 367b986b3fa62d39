#include "ceph_error.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace cephfs::detail {

ops::Error ceph_error(int rc, std::string_view action) {
  int err = rc < 0 ? -rc : rc;
  ops::ErrorCode code = ops::ErrorCode::kIoError;
  std::string advice;
  switch (err) {
    case EACCES:
    case EPERM:
      code = ops::ErrorCode::kPermissionDenied;
      advice = "; check the admin key and that it has mon, mgr, mds and osd 'allow *' caps";
      break;
    case ETIMEDOUT:
      code = ops::ErrorCode::kTimeout;
      advice = "; is the cluster up and reachable?";
      break;
    case ENOTCONN:
    case ESHUTDOWN:
    case ECONNREFUSED:
    case ECONNRESET:
    case EHOSTUNREACH:
    case ENETUNREACH:
      code = ops::ErrorCode::kUnavailable;
      advice = "; is the cluster up and reachable?";
      break;
    case ENOENT:
    case EINVAL:
    case EEXIST:
    case ENOTEMPTY:
      code = ops::ErrorCode::kInvalidArgument;
      break;
    default:
      break;
  }
  return ops::Error{code,
                    fmt::format("{} failed: {} ({}){}", action, std::strerror(err), -err, advice)};
}

}  // namespace cephfs::detail
