// The cephfs-client charm for process-level tests under juju-sim: the production charm and the
// production SystemMountManager, but rooted in a simulated machine directory next to the unit's
// charm directory ($JUJU_CHARM_DIR/../machine) and with a command runner that records every
// command in <machine>/commands.log and plays systemd: `systemctl start|restart <unit>` mounts
// what the unit file says (a line in <machine>/proc/self/mountinfo), `systemctl disable --now`
// and `umount` unmount, `apt-get install` "installs" mount.ceph / ceph-fuse.
//
// This is a separate executable that is only built with the tests and never packed: nothing in
// the environment or the configuration can make the production `dispatch` use it.
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
  explicit SimulatedMachine(fs::path root) : root_(std::move(root)) {
    fs::create_directories(root_ / "proc/self");
    if (!fs::exists(mountinfo())) {
      std::ofstream(mountinfo()) << "22 1 0:21 / /proc rw,nosuid - proc proc rw\n";
    }
  }

  ops::Status run(const std::vector<std::string>& argv) {
    std::string line;
    for (const auto& a : argv) line += (line.empty() ? "" : " ") + a;
    std::ofstream(root_ / "commands.log", std::ios::app) << line << "\n";
    if (argv.size() == 3 && argv[0] == "systemctl" &&
        (argv[1] == "start" || argv[1] == "restart")) {
      const std::string unit = read(root_ / "etc/systemd/system" / argv[2]);
      const std::string where = unit_value(unit, "Where");
      remove_mount(mountinfo(), where);
      std::ofstream(mountinfo(), std::ios::app)
          << "100 1 0:77 / " << where << " rw - " << unit_value(unit, "Type") << " "
          << unit_value(unit, "What") << " " << unit_value(unit, "Options") << "\n";
    } else if (argv.size() == 4 && argv[0] == "systemctl" && argv[1] == "disable") {
      const std::string unit = read(root_ / "etc/systemd/system" / argv[3]);
      remove_mount(mountinfo(), unit_value(unit, "Where"));
    } else if (argv.size() == 2 && argv[0] == "umount") {
      remove_mount(mountinfo(), argv[1]);
    } else if (argv.size() >= 2 && argv[0] == "apt-get" && argv[1] == "install") {
      fs::create_directories(root_ / "sbin");
      fs::create_directories(root_ / "usr/bin");
      std::ofstream(root_ / (argv.back() == "ceph-fuse" ? "usr/bin/ceph-fuse" : "sbin/mount.ceph"));
    }
    return {};
  }

 private:
  fs::path mountinfo() const { return root_ / "proc/self/mountinfo"; }
  fs::path root_;
};

}  // namespace

int main() {
  const char* charm_dir = std::getenv("JUJU_CHARM_DIR");
  const fs::path root = fs::path(charm_dir != nullptr ? charm_dir : ".") / ".." / "machine";
  return ops::dispatch_main([root](ops::Framework& framework) -> std::unique_ptr<ops::CharmBase> {
    auto machine = std::make_shared<SimulatedMachine>(root);
    auto mounts = std::make_unique<cephfs_client::SystemMountManager>(
        root, [machine](const std::vector<std::string>& argv) { return machine->run(argv); });
    return std::make_unique<cephfs_client::ClientCharm>(framework, std::move(mounts));
  });
}
