// ProvisioningConfig: the options of the cephfs-server-proxy charm's provisioning mode, in which
// the charm creates one CephFS subvolume and one cephx client per cephfs-share relation instead of
// proxying a fixed share (docs/charms.md, "Provisioning mode").
//
// Mode: setting `admin-secret` or `admin-keyring` selects provisioning mode
// (is_provisioning_mode()); the proxy-mode options (fsid, sharepoint, auth-info, auth-secret)
// must then be unset.
//
// Options:
//   admin-secret           id of a Juju user secret: `key` (cephx key), optional `entity`
//                          (default client.admin). Read by the charm, not here.
//   admin-keyring          absolute path of a keyring file on the machine
//   monitor-hosts          required: how the charm reaches the cluster (whitespace-separated)
//   filesystem             "" = the cluster's only CephFS file system
//   subvolume-group        "cephfs-share"; "" = Ceph's default group
//   subvolume-size         "" = unlimited; bytes, or a number with K, M, G or T (powers of 1024)
//   delete-data-on-revoke  remove the subvolume when its relation is removed (default false)
//   ceph-timeout           seconds, 1-300, for connecting and for every Ceph command
//
// Errors (kInvalidArgument): every problem found, each naming the option ("subvolume-size '1X'
// invalid: ..."), joined with "; ". Never any secret content (none is parsed here).
//
// Example:
//   if (is_provisioning_mode(config)) {
//     auto parsed = parse_provisioning_config(config);
//     if (!parsed) block(parsed.error().message);
//   }
#pragma once

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "ops/backend.h"
#include "ops/result.h"

namespace cephfs_server_proxy {

struct ProvisioningConfig {
  std::string admin_secret_id;  // "" when admin-keyring is used
  std::string admin_keyring;    // "" when admin-secret is used
  std::string monitor_hosts;    // as configured, whitespace normalised to single spaces
  std::string filesystem;       // "" = the only one
  std::string subvolume_group;
  std::optional<std::uint64_t> subvolume_size;
  bool delete_data_on_revoke = false;
  std::chrono::seconds ceph_timeout{10};
};

// True when admin-secret or admin-keyring is set (non-empty).
bool is_provisioning_mode(const nlohmann::json& config);

ops::Result<ProvisioningConfig> parse_provisioning_config(const nlohmann::json& config);

// "1073741824", "100M", "10G", "1T" -> bytes. Errors: kInvalidArgument (empty, zero, not a
// number, unknown suffix, overflow), message without the option name.
ops::Result<std::uint64_t> parse_size(std::string_view text);

// The id and key of a cephx admin identity read from the admin-secret secret content
// (`key`, optional `entity`). Errors start with "admin-secret invalid: " and never contain the key.
struct AdminCredentials {
  std::string entity = "client.admin";
  std::string key;
};
ops::Result<AdminCredentials> admin_credentials_from_secret(const ops::SecretContent& content);

}  // namespace cephfs_server_proxy
