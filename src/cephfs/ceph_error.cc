#include "ceph_error.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace cephfs::detail {

ops::Error ceph_error(int rc, std::string_view action, std::string_view ceph_status) {
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
  std::string status(ceph_status);
  while (!status.empty() && (status.back() == '\n' || status.back() == ' ')) status.pop_back();
  if (status.size() > 500) status = status.substr(0, 500) + "...";
  return ops::Error{code, fmt::format("{} failed: {} ({}){}{}", action, std::strerror(err), -err,
                                      status.empty() ? "" : ": " + status, advice)};
}

}  // namespace cephfs::detail
