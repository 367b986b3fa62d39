#include "ceph_test_support.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace cephfs::e2e {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// Spawns argv with stdout+stderr appended to `log`; returns the pid or -1.
pid_t spawn(const std::vector<std::string>& argv, const std::string& log) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  pid_t pid = -1;
  int rc = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  return rc == 0 ? pid : -1;
}

// Waits for `pid` until `deadline`: true (with its status) when it was reaped, false at the
// deadline.
bool wait_until(pid_t pid, Clock::time_point deadline, int& status) {
  while (true) {
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid || (r < 0 && errno != EINTR)) return true;
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(milliseconds(20));
  }
}

}  // namespace

TempDir::TempDir() {
  std::string pattern = "/tmp/sl-e2e-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

RunResult run(const std::vector<std::string>& argv, milliseconds limit) {
  TempDir dir;
  std::string log = dir.path() + "/output";
  RunResult result;
  pid_t pid = spawn(argv, log);
  if (pid < 0) {
    result.output = "cannot start " + argv.at(0);
    return result;
  }
  int status = 0;
  if (!wait_until(pid, Clock::now() + limit, status)) {
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    result.timed_out = true;
  } else if (WIFEXITED(status)) {
    result.exit_code = WEXITSTATUS(status);
  }
  result.output = slurp(log);
  return result;
}

void write_keyring(const std::string& path, const std::string& client_id, const std::string& key) {
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) throw std::runtime_error("cannot create keyring file " + path);
  std::string text = "[client." + client_id + "]\n\tkey = " + key + "\n";
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  close(fd);
  if (!ok) throw std::runtime_error("cannot write keyring file " + path);
}

std::vector<std::string> provisioner_caps(const std::string& client_prefix,
                                          const std::vector<std::string>& metadata_pools) {
  std::string mon = "allow r";
  for (const char* command : {"auth get-or-create", "auth get", "auth rm"}) {
    mon += std::string(", allow command \"") + command + "\" with entity prefix " + client_prefix;
  }
  std::string mgr;
  for (const char* command : {"fs volume ls", "fs subvolumegroup create", "fs subvolume create",
                              "fs subvolume info", "fs subvolume getpath", "fs subvolume rm"}) {
    mgr += std::string(mgr.empty() ? "" : ", ") + "allow command \"" + command + "\"";
  }
  std::string osd;
  for (const auto& pool : metadata_pools) {
    osd += (osd.empty() ? "" : ", ") + std::string("allow rw pool=") + pool +
           " namespace=cephfs-share.owners";
  }
  return {"mon", mon, "mgr", mgr, "mds", "allow *", "osd", osd};
}

void create_provisioner(const std::string& conf, const std::string& entity,
                        const std::string& client_prefix,
                        const std::vector<std::string>& metadata_pools,
                        const std::string& keyring_path) {
  int fd = open(keyring_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) throw std::runtime_error("cannot create keyring file " + keyring_path);
  close(fd);
  std::vector<std::string> argv = {"ceph", "-c", conf, "auth", "get-or-create", entity};
  for (auto& cap : provisioner_caps(client_prefix, metadata_pools)) argv.push_back(cap);
  argv.insert(argv.end(), {"-o", keyring_path});
  RunResult result = run(argv, std::chrono::seconds(30));
  if (result.exit_code != 0) {
    throw std::runtime_error("cannot create " + entity + ": " + result.output);
  }
}

bool is_ceph_fuse_mount(const std::string& mountpoint) {
  std::ifstream in("/proc/self/mountinfo");
  std::string line;
  while (std::getline(in, line)) {
    // "<id> <parent> <maj:min> <root> <mount point> <options> ... - <fstype> <source> ..."
    std::istringstream fields(line);
    std::string id, parent, dev, root, point;
    fields >> id >> parent >> dev >> root >> point;
    if (point == mountpoint && line.find(" - fuse.ceph-fuse ") != std::string::npos) return true;
  }
  return false;
}

FuseMount::FuseMount(Options options, milliseconds limit) : options_(std::move(options)) {
  std::filesystem::create_directories(options_.mountpoint);
  log_file_ = options_.mountpoint + ".log";
  pid_ =
      spawn({"ceph-fuse", "-f", "--no-mon-config", "-c", "/dev/null", "-m", options_.mon_host, "-n",
             "client." + options_.client_id, "--keyring", options_.keyring_file, "--client_fs",
             options_.fs_name, "-r", options_.path, "--log-file", "/dev/null", options_.mountpoint},
            log_file_);
  if (pid_ < 0) return;
  auto deadline = Clock::now() + limit;
  while (Clock::now() < deadline) {
    if (is_ceph_fuse_mount(options_.mountpoint)) {
      mounted_ = true;
      return;
    }
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;  // failed and gone
      return;
    }
    std::this_thread::sleep_for(milliseconds(20));
  }
}

FuseMount::~FuseMount() {
  if (is_ceph_fuse_mount(options_.mountpoint)) umount2(options_.mountpoint.c_str(), MNT_DETACH);
  if (pid_ > 0) {
    int status = 0;
    if (!wait_until(pid_, Clock::now() + std::chrono::seconds(5), status)) {
      kill(pid_, SIGTERM);
      if (!wait_until(pid_, Clock::now() + std::chrono::seconds(5), status)) {
        kill(pid_, SIGKILL);
        waitpid(pid_, &status, 0);
      }
    }
  }
  std::error_code ignored;
  std::filesystem::remove(options_.mountpoint, ignored);
  std::filesystem::remove(log_file_, ignored);
}

std::string FuseMount::output() const { return slurp(log_file_); }

bool write_file_synced(const std::string& path, const std::string& content) {
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return false;
  bool ok = ::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size());
  ok = fsync(fd) == 0 && ok;
  return close(fd) == 0 && ok;
}

bool read_file(const std::string& path, std::string& content) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::stringstream buffer;
  buffer << in.rdbuf();
  content = buffer.str();
  return !in.bad();
}

std::string env_or(const char* name, const std::string& fallback) {
  const char* value = std::getenv(name);
  return value != nullptr ? value : fallback;
}

std::string read_text(const std::string& path) { return slurp(path); }

std::string ini_value_in(const std::string& text, const std::string& key) {
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    const auto start = line.find_first_not_of(" \t");
    if (start == std::string::npos || line.compare(start, key.size(), key) != 0) continue;
    const auto eq = line.find('=', start + key.size());
    if (eq == std::string::npos) continue;
    const auto value = line.find_first_not_of(" \t", eq + 1);
    return value == std::string::npos ? "" : line.substr(value);
  }
  return "";
}

std::string ini_value(const std::string& path, const std::string& key) {
  return ini_value_in(slurp(path), key);
}

}  // namespace cephfs::e2e
