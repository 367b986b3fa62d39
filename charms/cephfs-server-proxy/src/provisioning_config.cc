#include "provisioning_config.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <charconv>
#include <limits>
#include <sstream>
#include <vector>

#include "cephfs/ceph_names.h"
#include "cephx_key.h"
#include "charms/storage_libs/v0/cephfs_share_validation.h"
#include "charms/storage_libs/v0/cephfs_share_wire.h"
#include "proxy_config.h"

namespace cephfs_server_proxy {
namespace {

constexpr const char* kProxyOptions[] = {"fsid", "sharepoint", "auth-info", "auth-secret"};

}  // namespace

bool is_provisioning_mode(const nlohmann::json& config) {
  return !string_option(config, "admin-secret").empty() ||
         !string_option(config, "admin-keyring").empty();
}

ops::Result<std::uint64_t> parse_size(std::string_view text) {
  auto invalid = [](std::string what) {
    return ops::Error{ops::ErrorCode::kInvalidArgument, std::move(what)};
  };
  if (text.empty()) return invalid("empty size");
  std::uint64_t number = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (ec == std::errc::result_out_of_range) return invalid("the size is too large");
  if (ec != std::errc() || end == text.data()) {
    return invalid("expected a number of bytes, or a number with K, M, G or T (e.g. 10G)");
  }
  std::string_view suffix(end, text.data() + text.size() - end);
  int shift = 0;
  if (suffix == "K" || suffix == "k") {
    shift = 10;
  } else if (suffix == "M" || suffix == "m") {
    shift = 20;
  } else if (suffix == "G" || suffix == "g") {
    shift = 30;
  } else if (suffix == "T" || suffix == "t") {
    shift = 40;
  } else if (!suffix.empty()) {
    return invalid("expected a number of bytes, or a number with K, M, G or T (e.g. 10G)");
  }
  if (number == 0) return invalid("the size must be greater than 0 (leave it empty for no quota)");
  if (number > (std::numeric_limits<std::uint64_t>::max() >> shift)) {
    return invalid("the size is too large");
  }
  return number << shift;
}

ops::Result<ProvisioningConfig> parse_provisioning_config(const nlohmann::json& config) {
  ProvisioningConfig out;
  std::vector<std::string> problems;

  out.admin_secret_id = string_option(config, "admin-secret");
  out.admin_keyring = string_option(config, "admin-keyring");

  std::vector<std::string> conflicting;
  for (const char* name : kProxyOptions) {
    if (!string_option(config, name).empty()) conflicting.emplace_back(name);
  }
  if (!conflicting.empty()) {
    problems.push_back(fmt::format(
        "{} set together with {}: provisioning mode (admin-secret or admin-keyring) and proxy "
        "mode (fsid, sharepoint, auth-info, auth-secret) exclude each other; unset one side",
        out.admin_secret_id.empty() ? "admin-keyring" : "admin-secret",
        fmt::join(conflicting, ", ")));
  }
  if (!out.admin_secret_id.empty() && !out.admin_keyring.empty()) {
    problems.emplace_back("admin-secret and admin-keyring are both set; set only one");
  }
  if (!out.admin_secret_id.empty() &&
      !charms::storage_libs::v0::is_secret_uri(out.admin_secret_id)) {
    problems.push_back("admin-secret " + shown(out.admin_secret_id) +
                       " invalid: expected a secret id such as secret:cr8vcqgpc9t8oet2fdlg (from "
                       "`juju add-secret`)");
  }
  if (!out.admin_keyring.empty() && !out.admin_keyring.starts_with('/')) {
    problems.push_back("admin-keyring " + shown(out.admin_keyring) +
                       " invalid: expected the absolute path of a keyring file on the machine");
  }

  {
    std::istringstream words(string_option(config, "monitor-hosts"));
    std::vector<std::string> hosts;
    for (std::string host; words >> host;) {
      if (auto valid = charms::storage_libs::v0::validate_monitor_host(host); !valid) {
        problems.push_back("monitor-hosts invalid: " + shown(host) +
                           " is not <host>:<port> (port 1-65535) or a [v2:...,v1:...] address");
        break;
      }
      hosts.push_back(host);
    }
    if (hosts.empty()) {
      problems.emplace_back(
          "monitor-hosts invalid: provisioning mode needs the address of at least one monitor");
    }
    out.monitor_hosts = fmt::to_string(fmt::join(hosts, " "));
  }

  out.filesystem = string_option(config, "filesystem");
  if (!out.filesystem.empty()) {
    if (auto valid = cephfs::validate_subvolume_name(out.filesystem); !valid) {
      problems.push_back("filesystem " + shown(out.filesystem) +
                         " invalid: expected a CephFS file system name (`ceph fs ls`), 1-64 of "
                         "A-Z a-z 0-9 _ . -");
    }
  }

  auto group = config.find("subvolume-group");
  out.subvolume_group =
      (group != config.end() && group->is_string()) ? group->get<std::string>() : "cephfs-share";
  if (auto valid = cephfs::validate_group_name(out.subvolume_group); !valid) {
    problems.push_back("subvolume-group " + shown(out.subvolume_group) +
                       " invalid: 1-64 of A-Z a-z 0-9 _ . -, not starting with . - or _ (empty "
                       "for Ceph's default group)");
  }

  if (std::string size = string_option(config, "subvolume-size"); !size.empty()) {
    auto bytes = parse_size(size);
    if (!bytes) {
      problems.push_back("subvolume-size " + shown(size) + " invalid: " + bytes.error().message);
    } else {
      out.subvolume_size = *bytes;
    }
  }

  if (auto it = config.find("delete-data-on-revoke"); it != config.end() && !it->is_null()) {
    if (!it->is_boolean()) {
      problems.emplace_back("delete-data-on-revoke invalid: expected true or false");
    } else {
      out.delete_data_on_revoke = it->get<bool>();
    }
  }

  if (auto it = config.find("ceph-timeout"); it != config.end() && !it->is_null()) {
    if (!it->is_number_integer() || it->get<long long>() < 1 || it->get<long long>() > 300) {
      problems.push_back("ceph-timeout " + shown(it->dump()) +
                         " invalid: expected whole seconds from 1 to 300");
    } else {
      out.ceph_timeout = std::chrono::seconds(it->get<long long>());
    }
  }

  if (!problems.empty()) {
    return ops::Error{ops::ErrorCode::kInvalidArgument, fmt::to_string(fmt::join(problems, "; "))};
  }
  return out;
}

ops::Result<AdminCredentials> admin_credentials_from_secret(const ops::SecretContent& content) {
  auto invalid = [](const std::string& what) {
    return ops::Error{ops::ErrorCode::kInvalidArgument, "admin-secret invalid: " + what};
  };
  for (const auto& [name, value] : content) {
    if (name != "key" && name != "entity") {
      return invalid("unexpected key " + shown(name) +
                     "; the secret holds `key` and optionally `entity` (juju add-secret "
                     "ceph-admin key=<cephx key> [entity=client.<id>])");
    }
  }
  AdminCredentials out;
  auto key = content.find("key");
  if (key == content.end()) {
    return invalid("the secret has no `key` (juju add-secret ceph-admin key=<cephx key>)");
  }
  const std::string_view key_text = cephx::without_line_end(key->second);
  if (auto valid = cephx::validate_cephx_key(key_text); !valid) {
    return invalid("key: " + valid.error().message);
  }
  out.key = std::string(key_text);
  if (auto entity = content.find("entity"); entity != content.end()) {
    std::string_view id = entity->second;
    if (!id.starts_with("client.") || !cephfs::validate_client_id(id.substr(7))) {
      return invalid("entity " + shown(entity->second) + " is not client.<id> (e.g. client.admin)");
    }
    out.entity = entity->second;
  }
  return out;
}

}  // namespace cephfs_server_proxy
