// SimulatedMachine: a machine in a directory, for running the production SystemMountManager
// without mounting anything. It makes the files SystemMountManager reads (/proc/self/mountinfo,
// /proc/filesystems, the mount tools) under a root directory and plays the commands it runs
// (its CommandRunner) on them:
//  - systemd mode (<root>/run/systemd/system exists):
//      `systemctl enable <unit>` links <root>/etc/systemd/system/<WantedBy>.wants/<unit> (fails
//        when the unit file does not exist);
//      `systemctl start|restart <unit>` mounts what the unit file says (fails when it does not
//        exist); start of a mounted unit does nothing, restart remounts;
//      `systemctl stop <unit>` unmounts, `systemctl disable [--now] <unit>` removes the links
//        (and with --now unmounts);
//      `systemctl daemon-reload` does nothing: the unit file is read at each start, which is
//        what systemd does too for the charm's sequence, as `systemctl enable` and `disable`
//        reload the configuration themselves (without --no-reload) and the charm enables before
//        every start;
//  - direct mode: `ceph-fuse ... -c <conf> -k <keyring> ... <mp>` adds a fuse.ceph-fuse line for
//    <mp>, `mount -t ceph <device> <mp> -o <options>` a ceph line (nfs, lustre: a line of that
//    type, without reading a key);
//  - both: `umount [-l] <mp>` removes the line of <mp> (exit 32 "not mounted" without one),
//    `apt-get install ceph-common|ceph-fuse|nfs-common` "installs" /sbin/mount.ceph,
//    /usr/bin/ceph-fuse or /sbin/mount.nfs,
//    every other command succeeds doing nothing.
// A mount reads its key file as the real tools do: a missing key file (or ceph.conf for FUSE)
// fails the mount, and the mount line records the file and an FNV-1a hash of the content it read
// (`sim_keyfile=<path>,sim_keyhash=<hex>` in the super options; never the key), so a test sees
// whether a remount after a key change happened.
//
// Example:
//   SimulatedMachine machine(root);
//   machine.create({.systemd = true, .kernel_ceph = true, .tools_installed = true});
//   SystemMountManager mounts(root, [&machine](const auto& argv, std::chrono::seconds timeout) {
//     return machine.run(argv, timeout);
//   });
//
// Header-only: it is shared by the juju-sim client build (sim_dispatch_main.cc) and the fault
// injection test. Not thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "ops/result.h"

namespace cephfs_client::testing {

// The machine SimulatedMachine::create() makes.
struct MachineSpec {
  bool systemd = false;          // <root>/run/systemd/system exists
  bool kernel_ceph = false;      // /proc/filesystems lists ceph (mount-method auto: kernel)
  bool tools_installed = false;  // /sbin/mount.ceph and /usr/bin/ceph-fuse exist (no apt-get)
  bool lustre_client = false;    // /sbin/mount.lustre exists, /proc/filesystems lists lustre
};

class SimulatedMachine {
 public:
  // `commands_log`: when set, every command is appended to it (one line, arguments joined by
  // spaces), e.g. <root>/commands.log.
  explicit SimulatedMachine(std::filesystem::path root,
                            std::optional<std::filesystem::path> commands_log = std::nullopt)
      : root_(std::move(root)), commands_log_(std::move(commands_log)) {}

  const std::filesystem::path& root() const { return root_; }

  // Makes the base machine under root(): /proc/self/mountinfo (only /proc mounted),
  // /proc/filesystems and what `spec` asks for. Does nothing when <root>/proc/self exists (the
  // machine was made by an earlier hook).
  void create(const MachineSpec& spec) const {
    namespace fs = std::filesystem;
    if (fs::exists(root_ / "proc/self")) return;
    fs::create_directories(root_ / "proc/self");
    std::ofstream(mountinfo()) << "22 1 0:21 / /proc rw,nosuid - proc proc rw\n";
    std::ofstream(root_ / "proc/filesystems") << "nodev\tproc\n\text4\n"
                                              << (spec.kernel_ceph ? "nodev\tceph\n" : "")
                                              << (spec.lustre_client ? "nodev\tlustre\n" : "");
    if (spec.lustre_client) {
      fs::create_directories(root_ / "sbin");
      std::ofstream(root_ / "sbin/mount.lustre");
    }
    if (spec.systemd) fs::create_directories(root_ / "run/systemd/system");
    if (spec.tools_installed) {
      install("ceph-common");
      install("ceph-fuse");
    }
  }

