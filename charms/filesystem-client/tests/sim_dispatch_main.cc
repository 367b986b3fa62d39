// The filesystem-client charm for process-level tests under juju-sim (built like cephfs-client's,
// ../../cephfs-client/tests/sim_dispatch_main.cc): the production charm and the
// production SystemMountManager, but rooted in a simulated machine directory next to the unit's
// charm directory ($JUJU_CHARM_DIR/../machine) and with a command runner that records every
// command in <machine>/commands.log and plays the machine's tools (simulated_machine.h: systemctl
// on mount units, ceph-fuse, mount -t ceph, umount, apt-get install).
// A machine is made at the unit's first hook. It runs systemd when the model directory
// ($JUJU_CHARM_DIR/../../..) holds a file `sim-machine-systemd`, and its kernel knows ceph (so
// CephFS is mounted by the kernel client) when it holds `sim-machine-kernel-ceph`, and it has a
// Lustre client when it holds `sim-machine-lustre`; by default
// it is like this sandbox: no systemd, no kernel client.
//
// This is a separate executable that is only built with the tests and never packed: nothing in
// the environment or the configuration can make the production `dispatch` use it.
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "filesystem_client_charm.h"
#include "ops/main.h"
#include "simulated_machine.h"
#include "system_mount_manager.h"

int main() {
  namespace fs = std::filesystem;
  const char* charm_dir = std::getenv("JUJU_CHARM_DIR");
  const fs::path charm = fs::path(charm_dir != nullptr ? charm_dir : ".");
  const fs::path root = charm / ".." / "machine";
  const fs::path model = charm / ".." / ".." / "..";
  return ops::dispatch_main([=](ops::Framework& framework) -> std::unique_ptr<ops::CharmBase> {
    auto machine =
        std::make_shared<cephfs_client::testing::SimulatedMachine>(root, root / "commands.log");
    machine->create({.systemd = fs::exists(model / "sim-machine-systemd"),
                     .kernel_ceph = fs::exists(model / "sim-machine-kernel-ceph"),
                     .lustre_client = fs::exists(model / "sim-machine-lustre")});
    auto mounts = std::make_unique<cephfs_client::SystemMountManager>(
        root,
        [machine](const std::vector<std::string>& argv, std::chrono::seconds timeout) {
          return machine->run(argv, timeout);
        },
        ::geteuid());  // juju-sim tests run as any user; the machine directory is theirs
    return std::make_unique<filesystem_client::FilesystemClientCharm>(framework, std::move(mounts));
  });
}
