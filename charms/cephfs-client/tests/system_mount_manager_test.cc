// SystemMountManager against a temporary root directory and a recording command runner: the
// files it writes (modes, content), the commands it runs (argv, never the key), and how it reads
// mountinfo.
#include "system_mount_manager.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>

namespace cephfs_client {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

constexpr const char* kKey = "AQAPdQldX264KBAAOyaxen/y0XBl1qxlGPTabw==";

std::string read(const fs::path& path) {
  std::ifstream in(path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

unsigned mode_of(const fs::path& path) {
  struct stat st {};
  ::stat(path.c_str(), &st);
  return st.st_mode & 07777;
}

class SystemMountManagerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("cephfs-client-root-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_ / "proc/self");
    fs::create_directories(root_ / "sbin");
    std::ofstream(root_ / "sbin/mount.ceph") << "";
    std::ofstream(root_ / "proc/self/mountinfo") << "22 1 0:21 / /proc rw,nosuid - proc proc rw\n";
  }
  void TearDown() override { fs::remove_all(root_); }

  SystemMountManager manager() {
    return SystemMountManager(
        root_,
        [this](const std::vector<std::string>& argv, std::chrono::seconds timeout) -> ops::Status {
          std::string line;
          for (const auto& a : argv) line += (line.empty() ? "" : " ") + a;
          commands_.push_back(line);
          argvs_.push_back(argv);
          timeouts_.push_back(timeout);
          if (auto it = failures_.find(line); it != failures_.end()) {
            return ops::Error{ops::ErrorCode::kIoError, line + " failed (exit 32): " + it->second};
          }
          if (effect_) effect_(argv);
          return {};
        },
        ::geteuid());
  }
  // Turns the machine into one where systemd runs.
  void with_systemd() { fs::create_directories(root_ / "run/systemd/system"); }
  // The commands act like the real tools on <root>/proc/self/mountinfo.
  void play_mount_tools() {
    effect_ = [this](const std::vector<std::string>& argv) {
      if (argv[0] == "ceph-fuse") {
        std::ofstream(root_ / "proc/self/mountinfo", std::ios::app)
            << "90 1 0:60 / " << argv.back() << " rw,nosuid,nodev - fuse.ceph-fuse ceph-fuse "
            << "rw,user_id=0,group_id=0\n";
      } else if (argv[0] == "mount") {
        std::ofstream(root_ / "proc/self/mountinfo", std::ios::app)
            << "91 1 0:61 / " << argv[4] << " rw - ceph " << argv[3] << " rw\n";
      } else if (argv[0] == "umount") {
        std::ofstream(root_ / "proc/self/mountinfo", std::ios::trunc)
            << "22 1 0:21 / /proc rw,nosuid - proc proc rw\n";
      }
    };
  }

  MountPlan plan(MountMethod method = MountMethod::kKernel, std::string mountpoint = "/srv/data") {
    auto config = *parse_client_config({{"mountpoint", mountpoint}});
    return *make_mount_plan(config, method, {"fsid-1", "cephfs", "/", {"10.0.0.1:6789"}},
                            {"alice", kKey}, "cephfs-client", 4);
  }

  fs::path root_;
  std::vector<std::string> commands_;
  std::vector<std::vector<std::string>> argvs_;
  std::vector<std::chrono::seconds> timeouts_;
  std::map<std::string, std::string> failures_;  // command line -> last stderr line
  std::function<void(const std::vector<std::string>&)> effect_;
};

TEST_F(SystemMountManagerTest, WritesTheKeyFileRootOnlyInARootOnlyDirectory) {
  auto m = manager();
  auto changed = m.write_credentials(plan(), kKey);
  ASSERT_TRUE(changed.ok()) << changed.error().message;
  EXPECT_TRUE(*changed);
  const fs::path key_file = root_ / "etc/ceph/cephfs-client/cephfs-client.4.secret";
  EXPECT_EQ(read(key_file), std::string(kKey) + "\n");
  EXPECT_EQ(mode_of(key_file), 0600u);
  EXPECT_EQ(mode_of(root_ / "etc/ceph/cephfs-client"), 0700u);
  EXPECT_FALSE(fs::exists(key_file.string() + ".tmp"));
  EXPECT_TRUE(commands_.empty());
  // Same key again, but no mount has used it yet: still a change to mount (the record of it is
  // on the machine, 0600, so a hook that failed before mounting cannot lose it).
  const fs::path pending = key_file.string() + ".remount-pending";
  EXPECT_EQ(mode_of(pending), 0600u);
  EXPECT_TRUE(*m.write_credentials(plan(), kKey));
  play_mount_tools();
  ASSERT_TRUE(m.mount(plan(), false).ok());
  EXPECT_FALSE(fs::exists(pending));
  // Once mounted with it: nothing changed.
  EXPECT_FALSE(*m.write_credentials(plan(), kKey));
  ASSERT_TRUE(m.remove_credentials(plan()).ok());
  EXPECT_FALSE(fs::exists(key_file));
}

TEST_F(SystemMountManagerTest, WritesAKeyringAndAConfForCephFuse) {
  auto m = manager();
  ASSERT_TRUE(m.write_credentials(plan(MountMethod::kFuse), kKey).ok());
  const fs::path dir = root_ / "etc/ceph/cephfs-client";
  EXPECT_EQ(read(dir / "cephfs-client.4.keyring"),
            std::string("[client.alice]\n\tkey = ") + kKey + "\n");
  EXPECT_EQ(mode_of(dir / "cephfs-client.4.keyring"), 0600u);
  EXPECT_EQ(read(dir / "cephfs-client.4.conf"),
            "[global]\n\tfsid = fsid-1\n\tmon_host = 10.0.0.1:6789\n");
}

TEST_F(SystemMountManagerTest, ConfKeepsTypedMonitorAddressesForCephFuse) {
  auto config = *parse_client_config({{"mountpoint", "/srv/data"}});
  auto typed =
      *make_mount_plan(config, MountMethod::kFuse,
                       {"fsid-1", "cephfs", "/", {"[v2:127.0.0.1:40001,v1:127.0.0.1:40002]"}},
                       {"alice", kKey}, "cephfs-client", 4);
  auto m = manager();
  ASSERT_TRUE(m.write_credentials(typed, kKey).ok());
  EXPECT_EQ(read(root_ / "etc/ceph/cephfs-client/cephfs-client.4.conf"),
            "[global]\n\tfsid = fsid-1\n\tmon_host = [v2:127.0.0.1:40001,v1:127.0.0.1:40002]\n");
}

TEST_F(SystemMountManagerTest, MountWritesAMarkedUnitAndStartsItWithoutTheKeyOnArgv) {
  with_systemd();
  auto m = manager();
  ASSERT_TRUE(m.mount(plan(), false).ok());
  const std::string unit = read(root_ / "etc/systemd/system/srv-data.mount");
  EXPECT_THAT(unit, HasSubstr("What=alice@fsid-1.cephfs=/\n"));
  EXPECT_THAT(unit, HasSubstr("Where=/srv/data\nType=ceph\n"));
  EXPECT_THAT(unit, HasSubstr("Options=mon_addr=10.0.0.1:6789,secretfile=/etc/ceph/cephfs-client/"
                              "cephfs-client.4.secret,exec,suid,dev,rw,_netdev\n"));
  EXPECT_THAT(unit, HasSubstr("WantedBy=remote-fs.target"));
  EXPECT_THAT(unit, Not(HasSubstr(kKey)));
  EXPECT_THAT(commands_, ElementsAre("systemctl daemon-reload", "systemctl enable srv-data.mount",
                                     "systemctl start srv-data.mount"));
  commands_.clear();
  ASSERT_TRUE(m.mount(plan(), true).ok());
  EXPECT_THAT(commands_,
              ElementsAre("systemctl enable srv-data.mount", "systemctl restart srv-data.mount"));
  for (const auto& c : commands_) EXPECT_THAT(c, Not(HasSubstr(kKey)));
}

TEST_F(SystemMountManagerTest, NeverOverwritesAUnitItDidNotWrite) {
  with_systemd();
  fs::create_directories(root_ / "etc/systemd/system");
  std::ofstream(root_ / "etc/systemd/system/srv-data.mount") << "[Mount]\nWhat=nfs:/x\n";
  auto m = manager();
  auto status = m.mount(plan(), false);
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(status.error().message, HasSubstr("was not written by this charm"));
  EXPECT_EQ(read(root_ / "etc/systemd/system/srv-data.mount"), "[Mount]\nWhat=nfs:/x\n");
}

TEST_F(SystemMountManagerTest, UnmountStopsAndRemovesTheUnitThenUmountsALeftover) {
  with_systemd();
  auto m = manager();
  ASSERT_TRUE(m.mount(plan(), false).ok());
  std::ofstream(root_ / "proc/self/mountinfo", std::ios::app)
      << "99 1 0:55 / /srv/data rw,relatime - ceph alice@fsid-1.cephfs=/ rw,name=alice\n";
  commands_.clear();
  ASSERT_TRUE(m.unmount(plan()).ok());
  EXPECT_FALSE(fs::exists(root_ / "etc/systemd/system/srv-data.mount"));
  EXPECT_THAT(commands_, ElementsAre("systemctl disable --now srv-data.mount",
                                     "systemctl daemon-reload", "umount /srv/data"));
}

TEST_F(SystemMountManagerTest, UnmountFailureIsReported) {
  with_systemd();
  auto m = manager();
  ASSERT_TRUE(m.mount(plan(), false).ok());
  failures_["systemctl disable --now srv-data.mount"] = "failed";
  auto status = m.unmount(plan());
  ASSERT_FALSE(status.ok());
  EXPECT_TRUE(fs::exists(root_ / "etc/systemd/system/srv-data.mount"));
}

TEST_F(SystemMountManagerTest, FindsTheTopmostMountAndUnescapesPaths) {
  std::ofstream(root_ / "proc/self/mountinfo", std::ios::app)
      << "40 1 0:30 / /srv/my\\040data rw - tmpfs tmpfs rw\n"
      << "41 40 0:31 / /srv/my\\040data rw shared:5 - ceph u@f.c=/ rw\n";
  auto m = manager();
  auto found = m.find_mount("/srv/my data");
  ASSERT_TRUE(found.ok());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->fs_type, "ceph");
  EXPECT_EQ((*found)->source, "u@f.c=/");
  EXPECT_FALSE(m.find_mount("/srv/other")->has_value());
}

TEST_F(SystemMountManagerTest, RemovesOnlyAnEmptyMountpointDirectoryItCreated) {
  auto m = manager();
  EXPECT_TRUE(*m.create_mountpoint("/srv/data"));
  std::ofstream(root_ / "srv/data/precious") << "data";
  ASSERT_TRUE(m.remove_created_mountpoint("/srv/data").ok());
  EXPECT_EQ(read(root_ / "srv/data/precious"), "data");
  // Kept because it holds files: no longer the charm's to remove, even once empty.
  fs::remove(root_ / "srv/data/precious");
  ASSERT_TRUE(m.remove_created_mountpoint("/srv/data").ok());
  EXPECT_TRUE(fs::is_directory(root_ / "srv/data"));

  fs::remove(root_ / "srv/data");
  EXPECT_TRUE(*m.create_mountpoint("/srv/data"));
  ASSERT_TRUE(m.remove_created_mountpoint("/srv/data").ok());
  EXPECT_FALSE(fs::exists(root_ / "srv/data"));
  EXPECT_TRUE(fs::is_directory(root_ / "srv"));  // parents stay
}

TEST_F(SystemMountManagerTest, NeverRemovesAMountpointDirectoryItFound) {
  fs::create_directories(root_ / "srv/data");
  auto m = manager();
  EXPECT_FALSE(*m.create_mountpoint("/srv/data"));
  EXPECT_FALSE(fs::exists(root_ / created_mountpoint_marker("/srv/data").substr(1)));
  ASSERT_TRUE(m.remove_created_mountpoint("/srv/data").ok());
  EXPECT_TRUE(fs::is_directory(root_ / "srv/data"));
}

// Whether the charm created the directory is kept on the machine, so it survives a failed hook
// (whose stored state Juju discards): a later create_mountpoint, from a new manager as in the
// next hook, still answers true, and the directory is removed on unmount.
TEST_F(SystemMountManagerTest, TheCreatedRecordIsARootOnlyFileThatOutlivesTheHook) {
  EXPECT_EQ(created_mountpoint_marker("/srv/my-data"),
            "/etc/ceph/cephfs-client/srv-my\\x2ddata.created-mountpoint");
  EXPECT_TRUE(*manager().create_mountpoint("/srv/my-data"));
  const fs::path marker = root_ / "etc/ceph/cephfs-client/srv-my\\x2ddata.created-mountpoint";
  ASSERT_TRUE(fs::is_regular_file(marker));
  EXPECT_EQ(mode_of(marker), 0600U);
  EXPECT_EQ(mode_of(root_ / "etc/ceph/cephfs-client"), 0700U);
  EXPECT_EQ(read(marker), "/srv/my-data\n");
  EXPECT_FALSE(fs::exists(marker.string() + ".tmp"));

  EXPECT_TRUE(*manager().create_mountpoint("/srv/my-data"));  // the retry of a failed hook
  ASSERT_TRUE(manager().remove_created_mountpoint("/srv/my-data").ok());
  EXPECT_FALSE(fs::exists(root_ / "srv/my-data"));
  EXPECT_FALSE(fs::exists(marker));
  EXPECT_TRUE(manager().remove_created_mountpoint("/srv/my-data").ok());  // again: nothing to do
}

// A marker naming another mountpoint (a name that escapes alike) is not this one's record.
TEST_F(SystemMountManagerTest, AMarkerForAnotherMountpointIsNotARecord) {
  fs::create_directories(root_ / "srv/data");
  fs::create_directories(root_ / "etc/ceph/cephfs-client");
  std::ofstream(root_ / "etc/ceph/cephfs-client/srv-data.created-mountpoint") << "/srv/other\n";
  auto m = manager();
  EXPECT_FALSE(*m.create_mountpoint("/srv/data"));
  ASSERT_TRUE(m.remove_created_mountpoint("/srv/data").ok());
  EXPECT_TRUE(fs::is_directory(root_ / "srv/data"));
}

TEST_F(SystemMountManagerTest, AMountpointThatIsAFileIsAnErrorAndLeavesNoRecord) {
  fs::create_directories(root_ / "srv");
  std::ofstream(root_ / "srv/data") << "x";
  auto m = manager();
  auto created = m.create_mountpoint("/srv/data");
  ASSERT_FALSE(created.ok());
  EXPECT_THAT(created.error().message,
              StartsWith("mountpoint '/srv/data' unsafe: /srv/data is not a directory; "));
  EXPECT_FALSE(fs::exists(root_ / created_mountpoint_marker("/srv/data").substr(1)));
}

// ---- the mountpoint's directories (mountpoint_guard.h) --------------------------------------

TEST_F(SystemMountManagerTest, CreatesMissingParentsOfTheMountpointWithMode0755) {
  auto created = manager().create_mountpoint("/srv/x/y/data");
  ASSERT_TRUE(created.ok()) << created.error().message;
  EXPECT_TRUE(*created);
  for (const char* made : {"srv", "srv/x", "srv/x/y", "srv/x/y/data"}) {
    EXPECT_EQ(mode_of(root_ / made), 0755u) << made;
  }
}

TEST_F(SystemMountManagerTest, CreateMountpointRefusesASymlinkedParentAndWritesNothing) {
  const fs::path attacker = root_ / "home/mallory";
  fs::create_directories(attacker);
  fs::create_directories(root_ / "srv");
  fs::create_directory_symlink(attacker, root_ / "srv/a");
  auto created = manager().create_mountpoint("/srv/a/data");
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.error().code, ops::ErrorCode::kInvalidArgument);
  EXPECT_THAT(created.error().message,
              StartsWith("mountpoint '/srv/a/data' unsafe: /srv/a is a symlink; "));
  EXPECT_TRUE(fs::is_empty(attacker));
  EXPECT_FALSE(fs::exists(root_ / "etc/ceph/cephfs-client"));  // not even the record
}