  // A CommandRunner (system_mount_manager.h) that plays `argv` on the machine.
  ops::Status run(const std::vector<std::string>& argv, std::chrono::seconds /*timeout*/) {
    if (commands_log_) {
      std::string line;
      for (const auto& a : argv) line += (line.empty() ? "" : " ") + a;
      std::ofstream(*commands_log_, std::ios::app) << line << "\n";
    }
    if (argv.empty()) return failed(argv, 127, "no command");
    const std::string& tool = argv[0];
    if (tool == "systemctl") return systemctl(argv);
    if (tool == "ceph-fuse") return ceph_fuse(argv);
    if (tool == "mount" && argv.size() == 7 && argv[1] == "-t") {
      return mount_with_options(argv, argv[4], argv[2], argv[3], argv[6]);
    }
    if (tool == "umount" && argv.size() >= 2) {
      if (!remove_mount(argv.back())) {
        return failed(argv, 32, "umount: " + argv.back() + ": not mounted.");
      }
      return {};
    }
    if (tool == "apt-get" && argv.size() >= 3 && argv[1] == "install") install(argv.back());
    return {};
  }

  // The mount line of `mountpoint` in <root>/proc/self/mountinfo is removed, as when a share is
  // lost behind the charm's back (network down at boot, a FUSE daemon killed).
  void lose_mount(const std::string& mountpoint) { remove_mount(mountpoint); }

  // FNV-1a, 64 bits, as 16 hex digits: how the machine names a key without showing it.
  static std::string hash(std::string_view bytes) {
    std::uint64_t h = 14695981039346656037ULL;
    for (const unsigned char c : bytes) {
      h ^= c;
      h *= 1099511628211ULL;
    }
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out(16, '0');
    for (int i = 15; i >= 0; --i, h >>= 4) out[static_cast<std::size_t>(i)] = kHex[h & 0xf];
    return out;
  }

 private:
  static std::optional<std::string> read(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
  }

  static std::string unit_value(const std::string& unit_text, const std::string& key) {
    std::istringstream lines(unit_text);
    for (std::string line; std::getline(lines, line);) {
      if (line.rfind(key + "=", 0) == 0) return line.substr(key.size() + 1);
    }
    return {};
  }

  // The value of `name=` in a comma-separated option list.
  static std::string option_value(const std::string& options, const std::string& name) {
    std::istringstream items(options);
    for (std::string item; std::getline(items, item, ',');) {
      if (item.rfind(name + "=", 0) == 0) return item.substr(name.size() + 1);
    }
    return {};
  }

  static ops::Status failed(const std::vector<std::string>& argv, int code,
                            const std::string& err) {
    std::string line;
    for (const auto& a : argv) line += (line.empty() ? "" : " ") + a;
    return ops::Error{ops::ErrorCode::kIoError,
                      line + " failed (exit " + std::to_string(code) + "): " + err};
  }

  std::filesystem::path under_root(const std::string& absolute) const {
    return root_ / std::filesystem::path(absolute).relative_path();
  }
  std::filesystem::path mountinfo() const { return root_ / "proc/self/mountinfo"; }
  std::filesystem::path unit_file(const std::string& unit) const {
    return root_ / "etc/systemd/system" / unit;
  }

  void install(const std::string& package) const {
    namespace fs = std::filesystem;
    const bool fuse = package == "ceph-fuse";
    fs::create_directories(root_ / (fuse ? "usr/bin" : "sbin"));
    if (package == "nfs-common") {
      std::ofstream(root_ / "sbin/mount.nfs");
      return;
    }
    std::ofstream(root_ / (fuse ? "usr/bin/ceph-fuse" : "sbin/mount.ceph"));
  }

  bool mounted(const std::string& where) const {
    std::istringstream lines(read(mountinfo()).value_or(""));
    for (std::string line; std::getline(lines, line);) {
      std::istringstream fields(line);
      std::string id, parent, dev, root, mountpoint;
      fields >> id >> parent >> dev >> root >> mountpoint;
      if (mountpoint == where) return true;
    }
    return false;
  }

  bool remove_mount(const std::string& where) {
    std::istringstream lines(read(mountinfo()).value_or(""));
    std::string kept;
    bool removed = false;
    for (std::string line; std::getline(lines, line);) {
      std::istringstream fields(line);
      std::string id, parent, dev, root, mountpoint;
      fields >> id >> parent >> dev >> root >> mountpoint;
      if (mountpoint == where) {
        removed = true;
      } else {
        kept += line + "\n";
      }
    }
    std::ofstream(mountinfo(), std::ios::trunc) << kept;
    return removed;
  }

