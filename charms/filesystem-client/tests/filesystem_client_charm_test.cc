// State-transition tests of the filesystem-client charm: a declared State, one event, the State
// and the FakeMountManager's record (cephfs-client/tests/fake_mount_manager.h) that come out; and
// the NFS and Lustre plans run by the production SystemMountManager on a SimulatedMachine, checked
// through the commands it records.
#include "filesystem_client_charm.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "charms/filesystem_client/v0/filesystem_info_types.h"
#include "fake_mount_manager.h"
#include "ops/testing/context.h"
#include "simulated_machine.h"
#include "system_mount_manager.h"

namespace filesystem_client {
namespace {

namespace v0 = charms::filesystem_client::v0;
using cephfs_client::FakeMountManager;
using cephfs_client::FakeState;
using ops::testing::Context;
using ops::testing::Relation;
using ops::testing::State;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

constexpr const char* kFsid = "354ca7c4-f10d-11ee-93f8-1f85f87b7845";
constexpr const char* kKey = "AQAPdQldX264KBAAOyaxen/y0XBl1qxlGPTabw==";
constexpr const char* kProvider = "cephfs-server-proxy";
constexpr const char* kKeyFile = "/etc/ceph/cephfs-client/filesystem-client.1.secret";

std::string cephfs_uri() {
  return *v0::to_uri(v0::CephfsInfo{.fsid = kFsid,
                                    .name = "ceph-fs",
                                    .path = "/",
                                    .monitor_hosts = {"10.5.0.80:6789", "10.5.2.23"},
                                    .user = "ceph-client",
                                    .key = kKey},
                     std::string("plain:") + kKey);
}

Relation filesystem_relation(std::string uri) {
  return Relation{.endpoint = "filesystem",
                  .id = 1,
                  .remote_app_name = kProvider,
                  .remote_app_data = {{"endpoint", std::move(uri)}}};
}

Relation mount_relation(ops::Bag principal_app_data) {
  return Relation{.endpoint = "mount",
                  .id = 2,
                  .remote_app_name = "principal",
                  .remote_app_data = std::move(principal_app_data)};
}

class FilesystemClientCharmTest : public ::testing::Test {
 protected:
  Context<FilesystemClientCharm> make_context() {
    auto fake = fake_;
    return Context<FilesystemClientCharm>::from_charm_dir(
        FILESYSTEM_CLIENT_CHARM_DIR, {}, [fake](ops::Framework& framework) {
          return std::make_unique<FilesystemClientCharm>(framework,
                                                         std::make_unique<FakeMountManager>(fake));
        });
  }

  // The filesystem relation-changed of `in`.
  State changed(Context<FilesystemClientCharm>& ctx, const State& in) {
    return ctx.run(ctx.on.relation_changed(in.get_relation(1), 0), in);
  }

  bool called(const std::string& call) const {
    return std::find(fake_->calls.begin(), fake_->calls.end(), call) != fake_->calls.end();
  }