TEST_F(SystemMountManagerTest, CreateMountpointRefusesAGroupWritableParent) {
  fs::create_directories(root_ / "srv/shared");
  ::chmod((root_ / "srv/shared").c_str(), 0775);
  auto created = manager().create_mountpoint("/srv/shared/data");
  ASSERT_FALSE(created.ok());
  EXPECT_THAT(created.error().message,
              StartsWith("mountpoint '/srv/shared/data' unsafe: /srv/shared is writable by group "
                         "or others; "));
  EXPECT_FALSE(fs::exists(root_ / "srv/shared/data"));
}

// The directory was made safely, then swapped for a symlink (to /etc) before the mount: both
// modes refuse before writing a unit or fstab line or running any command.
TEST_F(SystemMountManagerTest, MountWithoutSystemdRefusesAMountpointSwappedForASymlink) {
  play_mount_tools();
  auto m = manager();
  ASSERT_TRUE(*m.create_mountpoint("/srv/data"));
  fs::remove(root_ / "srv/data");
  fs::create_directories(root_ / "etc");
  fs::create_directory_symlink(root_ / "etc", root_ / "srv/data");
  for (auto method : {MountMethod::kKernel, MountMethod::kFuse}) {
    for (bool remount : {false, true}) {
      auto done = m.mount(plan(method), remount);
      ASSERT_FALSE(done.ok());
      EXPECT_EQ(done.error().code, ops::ErrorCode::kInvalidArgument);
      EXPECT_THAT(done.error().message,
                  StartsWith("mountpoint '/srv/data' unsafe: /srv/data is a symlink; "));
    }
  }
  EXPECT_TRUE(commands_.empty()) << ::testing::PrintToString(commands_);
  EXPECT_FALSE(fs::exists(root_ / "etc/fstab"));
  EXPECT_FALSE(fs::exists(root_ / "var/log/ceph"));
}

