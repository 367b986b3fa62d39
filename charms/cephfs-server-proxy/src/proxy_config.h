// ProxyConfig: the cephfs-server-proxy charm's configuration, parsed and validated in one place
// before anything is published (charmcraft.yaml holds the option descriptions; docs/charms.md the
// rules).
//
// Options (all strings; unset or "" means absent, as in the Python charm):
//   fsid           cluster fsid                         -> share_info.fsid
//   sharepoint     <file system name>:<absolute path>   -> share_info.name, share_info.path
//                  (split at the first ':', so the path may itself contain ':')
//   monitor-hosts  MON addresses separated by whitespace -> share_info.monitor_hosts
//   auth-info      <cephx user>:<cephx key>             -> credentials (Python-compatible)
//   auth-secret    id of a Juju user secret with keys `username` and `key`
// Precedence: when auth-secret is set it is used and auth-info is ignored (a warning says so);
// credentials are missing only when neither is set.
//
// Errors are for an operator: a missing-options error reads exactly like the Python charm's
// status ("Missing config key fsid", "Missing config keys fsid, sharepoint, monitor-hosts,
// auth-info"), an invalid-options error names each bad option and what is wrong with it
// ("sharepoint 'cephfs' invalid: expected <file system name>:<absolute path>, e.g. cephfs:/").
// No message ever contains the cephx key or any part of it.
//
// Example:
//   auto parsed = parse_proxy_config(charm.config().all());
//   if (!parsed) unit.set_status(ops::BlockedStatus(parsed.error().message));
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "charms/storage_libs/v0/cephfs_share_types.h"
#include "ops/backend.h"
#include "ops/result.h"

namespace cephfs_server_proxy {

struct ProxyConfig {
  charms::storage_libs::v0::CephFSShareInfo share_info;
  // From auth-info; empty when the credentials come from auth_secret_id.
  std::optional<charms::storage_libs::v0::CephFSAuthInfo> auth_info;
  // From auth-secret; takes precedence over auth-info.
  std::optional<std::string> auth_secret_id;
  // Both auth-info and auth-secret were set (auth-info ignored).
  bool auth_info_ignored = false;
};

// Parses the options (the object config-get returns). Errors: kInvalidArgument, message as in the
// file comment; missing options are reported before invalid ones.
ops::Result<ProxyConfig> parse_proxy_config(const nlohmann::json& config);

// Validates credentials read from the auth-secret secret (content `username`, `key`), with
// messages that start with "auth-secret".
ops::Result<charms::storage_libs::v0::CephFSAuthInfo> auth_info_from_secret(
    const ops::SecretContent& content);

// Checks shared by auth-info and auth-secret: user name charset (and no "client." prefix), key
// shape (cephx_key.h). Returns the problem ("user name ...", "key: ...") or "".
std::string credentials_problem(const charms::storage_libs::v0::CephFSAuthInfo& auth);

// Helpers shared by the option parsers of both modes (provisioning_config.h too):
// the string value of option `name` ("" when unset or not a string), and a value as it may be
// shown in a status: printable ASCII only, at most 64 characters, quoted.
std::string string_option(const nlohmann::json& config, const char* name);
std::string shown(std::string_view value);

}  // namespace cephfs_server_proxy