  std::shared_ptr<FakeState> fake_ = std::make_shared<FakeState>();
};

TEST_F(FilesystemClientCharmTest, IsBlockedWithoutMountpointOrPrincipal) {
  auto ctx = make_context();
  State out = ctx.run(ctx.on.config_changed(), State{});
  EXPECT_EQ(out.unit_status,
            ops::BlockedStatus(
                "Missing mountpoint: set the mountpoint option or relate a principal over mount"));
}

TEST_F(FilesystemClientCharmTest, WaitsForTheFilesystemIntegrationOnceConfigured) {
  auto ctx = make_context();
  State out = ctx.run(ctx.on.config_changed(), State{.config = {{"mountpoint", "/srv/data"}}});
  EXPECT_EQ(out.unit_status,
            ops::WaitingStatus("Waiting for an integration with a filesystem provider"));
  EXPECT_TRUE(fake_->calls.empty());
}

TEST_F(FilesystemClientCharmTest, WaitsForTheProvidersEndpoint) {
  auto ctx = make_context();
  State in{.config = {{"mountpoint", "/srv/data"}}, .relations = {filesystem_relation("")}};
  in.relations.front().remote_app_data.clear();
  // The library emits mount_filesystem only once there is an endpoint; config-changed reconciles.
  State out = ctx.run(ctx.on.config_changed(), in);
  EXPECT_EQ(out.unit_status,
            ops::WaitingStatus("Waiting for the filesystem endpoint from cephfs-server-proxy"));
}

TEST_F(FilesystemClientCharmTest, MountsACephfsEndpointWithTheKernelClient) {
  auto ctx = make_context();
  State out = changed(ctx, State{.config = {{"mountpoint", "/srv/data"}, {"nosuid", true}},
                                 .relations = {filesystem_relation(cephfs_uri())}});
  EXPECT_EQ(out.unit_status, ops::ActiveStatus("Mounted filesystem at /srv/data"));
  const auto& plan = fake_->mounts.at("/srv/data");
  EXPECT_EQ(plan.source(), std::string("ceph-client@") + kFsid + ".ceph-fs=/");
  EXPECT_EQ(plan.fs_type(), "ceph");
  // A monitor published without a port gets Ceph's v1 default.
  EXPECT_EQ(plan.kernel_mon_addr(), "10.5.0.80:6789/10.5.2.23:6789");
  EXPECT_THAT(plan.mount_options(), Contains("nosuid"));
  EXPECT_EQ(fake_->credential_files.at(kKeyFile), kKey);
  EXPECT_THAT(out.unit_status.message, Not(HasSubstr(kKey)));
}

TEST_F(FilesystemClientCharmTest, MountsACephfsEndpointWithCephFuseWhereTheKernelCannot) {
  fake_->kernel_usable = false;
  auto ctx = make_context();
  State out = changed(ctx, State{.config = {{"mountpoint", "/srv/data"}},
                                 .relations = {filesystem_relation(cephfs_uri())}});
  EXPECT_EQ(out.unit_status, ops::ActiveStatus("Mounted filesystem at /srv/data"));
  EXPECT_EQ(fake_->mounts.at("/srv/data").fs_type(), "fuse.ceph");
  EXPECT_TRUE(called("install_tools fuse"));
}

TEST_F(FilesystemClientCharmTest, MountsAnNfsEndpointWithItsPortAndNoKeyFile) {
  auto ctx = make_context();
  State out =
      changed(ctx, State{.config = {{"mountpoint", "/srv/data"}, {"read-only", true}},
                         .relations = {filesystem_relation("nfs://(10.1.2.3%3A2049)/export")}});
  EXPECT_EQ(out.unit_status, ops::ActiveStatus("Mounted filesystem at /srv/data"));
  const auto& plan = fake_->mounts.at("/srv/data");
  EXPECT_EQ(plan.source(), "10.1.2.3:/export");
  EXPECT_EQ(plan.fs_type(), "nfs");
  EXPECT_THAT(plan.mount_options(),
              ::testing::ElementsAre("port=2049", "exec", "suid", "dev", "ro", "_netdev"));
  EXPECT_TRUE(called("install_tools nfs"));
  EXPECT_TRUE(fake_->credential_files.empty());
}

TEST_F(FilesystemClientCharmTest, MountsALustreEndpointFromItsMgsNids) {
  auto ctx = make_context();
  State out = changed(
      ctx, State{.config = {{"mountpoint", "/srv/data"}},
                 .relations = {filesystem_relation(
                     "lustre://(192.168.227.11%40tcp1%2C192.168.227.12%40tcp1)/?fs-name=lfs")}});
  EXPECT_EQ(out.unit_status, ops::ActiveStatus("Mounted filesystem at /srv/data"));
  const auto& plan = fake_->mounts.at("/srv/data");
  EXPECT_EQ(plan.source(), "192.168.227.11@tcp1:192.168.227.12@tcp1:/lfs");
  EXPECT_EQ(plan.fs_type(), "lustre");
}

TEST_F(FilesystemClientCharmTest, IsBlockedByAnEndpointThatIsNotAUriAndTouchesNothing) {
  auto ctx = make_context();
  State out = changed(ctx, State{.config = {{"mountpoint", "/srv/data"}},
                                 .relations = {filesystem_relation("not a uri")}});
  EXPECT_EQ(out.unit_status.name, "blocked");
  EXPECT_THAT(out.unit_status.message,
              StartsWith("filesystem endpoint from cephfs-server-proxy invalid: "));
  EXPECT_TRUE(fake_->calls.empty());
}

TEST_F(FilesystemClientCharmTest, RefusesAnNfsPathThatWouldInjectMountOptionsBeforeWriting) {
  auto ctx = make_context();
  State out = changed(ctx, State{.config = {{"mountpoint", "/srv/data"}},
                                 .relations = {filesystem_relation("nfs://(h)/x%2Cexec%2Csuid")}});
  EXPECT_EQ(out.unit_status,
            ops::BlockedStatus("filesystem endpoint from cephfs-server-proxy invalid: path "
                               "contains whitespace, a control character or one of , % \\ \" ' "
                               "# $"));
  EXPECT_TRUE(fake_->calls.empty());
}

TEST_F(FilesystemClientCharmTest, UnmountsWhenTheFilesystemRelationIsBroken) {
  auto ctx = make_context();
  State in{.config = {{"mountpoint", "/srv/data"}},
           .relations = {filesystem_relation(cephfs_uri()), mount_relation({})}};
  State out = changed(ctx, in);
  ASSERT_TRUE(fake_->mounts.contains("/srv/data"));
  out = ctx.run(ctx.on.relation_broken(out.get_relation(1)), out);
  EXPECT_FALSE(fake_->mounts.contains("/srv/data"));
  EXPECT_TRUE(fake_->credential_files.empty());
  EXPECT_EQ(out.get_relation(2).local_unit_data.at("mounted"), "false");
  EXPECT_EQ(out.unit_status,
            ops::WaitingStatus("Waiting for an integration with a filesystem provider"));
}

TEST_F(FilesystemClientCharmTest, TakesMountpointAndFlagsFromThePrincipalWithoutConfig) {
  auto ctx = make_context();
  State in{.relations = {filesystem_relation("nfs://(10.1.2.3)/export"),
                         mount_relation({{"mountpoint", "\"/srv/principal\""},
                                         {"nosuid", "true"},
                                         {"read_only", "true"}})}};
  State out = ctx.run(ctx.on.relation_changed(in.get_relation(2), 0), in);  // mount_requested
  EXPECT_EQ(out.unit_status, ops::ActiveStatus("Mounted filesystem at /srv/principal"));
  EXPECT_THAT(fake_->mounts.at("/srv/principal").access_options,
              ::testing::ElementsAre("exec", "nosuid", "dev", "ro"));
  EXPECT_EQ(out.get_relation(2).local_unit_data.at("mounted"), "true");
}

TEST_F(FilesystemClientCharmTest, ConfiguredMountpointWinsOverThePrincipals) {
  auto ctx = make_context();
  State in{.config = {{"mountpoint", "/srv/configured"}},
           .relations = {filesystem_relation("nfs://(10.1.2.3)/export"),
                         mount_relation({{"mountpoint", "\"/srv/principal\""}})}};
  State out = changed(ctx, in);
  EXPECT_TRUE(fake_->mounts.contains("/srv/configured"));
  EXPECT_FALSE(fake_->mounts.contains("/srv/principal"));
  EXPECT_EQ(out.get_relation(2).local_unit_data.at("mounted"), "true");
}

TEST_F(FilesystemClientCharmTest, WaitsForThePrincipalsMountpoint) {
  auto ctx = make_context();
  State in{.relations = {filesystem_relation("nfs://(10.1.2.3)/export"), mount_relation({})}};
  State out = ctx.run(ctx.on.relation_changed(in.get_relation(2), 0), in);  // mount_unrequested
  EXPECT_EQ(out.unit_status, ops::WaitingStatus("Waiting for the mountpoint from principal"));
  EXPECT_TRUE(fake_->mounts.empty());
}

TEST_F(FilesystemClientCharmTest, UnmountsWhenThePrincipalWithdrawsItsRequest) {
  auto ctx = make_context();
  State in{.relations = {filesystem_relation("nfs://(10.1.2.3)/export"),
                         mount_relation({{"mountpoint", "\"/srv/principal\""}})}};
  State out = ctx.run(ctx.on.relation_changed(in.get_relation(2), 0), in);
  ASSERT_TRUE(fake_->mounts.contains("/srv/principal"));
  for (auto& relation : out.relations) {
    if (relation.id == 2) relation.remote_app_data.clear();
  }
  out = ctx.run(ctx.on.relation_changed(out.get_relation(2), 0), out);  // mount_unrequested
  EXPECT_TRUE(fake_->mounts.empty());
  EXPECT_EQ(out.get_relation(2).local_unit_data.at("mounted"), "false");
}

TEST_F(FilesystemClientCharmTest, IsBlockedByAPrincipalMountpointThatIsUnsafe) {
  auto ctx = make_context();
  State in{.relations = {filesystem_relation("nfs://(10.1.2.3)/export"),
                         mount_relation({{"mountpoint", "\"/home/x\""}})}};
  State out = ctx.run(ctx.on.relation_changed(in.get_relation(2), 0), in);
  EXPECT_EQ(out.unit_status.name, "blocked");
  EXPECT_THAT(out.unit_status.message, StartsWith("mountpoint '/home/x' invalid: /home"));
  EXPECT_EQ(out.get_relation(2).local_unit_data.at("mounted"), "false");
  EXPECT_TRUE(fake_->calls.empty());
}

TEST_F(FilesystemClientCharmTest, ReportsNotMountedWhenTheMountFails) {
  fake_->failures["install_tools"] = "the Lustre client is not installed";
  auto ctx = make_context();
  State in{.config = {{"mountpoint", "/srv/data"}},
           .relations = {filesystem_relation("lustre://(10.0.0.1%40tcp)/?fs-name=lfs"),
                         mount_relation({})}};
  State out = changed(ctx, in);
  EXPECT_EQ(out.unit_status,
            ops::BlockedStatus("cannot mount 10.0.0.1@tcp:/lfs at /srv/data: the Lustre client "
                               "is not installed"));
  EXPECT_EQ(out.get_relation(2).local_unit_data.at("mounted"), "false");
}

TEST_F(FilesystemClientCharmTest, StopUnmounts) {
  auto ctx = make_context();
  State out = changed(ctx, State{.config = {{"mountpoint", "/srv/data"}},
                                 .relations = {filesystem_relation(cephfs_uri())}});
  out = ctx.run(ctx.on.stop(), out);
  EXPECT_TRUE(fake_->mounts.empty());
  EXPECT_TRUE(fake_->credential_files.empty());
}

// ---- the production SystemMountManager on a simulated machine ------------------------------

class SimulatedMountTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = std::filesystem::temp_directory_path() /
            ("fs-client-sim-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(root_);
    std::filesystem::create_directories(root_ / "srv");
  }
  void TearDown() override { std::filesystem::remove_all(root_); }