TEST_F(SystemMountManagerTest, MountWithSystemdRefusesAMountpointSwappedForASymlink) {
  with_systemd();
  auto m = manager();
  ASSERT_TRUE(*m.create_mountpoint("/srv/data"));
  fs::remove(root_ / "srv/data");
  fs::create_directories(root_ / "etc");
  fs::create_directory_symlink(root_ / "etc", root_ / "srv/data");
  auto done = m.mount(plan(), /*remount=*/false);
  ASSERT_FALSE(done.ok());
  EXPECT_THAT(done.error().message,
              StartsWith("mountpoint '/srv/data' unsafe: /srv/data is a symlink; "));
  EXPECT_TRUE(commands_.empty()) << ::testing::PrintToString(commands_);
  EXPECT_FALSE(fs::exists(root_ / "etc/systemd/system/srv-data.mount"));
}

TEST_F(SystemMountManagerTest, MountRefusesAParentSwappedForASymlinkToADirectoryAUserOwns) {
  play_mount_tools();
  auto m = manager();
  ASSERT_TRUE(*m.create_mountpoint("/srv/team/data"));
  const fs::path attacker = root_ / "home/mallory";
  fs::create_directories(attacker / "data");
  fs::rename(root_ / "srv/team", root_ / "srv/team.old");
  fs::create_directory_symlink(attacker, root_ / "srv/team");
  auto done = m.mount(plan(MountMethod::kKernel, "/srv/team/data"), false);
  ASSERT_FALSE(done.ok());
  EXPECT_THAT(done.error().message,
              StartsWith("mountpoint '/srv/team/data' unsafe: /srv/team is a symlink; "));
  EXPECT_TRUE(commands_.empty()) << ::testing::PrintToString(commands_);
}

