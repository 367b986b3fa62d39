#include "mount_plan.h"

#include <fmt/ranges.h>

#include <stdexcept>

#include "cephx_key.h"
#include "charms/storage_libs/v0/cephfs_share_validation.h"
#include "charms/storage_libs/v0/cephfs_share_wire.h"

namespace cephfs_client {
namespace {

namespace v0 = charms::storage_libs::v0;

ops::Error invalid(std::string message) {
  return ops::Error{ops::ErrorCode::kInvalidArgument, std::move(message)};
}

}  // namespace

std::string_view to_string(MountMethod method) {
  switch (method) {
    case MountMethod::kFuse:
      return "fuse";
    case MountMethod::kNfs:
      return "nfs";
    case MountMethod::kLustre:
      return "lustre";
    case MountMethod::kKernel:
      break;
  }
  return "kernel";
}

std::string MountPlan::source() const {
  switch (method) {
    case MountMethod::kFuse:
      return "none";
    case MountMethod::kNfs: {
      const std::string& host = remote_hosts.empty() ? std::string() : remote_hosts.front();
      // mount.nfs reads "<host>:<path>"; an IPv6 address is bracketed to keep its colons apart.
      return (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + remote_path;
    }
    case MountMethod::kLustre:
      return fmt::to_string(fmt::join(remote_hosts, ":")) + ":/" + remote_path;
    case MountMethod::kKernel:
      break;
  }
  return user.str() + "@" + fsid.str() + "." + fs_name.str() + "=" + path.str();
}

std::string MountPlan::fs_type() const {
  switch (method) {
    case MountMethod::kFuse:
      return "fuse.ceph";
    case MountMethod::kNfs:
      return "nfs";
    case MountMethod::kLustre:
      return "lustre";
    case MountMethod::kKernel:
      break;
  }
  return "ceph";
}

std::string MountPlan::share() const {
  return is_cephfs() ? fs_name.str() + ":" + path.str() : source();
}

std::string MountPlan::kernel_mon_addr() const {
  std::string out;
  for (const auto& monitor : monitors) out += (out.empty() ? "" : "/") + monitor.kernel_form();
  return out;
}

std::string MountPlan::conf_mon_host() const {
  std::string out;
  for (const auto& monitor : monitors) out += (out.empty() ? "" : ",") + monitor.str();
  return out;
}

std::vector<std::string> MountPlan::mount_options() const {
  std::vector<std::string> out;
  if (method == MountMethod::kNfs) {
    if (port) out.push_back("port=" + std::to_string(*port));
  } else if (method == MountMethod::kLustre) {
    // No option of its own: the MGS NIDs and the file system are in the source.
  } else if (method == MountMethod::kFuse) {
    out = {"ceph.id=" + user.str(), "ceph.conf=" + conf_file, "ceph.keyring=" + key_file,
           "ceph.client_fs=" + fs_name.str(), "ceph.client_mountpoint=" + path.str()};
  } else {
    out = {"mon_addr=" + kernel_mon_addr(), "secretfile=" + key_file};
  }
  out.insert(out.end(), access_options.begin(), access_options.end());
  out.emplace_back("_netdev");
  return out;
}

std::string MountPlan::log_file() const {
  std::string stem = key_file.substr(key_file.rfind('/') + 1);
  stem = stem.substr(0, stem.rfind('.'));
  return "/var/log/ceph/" + stem + ".ceph-fuse.log";
}

nlohmann::json MountPlan::to_json() const {
  if (!is_cephfs()) {
    nlohmann::json out = {{"mountpoint", mountpoint},         {"method", to_string(method)},
                          {"remote_hosts", remote_hosts},     {"remote_path", remote_path},
                          {"access_options", access_options}, {"port", nullptr}};
    if (port) out["port"] = *port;
    return out;
  }
  std::vector<std::string> monitor_texts;
  monitor_texts.reserve(monitors.size());
  for (const auto& monitor : monitors) monitor_texts.push_back(monitor.str());
  return {{"mountpoint", mountpoint}, {"method", to_string(method)},
          {"fsid", fsid.str()},       {"fs_name", fs_name.str()},
          {"path", path.str()},       {"monitors", monitor_texts},
          {"user", user.str()},       {"access_options", access_options},
          {"key_file", key_file},     {"conf_file", conf_file}};
}

namespace {

// What a file writer (mount_files.h) refuses in a device or mount option, and whitespace (the
// fstab field separator): refused in an NFS or Lustre field, so a valid plan always renders.
ops::Status check_renderable(std::string_view value, std::string_view field) {
  for (const unsigned char c : value) {
    if (c <= 0x20 || c == 0x7f ||
        std::string_view(",%\\\"'#$").find(static_cast<char>(c)) != std::string_view::npos) {
      return invalid(std::string(field) +
                     " contains whitespace, a control character or one of , % \\ \" ' # $");
    }
  }
  return {};
}

// The NFS and Lustre fields: the library's own validation, then what the files can hold.
ops::Status check_remote(const MountPlan& plan) {
  namespace fc = charms::filesystem_client::v0;
  ops::Status valid;
  if (plan.method == MountMethod::kNfs) {
    if (plan.remote_hosts.size() != 1) return invalid("an NFS endpoint needs exactly one host");
    valid = fc::validate(fc::NfsInfo{
        .hostname = plan.remote_hosts.front(), .port = plan.port, .path = plan.remote_path});
  } else {
    if (plan.port) return invalid("a Lustre endpoint has no port");
    valid = fc::validate(fc::LustreInfo{.mgs_ids = plan.remote_hosts, .fs_name = plan.remote_path});
  }
  if (!valid) return invalid(valid.error().message);
  for (const auto& host : plan.remote_hosts) {
    if (auto ok = check_renderable(host, "host"); !ok) return ok;
  }
  return check_renderable(plan.remote_path, plan.method == MountMethod::kNfs ? "path" : "fs-name");
}

// The plan's own checks on top of the types (see the header).
ops::Status check_plan(const MountPlan& plan) {
  if (auto valid = validate_mountpoint(plan.mountpoint); !valid) return valid;
  if (!plan.is_cephfs()) return check_remote(plan);
  // Everything a file writer (mount_files.h) would refuse in a mount option: a plan that
  // validates always renders.
  if (plan.path.str().find_first_of(",%\\\"'#$") != std::string::npos) {
    return invalid("path contains one of , % \\ \" ' # or $");
  }
  if (plan.monitors.empty()) return invalid("monitor_hosts is empty");
  return {};
}

template <class Field>
Field field(const nlohmann::json& value, const char* name) {
  auto parsed = Field::parse(value.at(name).get<std::string>(), name);
  if (!parsed) throw std::invalid_argument(parsed.error().message);
  return std::move(*parsed);
}

// An NFS or Lustre plan. Its CephFS fields are never read (every use is behind is_cephfs()), but
// the validated types have no empty value, so they hold fixed valid placeholders.
ops::Result<MountPlan> make_remote_plan(std::string mountpoint, MountMethod method,
                                        std::vector<std::string> access_options,
                                        std::vector<std::string> hosts, std::string path,
                                        std::optional<int> port) {
  auto fsid = cephfs::Fsid::parse("none");
  auto fs_name = cephfs::CephFsName::parse("none");
  auto share_path = cephfs::SharePath::parse("/");
  auto user = cephfs::CephxUser::parse("none");
  if (!fsid || !fs_name || !share_path || !user) return invalid("placeholder fields invalid");
  MountPlan plan{.mountpoint = std::move(mountpoint),
                 .method = method,
                 .fsid = std::move(*fsid),
                 .fs_name = std::move(*fs_name),
                 .path = std::move(*share_path),
                 .monitors = {},
                 .user = std::move(*user),
                 .access_options = std::move(access_options),
                 .key_file = {},
                 .conf_file = {},
                 .remote_hosts = std::move(hosts),
                 .remote_path = std::move(path),
                 .port = port};
  if (auto valid = check_plan(plan); !valid) return valid.error();
  return plan;
}

}  // namespace

ops::Result<MountPlan> MountPlan::from_json(const nlohmann::json& value) {
  // The record is this unit's own, but it is re-validated like remote data: a plan exists only
  // with valid fields.
  try {
    const std::string method = value.at("method").get<std::string>();
    if (method == "nfs" || method == "lustre") {
      std::optional<int> port;
      if (const auto& stored = value.at("port"); !stored.is_null()) port = stored.get<int>();
      auto plan = make_remote_plan(value.at("mountpoint").get<std::string>(),
                                   method == "nfs" ? MountMethod::kNfs : MountMethod::kLustre,
                                   value.at("access_options").get<std::vector<std::string>>(),
                                   value.at("remote_hosts").get<std::vector<std::string>>(),
                                   value.at("remote_path").get<std::string>(), port);
      if (!plan) throw std::invalid_argument(plan.error().message);
      return plan;
    }
    std::vector<cephfs::MonitorAddress> monitors;
    for (const auto& monitor : value.at("monitors")) {
      auto parsed = cephfs::MonitorAddress::parse(monitor.get<std::string>());
      if (!parsed) throw std::invalid_argument(parsed.error().message);
      monitors.push_back(std::move(*parsed));
    }
    if (method != "fuse" && method != "kernel") throw std::invalid_argument("unknown method");
    MountPlan plan{.mountpoint = value.at("mountpoint").get<std::string>(),
                   .method = method == "fuse" ? MountMethod::kFuse : MountMethod::kKernel,
                   .fsid = field<cephfs::Fsid>(value, "fsid"),
                   .fs_name = field<cephfs::CephFsName>(value, "fs_name"),
                   .path = field<cephfs::SharePath>(value, "path"),
                   .monitors = std::move(monitors),
                   .user = field<cephfs::CephxUser>(value, "user"),
                   .access_options = value.at("access_options").get<std::vector<std::string>>(),
                   .key_file = value.at("key_file").get<std::string>(),
                   .conf_file = value.at("conf_file").get<std::string>()};
    if (auto valid = check_plan(plan); !valid) throw std::invalid_argument(valid.error().message);
    return plan;
  } catch (const nlohmann::json::exception& e) {
    // Only the exception's id: nlohmann's what() may quote the stored text.
    return ops::Error{ops::ErrorCode::kCorruptState,
                      "the stored mount record is unreadable (JSON error " + std::to_string(e.id) +
                          "); the next mount hook rewrites it"};
  } catch (const std::invalid_argument& e) {
    return ops::Error{ops::ErrorCode::kCorruptState,
                      std::string("the stored mount record is invalid: ") + e.what()};
  }
}

ops::Result<MountPlan> make_mount_plan(const ClientConfig& config, MountMethod method,
                                       const v0::CephFSShareInfo& share,
                                       const v0::CephFSAuthInfo& auth, std::string_view app_name,
                                       int relation_id) {
  if (auto valid = v0::validate_share_info(share); !valid) {
    return invalid(std::string(v0::wire_error_detail(valid.error())));
  }
  if (auto valid = v0::validate_auth_info(auth); !valid) {
    return invalid(std::string(v0::wire_error_detail(valid.error())));
  }
  if (auto key = cephx::validate_cephx_key(auth.key); !key) {
    return invalid("key: " + key.error().message);
  }
  // validate_share_info accepted every field, so each parse below succeeds; the plan holds the
  // parsed types, not the strings.
  auto fsid = cephfs::Fsid::parse(share.fsid);
  auto fs_name = cephfs::CephFsName::parse(share.name);
  auto path = cephfs::SharePath::parse(share.path);
  auto user = cephfs::CephxUser::parse(auth.username);
  if (!fsid || !fs_name || !path || !user) return invalid("share data invalid");
  std::vector<cephfs::MonitorAddress> monitors;
  monitors.reserve(share.monitor_hosts.size());
  for (const auto& monitor : share.monitor_hosts) {
    auto parsed = cephfs::MonitorAddress::parse(monitor);
    if (!parsed) return invalid(parsed.error().message);
    monitors.push_back(std::move(*parsed));
  }
  const std::string base =
      std::string(kCredentialDir) + "/" + std::string(app_name) + "." + std::to_string(relation_id);
  const bool fuse = method == MountMethod::kFuse;
  MountPlan plan{.mountpoint = config.mountpoint,
                 .method = method,
                 .fsid = std::move(*fsid),
                 .fs_name = std::move(*fs_name),
                 .path = std::move(*path),
                 .monitors = std::move(monitors),
                 .user = std::move(*user),
                 .access_options = config.access_options(),
                 .key_file = base + (fuse ? ".keyring" : ".secret"),
                 .conf_file = fuse ? base + ".conf" : std::string()};
  if (auto valid = check_plan(plan); !valid) return valid.error();
  return plan;
}

ops::Result<MountPlan> make_nfs_mount_plan(const ClientConfig& config,
                                           const charms::filesystem_client::v0::NfsInfo& info) {
  return make_remote_plan(config.mountpoint, MountMethod::kNfs, config.access_options(),
                          {info.hostname}, info.path, info.port);
}

ops::Result<MountPlan> make_lustre_mount_plan(
    const ClientConfig& config, const charms::filesystem_client::v0::LustreInfo& info) {
  return make_remote_plan(config.mountpoint, MountMethod::kLustre, config.access_options(),
                          info.mgs_ids, info.fs_name, std::nullopt);
}

}  // namespace cephfs_client
