#include "client_config.h"

#include <array>

namespace cephfs_client {
namespace {

// Trees that local users own or can write to (world-writable, sticky or per-user directories):
// a user there can replace a directory on the mountpoint's path by a symlink (or own it) and
// redirect a mount made as root onto any path of the machine.
constexpr std::array<std::string_view, 5> kUserWritableTrees = {"/tmp", "/var/tmp", "/dev/shm",
                                                                "/home", "/var/spool"};
constexpr std::array<std::string_view, 18> kSystemTrees = {
    "/etc", "/proc", "/sys",          "/dev",     "/boot",         "/usr",
    "/bin", "/sbin", "/lib",          "/lib32",   "/lib64",        "/libx32",
    "/run", "/snap", "/var/lib/juju", "/var/log", "/var/lib/dpkg", "/var/lib/apt"};
constexpr std::array<std::string_view, 4> kMoreSystemTrees = {"/var/cache/apt", "/var/lib/snapd",
                                                              "/var/lib", "/root"};
constexpr std::array<std::string_view, 5> kLocalDataRoots = {"/srv", "/mnt", "/opt", "/media",
                                                             "/var"};

bool within(std::string_view path, std::string_view tree) {
  return path == tree || (path.starts_with(tree) && path[tree.size()] == '/');
}

bool is_path_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '@' || c == '+' || c == '-' || c == '/';
}

ops::Status invalid(std::string_view mountpoint, const std::string& why) {
  std::string shown;
  for (char c : mountpoint.substr(0, 64)) shown += (c >= 0x20 && c < 0x7f) ? c : '?';
  if (mountpoint.size() > 64) shown += "...";
  return ops::Error{ops::ErrorCode::kInvalidArgument, "mountpoint '" + shown + "' invalid: " + why};
}

bool boolean(const nlohmann::json& config, const char* name) {
  auto it = config.find(name);
  return it != config.end() && it->is_boolean() && it->get<bool>();
}

}  // namespace

std::vector<std::string> ClientConfig::access_options() const {
  return {noexec ? "noexec" : "exec", nosuid ? "nosuid" : "suid", nodev ? "nodev" : "dev",
          read_only ? "ro" : "rw"};
}

ops::Status validate_mountpoint(std::string_view mountpoint) {
  if (mountpoint.empty() || mountpoint[0] != '/') {
    return invalid(mountpoint, "it must be an absolute path (start with /)");
  }
  if (mountpoint == "/") return invalid(mountpoint, "it must not be the root directory");
  if (mountpoint.size() > 1024) return invalid(mountpoint, "it is longer than 1024 bytes");
  for (char c : mountpoint) {
    if (!is_path_char(c)) {
      return invalid(mountpoint, "only A-Z a-z 0-9 _ . @ + - and / are allowed");
    }
  }
  if (mountpoint.back() == '/') return invalid(mountpoint, "it must not end with /");
  if (mountpoint.find("//") != std::string_view::npos) {
    return invalid(mountpoint, "it must be normalised (no //)");
  }
  for (std::size_t start = 1; start <= mountpoint.size();) {
    auto end = mountpoint.find('/', start);
    if (end == std::string_view::npos) end = mountpoint.size();
    const auto segment = mountpoint.substr(start, end - start);
    if (segment == "." || segment == "..") {
      return invalid(mountpoint, "it must be normalised (no . or .. segments)");
    }
    start = end + 1;
  }
  for (auto tree : kUserWritableTrees) {
    if (within(mountpoint, tree)) {
      return invalid(mountpoint, std::string(tree) +
                                     " holds directories that local users own or can write to; "
                                     "one could swap a directory for a symlink and redirect a "
                                     "mount made as root (use a directory below /srv or /mnt)");
    }
  }
  for (auto tree : kSystemTrees) {
    if (within(mountpoint, tree)) {
      return invalid(mountpoint, std::string(tree) + " is a system directory");
    }
  }
  for (auto tree : kMoreSystemTrees) {
    if (within(mountpoint, tree)) {
      return invalid(mountpoint, std::string(tree) + " is a system directory");
    }
  }
  for (auto root : kLocalDataRoots) {
    if (mountpoint == root) {
      return invalid(mountpoint, "mounting over " + std::string(root) +
                                     " would hide local data; use a directory below it");
    }
  }
  return {};
}

ops::Result<ClientConfig> parse_client_config(const nlohmann::json& config) {
  ClientConfig out;
  auto mountpoint = config.find("mountpoint");
  if (mountpoint == config.end() || !mountpoint->is_string() ||
      mountpoint->get<std::string>().empty()) {
    return ops::Error{ops::ErrorCode::kInvalidArgument,
                      "No configured mountpoint (set the mountpoint option)"};
  }
  out.mountpoint = mountpoint->get<std::string>();
  if (auto valid = validate_mountpoint(out.mountpoint); !valid) return valid.error();
  out.noexec = boolean(config, "noexec");
  out.nosuid = boolean(config, "nosuid");
  out.nodev = boolean(config, "nodev");
  out.read_only = boolean(config, "read-only");
  std::string method = "auto";
  if (auto it = config.find("mount-method"); it != config.end() && it->is_string()) {
    method = it->get<std::string>();
  }
  if (method == "auto" || method.empty()) {
    out.method = MountMethodSetting::kAuto;
  } else if (method == "kernel") {
    out.method = MountMethodSetting::kKernel;
  } else if (method == "fuse") {
    out.method = MountMethodSetting::kFuse;
  } else {
    std::string shown;
    for (char c : std::string_view(method).substr(0, 32))
      shown += (c >= 0x20 && c < 0x7f) ? c : '?';
    return ops::Error{ops::ErrorCode::kInvalidArgument,
                      "mount-method '" + shown + "' invalid: use auto, kernel or fuse"};
  }
  return out;
}

}  // namespace cephfs_client