TEST_F(SystemMountManagerTest, RemoveCredentialsDeletesKeyFiles) {
  auto m = manager();
  ASSERT_TRUE(m.write_credentials(plan(MountMethod::kFuse), kKey).ok());
  ASSERT_TRUE(m.remove_credentials(plan(MountMethod::kFuse)).ok());
  EXPECT_TRUE(fs::is_empty(root_ / "etc/ceph/cephfs-client"));
  EXPECT_TRUE(m.remove_credentials(plan(MountMethod::kFuse)).ok());
}

TEST_F(SystemMountManagerTest, InstallsToolsOnlyWhenMissing) {
  auto m = manager();
  ASSERT_TRUE(m.install_tools(MountMethod::kKernel).ok());
  EXPECT_TRUE(commands_.empty());
  ASSERT_TRUE(m.install_tools(MountMethod::kFuse).ok());
  EXPECT_THAT(commands_, ElementsAre("apt-get update -q",
                                     "apt-get install -y -q --no-install-recommends ceph-fuse"));
}

TEST_F(SystemMountManagerTest, KernelClientIsUsableOnlyWhenTheKernelKnowsCephOutsideContainers) {
  auto m = manager();
  std::ofstream(root_ / "proc/filesystems") << "nodev\tproc\n\text4\nnodev\tfuse\n";
  EXPECT_FALSE(m.kernel_client_usable());
  std::ofstream(root_ / "proc/filesystems", std::ios::app) << "nodev\tceph\n";
  EXPECT_TRUE(m.kernel_client_usable());
  fs::create_directories(root_ / "run/systemd");
  std::ofstream(root_ / "run/systemd/container") << "lxc\n";
  EXPECT_FALSE(m.kernel_client_usable());
}

