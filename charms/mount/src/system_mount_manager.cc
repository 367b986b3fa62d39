#include "system_mount_manager.h"

#include <fcntl.h>
#include <fmt/ranges.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include "file_descriptor.h"
#include "mountpoint_guard.h"

extern char** environ;

namespace cephfs_client {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kFstab = "/etc/fstab";
// ceph-fuse gives up on the cluster after this many seconds; the command itself after
// kMountTimeout (which must be longer).
constexpr int kClientMountTimeout = 30;
constexpr std::chrono::seconds kMountTimeout(60);
constexpr std::chrono::seconds kUmountTimeout(60);
constexpr std::chrono::seconds kSystemctlTimeout(120);
constexpr std::chrono::seconds kAptUpdateTimeout(300);
constexpr std::chrono::seconds kAptInstallTimeout(900);
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

// The last non-empty line of what the command wrote to `err` (its last 16 KiB).
std::string last_line(const FileDescriptor& err) {
  if (!err.valid()) return {};
  const off_t size = ::lseek(err.get(), 0, SEEK_END);
  if (size <= 0) return {};
  const off_t from = size > 16384 ? size - 16384 : 0;
  std::string text(static_cast<std::size_t>(size - from), '\0');
  const ssize_t n = ::pread(err.get(), text.data(), text.size(), from);
  text.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  if (auto nl = text.rfind('\n'); nl != std::string::npos) text = text.substr(nl + 1);
  return text;
}

// Reaps `pid` if it exits before `deadline`; false when it is still running then.
bool wait_for_exit(pid_t pid, std::chrono::steady_clock::time_point deadline, int& status) {
  auto pause = std::chrono::milliseconds(5);
  for (;;) {
    const pid_t reaped = ::waitpid(pid, &status, WNOHANG);
    if (reaped == pid) return true;
    if (reaped < 0 && errno != EINTR) return true;  // not our child any more: nothing to wait for
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(100));
  }
}

}  // namespace

