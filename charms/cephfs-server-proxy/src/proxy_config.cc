#include "proxy_config.h"

#include <fmt/ranges.h>

#include <sstream>
#include <vector>

#include "cephx_key.h"
#include "charms/storage_libs/v0/cephfs_share_validation.h"
#include "charms/storage_libs/v0/cephfs_share_wire.h"

namespace cephfs_server_proxy {
namespace {

using charms::storage_libs::v0::CephFSAuthInfo;
using charms::storage_libs::v0::CephFSShareInfo;

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '-';
}

std::string user_problem(std::string_view user) {
  if (user.empty()) return "the user name is empty";
  if (user.size() > 255) return "the user name is longer than 255 characters";
  for (char c : user) {
    if (!is_name_char(c)) return "the user name may only contain A-Z a-z 0-9 _ . -";
  }
  if (user.starts_with("client.")) {
    return "give the cephx id without the 'client.' prefix (e.g. 'foo' for client.foo)";
  }
  return {};
}

}  // namespace

std::string credentials_problem(const CephFSAuthInfo& auth) {
  if (auto problem = user_problem(auth.username); !problem.empty()) return problem;
  if (auto key = cephx::validate_cephx_key(auth.key); !key) return "key: " + key.error().message;
  return {};
}

ops::Result<ProxyConfig> parse_proxy_config(const nlohmann::json& config) {
  const std::string fsid = string_option(config, "fsid");
  const std::string sharepoint = string_option(config, "sharepoint");
  const std::string monitor_hosts = string_option(config, "monitor-hosts");
  const std::string auth_info = string_option(config, "auth-info");
  const std::string auth_secret = string_option(config, "auth-secret");

  std::vector<std::string> missing;
  if (fsid.empty()) missing.emplace_back("fsid");
  if (sharepoint.empty()) missing.emplace_back("sharepoint");
  if (monitor_hosts.empty()) missing.emplace_back("monitor-hosts");
  if (auth_info.empty() && auth_secret.empty()) missing.emplace_back("auth-info");
  if (!missing.empty()) {
    return ops::Error{ops::ErrorCode::kInvalidArgument,
                      std::string("Missing config key") + (missing.size() > 1 ? "s " : " ") +
                          fmt::to_string(fmt::join(missing, ", "))};
  }

  ProxyConfig out;
  std::vector<std::string> problems;

  out.share_info.fsid = fsid;
  {
    CephFSShareInfo probe{fsid, "x", "/", {"127.0.0.1:6789"}};
    if (!charms::storage_libs::v0::validate_share_info(probe)) {
      problems.push_back("fsid " + shown(fsid) +
                         " invalid: expected the cluster fsid (`ceph fsid`), 1-64 characters of "
                         "0-9 a-z A-Z -");
    }
  }

  const auto colon = sharepoint.find(':');
  if (colon == std::string::npos) {
    problems.push_back("sharepoint " + shown(sharepoint) +
                       " invalid: expected <file system name>:<absolute path>, e.g. cephfs:/");
  } else {
    out.share_info.name = sharepoint.substr(0, colon);
    out.share_info.path = sharepoint.substr(colon + 1);
    CephFSShareInfo probe{"f", out.share_info.name, "/", {"127.0.0.1:6789"}};
    if (!charms::storage_libs::v0::validate_share_info(probe)) {
      problems.push_back("sharepoint " + shown(sharepoint) +
                         " invalid: the file system name must be 1-255 characters of 0-9 a-z "
                         "A-Z _ . -");
    } else {
      probe = {"f", "x", out.share_info.path, {"127.0.0.1:6789"}};
      if (!charms::storage_libs::v0::validate_share_info(probe)) {
        problems.push_back("sharepoint " + shown(sharepoint) +
                           " invalid: the path must be absolute (start with /), without spaces "
                           "or control characters");
      }
    }
  }

  {
    std::istringstream words(monitor_hosts);
    for (std::string host; words >> host;) {
      if (auto valid = charms::storage_libs::v0::validate_monitor_host(host); !valid) {
        problems.push_back("monitor-hosts invalid: " + shown(host) +
                           " is not <host>:<port> (port 1-65535) or a [v2:...,v1:...] address");
        break;
      }
      out.share_info.monitor_hosts.push_back(host);
    }
    if (out.share_info.monitor_hosts.empty() && problems.empty()) {
      problems.push_back("monitor-hosts invalid: no address given");
    }
  }

  if (!auth_secret.empty()) {
    if (!charms::storage_libs::v0::is_secret_uri(auth_secret)) {
      problems.push_back("auth-secret " + shown(auth_secret) +
                         " invalid: expected a secret id such as secret:cr8vcqgpc9t8oet2fdlg "
                         "(from `juju add-secret`)");
    }
    out.auth_secret_id = auth_secret;
    out.auth_info_ignored = !auth_info.empty();
  } else {
    const auto separator = auth_info.find(':');
    if (separator == std::string::npos) {
      // Never show the value: it may be a bare key.
      problems.emplace_back("auth-info invalid: expected <cephx user>:<cephx key>");
    } else {
      CephFSAuthInfo auth{auth_info.substr(0, separator), auth_info.substr(separator + 1)};
      if (auto problem = credentials_problem(auth); !problem.empty()) {
        problems.push_back("auth-info invalid: " + problem);
      } else {
        out.auth_info = std::move(auth);
      }
    }
  }

  if (!problems.empty())
    return ops::Error{ops::ErrorCode::kInvalidArgument, fmt::to_string(fmt::join(problems, "; "))};
  return out;
}

ops::Result<CephFSAuthInfo> auth_info_from_secret(const ops::SecretContent& content) {
  auto auth = charms::storage_libs::v0::auth_info_from_secret_content(content);
  if (!auth) {
    return ops::Error{ops::ErrorCode::kInvalidArgument,
                      "auth-secret invalid: the secret must hold exactly the keys username and "
                      "key (juju add-secret <name> username=<cephx user> key=<cephx key>)"};
  }
  auth->key = std::string(cephx::without_line_end(auth->key));
  if (auto problem = credentials_problem(*auth); !problem.empty()) {
    return ops::Error{ops::ErrorCode::kInvalidArgument, "auth-secret invalid: " + problem};
  }
  return std::move(*auth);
}

std::string string_option(const nlohmann::json& config, const char* name) {
  auto it = config.find(name);
  if (it == config.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

std::string shown(std::string_view value) {
  std::string out = "'";
  for (char c : value.substr(0, 64)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
  if (value.size() > 64) out += "...";
  return out + "'";
}

}  // namespace cephfs_server_proxy