TEST_F(SystemMountManagerTest, KernelClientIsUsableWhenTheModuleOfTheRunningKernelExists) {
  auto m = manager();
  std::ofstream(root_ / "proc/filesystems") << "nodev\tproc\n";
  struct utsname host {};
  ASSERT_EQ(::uname(&host), 0);
  fs::create_directories(root_ / "lib/modules/0.0.0-other/kernel/fs/ceph");
  std::ofstream(root_ / "lib/modules/0.0.0-other/kernel/fs/ceph/ceph.ko") << "";
  EXPECT_FALSE(m.kernel_client_usable());
  const fs::path dir = root_ / "lib/modules" / host.release / "kernel/fs/ceph";
  fs::create_directories(dir);
  std::ofstream(dir / "ceph.ko.zst") << "";
  EXPECT_TRUE(m.kernel_client_usable());
  std::ofstream(root_ / ".dockerenv") << "";
  EXPECT_FALSE(m.kernel_client_usable());
}

// ---- direct mode (no systemd) ---------------------------------------------------------------

TEST_F(SystemMountManagerTest, WithoutSystemdMountsWithCephFuseUsingOnlyFilesForTheKey) {
  play_mount_tools();
  auto m = manager();
  ASSERT_FALSE(m.systemd_running());
  const MountPlan fuse = plan(MountMethod::kFuse, "/mnt/e2e/share");
  ASSERT_TRUE(m.write_credentials(fuse, kKey).ok());
  auto status = m.mount(fuse, false);
  ASSERT_TRUE(status.ok()) << status.error().message;
  ASSERT_EQ(argvs_.size(), 1u);
  EXPECT_THAT(argvs_[0],
              ElementsAre("ceph-fuse", "-c", "/etc/ceph/cephfs-client/cephfs-client.4.conf", "-n",
                          "client.alice", "-k", "/etc/ceph/cephfs-client/cephfs-client.4.keyring",
                          "--client_fs", "cephfs", "-r", "/", "--client_mount_timeout=30",
                          "--log-file", "/var/log/ceph/cephfs-client.4.ceph-fuse.log", "-o",
                          "exec,suid,dev,rw", "/mnt/e2e/share"));
  EXPECT_EQ(timeouts_[0], std::chrono::seconds(60));
  for (const auto& arg : argvs_[0]) EXPECT_THAT(arg, Not(HasSubstr(kKey)));
  EXPECT_TRUE(fs::is_directory(root_ / "var/log/ceph"));
  EXPECT_EQ(mode_of(root_ / "etc/ceph/cephfs-client"), 0700u);
  EXPECT_EQ(mode_of(root_ / "etc/ceph/cephfs-client/cephfs-client.4.conf"), 0600u);
  EXPECT_EQ(mode_of(root_ / "etc/ceph/cephfs-client/cephfs-client.4.keyring"), 0600u);
  EXPECT_FALSE(fs::exists(root_ / "etc/systemd"));
  EXPECT_EQ(read(root_ / "etc/fstab"),
            "# cephfs-client charm: /mnt/e2e/share (written by the charm; do not edit)\n"
            "none /mnt/e2e/share fuse.ceph ceph.id=alice,ceph.conf=/etc/ceph/cephfs-client/"
            "cephfs-client.4.conf,ceph.keyring=/etc/ceph/cephfs-client/cephfs-client.4.keyring,"
            "ceph.client_fs=cephfs,ceph.client_mountpoint=/,exec,suid,dev,rw,_netdev 0 0\n");
  EXPECT_EQ(mode_of(root_ / "etc/fstab"), 0644u);
  EXPECT_EQ(m.persistent_record(fuse), "/etc/fstab");
  // Mounted already and no remount asked: nothing is run.
  ASSERT_TRUE(m.mount(fuse, false).ok());
  EXPECT_EQ(argvs_.size(), 1u);
}