ops::Status run_command(const std::vector<std::string>& argv, std::chrono::seconds timeout) {
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
  const std::string command = fmt::to_string(fmt::join(argv, " "));
  // stderr goes to an anonymous file, not a pipe: a daemon the command forks (ceph-fuse) may keep
  // it open long after the command itself has exited, and must not be able to block us.
  FileDescriptor err(::memfd_create("command-stderr", MFD_CLOEXEC));
  if (!err.valid()) err = FileDescriptor(::open("/tmp", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600));

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  if (err.valid()) {
    posix_spawn_file_actions_adddup2(&actions, err.get(), 2);
  } else {
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  }
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t no_signals;
  sigemptyset(&no_signals);
  posix_spawnattr_setsigmask(&attributes, &no_signals);
  posix_spawnattr_setpgroup(&attributes, 0);  // its own group, so a timeout kills its children
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK);
  std::vector<std::string> env_storage = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C",
                                          "DEBIAN_FRONTEND=noninteractive"};
  std::vector<char*> envp;
  envp.reserve(env_storage.size() + 1);
  for (auto& e : env_storage) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::vector<std::string> args = argv;
  std::vector<char*> c_args;
  c_args.reserve(args.size() + 1);
  for (auto& a : args) c_args.push_back(a.data());
  c_args.push_back(nullptr);
  pid_t pid = 0;
  const int spawned =
      ::posix_spawn(&pid, program.c_str(), &actions, &attributes, c_args.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  if (spawned != 0) return io_error("cannot run " + command + ": " + std::strerror(spawned));

  int status = 0;
  bool exited = wait_for_exit(pid, std::chrono::steady_clock::now() + timeout, status);
  if (!exited) {
    ::kill(-pid, SIGTERM);
    exited = wait_for_exit(pid, std::chrono::steady_clock::now() + std::chrono::seconds(5), status);
    if (!exited) {
      ::kill(-pid, SIGKILL);
      // A process stuck in the kernel (a hung mount) may not die at once; do not wait forever.
      wait_for_exit(pid, std::chrono::steady_clock::now() + std::chrono::seconds(5), status);
    }
    const std::string err_line = last_line(err);
    return ops::Error{ops::ErrorCode::kTimeout,
                      command + " did not finish within " + std::to_string(timeout.count()) +
                          " s and was killed" + (err_line.empty() ? "" : ": " + err_line)};
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return {};
  const std::string err_line = last_line(err);
  const std::string how =
      WIFEXITED(status) ? "exit " + std::to_string(WEXITSTATUS(status)) : "killed by a signal";
  return io_error(command + " failed (" + how + ")" + (err_line.empty() ? "" : ": " + err_line));
}

std::string created_mountpoint_marker(std::string_view mountpoint) {
  std::string name = mount_unit_name(mountpoint);
  name.resize(name.size() - std::string_view(".mount").size());
  return std::string(kCredentialDir) + "/" + name + ".created-mountpoint";
}

static bool has_kernel_filesystem(const fs::path& root, std::string_view name) {
  if (auto filesystems = read_file(root / "proc/filesystems")) {
    std::istringstream lines(*filesystems);
    for (std::string line; std::getline(lines, line);) {
      // "nodev\tceph" or "\text4": the name is the last field.
      if (line.substr(line.find_last_of(" \t") + 1) == name) return true;
    }
  }
  return false;
}

std::string remount_pending_marker(const MountPlan& plan) {
  return plan.key_file + ".remount-pending";
}

std::vector<std::string> direct_mount_command(const MountPlan& plan) {
  const std::string access = fmt::to_string(fmt::join(plan.access_options, ","));
  if (plan.method == MountMethod::kFuse) {
    return {"ceph-fuse",
            "-c",
            plan.conf_file,
            "-n",
            "client." + plan.user.str(),
            "-k",
            plan.key_file,
            "--client_fs",
            plan.fs_name.str(),
            "-r",
            plan.path.str(),
            "--client_mount_timeout=" + std::to_string(kClientMountTimeout),
            "--log-file",
            plan.log_file(),
            "-o",
            access,
            plan.mountpoint};
  }
  std::vector<std::string> options;
  if (plan.is_cephfs()) {
    options = {"mon_addr=" + plan.kernel_mon_addr(), "secretfile=" + plan.key_file};
  } else if (plan.port) {
    options = {"port=" + std::to_string(*plan.port)};
  }
  options.insert(options.end(), plan.access_options.begin(), plan.access_options.end());
  return {"mount",
          "-t",
          plan.fs_type(),
          plan.source(),
          plan.mountpoint,
          "-o",
          fmt::to_string(fmt::join(options, ","))};
}

SystemMountManager::SystemMountManager(std::filesystem::path root, CommandRunner run,
                                       uid_t trusted_uid)
    : root_(std::move(root)), run_(std::move(run)), trusted_uid_(trusted_uid) {}

fs::path SystemMountManager::under_root(std::string_view absolute) const {
  while (absolute.starts_with('/')) absolute.remove_prefix(1);
  return root_ / absolute;
}

bool SystemMountManager::systemd_running() const {
  std::error_code ec;
  return fs::is_directory(under_root("/run/systemd/system"), ec);
}

bool SystemMountManager::kernel_client_usable() {
  std::error_code ec;
  for (const char* marker : {"/run/systemd/container", "/.dockerenv", "/run/.containerenv"}) {
    if (fs::exists(under_root(marker), ec)) return false;
  }
  if (has_kernel_filesystem(root_, "ceph")) return true;
  struct utsname host {};
  if (::uname(&host) != 0) return false;
  for (const char* modules : {"/lib/modules/", "/usr/lib/modules/"}) {
    const fs::path dir = under_root(std::string(modules) + host.release + "/kernel/fs/ceph");
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      if (entry.path().filename().string().starts_with("ceph.ko")) return true;
    }
  }
  return false;
}

ops::Status SystemMountManager::install_tools(MountMethod method) {
  std::error_code ec;
  if (method == MountMethod::kLustre) return check_lustre_client();
  if (method == MountMethod::kNfs) {
    if (fs::exists(under_root("/sbin/mount.nfs"), ec) ||
        fs::exists(under_root("/usr/sbin/mount.nfs"), ec)) {
      return {};
    }
    if (auto updated = run_({"apt-get", "update", "-q"}, kAptUpdateTimeout); !updated) {
      return updated;
    }
    return run_({"apt-get", "install", "-y", "-q", "--no-install-recommends", "nfs-common"},
                kAptInstallTimeout);
  }
  if (method == MountMethod::kKernel) {
    if (fs::exists(under_root("/sbin/mount.ceph"), ec) ||
        fs::exists(under_root("/usr/sbin/mount.ceph"), ec)) {
      return {};
    }
  } else if (fs::exists(under_root("/usr/bin/ceph-fuse"), ec)) {
    return {};
  }
  const std::string package = method == MountMethod::kKernel ? "ceph-common" : "ceph-fuse";
  if (auto updated = run_({"apt-get", "update", "-q"}, kAptUpdateTimeout); !updated) {
    return updated;
  }
  return run_({"apt-get", "install", "-y", "-q", "--no-install-recommends", package},
              kAptInstallTimeout);
}

