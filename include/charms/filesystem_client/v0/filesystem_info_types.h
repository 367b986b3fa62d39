// The typed infos of the filesystem_info interface (CephfsInfo, NfsInfo, LustreInfo) and their
// conversion to and from the endpoint URI (filesystem_info_uri.h). Field names and URI layout are
// those of the Python library (LIBPATCH 3); cases.json `decode` / `typed` pin the bytes.
//
// Validation. A requirer mounts what it is handed, as root, so every field is checked on both
// ways (to_uri refuses to publish what info_from_uri would refuse to read):
//   CephfsInfo  fsid: cephfs::Fsid; name: cephfs::CephFsName; user: cephfs::CephxUser; path:
//               cephfs::SharePath; each monitor host: a cephfs::MonitorAddress, or a host without
//               port (IPv4, IPv6 or DNS name); key: 1-1024 base64 characters ([A-Za-z0-9+/=]).
//   NfsInfo     hostname: IPv4, IPv6 (unbracketed) or DNS name; port 1-65535 when given; path:
//               check_clean_path (spaces allowed: NFS exports may have them).
//   LustreInfo  mgs_ids: at least one NID of 1-255 characters of [A-Za-z0-9._@:-]; fs_name: 1-8 of
//               [A-Za-z0-9_-].
// This is stricter than Python, which accepts any text (e.g. ".." in a path, "f&g=h" as fsid):
// docs/protocol.md, "filesystem_info", lists each difference.
//
// Errors (never exceptions; a message never contains a key):
//   kInvalidData      info_from_uri: the URI layer's errors; Python's "unsupported filesystem type
//                     `<scheme>`" and "missing <option> in uri for `<Type>`"; a field that fails
//                     validation ("invalid <field> in uri for `<Type>`: <why>"); a bad `auth`.
//   kSecretNotFound   the reader could not see the secret named by `auth` (its error is passed on).
//   kInvalidArgument  to_uri: a field that fails validation.
//
// Example:
//   auto uri = to_uri(NfsInfo{.hostname = "10.0.0.9", .port = 2049, .path = "/export"});
//   auto info = info_from_uri(*uri);
//   if (auto* nfs = std::get_if<NfsInfo>(&*info)) mount_nfs(*nfs);
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "ops/result.h"

namespace charms::filesystem_client::v0 {

// A CephFS share: scheme `cephfs`, options fsid, name, auth (+ auth-rev).
struct CephfsInfo {
  std::string fsid;
  std::string name;  // the CephFS file system name
  std::string path;
  std::vector<std::string> monitor_hosts;
  std::string user;  // the cephx id, without "client."
  std::string key;   // the cephx key: never log it
  friend bool operator==(const CephfsInfo&, const CephfsInfo&) = default;
};

// An NFS export: scheme `nfs`, one host.
struct NfsInfo {
  std::string hostname;  // an IPv6 address without brackets
  std::optional<int> port;
  std::string path;
  friend bool operator==(const NfsInfo&, const NfsInfo&) = default;
};

// A Lustre file system: scheme `lustre`, the MGS NIDs as hosts, option fs-name.
struct LustreInfo {
  std::vector<std::string> mgs_ids;
  std::string fs_name;
  friend bool operator==(const LustreInfo&, const LustreInfo&) = default;
};

using FilesystemInfo = std::variant<CephfsInfo, NfsInfo, LustreInfo>;

// "cephfs", "nfs" or "lustre".
std::string_view filesystem_type(const FilesystemInfo& info);

// kInvalidArgument unless `path` is absolute, at most 4096 bytes of valid UTF-8, without control
// bytes and without "." or ".." segments. Spaces and quotes are allowed: whoever writes the path
// into a file or command line must escape them. `label` names the field in the message.
ops::Status check_clean_path(std::string_view path, std::string_view label);

// The checks listed above; kInvalidArgument naming the field (never quoting the key).
ops::Status validate(const CephfsInfo& info);
ops::Status validate(const NfsInfo& info);
ops::Status validate(const LustreInfo& info);

// The URI a provider publishes. `auth` is the value of the auth option: the secret id exactly as
// secret-add printed it (Juju 3: "secret://<model-uuid>/<xid>") or "plain:<key>"; auth_rev is the
// secret revision (left out when nullopt).
ops::Result<std::string> to_uri(const CephfsInfo& info, std::string_view auth,
                                std::optional<int> auth_rev = std::nullopt);
ops::Result<std::string> to_uri(const NfsInfo& info);
ops::Result<std::string> to_uri(const LustreInfo& info);

// Given the value of `auth` (a "secret:..." id), returns the key stored in that secret's content
// {"key": ...}. The requirer passes one that reads the secret through the model.
using SecretKeyReader = std::function<ops::Result<std::string>(const std::string& secret_id)>;

// The typed info of an endpoint URI. The scheme is taken from the text before "://" as written
// (so "CEPHFS://..." is unsupported, as in Python). A `secret:` auth needs `read_key`; without one
// it is a kInvalidData error.
ops::Result<FilesystemInfo> info_from_uri(std::string_view uri,
                                          const SecretKeyReader& read_key = nullptr);

}  // namespace charms::filesystem_client::v0
