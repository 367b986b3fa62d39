// The cephfs-client charm for process-level tests under juju-sim: the production charm and the
// production SystemMountManager, but rooted in a simulated machine directory next to the unit's
// charm directory ($JUJU_CHARM_DIR/../machine) and with a command runner that records every
// command in <machine>/commands.log and plays the machine's tools:
//  - systemd mode (<machine>/run/systemd/system exists): `systemctl start|restart <unit>` mounts
//    what the unit file says (a line in <machine>/proc/self/mountinfo), `systemctl disable --now`
//    unmounts;
//  - direct mode (no run/systemd/system): `ceph-fuse ... <mp>` adds a fuse.ceph-fuse line for
//    <mp>, `mount -t ceph <device> <mp> -o <options>` a ceph line;
//  - both: `umount [-l] <mp>` unmounts, `apt-get install` "installs" mount.ceph / ceph-fuse.
// A machine is made at the unit's first hook. It runs systemd when the model directory
// ($JUJU_CHARM_DIR/../../..) holds a file `sim-machine-systemd`, and its kernel knows ceph (so
// mount-method auto picks the kernel client) when it holds `sim-machine-kernel-ceph`; by default
// it is like this sandbox: no systemd, no kernel client.
//
// This is a separate executable that is only built with the tests and never packed: nothing in
// the environment or the configuration can make the production `dispatch` use it.
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "client_charm.h"
#include "ops/main.h"
#include "system_mount_manager.h"

namespace {

namespace fs = std::filesystem;

std::string read(const fs::path& path) {
  std::ifstream in(path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string unit_value(const std::string& unit_text, const std::string& key) {
  std::istringstream lines(unit_text);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(key + "=", 0) == 0) return line.substr(key.size() + 1);
  }
  return {};
}

void remove_mount(const fs::path& mountinfo, const std::string& where) {
  std::istringstream lines(read(mountinfo));
  std::string kept;
  for (std::string line; std::getline(lines, line);) {
    std::istringstream fields(line);
    std::string id, parent, dev, root, mountpoint;
    fields >> id >> parent >> dev >> root >> mountpoint;
    if (mountpoint != where) kept += line + "\n";
  }
  std::ofstream(mountinfo, std::ios::trunc) << kept;
}

class SimulatedMachine {
 public:
  SimulatedMachine(fs::path root, const fs::path& model) : root_(std::move(root)) {
    if (!fs::exists(root_ / "proc/self")) {
      fs::create_directories(root_ / "proc/self");
      std::ofstream(mountinfo()) << "22 1 0:21 / /proc rw,nosuid - proc proc rw\n";
      std::ofstream(root_ / "proc/filesystems")
          << "nodev\tproc\n\text4\n"
          << (fs::exists(model / "sim-machine-kernel-ceph") ? "nodev\tceph\n" : "");
      if (fs::exists(model / "sim-machine-systemd"))
        fs::create_directories(root_ / "run/systemd/system");
    }
  }

  ops::Status run(const std::vector<std::string>& argv, std::chrono::seconds /*timeout*/) {
    std::string line;
    for (const auto& a : argv) line += (line.empty() ? "" : " ") + a;
    std::ofstream(root_ / "commands.log", std::ios::app) << line << "\n";
    if (argv.size() == 3 && argv[0] == "systemctl" &&
        (argv[1] == "start" || argv[1] == "restart")) {
      const std::string unit = read(root_ / "etc/systemd/system" / argv[2]);
      const std::string where = unit_value(unit, "Where");
      add_mount(where, unit_value(unit, "Type"), unit_value(unit, "What"),
                unit_value(unit, "Options"));
    } else if (argv.size() == 4 && argv[0] == "systemctl" && argv[1] == "disable") {
      const std::string unit = read(root_ / "etc/systemd/system" / argv[3]);
      remove_mount(mountinfo(), unit_value(unit, "Where"));
    } else if (argv.size() >= 2 && argv[0] == "umount") {
      remove_mount(mountinfo(), argv.back());
    } else if (argv.size() >= 2 && argv[0] == "ceph-fuse") {
      add_mount(argv.back(), "fuse.ceph-fuse", "ceph-fuse", "rw");
    } else if (argv.size() == 7 && argv[0] == "mount" && argv[1] == "-t") {
      add_mount(argv[4], argv[2], argv[3], argv[6]);
    } else if (argv.size() >= 2 && argv[0] == "apt-get" && argv[1] == "install") {
      fs::create_directories(root_ / "sbin");
      fs::create_directories(root_ / "usr/bin");
      std::ofstream(root_ / (argv.back() == "ceph-fuse" ? "usr/bin/ceph-fuse" : "sbin/mount.ceph"));
    }
    return {};
  }

 private:
  void add_mount(const std::string& where, const std::string& type, const std::string& source,
                 const std::string& options) {
    remove_mount(mountinfo(), where);
    std::ofstream(mountinfo(), std::ios::app)
        << "100 1 0:77 / " << where << " rw - " << type << " " << source << " " << options << "\n";
  }
  fs::path mountinfo() const { return root_ / "proc/self/mountinfo"; }
  fs::path root_;
};

}  // namespace

int main() {
  const char* charm_dir = std::getenv("JUJU_CHARM_DIR");
  const fs::path charm = fs::path(charm_dir != nullptr ? charm_dir : ".");
  const fs::path root = charm / ".." / "machine";
  const fs::path model = charm / ".." / ".." / "..";
  return ops::dispatch_main([=](ops::Framework& framework) -> std::unique_ptr<ops::CharmBase> {
    auto machine = std::make_shared<SimulatedMachine>(root, model);
    auto mounts = std::make_unique<cephfs_client::SystemMountManager>(
        root,
        [machine](const std::vector<std::string>& argv, std::chrono::seconds timeout) {
          return machine->run(argv, timeout);
        },
        ::geteuid());  // juju-sim tests run as any user; the machine directory is theirs
    return std::make_unique<cephfs_client::ClientCharm>(framework, std::move(mounts));
  });
}
