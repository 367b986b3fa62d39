#include "charms/storage_libs/v0/cephfs_share_validation.h"

#include <string>
#include <vector>

#include "cephfs/share_fields.h"
#include "charms/storage_libs/v0/cephfs_share_wire.h"
#include "error_text.h"

namespace charms::storage_libs::v0 {
namespace {

bool is_base64_char(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '+' ||
         c == '/';
}

template <class Field>
void check_field(const std::string& text, std::string_view label,
                 std::vector<std::string>& problems) {
  if (auto parsed = Field::parse(text, label); !parsed) {
    problems.push_back(std::move(parsed.error().message));
  }
}

ops::Status collected(std::string_view wire_code, const std::vector<std::string>& problems) {
  if (problems.empty()) return {};
  std::string joined;
  for (const auto& problem : problems) {
    if (!joined.empty()) joined += "; ";
    joined += problem;
  }
  return detail::make_wire_error(ops::ErrorCode::kInvalidArgument, wire_code, joined);
}

}  // namespace

ops::Status validate_monitor_host(std::string_view host) {
  if (auto parsed = cephfs::MonitorAddress::parse(host); !parsed) {
    return collected(kInvalidShareInfo, {parsed.error().message});
  }
  return {};
}

ops::Status validate_share_info(const CephFSShareInfo& share_info) {
  std::vector<std::string> problems;
  const auto& [fsid, name, path, monitor_hosts] = share_info;
  check_field<cephfs::Fsid>(fsid, "fsid", problems);
  check_field<cephfs::CephFsName>(name, "name", problems);
  check_field<cephfs::SharePath>(path, "path", problems);
  if (monitor_hosts.empty()) {
    problems.emplace_back(
        "monitor_hosts is empty; give at least one MON address, e.g. "
        "10.0.0.1:6789");
  }
  for (std::size_t i = 0; i < monitor_hosts.size(); ++i) {
    check_field<cephfs::MonitorAddress>(monitor_hosts[i],
                                        "monitor_hosts[" + std::to_string(i) + "]", problems);
  }
  return collected(kInvalidShareInfo, problems);
}

ops::Status validate_auth_info(const CephFSAuthInfo& auth_info) {
  std::vector<std::string> problems;
  check_field<cephfs::CephxUser>(auth_info.username, "username", problems);
  // Only the key's length may be reported, never its text.
  std::string_view key = auth_info.key;
  const std::size_t length = key.size();
  while (!key.empty() && key.back() == '=') key.remove_suffix(1);
  const std::size_t padding = length - key.size();
  bool base64 = length != 0 && length % 4 == 0 && padding <= 2 && !key.empty();
  for (char c : key) base64 = base64 && is_base64_char(c);
  if (!base64) {
    problems.push_back("key (" + std::to_string(length) +
                       " characters) is not base64; give the cephx key as printed by "
                       "`ceph auth get-key`");
  }
  return collected(kInvalidAuthInfo, problems);
}

}  // namespace charms::storage_libs::v0