TEST_F(SystemMountManagerTest, FuseMountOfAShareOnANonDefaultFileSystemPassesItsNameAndOptions) {
  play_mount_tools();
  auto m = manager();
  auto config = *parse_client_config(
      {{"mountpoint", "/srv/x"}, {"read-only", true}, {"noexec", true}, {"nodev", true}});
  auto other = *make_mount_plan(config, MountMethod::kFuse,
                                {"fsid-1", "second-fs", "/volumes/a", {"10.0.0.1:6789"}},
                                {"bob", kKey}, "files", 9);
  ASSERT_TRUE(m.mount(other, false).ok());
  EXPECT_THAT(argvs_.at(0), ::testing::IsSupersetOf({"second-fs", "/volumes/a", "client.bob",
                                                     "noexec,suid,nodev,ro", "/srv/x"}));
  EXPECT_THAT(read(root_ / "etc/fstab"),
              HasSubstr("ceph.client_fs=second-fs,ceph.client_mountpoint=/volumes/a,noexec,"
                        "suid,nodev,ro,_netdev 0 0\n"));
}

TEST_F(SystemMountManagerTest, KernelMountWithoutSystemdRunsMountTypeCeph) {
  play_mount_tools();
  auto m = manager();
  ASSERT_TRUE(m.mount(plan(), false).ok());
  EXPECT_THAT(commands_,
              ElementsAre("mount -t ceph alice@fsid-1.cephfs=/ /srv/data -o mon_addr=10.0.0.1:6789,"
                          "secretfile=/etc/ceph/cephfs-client/cephfs-client.4.secret,exec,suid,"
                          "dev,rw"));
  EXPECT_THAT(read(root_ / "etc/fstab"),
              HasSubstr("\nalice@fsid-1.cephfs=/ /srv/data ceph mon_addr=10.0.0.1:6789,secretfile="
                        "/etc/ceph/cephfs-client/cephfs-client.4.secret,exec,suid,dev,rw,_netdev "
                        "0 0\n"));
}

TEST_F(SystemMountManagerTest, FstabRewriteKeepsEveryForeignLineByteForByte) {
  fs::create_directories(root_ / "etc");
  const std::string foreign =
      "# /etc/fstab: static file system information.\n"
      "UUID=1234\t/\text4\terrors=remount-ro 0 1\n"
      "\n"
      "server:/export  /srv/nfs   nfs4  defaults,_netdev  0 0\r\n"
      "tmpfs /tmp/x tmpfs rw 0 0";  // no final newline
  std::ofstream(root_ / "etc/fstab") << foreign;
  ::chmod((root_ / "etc/fstab").c_str(), 0640);
  play_mount_tools();
  auto m = manager();
  const MountPlan fuse = plan(MountMethod::kFuse);
  ASSERT_TRUE(m.mount(fuse, false).ok());
  const std::string with_entry = read(root_ / "etc/fstab");
  EXPECT_EQ(with_entry, foreign + "\n" + *render_fstab_entry(fuse));
  EXPECT_EQ(mode_of(root_ / "etc/fstab"), 0640u);
  EXPECT_FALSE(fs::exists(root_ / "etc/fstab.tmp"));
  // A changed option replaces the entry in place.
  auto config = *parse_client_config({{"mountpoint", "/srv/data"}, {"read-only", true}});
  auto read_only =
      *make_mount_plan(config, MountMethod::kFuse, {"fsid-1", "cephfs", "/", {"10.0.0.1:6789"}},
                       {"alice", kKey}, "cephfs-client", 4);
  ASSERT_TRUE(m.mount(read_only, true).ok());
  EXPECT_EQ(read(root_ / "etc/fstab"), foreign + "\n" + *render_fstab_entry(read_only));
  ASSERT_TRUE(m.unmount(read_only).ok());
  EXPECT_EQ(read(root_ / "etc/fstab"), foreign + "\n");
  EXPECT_EQ(m.persistent_record(read_only), std::nullopt);
}

