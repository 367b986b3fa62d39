#include "charms/filesystem_client/v0/filesystem_info_types.h"

#include "cephfs/share_fields.h"
#include "charms/filesystem_client/v0/filesystem_info_uri.h"

namespace charms::filesystem_client::v0 {
namespace {

constexpr std::size_t kMaxKeyLength = 1024;
constexpr std::size_t kMaxNidLength = 255;
constexpr std::size_t kMaxLustreFsNameLength = 8;

bool is_alnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

template <class Pred>
bool all_of(std::string_view text, Pred allowed) {
  for (char c : text) {
    if (!allowed(c)) return false;
  }
  return true;
}

ops::Error invalid_argument(std::string message) {
  return ops::Error{ops::ErrorCode::kInvalidArgument, std::move(message)};
}

// A host as a MonitorAddress would take it with a port: IPv6 addresses in brackets.
std::string with_port(std::string_view hostname, std::int64_t port) {
  const std::string host = hostname.find(':') != std::string_view::npos
                               ? "[" + std::string(hostname) + "]"
                               : std::string(hostname);
  return host + ":" + std::to_string(port);
}

// An IPv4 address, an unbracketed IPv6 address or a DNS name. MonitorAddress owns that grammar
// (for <host>:<port>); any valid port lets it judge the host alone.
bool is_host(std::string_view hostname) {
  if (hostname.empty() || hostname.front() == '[') return false;
  return cephfs::MonitorAddress::parse(with_port(hostname, 1)).ok();
}

ops::Status check_monitor_host(std::string_view host) {
  // The URI's host list is split at ',': a vector of several addresses would come back in pieces.
  if (host.find(',') != std::string_view::npos) {
    return invalid_argument("monitor host " + cephfs::quote_untrusted(host) +
                            " has several addresses: a filesystem_info URI splits its hosts at "
                            "',', so give one address per monitor");
  }
  if (cephfs::MonitorAddress::parse(host).ok()) return {};
  auto info = parse_hostinfo(host);
  if (info && !info->port && is_host(info->hostname)) return {};
  return invalid_argument("monitor host " + cephfs::quote_untrusted(host) +
                          " is not <host>[:<port>] (IPv4, [IPv6] or a host name, port 1-65535) "
                          "or a Ceph address vector");
}

ops::Status check_key(std::string_view key) {
  const bool base64 =
      all_of(key, [](char c) { return is_alnum(c) || c == '+' || c == '/' || c == '='; });
  if (key.empty() || key.size() > kMaxKeyLength || !base64) {
    return invalid_argument(
        "the cephx key must be 1-1024 base64 characters (the value is not shown)");
  }
  return {};
}

template <class T>
ops::Status as_status(const ops::Result<T>& result) {
  if (!result) return result.error();
  return {};
}

// A validation error of a decoded field: kInvalidData naming the type.
ops::Error invalid_in_uri(std::string_view type, const ops::Error& why) {
  return ops::Error{ops::ErrorCode::kInvalidData,
                    "invalid data in uri for `" + std::string(type) + "`: " + why.message};
}

ops::Error missing(std::string_view option, std::string_view type) {
  return ops::Error{ops::ErrorCode::kInvalidData,
                    "missing " + std::string(option) + " in uri for `" + std::string(type) + "`"};
}

ops::Result<std::string> key_from_auth(const std::string& auth, const SecretKeyReader& read_key) {
  const auto colon = auth.find(':');
  const std::string kind = auth.substr(0, colon);
  if (colon != std::string::npos && kind == "plain") return auth.substr(colon + 1);
  if (colon != std::string::npos && kind == "secret") {
    if (!read_key) {
      return ops::Error{ops::ErrorCode::kInvalidData,
                        "`auth` names a secret, which needs a model to be read"};
    }
    return read_key(auth);
  }
  // The kind is not quoted: without a ':' it would be the key itself.
  return ops::Error{ops::ErrorCode::kInvalidData,
                    "unsupported `auth` in uri for `CephfsInfo`: expected `secret:<id>` or "
                    "`plain:<key>` (the value is not shown)"};
}

ops::Result<FilesystemInfo> cephfs_from(const UriParts& parts, const SecretKeyReader& read_key) {
  constexpr std::string_view kType = "CephfsInfo";
  const auto name = parts.option("name");
  if (!name) return missing("name", kType);
  const auto fsid = parts.option("fsid");
  if (!fsid) return missing("fsid", kType);
  const auto auth = parts.option("auth");
  if (!auth) return missing("auth", kType);
  auto key = key_from_auth(*auth, read_key);
  if (!key) return key.error();
  CephfsInfo info{.fsid = *fsid,
                  .name = *name,
                  .path = parts.path,
                  .monitor_hosts = parts.hosts,
                  .user = parts.user,
                  .key = std::move(*key)};
  if (auto valid = validate(info); !valid) return invalid_in_uri(kType, valid.error());
  return FilesystemInfo(std::move(info));
}

ops::Result<FilesystemInfo> nfs_from(const UriParts& parts) {
  auto host = parse_hostinfo(parts.hosts.front());
  if (!host) return host.error();
  NfsInfo info{.hostname = host->hostname, .port = std::nullopt, .path = parts.path};
  if (host->port) {
    if (*host->port < 1 || *host->port > 65535) {
      return invalid_in_uri("NfsInfo", invalid_argument("the port must be in 1-65535"));
    }
    info.port = static_cast<int>(*host->port);
  }
  if (auto valid = validate(info); !valid) return invalid_in_uri("NfsInfo", valid.error());
  return FilesystemInfo(std::move(info));
}

ops::Result<FilesystemInfo> lustre_from(const UriParts& parts) {
  const auto fs_name = parts.option("fs-name");
  if (!fs_name) return missing("fs-name", "LustreInfo");
  LustreInfo info{.mgs_ids = parts.hosts, .fs_name = *fs_name};
  if (auto valid = validate(info); !valid) return invalid_in_uri("LustreInfo", valid.error());
  return FilesystemInfo(std::move(info));
}

}  // namespace

std::string_view filesystem_type(const FilesystemInfo& info) {
  switch (info.index()) {
    case 0:
      return "cephfs";
    case 1:
      return "nfs";
    default:
      return "lustre";
  }
}

ops::Status validate(const CephfsInfo& info) {
  if (auto ok = as_status(cephfs::Fsid::parse(info.fsid)); !ok) return ok;
  if (auto ok = as_status(cephfs::CephFsName::parse(info.name)); !ok) return ok;
  if (auto ok = as_status(cephfs::CephxUser::parse(info.user, "user")); !ok) return ok;
  if (auto ok = as_status(cephfs::SharePath::parse(info.path)); !ok) return ok;
  if (info.monitor_hosts.empty()) return invalid_argument("the list of monitor hosts is empty");
  for (const auto& host : info.monitor_hosts) {
    if (auto ok = check_monitor_host(host); !ok) return ok;
  }
  return check_key(info.key);
}

ops::Status validate(const NfsInfo& info) {
  if (!is_host(info.hostname)) {
    return invalid_argument("hostname " + cephfs::quote_untrusted(info.hostname) +
                            " is not an IPv4 address, an IPv6 address (without brackets) or a "
                            "host name");
  }
  if (info.port && (*info.port < 1 || *info.port > 65535)) {
    return invalid_argument("port " + std::to_string(*info.port) + " is not in 1-65535");
  }
  return check_clean_path(info.path, "path");
}

ops::Status check_clean_path(std::string_view path, std::string_view label) {
  bool ok =
      !path.empty() && path.front() == '/' && path.size() <= 4096 && cephfs::is_valid_utf8(path);
  for (char c : path) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7F) ok = false;
  }
  for (std::size_t start = 1; ok && start <= path.size();) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    const std::string_view segment = path.substr(start, end - start);
    if (segment == "." || segment == "..") ok = false;
    start = end + 1;
  }
  if (!ok) {
    return invalid_argument(std::string(label) + " " + cephfs::quote_untrusted(path) +
                            " must be an absolute path of at most 4096 bytes of UTF-8 without "
                            "control characters or '.' / '..' segments");
  }
  return {};
}

