#include "mount_plan.h"

#include <fmt/ranges.h>

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
  return method == MountMethod::kFuse ? "fuse" : "kernel";
}

std::string MountPlan::source() const {
  if (method == MountMethod::kFuse) return "none";
  return user + "@" + fsid + "." + fs_name + "=" + path;
}

std::string MountPlan::fs_type() const {
  return method == MountMethod::kFuse ? "fuse.ceph" : "ceph";
}

std::vector<std::string> MountPlan::mount_options() const {
  std::vector<std::string> out;
  if (method == MountMethod::kFuse) {
    out = {"ceph.id=" + user, "ceph.conf=" + conf_file, "ceph.keyring=" + key_file,
           "ceph.client_fs=" + fs_name, "ceph.client_mountpoint=" + path};
  } else {
    out = {"mon_addr=" + fmt::to_string(fmt::join(monitors, "/")), "secretfile=" + key_file};
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
  return {{"mountpoint", mountpoint},
          {"method", to_string(method)},
          {"fsid", fsid},
          {"fs_name", fs_name},
          {"path", path},
          {"monitors", monitors},
          {"user", user},
          {"access_options", access_options},
          {"key_file", key_file},
          {"conf_file", conf_file}};
}

ops::Result<MountPlan> MountPlan::from_json(const nlohmann::json& value) {
  try {
    MountPlan plan;
    plan.mountpoint = value.at("mountpoint").get<std::string>();
    plan.method =
        value.at("method").get<std::string>() == "fuse" ? MountMethod::kFuse : MountMethod::kKernel;
    plan.fsid = value.at("fsid").get<std::string>();
    plan.fs_name = value.at("fs_name").get<std::string>();
    plan.path = value.at("path").get<std::string>();
    plan.monitors = value.at("monitors").get<std::vector<std::string>>();
    plan.user = value.at("user").get<std::string>();
    plan.access_options = value.at("access_options").get<std::vector<std::string>>();
    plan.key_file = value.at("key_file").get<std::string>();
    plan.conf_file = value.at("conf_file").get<std::string>();
    return plan;
  } catch (const nlohmann::json::exception& e) {
    return ops::Error{ops::ErrorCode::kCorruptState,
                      std::string("the stored mount record is unreadable: ") + e.what()};
  }
}

ops::Result<std::string> normalise_monitor(std::string_view monitor, MountMethod method) {
  const bool typed_single =
      monitor.starts_with("v1:") || monitor.starts_with("v2:") || monitor.starts_with("any:");
  // A single typed address is checked as the one-entry vector it stands for.
  const std::string as_vector =
      typed_single ? "[" + std::string(monitor) + "]" : std::string(monitor);
  if (auto valid = v0::validate_monitor_host(as_vector); !valid) {
    return invalid(
        "monitor address is not <host>:<port>, v1:<ip>:<port> or a [v2:...,v1:...] "
        "vector");
  }
  if (!(as_vector.starts_with("[") && as_vector.ends_with("]"))) {
    // "<host>:<port>" or "[IPv6]:port".
    if (monitor.find_first_of(",/") != std::string_view::npos) {
      return invalid("monitor address contains ',' or '/'");
    }
    return std::string(monitor);
  }
  if (method == MountMethod::kFuse) return std::string(monitor);
  // An address vector: pick v1, else any, else v2.
  std::string_view inner = std::string_view(as_vector).substr(1, as_vector.size() - 2);
  std::optional<std::string_view> chosen;
  int chosen_rank = 99;
  while (!inner.empty()) {
    auto comma = inner.find(',');
    std::string_view entry = inner.substr(0, comma);
    inner = comma == std::string_view::npos ? std::string_view() : inner.substr(comma + 1);
    int rank = 99;
    if (entry.starts_with("v1:")) rank = 0;
    if (entry.starts_with("any:")) rank = 1;
    if (entry.starts_with("v2:")) rank = 2;
    if (rank < chosen_rank) {
      chosen_rank = rank;
      chosen = entry.substr(entry.find(':') + 1);
    }
  }
  if (!chosen) return invalid("monitor address vector has no v1, v2 or any address");
  std::string_view address = *chosen;
  if (auto slash = address.find('/'); slash != std::string_view::npos) {
    address = address.substr(0, slash);
  }
  return std::string(address);
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
  if (share.path.find_first_of(",%\\\"' \t\n") != std::string::npos) {
    return invalid("path contains one of , % \\ \" ' or whitespace");
  }
  MountPlan plan;
  plan.mountpoint = config.mountpoint;
  plan.method = method;
  plan.fsid = share.fsid;
  plan.fs_name = share.name;
  plan.path = share.path;
  plan.user = auth.username;
  plan.access_options = config.access_options();
  for (const auto& monitor : share.monitor_hosts) {
    auto normalised = normalise_monitor(monitor, method);
    if (!normalised) return normalised.error();
    plan.monitors.push_back(std::move(*normalised));
  }
  const std::string base =
      std::string(kCredentialDir) + "/" + std::string(app_name) + "." + std::to_string(relation_id);
  if (method == MountMethod::kFuse) {
    plan.key_file = base + ".keyring";
    plan.conf_file = base + ".conf";
  } else {
    plan.key_file = base + ".secret";
  }
  return plan;
}

}  // namespace cephfs_client