ops::Status SystemMountManager::check_lustre_client() {
  std::error_code ec;
  if (!fs::exists(under_root("/sbin/mount.lustre"), ec) &&
      !fs::exists(under_root("/usr/sbin/mount.lustre"), ec)) {
    return ops::Error{ops::ErrorCode::kUnavailable,
                      "the Lustre client is not installed (no mount.lustre): install the Lustre "
                      "client packages (lustre-client-utils and the lustre-client-modules of the "
                      "running kernel) on the machine"};
  }
  if (has_kernel_filesystem(root_, "lustre")) return {};
  // Not loaded yet: the module of the running kernel, wherever its package put it, is listed in
  // modules.dep ("<path>/lustre.ko[.zst]: <dependencies>").
  struct utsname host {};
  if (::uname(&host) == 0) {
    for (const char* modules : {"/lib/modules/", "/usr/lib/modules/"}) {
      const auto dep = read_file(under_root(std::string(modules) + host.release + "/modules.dep"));
      if (dep && (dep->find("/lustre.ko:") != std::string::npos ||
                  dep->find("/lustre.ko.") != std::string::npos)) {
        return {};
      }
    }
  }
  return ops::Error{ops::ErrorCode::kUnavailable,
                    "the running kernel has no Lustre client (no lustre file system or module): "
                    "install the lustre-client-modules of the running kernel"};
}

ops::Result<bool> SystemMountManager::write_credentials(const MountPlan& plan,
                                                        std::string_view key) {
  if (!plan.is_cephfs()) return false;  // NFS and Lustre: no key
  const fs::path dir = under_root(kCredentialDir);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return io_error("cannot create " + dir.string() + ": " + ec.message());
  if (::chmod(dir.c_str(), 0700) != 0) {
    return io_error("cannot set the mode of " + dir.string() + ": " + std::strerror(errno));
  }
  // Every text is rendered (and checked) before anything is written: a refused value leaves
  // the machine as it was.
  auto key_text =
      plan.method == MountMethod::kFuse ? render_keyring(plan, key) : render_secret_file(key);
  if (!key_text) return key_text.error();
  std::optional<std::string> conf;
  if (plan.method == MountMethod::kFuse) {
    auto rendered = render_ceph_conf(plan);
    if (!rendered) return rendered.error();
    conf = std::move(*rendered);
  }
  // A change is recorded on the machine before the new key is written, and cleared only by a
  // successful mount: a hook that fails in between (or a remount that fails) leaves the record,
  // so the retry still knows the mount uses the old key (stored state would be discarded).
  const fs::path pending = under_root(remount_pending_marker(plan));
  const bool changes = read_file(under_root(plan.key_file)) != *key_text ||
                       (conf && read_file(under_root(plan.conf_file)) != *conf);
  if (changes) {
    if (auto recorded = write_atomically(pending, "remount\n", 0600); !recorded) {
      return recorded.error();
    }
  }
  if (auto written = write_atomically(under_root(plan.key_file), *key_text, 0600); !written) {
    return written;
  }
  if (conf) {
    if (auto written = write_atomically(under_root(plan.conf_file), *conf, 0600); !written) {
      return written;
    }
  }
  return fs::exists(pending, ec);
}

ops::Status SystemMountManager::remove_credentials(const MountPlan& plan) {
  if (!plan.is_cephfs()) return {};
  if (auto removed = remove_file(under_root(remount_pending_marker(plan))); !removed) {
    return removed;
  }
  if (auto removed = remove_file(under_root(plan.key_file)); !removed) return removed;
  if (!plan.conf_file.empty()) return remove_file(under_root(plan.conf_file));
  return {};
}

ops::Result<bool> SystemMountManager::create_mountpoint(const std::string& mountpoint) {
  // Before anything is written: a path a local user can change is refused, existing or not.
  if (auto safe = check_mountpoint_components(root_, mountpoint, trusted_uid_); !safe) {
    return safe.error();
  }
  const fs::path path = under_root(mountpoint);
  const fs::path marker = under_root(created_mountpoint_marker(mountpoint));
  const std::string record = mountpoint + "\n";
  std::error_code ec;
  if (fs::exists(fs::symlink_status(path, ec))) return read_file(marker) == record;
  // The record first: a hook that fails after the mkdir must not lose it.
  const fs::path dir = under_root(kCredentialDir);
  fs::create_directories(dir, ec);
  if (ec) return io_error("cannot create " + dir.string() + ": " + ec.message());
  if (::chmod(dir.c_str(), 0700) != 0) {
    return io_error("cannot set the mode of " + dir.string() + ": " + std::strerror(errno));
  }
  if (auto written = write_atomically(marker, record, 0600); !written) return written.error();
  auto created = create_mountpoint_directories(root_, mountpoint, trusted_uid_);
  if (!created || !*created) {  // failed, or root made it in the meantime: not this charm's
    (void)remove_file(marker);
  }
  return created;
}