ops::Status validate(const LustreInfo& info) {
  if (info.mgs_ids.empty()) return invalid_argument("the list of MGS NIDs is empty");
  for (const auto& nid : info.mgs_ids) {
    const bool ok = all_of(nid, [](char c) {
      return is_alnum(c) || c == '.' || c == '_' || c == '@' || c == ':' || c == '-';
    });
    if (nid.empty() || nid.size() > kMaxNidLength || !ok) {
      return invalid_argument("MGS NID " + cephfs::quote_untrusted(nid) +
                              " must be 1-255 letters, digits, '.', '_', '@', ':' or '-'");
    }
  }
  const bool ok = all_of(info.fs_name, [](char c) { return is_alnum(c) || c == '_' || c == '-'; });
  if (info.fs_name.empty() || info.fs_name.size() > kMaxLustreFsNameLength || !ok) {
    return invalid_argument("fs_name " + cephfs::quote_untrusted(info.fs_name) +
                            " must be 1-8 letters, digits, '_' or '-'");
  }
  return {};
}

ops::Result<std::string> to_uri(const CephfsInfo& info, std::string_view auth,
                                std::optional<int> auth_rev) {
  if (auto valid = validate(info); !valid) return valid.error();
  UriParts parts{
      .scheme = "cephfs",
      .hosts = info.monitor_hosts,
      .user = info.user,
      .path = info.path,
      .options = {{"fsid", info.fsid}, {"name", info.name}, {"auth", std::string(auth)}}};
  if (auth_rev) parts.options.emplace_back("auth-rev", std::to_string(*auth_rev));
  return encode_uri(parts);
}

ops::Result<std::string> to_uri(const NfsInfo& info) {
  if (auto valid = validate(info); !valid) return valid.error();
  std::string host =
      info.hostname.find(':') != std::string::npos ? "[" + info.hostname + "]" : info.hostname;
  if (info.port) host += ":" + std::to_string(*info.port);
  return encode_uri({.scheme = "nfs", .hosts = {host}, .path = info.path});
}

ops::Result<std::string> to_uri(const LustreInfo& info) {
  if (auto valid = validate(info); !valid) return valid.error();
  return encode_uri({.scheme = "lustre",
                     .hosts = info.mgs_ids,
                     .path = "/",
                     .options = {{"fs-name", info.fs_name}}});
}

ops::Result<FilesystemInfo> info_from_uri(std::string_view uri, const SecretKeyReader& read_key) {
  const auto separator = uri.find("://");
  const std::string_view scheme = uri.substr(0, separator);
  if (scheme != "cephfs" && scheme != "nfs" && scheme != "lustre") {
    return ops::Error{ops::ErrorCode::kInvalidData,
                      "unsupported filesystem type `" + cephfs::escape_untrusted(scheme, 32) + "`"};
  }
  auto parts = decode_uri(uri);
  if (!parts) return parts.error();
  if (scheme == "cephfs") return cephfs_from(*parts, read_key);
  if (scheme == "nfs") return nfs_from(*parts);
  return lustre_from(*parts);
}

}  // namespace charms::filesystem_client::v0
