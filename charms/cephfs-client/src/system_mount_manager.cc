#include "system_mount_manager.h"

#include <fcntl.h>
#include <fmt/ranges.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

extern char** environ;

namespace cephfs_client {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kMarker =
    "# Written by the cephfs-client charm. Do not edit: the charm rewrites or removes this file.";
constexpr std::array<const char*, 4> kSearchPath = {"/usr/sbin", "/usr/bin", "/sbin", "/bin"};

ops::Error io_error(std::string message) {
  return ops::Error{ops::ErrorCode::kIoError, std::move(message)};
}

std::optional<std::string> read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Writes `content` to `path` through a temporary file in the same directory (fsync + rename),
// with `mode` set before any byte is written. Returns whether the content changed.
ops::Result<bool> write_atomically(const fs::path& path, std::string_view content, mode_t mode) {
  if (auto old = read_file(path); old && *old == content) {
    if (::chmod(path.c_str(), mode) != 0) {
      return io_error("cannot set the mode of " + path.string() + ": " + std::strerror(errno));
    }
    return false;
  }
  const fs::path tmp = path.string() + ".tmp";
  ::unlink(tmp.c_str());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
  if (fd < 0) return io_error("cannot create " + tmp.string() + ": " + std::strerror(errno));
  bool ok = ::fchmod(fd, mode) == 0;
  for (std::size_t done = 0; ok && done < content.size();) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) done += static_cast<std::size_t>(n);
  }
  ok = ok && ::fsync(fd) == 0;
  const int saved = errno;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    const int error = ok ? errno : saved;
    ::unlink(tmp.c_str());
    return io_error("cannot write " + path.string() + ": " + std::strerror(error));
  }
  return true;
}

ops::Status remove_file(const fs::path& path) {
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
    return io_error("cannot remove " + path.string() + ": " + std::strerror(errno));
  }
  return {};
}

// /proc/self/mountinfo escapes space, tab, newline and backslash as \ooo.
std::string unescape_octal(std::string_view field) {
  std::string out;
  for (std::size_t i = 0; i < field.size(); ++i) {
    if (field[i] == '\\' && i + 3 < field.size()) {
      const auto digits = field.substr(i + 1, 3);
      if (digits.size() == 3 && digits.find_first_not_of("01234567") == std::string_view::npos) {
        out += static_cast<char>(std::stoi(std::string(digits), nullptr, 8));
        i += 3;
        continue;
      }
    }
    out += field[i];
  }
  return out;
}

}  // namespace