TEST_F(SystemMountManagerTest, NeverReplacesAnFstabEntryItDidNotWrite) {
  fs::create_directories(root_ / "etc");
  std::ofstream(root_ / "etc/fstab") << "server:/export /srv/data nfs4 defaults 0 0\n";
  auto m = manager();
  auto status = m.mount(plan(MountMethod::kFuse), false);
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(status.error().message, HasSubstr("/etc/fstab has an entry for /srv/data that this "
                                                "charm did not write"));
  EXPECT_EQ(read(root_ / "etc/fstab"), "server:/export /srv/data nfs4 defaults 0 0\n");
  EXPECT_TRUE(commands_.empty());
}

TEST_F(SystemMountManagerTest, RemountWithoutSystemdUnmountsThenMounts) {
  play_mount_tools();
  auto m = manager();
  ASSERT_TRUE(m.mount(plan(MountMethod::kFuse), false).ok());
  commands_.clear();
  ASSERT_TRUE(m.mount(plan(MountMethod::kFuse), true).ok());
  ASSERT_EQ(commands_.size(), 2u);
  EXPECT_EQ(commands_[0], "umount /srv/data");
  EXPECT_THAT(commands_[1], ::testing::StartsWith("ceph-fuse "));
}

TEST_F(SystemMountManagerTest, UnmountFallsBackToALazyUnmountWhenTheFuseDaemonIsGone) {
  play_mount_tools();
  auto m = manager();
  ASSERT_TRUE(m.mount(plan(MountMethod::kFuse), false).ok());
  commands_.clear();
  failures_["umount /srv/data"] = "umount: /srv/data: Transport endpoint is not connected";
  ASSERT_TRUE(m.unmount(plan(MountMethod::kFuse)).ok());
  EXPECT_THAT(commands_, ElementsAre("umount /srv/data", "umount -l /srv/data"));
  EXPECT_THAT(read(root_ / "etc/fstab"), Not(HasSubstr("/srv/data")));
}

TEST_F(SystemMountManagerTest, BusyUnmountFailsAndKeepsTheFstabEntry) {
  play_mount_tools();
  auto m = manager();
  ASSERT_TRUE(m.mount(plan(MountMethod::kFuse), false).ok());
  commands_.clear();
  failures_["umount /srv/data"] = "umount: /srv/data: target is busy.";
  auto status = m.unmount(plan(MountMethod::kFuse));
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(status.error().message, HasSubstr("target is busy"));
  EXPECT_THAT(commands_, ElementsAre("umount /srv/data"));
  EXPECT_EQ(m.persistent_record(plan(MountMethod::kFuse)), "/etc/fstab");
}

TEST_F(SystemMountManagerTest, FuseFailureNamesTheLogFileAndNeverTheKey) {
  auto m = manager();
  const std::string line =
      "ceph-fuse -c /etc/ceph/cephfs-client/cephfs-client.4.conf -n client.alice -k "
      "/etc/ceph/cephfs-client/cephfs-client.4.keyring --client_fs cephfs -r / "
      "--client_mount_timeout=30 --log-file /var/log/ceph/cephfs-client.4.ceph-fuse.log -o "
      "exec,suid,dev,rw /srv/data";
  failures_[line] = "ceph-fuse[42]: ceph mount failed with (13) Permission denied";
  ASSERT_TRUE(m.write_credentials(plan(MountMethod::kFuse), kKey).ok());
  auto status = m.mount(plan(MountMethod::kFuse), false);
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(status.error().message, HasSubstr("(13) Permission denied"));
  EXPECT_THAT(status.error().message,
              HasSubstr("(see /var/log/ceph/cephfs-client.4.ceph-fuse.log)"));
  EXPECT_THAT(status.error().message, Not(HasSubstr(kKey)));
}

TEST_F(SystemMountManagerTest, FuseThatExitsZeroWithoutAMountIsAnError) {
  auto m = manager();  // the runner succeeds but nothing appears in mountinfo
  auto status = m.mount(plan(MountMethod::kFuse), false);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().message,
            "ceph-fuse reported success but /srv/data is not a CephFS mount afterwards (see "
            "/var/log/ceph/cephfs-client.4.ceph-fuse.log)");
}