ops::Status SystemMountManager::remove_created_mountpoint(const std::string& mountpoint) {
  const fs::path marker = under_root(created_mountpoint_marker(mountpoint));
  if (read_file(marker) != mountpoint + "\n") return {};  // not created by this charm
  const fs::path path = under_root(mountpoint);
  std::error_code ec;
  if (fs::is_directory(path, ec) && fs::is_empty(path, ec)) {
    // rmdir(2) refuses a non-empty directory: nothing inside can ever be deleted here.
    if (::rmdir(path.c_str()) != 0 && errno != ENOENT && errno != ENOTEMPTY && errno != EBUSY) {
      return io_error("cannot remove the empty directory " + mountpoint + ": " +
                      std::strerror(errno));
    }
  }
  // A directory kept because it holds files is no longer this charm's to remove.
  return remove_file(marker);
}

ops::Status SystemMountManager::mount(const MountPlan& plan, bool remount) {
  // At every mount, not only when the directory was made: a directory swapped for a symlink
  // since then is refused before any file is written or command run.
  if (auto safe = check_mountpoint_components(root_, plan.mountpoint, trusted_uid_); !safe) {
    return safe;
  }
  auto mounted =
      systemd_running() ? mount_with_systemd(plan, remount) : mount_directly(plan, remount);
  if (!mounted || !plan.is_cephfs()) return mounted;
  // The mount now uses the key files as written: no remount is pending any more.
  return remove_file(under_root(remount_pending_marker(plan)));
}

ops::Status SystemMountManager::unmount(const MountPlan& plan) {
  if (systemd_running()) {
    if (auto done = unmount_with_systemd(plan); !done) return done;
  }
  if (auto done = umount_if_mounted(plan); !done) return done;
  return update_fstab(plan, /*present=*/false);
}

std::optional<std::string> SystemMountManager::persistent_record(const MountPlan& plan) {
  const std::string unit = mount_unit_name(plan.mountpoint);
  if (auto text = read_file(under_root("/etc/systemd/system/" + unit));
      text && text->starts_with(kUnitMarker)) {
    return "systemd unit " + unit;
  }
  const std::string marker = fstab_marker(plan.mountpoint);
  if (auto fstab = read_file(under_root(kFstab))) {
    std::istringstream lines(*fstab);
    for (std::string line; std::getline(lines, line);) {
      if (line == marker) return std::string(kFstab);
    }
  }
  return std::nullopt;
}

ops::Status SystemMountManager::mount_with_systemd(const MountPlan& plan, bool remount) {
  const std::string unit = mount_unit_name(plan.mountpoint);
  const fs::path unit_path = under_root("/etc/systemd/system/" + unit);
  if (auto existing = read_file(unit_path); existing && !existing->starts_with(kUnitMarker)) {
    return io_error("the systemd unit " + unit_path.string() +
                    " exists and was not written by this charm; remove it or choose another "
                    "mountpoint");
  }
  std::error_code ec;
  fs::create_directories(unit_path.parent_path(), ec);
  auto unit_text = render_mount_unit(plan);
  if (!unit_text) return unit_text.error();
  auto changed = write_atomically(unit_path, *unit_text, 0644);
  if (!changed) return changed.error();
  if (*changed) {
    if (auto reloaded = run_({"systemctl", "daemon-reload"}, kSystemctlTimeout); !reloaded) {
      return reloaded;
    }
  }
  if (auto enabled = run_({"systemctl", "enable", unit}, kSystemctlTimeout); !enabled) {
    return enabled;
  }
  return run_({"systemctl", remount ? "restart" : "start", unit}, kSystemctlTimeout);
}

ops::Status SystemMountManager::unmount_with_systemd(const MountPlan& plan) {
  const std::string unit = mount_unit_name(plan.mountpoint);
  const fs::path unit_path = under_root("/etc/systemd/system/" + unit);
  auto existing = read_file(unit_path);
  if (!existing || !existing->starts_with(kUnitMarker)) return {};
  if (auto stopped = run_({"systemctl", "disable", "--now", unit}, kSystemctlTimeout); !stopped) {
    return stopped;
  }
  if (auto removed = remove_file(unit_path); !removed) return removed;
  return run_({"systemctl", "daemon-reload"}, kSystemctlTimeout);
}