  cephfs_client::SystemMountManager manager(cephfs_client::testing::SimulatedMachine& machine) {
    return cephfs_client::SystemMountManager(
        root_,
        [&machine](const std::vector<std::string>& argv, std::chrono::seconds timeout) {
          return machine.run(argv, timeout);
        },
        ::geteuid());
  }

  std::string commands() const {
    std::ifstream in(root_ / "commands.log");
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
  }

  std::filesystem::path root_;
};

cephfs_client::ClientConfig config_at(std::string mountpoint) {
  return cephfs_client::ClientConfig{.mountpoint = std::move(mountpoint)};
}

TEST_F(SimulatedMountTest, NfsInstallsNfsCommonAndMountsWithThePort) {
  cephfs_client::testing::SimulatedMachine machine(root_, root_ / "commands.log");
  machine.create({});
  auto mounts = manager(machine);
  auto plan = cephfs_client::make_nfs_mount_plan(
      config_at("/srv/data"), v0::NfsInfo{.hostname = "10.1.2.3", .port = 2049, .path = "/export"});
  ASSERT_TRUE(plan) << plan.error().message;
  ASSERT_TRUE(mounts.install_tools(plan->method));
  ASSERT_TRUE(mounts.create_mountpoint(plan->mountpoint));
  auto done = mounts.mount(*plan, false);
  ASSERT_TRUE(done) << done.error().message;
  EXPECT_THAT(commands(), HasSubstr("apt-get install -y -q --no-install-recommends nfs-common\n"));
  EXPECT_THAT(commands(),
              HasSubstr("mount -t nfs 10.1.2.3:/export /srv/data -o port=2049,exec,suid,dev,rw\n"));
  auto found = mounts.find_mount("/srv/data");
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->fs_type, "nfs");
  ASSERT_TRUE(mounts.unmount(*plan));
  EXPECT_THAT(commands(), HasSubstr("umount /srv/data\n"));
}

