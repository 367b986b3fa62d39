// SystemMountManager against a temporary root directory and a recording command runner: the
// files it writes (modes, content), the commands it runs (argv, never the key), and how it reads
// mountinfo.
#include "system_mount_manager.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace cephfs_client {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

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
    return SystemMountManager(root_, [this](const std::vector<std::string>& argv) -> ops::Status {
      std::string line;
      for (const auto& a : argv) line += (line.empty() ? "" : " ") + a;
      commands_.push_back(line);
      if (fail_ == line) return ops::Error{ops::ErrorCode::kIoError, line + " failed (exit 32)"};
      return {};
    });
  }

  MountPlan plan(MountMethod method = MountMethod::kKernel, std::string mountpoint = "/srv/data") {
    auto config = *parse_client_config({{"mountpoint", mountpoint}});
    return *make_mount_plan(config, method, {"fsid-1", "cephfs", "/", {"10.0.0.1:6789"}},
                            {"alice", kKey}, "cephfs-client", 4);
  }

  fs::path root_;
  std::vector<std::string> commands_;
  std::string fail_;
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
  // Same key again: nothing changed.
  EXPECT_FALSE(*m.write_credentials(plan(), kKey));
  EXPECT_TRUE(commands_.empty());
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

TEST_F(SystemMountManagerTest, MountWritesAMarkedUnitAndStartsItWithoutTheKeyOnArgv) {
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
  fs::create_directories(root_ / "etc/systemd/system");
  std::ofstream(root_ / "etc/systemd/system/srv-data.mount") << "[Mount]\nWhat=nfs:/x\n";
  auto m = manager();
  auto status = m.mount(plan(), false);
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(status.error().message, HasSubstr("was not written by this charm"));
  EXPECT_EQ(read(root_ / "etc/systemd/system/srv-data.mount"), "[Mount]\nWhat=nfs:/x\n");
}

TEST_F(SystemMountManagerTest, UnmountStopsAndRemovesTheUnitThenUmountsALeftover) {
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
  auto m = manager();
  ASSERT_TRUE(m.mount(plan(), false).ok());
  fail_ = "systemctl disable --now srv-data.mount";
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

TEST_F(SystemMountManagerTest, RemovesOnlyAnEmptyMountpointDirectory) {
  auto m = manager();
  EXPECT_TRUE(*m.create_mountpoint("/srv/data"));
  EXPECT_FALSE(*m.create_mountpoint("/srv/data"));
  std::ofstream(root_ / "srv/data/precious") << "data";
  ASSERT_TRUE(m.remove_mountpoint_if_empty("/srv/data").ok());
  EXPECT_EQ(read(root_ / "srv/data/precious"), "data");
  fs::remove(root_ / "srv/data/precious");
  ASSERT_TRUE(m.remove_mountpoint_if_empty("/srv/data").ok());
  EXPECT_FALSE(fs::exists(root_ / "srv/data"));
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

TEST_F(SystemMountManagerTest, DetectsContainers) {
  auto m = manager();
  EXPECT_TRUE(m.kernel_mounts_permitted());
  fs::create_directories(root_ / "run/systemd");
  std::ofstream(root_ / "run/systemd/container") << "lxc\n";
  EXPECT_FALSE(m.kernel_mounts_permitted());
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

}  // namespace
}  // namespace cephfs_client
