// Helpers of the e2e tests against a real cluster: bounded child processes, ceph-fuse mounts and
// 0600 keyring files. Every wait here has a deadline, and every mount is undone by a destructor.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace cephfs::e2e {

// A private temporary directory (mkdtemp under /tmp), removed with its contents on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

struct RunResult {
  int exit_code = -1;  // -1: killed at the deadline (or could not start)
  bool timed_out = false;
  std::string output;  // stdout and stderr together
};

// Runs argv[0] (looked up on PATH) with stdin from /dev/null, kills it at `limit`.
RunResult run(const std::vector<std::string>& argv, std::chrono::milliseconds limit);

// The environment variable `name`, or `fallback` when it is unset.
std::string env_or(const char* name, const std::string& fallback = "");
// The whole file ("" when it cannot be read).
std::string read_text(const std::string& path);
// The value of the first "<key> = <value>" line of a ceph.conf or keyring text ("" if none).
std::string ini_value_in(const std::string& text, const std::string& key);
// ini_value_in() of the file at `path`.
std::string ini_value(const std::string& path, const std::string& key);

// Writes "[client.<id>]\n\tkey = <key>\n" to `path` with mode 0600 (created, never on argv).
void write_keyring(const std::string& path, const std::string& client_id, const std::string& key);

// The least-privilege caps of the provisioning admin (docs/charms.md, "Least-privilege admin"),
// as `ceph auth get-or-create` arguments: mon/mgr/mds/osd and their cap strings. Clients it may
// create, read and remove are those whose entity starts with `client_prefix` (e.g.
// "client.proxy"); marks go to the namespace cephfs-share.owners of each of `metadata_pools`.
std::vector<std::string> provisioner_caps(const std::string& client_prefix,
                                          const std::vector<std::string>& metadata_pools);

// Creates (or gets) `entity` with provisioner_caps() as the admin of `conf`, its keyring written by
// ceph to `keyring_path` (created 0600 first; the key never reaches an argv). Throws on failure.
void create_provisioner(const std::string& conf, const std::string& entity,
                        const std::string& client_prefix,
                        const std::vector<std::string>& metadata_pools,
                        const std::string& keyring_path);

// A ceph-fuse mount as client.<client_id>, run in the foreground as our child (so we own its pid):
//   ceph-fuse -f --no-mon-config -c /dev/null -m <mon_host> -n client.<id> --keyring <file>
//             --client_fs <fs> -r <path> --log-file /dev/null <mountpoint>
// The key reaches ceph-fuse through the keyring file only. --no-mon-config makes a refused key
// fail with "(13) Permission denied" instead of "failed to fetch mon config".
class FuseMount {
 public:
  struct Options {
    std::string mon_host;
    std::string client_id;
    std::string keyring_file;
    std::string fs_name;
    std::string path;
    std::string mountpoint;  // created if missing
  };

  // Starts ceph-fuse and waits, at most `limit`, until the mount appears or ceph-fuse exits.
  explicit FuseMount(Options options, std::chrono::milliseconds limit = std::chrono::seconds(30));
  // Lazily unmounts, then waits (bounded) for ceph-fuse to exit, SIGKILL after 10 s.
  ~FuseMount();
  FuseMount(const FuseMount&) = delete;
  FuseMount& operator=(const FuseMount&) = delete;

  bool mounted() const { return mounted_; }
  // ceph-fuse's output so far (its errors, e.g. "ceph mount failed with (13) Permission denied").
  std::string output() const;
  const std::string& mountpoint() const { return options_.mountpoint; }

 private:
  Options options_;
  std::string log_file_;
  pid_t pid_ = -1;
  bool mounted_ = false;
};

// True when `mountpoint` is a mount point of a ceph-fuse file system (from /proc/self/mountinfo).
bool is_ceph_fuse_mount(const std::string& mountpoint);

// Writes `content` to `path` and fsyncs it, so the data reaches RADOS. False on any error.
bool write_file_synced(const std::string& path, const std::string& content);
// Reads `path` into `content`; false when it cannot be opened or read.
bool read_file(const std::string& path, std::string& content);

}  // namespace cephfs::e2e