TEST_F(SimulatedMountTest, NfsOverIpv6BracketsTheHostInASystemdUnit) {
  cephfs_client::testing::SimulatedMachine machine(root_, root_ / "commands.log");
  machine.create({.systemd = true, .tools_installed = true});
  auto mounts = manager(machine);
  auto plan = cephfs_client::make_nfs_mount_plan(
      config_at("/srv/data"), v0::NfsInfo{.hostname = "fd00::1", .port = {}, .path = "/export"});
  ASSERT_TRUE(plan) << plan.error().message;
  ASSERT_TRUE(mounts.create_mountpoint(plan->mountpoint));
  auto done = mounts.mount(*plan, false);
  ASSERT_TRUE(done) << done.error().message;
  std::ifstream unit(root_ / "etc/systemd/system/srv-data.mount");
  std::ostringstream text;
  text << unit.rdbuf();
  EXPECT_THAT(text.str(), HasSubstr("What=[fd00::1]:/export\n"));
  EXPECT_THAT(text.str(), HasSubstr("Type=nfs\n"));
  EXPECT_THAT(commands(), HasSubstr("systemctl start srv-data.mount\n"));
}

TEST_F(SimulatedMountTest, LustreWithoutTheClientIsRefusedSayingWhatToInstall) {
  cephfs_client::testing::SimulatedMachine machine(root_, root_ / "commands.log");
  machine.create({});
  auto mounts = manager(machine);
  auto installed = mounts.install_tools(cephfs_client::MountMethod::kLustre);
  ASSERT_FALSE(installed);
  EXPECT_EQ(installed.error().code, ops::ErrorCode::kUnavailable);
  EXPECT_THAT(installed.error().message, HasSubstr("Lustre client is not installed"));
  EXPECT_THAT(commands(), Not(HasSubstr("apt-get")));
}