ops::Status SystemMountManager::mount_directly(const MountPlan& plan, bool remount) {
  if (auto recorded = update_fstab(plan, /*present=*/true); !recorded) return recorded;
  auto mounted = find_mount(plan.mountpoint);
  if (!mounted) return mounted.error();
  if (*mounted && is_mount_of(**mounted, plan.method)) {
    if (!remount) return {};
    if (auto done = umount_if_mounted(plan); !done) return done;
    // Unmounted, the directory itself is visible again and must pass the full check.
    if (auto safe = check_mountpoint_components(root_, plan.mountpoint, trusted_uid_); !safe) {
      return safe;
    }
  }
  const bool fuse = plan.method == MountMethod::kFuse;
  const std::string see_log = fuse ? " (see " + plan.log_file() + ")" : "";
  if (fuse) {
    std::error_code ec;
    fs::create_directories(under_root("/var/log/ceph"), ec);
    if (ec) return io_error("cannot create /var/log/ceph: " + ec.message());
  }
  if (auto done = run_(direct_mount_command(plan), kMountTimeout); !done) {
    return ops::Error{done.error().code, done.error().message + see_log};
  }
  auto after = find_mount(plan.mountpoint);
  if (!after) return after.error();
  if (!*after || !is_mount_of(**after, plan.method)) {
    return io_error(std::string(fuse ? "ceph-fuse" : "mount") + " reported success but " +
                    plan.mountpoint + " is not " +
                    (plan.is_cephfs() ? std::string("a CephFS") : "an " + plan.fs_type()) +
                    " mount afterwards" + see_log);
  }
  return {};
}

ops::Status SystemMountManager::umount_if_mounted(const MountPlan& plan) {
  const std::string& mountpoint = plan.mountpoint;
  auto mounted = find_mount(mountpoint);
  if (!mounted) return mounted.error();
  if (!*mounted || !is_mount_of(**mounted, plan.method)) return {};
  auto done = run_({"umount", mountpoint}, kUmountTimeout);
  if (done ||
      done.error().message.find("Transport endpoint is not connected") == std::string::npos) {
    return done;
  }
  // The FUSE daemon is gone: nothing can be flushed any more; detach the dead mount.
  return run_({"umount", "-l", mountpoint}, kUmountTimeout);
}

ops::Status SystemMountManager::update_fstab(const MountPlan& plan, bool present) {
  const fs::path path = under_root(kFstab);
  const auto old = read_file(path);
  if (!old && !present) return {};
  const std::string text = old.value_or("");
  const std::string marker = fstab_marker(plan.mountpoint);
  std::string entry;
  if (present) {
    auto rendered = render_fstab_entry(plan);
    if (!rendered) return rendered.error();
    entry = std::move(*rendered);
  }
  // Split keeping every byte: each piece is a line with its '\n' (the last may lack it).
  std::vector<std::string_view> lines;
  for (std::size_t start = 0; start < text.size();) {
    const std::size_t nl = text.find('\n', start);
    const std::size_t end = nl == std::string::npos ? text.size() : nl + 1;
    lines.push_back(std::string_view(text).substr(start, end - start));
    start = end;
  }
  auto strip = [](std::string_view line) {
    while (line.ends_with('\n') || line.ends_with('\r')) line.remove_suffix(1);
    return line;
  };
  std::string out;
  bool placed = false;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string_view line = strip(lines[i]);
    if (line == marker) {
      ++i;  // this charm's entry follows its marker
      if (present && !placed) out += entry;
      placed = true;
      continue;
    }
    std::istringstream fields{std::string(line)};
    std::string device, where;
    fields >> device >> where;
    if (!device.starts_with('#') && where == plan.mountpoint) {
      return io_error("/etc/fstab has an entry for " + plan.mountpoint +
                      " that this charm did not write; remove it or choose another mountpoint");
    }
    out += lines[i];
  }
  if (present && !placed) {
    if (!out.empty() && !out.ends_with('\n')) out += '\n';
    out += entry;
  }
  if (out == text) return {};
  struct stat st {};
  const mode_t mode = ::stat(path.c_str(), &st) == 0 ? (st.st_mode & 07777) : 0644;
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  auto written = write_atomically(path, out, mode);
  if (!written) return written.error();
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
