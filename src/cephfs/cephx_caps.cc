#include "cephfs/cephx_caps.h"

#include <fmt/format.h>

#include <string_view>

namespace cephfs {
namespace {

// Characters that cannot end a cap clause or start a new one (no space, '=', ',', ';', quotes).
bool is_cap_char(char c, bool allow_slash) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '-' || (allow_slash && c == '/');
}

ops::Status check(std::string_view what, const std::string& value, bool is_path) {
  bool ok = !value.empty() && (!is_path || value.front() == '/');
  for (char c : value) ok = ok && is_cap_char(c, is_path);
  if (ok) return {};
  return ops::Error{
      ops::ErrorCode::kInvalidArgument,
      fmt::format("cannot build cephx caps: {} '{}' is empty or has characters "
                  "outside A-Z a-z 0-9 _ . -{}",
                  what, value.substr(0, 200), is_path ? " / (and must start with /)" : "")};
}

}  // namespace

ops::Result<CephxCaps> subvolume_caps(const std::string& fs_name, const std::string& path,
                                      const std::string& data_pool,
                                      const std::string& pool_namespace, Access access) {
  for (const auto& status :
       {check("file system name", fs_name, false), check("path", path, true),
        check("data pool", data_pool, false), check("pool namespace", pool_namespace, false)}) {
    if (!status) return status.error();
  }
  std::string_view perm = access == Access::kReadWrite ? "rw" : "r";
  return CephxCaps{
      .mon = fmt::format("allow r fsname={}", fs_name),
      .mds = fmt::format("allow {} fsname={} path={}", perm, fs_name, path),
      .osd = fmt::format("allow {} pool={} namespace={}", perm, data_pool, pool_namespace),
  };
}

}  // namespace cephfs