TEST_F(SimulatedMountTest, LustreMountsTheMgsNidsAndFileSystem) {
  cephfs_client::testing::SimulatedMachine machine(root_, root_ / "commands.log");
  machine.create({.lustre_client = true});
  auto mounts = manager(machine);
  auto plan = cephfs_client::make_lustre_mount_plan(
      config_at("/srv/data"),
      v0::LustreInfo{.mgs_ids = {"10.0.0.1@tcp", "10.0.0.2@tcp"}, .fs_name = "lfs"});
  ASSERT_TRUE(plan) << plan.error().message;
  ASSERT_TRUE(mounts.install_tools(plan->method));
  ASSERT_TRUE(mounts.create_mountpoint(plan->mountpoint));
  auto done = mounts.mount(*plan, false);
  ASSERT_TRUE(done) << done.error().message;
  EXPECT_THAT(commands(), HasSubstr("mount -t lustre 10.0.0.1@tcp:10.0.0.2@tcp:/lfs /srv/data -o "
                                    "exec,suid,dev,rw\n"));
}

TEST_F(SimulatedMountTest, TheStoredNfsPlanRoundTripsAndIsRevalidated) {
  auto plan = cephfs_client::make_nfs_mount_plan(
      config_at("/srv/data"), v0::NfsInfo{.hostname = "h", .port = 2049, .path = "/x"});
  ASSERT_TRUE(plan);
  auto back = cephfs_client::MountPlan::from_json(plan->to_json());
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, *plan);
  auto tampered = plan->to_json();
  tampered["remote_path"] = "/x,suid";
  EXPECT_FALSE(cephfs_client::MountPlan::from_json(tampered));
}

}  // namespace
}  // namespace filesystem_client