ops::Status run_command(const std::vector<std::string>& argv) {
  if (argv.empty()) return io_error("no command given");
  std::string program = argv[0];
  if (program.find('/') == std::string::npos) {
    for (const char* dir : kSearchPath) {
      const std::string candidate = std::string(dir) + "/" + program;
      if (::access(candidate.c_str(), X_OK) == 0) {
        program = candidate;
        break;
      }
    }
  }
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0)
    return io_error("pipe: " + std::string(std::strerror(errno)));
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 2);
  std::vector<std::string> env_storage = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C",
                                          "DEBIAN_FRONTEND=noninteractive"};
  std::vector<char*> envp;
  for (auto& e : env_storage) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::vector<std::string> args = argv;
  std::vector<char*> c_args;
  for (auto& a : args) c_args.push_back(a.data());
  c_args.push_back(nullptr);
  pid_t pid = 0;
  const int spawned =
      ::posix_spawn(&pid, program.c_str(), &actions, nullptr, c_args.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  ::close(pipe_fds[1]);
  const std::string command = fmt::to_string(fmt::join(argv, " "));
  if (spawned != 0) {
    ::close(pipe_fds[0]);
    return io_error("cannot run " + command + ": " + std::strerror(spawned));
  }
  std::string err;
  char buffer[4096];
  for (;;) {
    const ssize_t n = ::read(pipe_fds[0], buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    err.append(buffer, static_cast<std::size_t>(n));
    if (err.size() > 16384) err.erase(0, err.size() - 16384);
  }
  ::close(pipe_fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return {};
  while (!err.empty() && (err.back() == '\n' || err.back() == ' ')) err.pop_back();
  if (auto nl = err.rfind('\n'); nl != std::string::npos) err = err.substr(nl + 1);
  const std::string how =
      WIFEXITED(status) ? "exit " + std::to_string(WEXITSTATUS(status)) : "killed by a signal";
  return io_error(command + " failed (" + how + ")" + (err.empty() ? "" : ": " + err));
}

std::string mount_unit_name(std::string_view mountpoint) {
  while (mountpoint.starts_with('/')) mountpoint.remove_prefix(1);
  while (mountpoint.ends_with('/')) mountpoint.remove_suffix(1);
  if (mountpoint.empty()) return "-.mount";
  std::string out;
  static constexpr char kHex[] = "0123456789abcdef";
  for (std::size_t i = 0; i < mountpoint.size(); ++i) {
    const char c = mountpoint[i];
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == ':' || c == '_' || (c == '.' && i != 0);
    if (c == '/') {
      out += '-';
    } else if (plain) {
      out += c;
    } else {
      const auto byte = static_cast<unsigned char>(c);
      out += "\\x";
      out += kHex[byte >> 4];
      out += kHex[byte & 15];
    }
  }
  return out + ".mount";
}

std::string mount_unit_text(const MountPlan& plan) {
  std::string text(kMarker);
  text += "\n[Unit]\nDescription=CephFS share " + plan.share() + " (cephfs-client)\n";
  text += "After=network-online.target\nWants=network-online.target\n\n";
  text += "[Mount]\nWhat=" + plan.source() + "\nWhere=" + plan.mountpoint +
          "\nType=" + plan.fs_type() +
          "\nOptions=" + fmt::to_string(fmt::join(plan.mount_options(), ",")) + "\n\n";
  text += "[Install]\nWantedBy=remote-fs.target\n";
  return text;
}

SystemMountManager::SystemMountManager(std::filesystem::path root, CommandRunner run)
    : root_(std::move(root)), run_(std::move(run)) {}

fs::path SystemMountManager::under_root(std::string_view absolute) const {
  while (absolute.starts_with('/')) absolute.remove_prefix(1);
  return root_ / absolute;
}

bool SystemMountManager::kernel_mounts_permitted() {
  std::error_code ec;
  return !fs::exists(under_root("/run/systemd/container"), ec);
}

ops::Status SystemMountManager::install_tools(MountMethod method) {
  std::error_code ec;
  if (method == MountMethod::kKernel) {
    if (fs::exists(under_root("/sbin/mount.ceph"), ec) ||
        fs::exists(under_root("/usr/sbin/mount.ceph"), ec)) {
      return {};
    }
  } else if (fs::exists(under_root("/usr/bin/ceph-fuse"), ec)) {
    return {};
  }
  const std::string package = method == MountMethod::kKernel ? "ceph-common" : "ceph-fuse";
  if (auto updated = run_({"apt-get", "update", "-q"}); !updated) return updated;
  return run_({"apt-get", "install", "-y", "-q", "--no-install-recommends", package});
}

ops::Result<bool> SystemMountManager::write_credentials(const MountPlan& plan,
                                                        std::string_view key) {
  const fs::path dir = under_root(kCredentialDir);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return io_error("cannot create " + dir.string() + ": " + ec.message());
  if (::chmod(dir.c_str(), 0700) != 0) {
    return io_error("cannot set the mode of " + dir.string() + ": " + std::strerror(errno));
  }
  std::string key_text;
  if (plan.method == MountMethod::kFuse) {
    key_text = "[client." + plan.user + "]\n\tkey = " + std::string(key) + "\n";
  } else {
    key_text = std::string(key) + "\n";
  }
  auto key_changed = write_atomically(under_root(plan.key_file), key_text, 0600);
  if (!key_changed) return key_changed;
  bool changed = *key_changed;
  if (plan.method == MountMethod::kFuse) {
    const std::string conf = "[global]\n\tfsid = " + plan.fsid +
                             "\n\tmon_host = " + fmt::to_string(fmt::join(plan.monitors, ",")) +
                             "\n";
    auto conf_changed = write_atomically(under_root(plan.conf_file), conf, 0600);
    if (!conf_changed) return conf_changed;
    changed = changed || *conf_changed;
  }
  return changed;
}

ops::Status SystemMountManager::remove_credentials(const MountPlan& plan) {
  if (auto removed = remove_file(under_root(plan.key_file)); !removed) return removed;
  if (!plan.conf_file.empty()) return remove_file(under_root(plan.conf_file));
  return {};
}

ops::Result<bool> SystemMountManager::create_mountpoint(const std::string& mountpoint) {
  const fs::path path = under_root(mountpoint);
  std::error_code ec;
  if (fs::exists(path, ec)) {
    if (!fs::is_directory(path, ec)) {
      return io_error(mountpoint + " exists and is not a directory");
    }
    return false;
  }
  fs::create_directories(path, ec);
  if (ec) return io_error("cannot create " + mountpoint + ": " + ec.message());
  return true;
}

ops::Status SystemMountManager::remove_mountpoint_if_empty(const std::string& mountpoint) {
  const fs::path path = under_root(mountpoint);
  std::error_code ec;
  if (!fs::is_directory(path, ec) || !fs::is_empty(path, ec)) return {};
  // rmdir(2) refuses a non-empty directory: nothing inside can ever be deleted here.
  if (::rmdir(path.c_str()) != 0 && errno != ENOENT && errno != ENOTEMPTY && errno != EBUSY) {
    return io_error("cannot remove the empty directory " + mountpoint + ": " +
                    std::strerror(errno));
  }
  return {};
}

ops::Status SystemMountManager::mount(const MountPlan& plan, bool remount) {
  const std::string unit = mount_unit_name(plan.mountpoint);
  const fs::path unit_path = under_root("/etc/systemd/system/" + unit);
  if (auto existing = read_file(unit_path); existing && !existing->starts_with(kMarker)) {
    return io_error("the systemd unit " + unit_path.string() +
                    " exists and was not written by this charm; remove it or choose another "
                    "mountpoint");
  }
  std::error_code ec;
  fs::create_directories(unit_path.parent_path(), ec);
  auto changed = write_atomically(unit_path, mount_unit_text(plan), 0644);
  if (!changed) return changed.error();
  if (*changed) {
    if (auto reloaded = run_({"systemctl", "daemon-reload"}); !reloaded) return reloaded;
  }
  if (auto enabled = run_({"systemctl", "enable", unit}); !enabled) return enabled;
  return run_({"systemctl", remount ? "restart" : "start", unit});
}

ops::Status SystemMountManager::unmount(const MountPlan& plan) {
  const std::string unit = mount_unit_name(plan.mountpoint);
  const fs::path unit_path = under_root("/etc/systemd/system/" + unit);
  auto existing = read_file(unit_path);
  if (existing && existing->starts_with(kMarker)) {
    if (auto stopped = run_({"systemctl", "disable", "--now", unit}); !stopped) return stopped;
    if (auto removed = remove_file(unit_path); !removed) return removed;
    if (auto reloaded = run_({"systemctl", "daemon-reload"}); !reloaded) return reloaded;
  }
  auto mounted = find_mount(plan.mountpoint);
  if (!mounted) return mounted.error();
  if (*mounted && is_cephfs(**mounted)) return run_({"umount", plan.mountpoint});
  return {};
}

ops::Result<std::optional<MountedFilesystem>> SystemMountManager::find_mount(
    const std::string& mountpoint) {
  const fs::path path = under_root("/proc/self/mountinfo");
  auto text = read_file(path);
  if (!text) return io_error("cannot read " + path.string());
  std::optional<MountedFilesystem> found;
  std::istringstream lines(*text);
  for (std::string line; std::getline(lines, line);) {
    // <id> <parent> <major:minor> <root> <mount point> <options> [optional...] - <type> <source>
    // <super options>
    std::istringstream fields(line);
    std::vector<std::string> before;
    std::string field;
    while (fields >> field && field != "-") before.push_back(field);
    std::string type, source, super_options;
    fields >> type >> source >> super_options;
    if (before.size() < 6 || type.empty()) continue;
    if (unescape_octal(before[4]) != mountpoint) continue;
    found = MountedFilesystem{unescape_octal(source), type, before[5]};
  }
  return found;
}

}  // namespace cephfs_client