  // Mounts `where` after reading its key file (and, for FUSE, its ceph.conf) as the tool would.
  ops::Status add_mount(const std::vector<std::string>& argv, const std::string& where,
                        const std::string& type, const std::string& source,
                        const std::string& options, const std::string& key_file,
                        const std::string& conf_file) {
    const auto key = key_file.empty() ? std::nullopt : read(under_root(key_file));
    if (!key) return failed(argv, 1, "cannot read the key file '" + key_file + "'");
    if (!conf_file.empty() && !read(under_root(conf_file))) {
      return failed(argv, 1, "did not load config file '" + conf_file + "'");
    }
    remove_mount(where);
    std::ofstream(mountinfo(), std::ios::app)
        << "100 1 0:77 / " << where << " rw - " << type << " " << source << " " << options
        << ",sim_keyfile=" << key_file << ",sim_keyhash=" << hash(*key) << "\n";
    return {};
  }

  // mount -t ceph <device> <mp> -o <options>, or what a mount unit of type ceph or fuse.ceph
  // runs.
  ops::Status mount_with_options(const std::vector<std::string>& argv, const std::string& where,
                                 const std::string& type, const std::string& source,
                                 const std::string& options) {
    if (type == "nfs" || type == "lustre") {  // no key: the line records the options
      remove_mount(where);
      std::ofstream(mountinfo(), std::ios::app) << "100 1 0:78 / " << where << " rw - " << type
                                                << " " << source << " " << options << "\n";
      return {};
    }
    if (type == "fuse.ceph") {
      return add_mount(argv, where, "fuse.ceph-fuse", "ceph-fuse", "rw",
                       option_value(options, "ceph.keyring"), option_value(options, "ceph.conf"));
    }
    return add_mount(argv, where, type, source, options, option_value(options, "secretfile"), {});
  }

  ops::Status ceph_fuse(const std::vector<std::string>& argv) {
    std::string keyring, conf;
    for (std::size_t i = 1; i + 1 < argv.size(); ++i) {
      if (argv[i] == "-k") keyring = argv[i + 1];
      if (argv[i] == "-c") conf = argv[i + 1];
    }
    return add_mount(argv, argv.back(), "fuse.ceph-fuse", "ceph-fuse", "rw", keyring, conf);
  }

  ops::Status systemctl(const std::vector<std::string>& argv) {
    namespace fs = std::filesystem;
    const std::string verb = argv.size() >= 2 ? argv[1] : "";
    if (verb == "daemon-reload" || argv.size() < 3) return {};
    const std::string unit = argv.back();
    if (verb == "enable") {
      const auto text = read(unit_file(unit));
      if (!text) return failed(argv, 1, "Unit file " + unit + " does not exist.");
      const fs::path wants =
          root_ / "etc/systemd/system" / (unit_value(*text, "WantedBy") + ".wants");
      fs::create_directories(wants);
      std::error_code ec;
      if (!fs::is_symlink(wants / unit, ec)) {
        fs::create_symlink("/etc/systemd/system/" + unit, wants / unit);
      }
      return {};
    }
    if (verb == "start" || verb == "restart") {
      const auto text = read(unit_file(unit));
      if (!text) return failed(argv, 5, "Unit " + unit + " not found.");
      const std::string where = unit_value(*text, "Where");
      if (verb == "start" && mounted(where)) return {};
      return mount_with_options(argv, where, unit_value(*text, "Type"), unit_value(*text, "What"),
                                unit_value(*text, "Options"));
    }
    if (verb == "stop" || verb == "disable") {
      const bool now = verb == "stop" || (argv.size() == 4 && argv[2] == "--now");
      const auto text = read(unit_file(unit));
      if (verb != "stop") {
        std::error_code ec;
        for (const auto& entry : fs::directory_iterator(root_ / "etc/systemd/system", ec)) {
          if (entry.is_directory() && entry.path().extension() == ".wants") {
            fs::remove(entry.path() / unit, ec);
          }
        }
      }
      if (text && now) remove_mount(unit_value(*text, "Where"));
      return {};
    }
    return {};
  }

  std::filesystem::path root_;
  std::optional<std::filesystem::path> commands_log_;
};

}  // namespace cephfs_client::testing