TEST_F(SystemMountManagerTest, ReportsTheSystemdUnitAsThePersistentRecord) {
  with_systemd();
  auto m = manager();
  EXPECT_EQ(m.persistent_record(plan()), std::nullopt);
  ASSERT_TRUE(m.mount(plan(), false).ok());
  EXPECT_EQ(m.persistent_record(plan()), "systemd unit srv-data.mount");
  EXPECT_FALSE(fs::exists(root_ / "etc/fstab"));
}

TEST_F(SystemMountManagerTest, GivesAptGetMoreTimeThanMounts) {
  with_systemd();
  auto m = manager();
  ASSERT_TRUE(m.install_tools(MountMethod::kFuse).ok());
  ASSERT_TRUE(m.mount(plan(), false).ok());
  ASSERT_EQ(timeouts_.size(), 5u);
  EXPECT_GE(timeouts_[1], std::chrono::seconds(600));  // apt-get install
  for (std::size_t i = 2; i < timeouts_.size(); ++i) EXPECT_LE(timeouts_[i], timeouts_[1]);
}

TEST(MountUnitName, EscapesLikeSystemdEscapePath) {
  EXPECT_EQ(mount_unit_name("/srv/data"), "srv-data.mount");
  EXPECT_EQ(mount_unit_name("/srv/my-data"), "srv-my\\x2ddata.mount");
  EXPECT_EQ(mount_unit_name("/mnt/a@b+c"), "mnt-a\\x40b\\x2bc.mount");
  EXPECT_EQ(mount_unit_name("/.hidden/x"), "\\x2ehidden-x.mount");
}

TEST(RunCommand, ReportsExitCodeAndLastStderrLine) {
  auto status = run_command({"sh", "-c", "echo first >&2; echo 'the reason' >&2; exit 3"});
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().message,
            "sh -c echo first >&2; echo 'the reason' >&2; exit 3 failed (exit 3): the reason");
  EXPECT_TRUE(run_command({"true"}).ok());
  EXPECT_FALSE(run_command({"/nonexistent/tool"}).ok());
}

// The pid a test command wrote to `file` (waits for it, at most 5 s); 0 when none came.
pid_t wait_for_pid_file(const fs::path& file) {
  for (int i = 0; i < 500; ++i) {
    std::ifstream in(file);
    pid_t pid = 0;
    if (in >> pid && pid > 0) return pid;
    ::usleep(10000);
  }
  return 0;
}

// Whether `pid` is gone or a zombie, waiting at most 5 s for it to get there.
bool process_ends(pid_t pid) {
  for (int i = 0; i < 500; ++i) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    if (!std::getline(stat, line)) return true;
    const auto close = line.rfind(')');
    if (close != std::string::npos && line.size() > close + 2 && line[close + 2] == 'Z')
      return true;
    ::usleep(10000);
  }
  return false;
}

class RunCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    pid_file_ = fs::temp_directory_path() /
                ("cephfs-client-run-" + std::to_string(::getpid()) + "-" +
                 ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".pid");
    fs::remove(pid_file_);
  }
  void TearDown() override {
    if (pid_ > 0 && !process_ends(pid_)) ::kill(pid_, SIGKILL);
    fs::remove(pid_file_);
  }
  fs::path pid_file_;
  pid_t pid_ = 0;
};

TEST_F(RunCommandTest, KillsTheProcessGroupAfterTheTimeout) {
  // A grandchild in the same process group, which must die with the command.
  auto status = run_command({"sh", "-c",
                             "echo starting >&2; sh -c 'echo $$ > " + pid_file_.string() +
                                 "; exec sleep 600' & sleep 600"},
                            std::chrono::seconds(1));
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, ops::ErrorCode::kTimeout);
  EXPECT_THAT(status.error().message, HasSubstr("did not finish within 1 s and was killed"));
  EXPECT_THAT(status.error().message, ::testing::EndsWith(": starting"));
  pid_ = wait_for_pid_file(pid_file_);
  ASSERT_GT(pid_, 0);
  EXPECT_TRUE(process_ends(pid_));
}

TEST_F(RunCommandTest, ReturnsWhenTheCommandExitsEvenIfItsDaemonKeepsStderrOpen) {
  // Like ceph-fuse: the command exits with the result while a daemon it started lives on with
  // the same stderr. Waiting for that stderr to close would hang until the test times out.
  auto status = run_command({"sh", "-c",
                             "setsid sh -c 'echo $$ > " + pid_file_.string() +
                                 "; exec sleep 600' & echo done >&2; exit 4"},
                            std::chrono::seconds(300));
  pid_ = wait_for_pid_file(pid_file_);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, ops::ErrorCode::kIoError);
  EXPECT_THAT(status.error().message, ::testing::EndsWith("failed (exit 4): done"));
}

}  // namespace
}  // namespace cephfs_client
