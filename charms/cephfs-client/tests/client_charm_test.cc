// State-transition tests of the cephfs-client charm: a declared State, one event, the State and
// the FakeMountManager's record that come out.
#include "client_charm.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "charms/storage_libs/v0/cephfs_share_wire.h"
#include "fake_mount_manager.h"
#include "ops/testing/context.h"
#include "ops/testing/fault_injecting_backend.h"
#include "system_mount_manager.h"

namespace cephfs_client {
namespace {

namespace v0 = charms::storage_libs::v0;
using ops::testing::Context;
using ops::testing::ContextOptions;
using ops::testing::FaultInjector;
using ops::testing::FaultKind;
using ops::testing::Relation;
using ops::testing::Secret;
using ops::testing::State;
using ops::testing::UncaughtCharmError;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

constexpr const char* kFsid = "354ca7c4-f10d-11ee-93f8-1f85f87b7845";
constexpr const char* kKey = "AQAPdQldX264KBAAOyaxen/y0XBl1qxlGPTabw==";
constexpr const char* kNewKey = "AQCTuApkAAAAABAAeT0CXUQtH2SMDaUd2WBXlQ==";
constexpr const char* kSecretId = "secret:cr8vcqgpc9t8oet2fdlg";
constexpr const char* kProvider = "cephfs-server-proxy";
constexpr const char* kKeyFile = "/etc/ceph/cephfs-client/cephfs-client.1.secret";

std::string share_info_json(v0::CephFSShareInfo share = {
                                kFsid, "ceph-fs", "/", {"10.5.0.80:6789", "10.5.2.23:6789"}}) {
  return *v0::encode_share_info(share);
}

Secret credentials(std::string key = kKey, std::string user = "ceph-client") {
  return Secret{.id = kSecretId, .tracked_content = {{"username", user}, {"key", key}}};
}

ops::Bag published(std::string share_info = share_info_json()) {
  return {{"share_info", share_info}, {"auth", kSecretId}, {"auth-rev", "1"}};
}

Relation share_relation(ops::Bag remote_app_data = published(),
                        std::map<int, ops::Bag> units = {{0, {}}}) {
  return Relation{.endpoint = "cephfs-share",
                  .id = 1,
                  .remote_app_name = kProvider,
                  .remote_app_data = std::move(remote_app_data),
                  .remote_units_data = std::move(units)};
}

class ClientCharmTest : public ::testing::Test {
 protected:
  Context<ClientCharm> make_context(ContextOptions options = {}) {
    auto fake = fake_;
    return Context<ClientCharm>::from_charm_dir(
        CLIENT_CHARM_DIR, std::move(options), [fake](ops::Framework& framework) {
          return std::make_unique<ClientCharm>(framework, std::make_unique<FakeMountManager>(fake));
        });
  }

  // A unit that has mounted the share at /srv/data.
  State mounted_state(Context<ClientCharm>& ctx, bool leader = true) {
    State in{.config = {{"mountpoint", "/srv/data"}},
             .relations = {share_relation()},
             .secrets = {credentials()},
             .leader = leader};
    State out = ctx.run(ctx.on.relation_changed(in.get_relation(1), 0), in);
    EXPECT_EQ(out.unit_status, ops::ActiveStatus("mounted ceph-fs:/ at /srv/data"));
    fake_->calls.clear();
    return out;
  }

  bool called(const std::string& call) const {
    return std::find(fake_->calls.begin(), fake_->calls.end(), call) != fake_->calls.end();
  }

  std::shared_ptr<FakeState> fake_ = std::make_shared<FakeState>();
};

// ---- configuration --------------------------------------------------------------------------

TEST_F(ClientCharmTest, IsBlockedWithoutMountpoint) {
  auto ctx = make_context();
  State out = ctx.run(ctx.on.config_changed(), State{});
  EXPECT_EQ(out.unit_status,
            ops::BlockedStatus("No configured mountpoint (set the mountpoint option)"));
}

TEST_F(ClientCharmTest, IsBlockedNamingTheProblemForEachInvalidMountpoint) {
  auto ctx = make_context();
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"data", "mountpoint 'data' invalid: it must be an absolute path (start with /)"},
      {"/", "mountpoint '/' invalid: it must not be the root directory"},
      {"/etc", "mountpoint '/etc' invalid: /etc is a system directory"},
      {"/etc/ceph", "mountpoint '/etc/ceph' invalid: /etc is a system directory"},
      {"/proc/x", "mountpoint '/proc/x' invalid: /proc is a system directory"},
      {"/usr/local/share", "mountpoint '/usr/local/share' invalid: /usr is a system directory"},
      {"/var/lib/juju/x",
       "mountpoint '/var/lib/juju/x' invalid: /var/lib/juju is a system "
       "directory"},
      {"/run/x", "mountpoint '/run/x' invalid: /run is a system directory"},
      {"/home/x",
       "mountpoint '/home/x' invalid: /home holds directories that local users own or can write "
       "to; one could swap a directory for a symlink and redirect a mount made as root (use a "
       "directory below /srv or /mnt)"},
      {"/tmp/e2e/data",
       "mountpoint '/tmp/e2e/data' invalid: /tmp holds directories that local users own or can "
       "write to; one could swap a directory for a symlink and redirect a mount made as root (use "
       "a directory below /srv or /mnt)"},
      {"/var/lib/data", "mountpoint '/var/lib/data' invalid: /var/lib is a system directory"},
      {"/lib64/x", "mountpoint '/lib64/x' invalid: /lib64 is a system directory"},
      {"/srv",
       "mountpoint '/srv' invalid: mounting over /srv would hide local data; use a "
       "directory below it"},
      {"/mnt/a b", "mountpoint '/mnt/a b' invalid: only A-Z a-z 0-9 _ . @ + - and / are allowed"},
      {"/mnt/a,rw",
       "mountpoint '/mnt/a,rw' invalid: only A-Z a-z 0-9 _ . @ + - and / are "
       "allowed"},
      {"/mnt/a\nb",
       "mountpoint '/mnt/a?b' invalid: only A-Z a-z 0-9 _ . @ + - and / are "
       "allowed"},
      {"/mnt/%h", "mountpoint '/mnt/%h' invalid: only A-Z a-z 0-9 _ . @ + - and / are allowed"},
      {"/mnt/../etc",
       "mountpoint '/mnt/../etc' invalid: it must be normalised (no . or .. "
       "segments)"},
      {"/mnt//x", "mountpoint '/mnt//x' invalid: it must be normalised (no //)"},
      {"/mnt/x/", "mountpoint '/mnt/x/' invalid: it must not end with /"},
  };
  for (const auto& [mountpoint, status] : cases) {
    State out = ctx.run(ctx.on.config_changed(), State{.config = {{"mountpoint", mountpoint}}});
    EXPECT_EQ(out.unit_status, ops::BlockedStatus(status)) << mountpoint;
  }
}

TEST_F(ClientCharmTest, IsBlockedOnAnUnknownMountMethod) {
  auto ctx = make_context();
  State out = ctx.run(ctx.on.config_changed(),
                      State{.config = {{"mountpoint", "/srv/data"}, {"mount-method", "nfs"}}});
  EXPECT_EQ(out.unit_status,
            ops::BlockedStatus("mount-method 'nfs' invalid: use auto, kernel or fuse"));
}

TEST_F(ClientCharmTest, WaitsForTheRelationOnceConfigured) {
  auto ctx = make_context();
  State out = ctx.run(ctx.on.config_changed(), State{.config = {{"mountpoint", "/srv/data"}}});
  EXPECT_EQ(out.unit_status, ops::WaitingStatus("waiting for cephfs-share relation"));
  EXPECT_TRUE(fake_->calls.empty());
}

// ---- requesting -----------------------------------------------------------------------------

TEST_F(ClientCharmTest, LeaderRequestsTheShareNamedAfterItsMountpoint) {
  auto ctx = make_context();
  State in{
      .config = {{"mountpoint", "/srv/data"}}, .relations = {share_relation({})}, .leader = true};
  State out = ctx.run(ctx.on.relation_joined(in.get_relation(1), 0), in);
  EXPECT_EQ(out.get_relation(1).local_app_data, (ops::Bag{{"name", "/srv/data"}}));
  EXPECT_EQ(out.unit_status, ops::WaitingStatus("waiting for share data from cephfs-server-proxy"));
}

TEST_F(ClientCharmTest, LeaderWithInvalidMountpointDoesNotRequestUntilItIsFixed) {
  auto ctx = make_context();
  State in{.config = {{"mountpoint", "/etc"}}, .relations = {share_relation({})}, .leader = true};
  State out = ctx.run(ctx.on.relation_joined(in.get_relation(1), 0), in);
  EXPECT_TRUE(out.get_relation(1).local_app_data.empty());
  EXPECT_TRUE(out.deferred.empty());

  out.config = {{"mountpoint", "/srv/data"}};
  out = ctx.run(ctx.on.config_changed(), out);
  EXPECT_EQ(out.get_relation(1).local_app_data, (ops::Bag{{"name", "/srv/data"}}));
}

TEST_F(ClientCharmTest, NonLeaderNeverWritesTheApplicationBagAndNeverFails) {
  auto ctx = make_context();
  State in{.config = {{"mountpoint", "/srv/data"}},
           .relations = {share_relation()},
           .secrets = {credentials()},
           .leader = false};
  State out = ctx.run(ctx.on.config_changed(), in);
  EXPECT_TRUE(out.get_relation(1).local_app_data.empty());
  for (const auto& call : ctx.tool_calls) {
    if (call.tool == "relation-set") {
      EXPECT_THAT(call.args, Not(Contains("--app")));
    }
  }
  // Non-leaders mount too.
  EXPECT_EQ(out.unit_status, ops::ActiveStatus("mounted ceph-fs:/ at /srv/data"));
}

// ---- mounting -------------------------------------------------------------------------------

TEST_F(ClientCharmTest, MountsWithTheRightSourceOptionsAndKeyFile) {
  auto ctx = make_context();
  State out = mounted_state(ctx);
  ASSERT_TRUE(fake_->mounts.contains("/srv/data"));
  const MountPlan& plan = fake_->mounts.at("/srv/data");
  EXPECT_EQ(plan.source(), std::string("ceph-client@") + kFsid + ".ceph-fs=/");
  EXPECT_EQ(plan.fs_type(), "ceph");
  EXPECT_THAT(plan.mount_options(), ElementsAre("mon_addr=10.5.0.80:6789/10.5.2.23:6789",
                                                std::string("secretfile=") + kKeyFile, "exec",
                                                "suid", "dev", "rw", "_netdev"));
  EXPECT_EQ(plan.key_file, kKeyFile);
  EXPECT_EQ(fake_->credential_files.at(kKeyFile), kKey);
  EXPECT_TRUE(fake_->installed.contains(MountMethod::kKernel));
  EXPECT_TRUE(fake_->directories.contains("/srv/data"));
  EXPECT_EQ(out.get_stored_state("charm").content["mount"]["mountpoint"], "/srv/data");
}

TEST_F(ClientCharmTest, MountsWithTheConfiguredAccessOptions) {
  auto ctx = make_context();
  State in{.config = {{"mountpoint", "/srv/data"},
                      {"noexec", true},
                      {"nosuid", true},
                      {"nodev", true},
                      {"read-only", true}},
           .relations = {share_relation()},
           .secrets = {credentials()}};
  ctx.run(ctx.on.relation_changed(in.get_relation(1), 0), in);
  EXPECT_THAT(fake_->mounts.at("/srv/data").access_options,
              ElementsAre("noexec", "nosuid", "nodev", "ro"));
}

TEST_F(ClientCharmTest, KeyNeverAppearsInLogsStatusesToolCallsOrStoredState) {
  auto ctx = make_context(ContextOptions{.juju_debug = true});
  State out = mounted_state(ctx);
  out = ctx.run(ctx.on.config_changed(), out);
  out = ctx.run(ctx.on.action("mount-info"), out);
  for (const auto& call : ctx.tool_calls) {
    EXPECT_THAT(call.to_string(), Not(HasSubstr(kKey)));
    EXPECT_THAT(call.input, Not(HasSubstr(kKey)));
  }
  for (const auto& line : ctx.juju_log) EXPECT_THAT(line.message, Not(HasSubstr(kKey)));
  EXPECT_THAT(out.unit_status.message, Not(HasSubstr(kKey)));
  EXPECT_THAT(nlohmann::json(out.stored_states).dump(), Not(HasSubstr(kKey)));
  EXPECT_THAT(nlohmann::json(out.relations).dump(), Not(HasSubstr(kKey)));
  EXPECT_THAT(ctx.action_results.dump(), Not(HasSubstr(kKey)));
}

TEST_F(ClientCharmTest, RepeatedReconcileWithTheSameShareDoesNotRemount) {
  auto ctx = make_context();
  State out = mounted_state(ctx);
  out = ctx.run(ctx.on.config_changed(), out);
  EXPECT_EQ(out.unit_status, ops::ActiveStatus("mounted ceph-fs:/ at /srv/data"));
  EXPECT_FALSE(called("mount /srv/data remount=0"));
  EXPECT_FALSE(called("mount /srv/data remount=1"));
  EXPECT_FALSE(called("unmount /srv/data"));
}

TEST_F(ClientCharmTest, ChangedKeyRewritesTheKeyFileAndRemounts) {
  auto ctx = make_context();
  State out = mounted_state(ctx);
  out.get_secret(kSecretId).latest_content =
      ops::SecretContent{{"username", "ceph-client"}, {"key", kNewKey}};
  out.get_relation(1).remote_app_data["auth-rev"] = "2";
  out = ctx.run(ctx.on.relation_changed(out.get_relation(1)), out);
  EXPECT_TRUE(called("mount /srv/data remount=1")) << testing::PrintToString(fake_->calls);
  EXPECT_EQ(fake_->credential_files.at(kKeyFile), kNewKey);
  EXPECT_EQ(out.unit_status, ops::ActiveStatus("mounted ceph-fs:/ at /srv/data"));
}

TEST_F(ClientCharmTest, ChangedShareRemounts) {
  auto ctx = make_context();
  State out = mounted_state(ctx);
  out.get_relation(1).remote_app_data["share_info"] =
      share_info_json({kFsid, "ceph-fs", "/volumes/a", {"10.5.0.81:6789"}});
  out = ctx.run(ctx.on.relation_changed(out.get_relation(1)), out);
  EXPECT_TRUE(called("mount /srv/data remount=1"));
  EXPECT_EQ(fake_->mounts.at("/srv/data").path.str(), "/volumes/a");
  EXPECT_EQ(out.unit_status, ops::ActiveStatus("mounted ceph-fs:/volumes/a at /srv/data"));
}

TEST_F(ClientCharmTest, ChangedAccessOptionRemounts) {
  auto ctx = make_context();
  State out = mounted_state(ctx);
  out.config["read-only"] = true;
  out = ctx.run(ctx.on.config_changed(), out);
  EXPECT_TRUE(called("mount /srv/data remount=1"));
  EXPECT_THAT(fake_->mounts.at("/srv/data").access_options, Contains("ro"));
}

TEST_F(ClientCharmTest, ChangedMountpointMovesTheMountAndUpdatesTheRequest) {
  auto ctx = make_context();
  State out = mounted_state(ctx);
  out.config["mountpoint"] = "/srv/other";
  out = ctx.run(ctx.on.config_changed(), out);
  EXPECT_THAT(fake_->calls, Contains("unmount /srv/data"));
  EXPECT_THAT(fake_->calls, Contains("remove_created_mountpoint /srv/data"));
  EXPECT_THAT(fake_->calls, Contains("mount /srv/other remount=0"));
  EXPECT_FALSE(fake_->mounts.contains("/srv/data"));
  EXPECT_EQ(out.get_relation(1).local_app_data.at("name"), "/srv/other");
  EXPECT_EQ(out.unit_status, ops::ActiveStatus("mounted ceph-fs:/ at /srv/other"));
}

TEST_F(ClientCharmTest, UsesCephFuseWhereTheKernelClientCannotMount) {
  fake_->kernel_usable = false;
  auto ctx = make_context();
  mounted_state(ctx);
  const MountPlan& plan = fake_->mounts.at("/srv/data");
  EXPECT_EQ(plan.method, MountMethod::kFuse);
  EXPECT_EQ(plan.fs_type(), "fuse.ceph");
  EXPECT_THAT(
      plan.mount_options(),
      ElementsAre("ceph.id=ceph-client", "ceph.conf=/etc/ceph/cephfs-client/cephfs-client.1.conf",
                  "ceph.keyring=/etc/ceph/cephfs-client/cephfs-client.1.keyring",
                  "ceph.client_fs=ceph-fs", "ceph.client_mountpoint=/", "exec", "suid", "dev", "rw",
                  "_netdev"));
  EXPECT_TRUE(fake_->installed.contains(MountMethod::kFuse));
}

TEST_F(ClientCharmTest, AutoUsesTheKernelClientWhereItIsUsable) {
  fake_->kernel_usable = true;
  auto ctx = make_context();
  mounted_state(ctx);
  EXPECT_EQ(fake_->mounts.at("/srv/data").method, MountMethod::kKernel);
  EXPECT_TRUE(fake_->installed.contains(MountMethod::kKernel));
}

TEST_F(ClientCharmTest, ExplicitFuseMethodIsKeptWhereTheKernelClientIsUsable) {
  auto ctx = make_context();
  State in{.config = {{"mountpoint", "/srv/data"}, {"mount-method", "fuse"}},
           .relations = {share_relation()},
           .secrets = {credentials()}};
  ctx.run(ctx.on.relation_changed(in.get_relation(1), 0), in);
  EXPECT_EQ(fake_->mounts.at("/srv/data").method, MountMethod::kFuse);
}

TEST_F(ClientCharmTest, KeepsTypedMonitorAddressesForCephFuse) {
  fake_->kernel_usable = false;
  auto ctx = make_context();
  State in{.config = {{"mountpoint", "/srv/data"}},
           .relations = {share_relation(published(share_info_json(
               {kFsid, "ceph-fs", "/", {"[v2:127.0.0.1:40001,v1:127.0.0.1:40002]"}})))},
           .secrets = {credentials()}};
  ctx.run(ctx.on.relation_changed(in.get_relation(1), 0), in);
  EXPECT_EQ(fake_->mounts.at("/srv/data").conf_mon_host(),
            "[v2:127.0.0.1:40001,v1:127.0.0.1:40002]");
}

TEST_F(ClientCharmTest, ExplicitKernelMethodIsKeptInAContainer) {
  fake_->kernel_usable = false;
  auto ctx = make_context();
  State in{.config = {{"mountpoint", "/srv/data"}, {"mount-method", "kernel"}},
           .relations = {share_relation()},
           .secrets = {credentials()}};
  ctx.run(ctx.on.relation_changed(in.get_relation(1), 0), in);
  EXPECT_EQ(fake_->mounts.at("/srv/data").method, MountMethod::kKernel);
}

TEST_F(ClientCharmTest, WaitsWhileTheProviderHasNotPublishedEverything) {
  auto ctx = make_context();
  State in{.config = {{"mountpoint", "/srv/data"}},
           .relations = {share_relation({{"share_info", share_info_json()}})}};
  State out = ctx.run(ctx.on.relation_changed(in.get_relation(1), 0), in);
  EXPECT_EQ(out.unit_status, ops::WaitingStatus("waiting for share data from cephfs-server-proxy"));
  EXPECT_TRUE(fake_->mounts.empty());
}

TEST_F(ClientCharmTest, IsBlockedWithoutMountingOnEachMalformedRemoteDatum) {
  struct Case {
    std::string name;
    ops::Bag data;
    Secret secret;
    std::string status;
  };
  const std::string prefix = "share data from cephfs-server-proxy invalid: ";
  const std::string auth_prefix = "credentials from cephfs-server-proxy invalid: ";
  auto with = [](std::string key, std::string value) {
    ops::Bag bag = published();
    bag[key] = value;
    return bag;
  };
  auto share = [](std::string fsid, std::string name, std::string path,
                  std::vector<std::string> hosts) {
    return share_info_json({std::move(fsid), std::move(name), std::move(path), std::move(hosts)});
  };
  const std::vector<Case> cases = {
      {"share_info not JSON", with("share_info", "{not json"), credentials(), prefix},
      {"share_info lacks a key", with("share_info", R"({"fsid": "a", "name": "b", "path": "/"})"),
       credentials(), prefix},
      {"monitor_hosts a string",
       with("share_info",
            R"({"fsid": "a", "name": "b", "path": "/", "monitor_hosts": "10.0.0.1:6789"})"),
       credentials(), prefix},
      {"fsid with a comma",
       with("share_info", share(std::string(kFsid) + ",rw", "ceph-fs", "/", {"10.5.0.80:6789"})),
       credentials(), prefix},
      {"name with a space", with("share_info", share(kFsid, "ceph fs", "/", {"10.5.0.80:6789"})),
       credentials(), prefix},
      {"path relative", with("share_info", share(kFsid, "ceph-fs", "data", {"10.5.0.80:6789"})),
       credentials(), prefix},
      {"path with a comma",
       with("share_info", share(kFsid, "ceph-fs", "/a,rw", {"10.5.0.80:6789"})), credentials(),
       prefix},
      {"path with a newline",
       with("share_info", share(kFsid, "ceph-fs", "/a\nb", {"10.5.0.80:6789"})), credentials(),
       prefix},
      {"no monitors", with("share_info", share(kFsid, "ceph-fs", "/", {})), credentials(), prefix},
      {"monitor with an option",
       with("share_info", share(kFsid, "ceph-fs", "/", {"10.5.0.80:6789,secret=x"})), credentials(),
       prefix},
      {"monitor without a port", with("share_info", share(kFsid, "ceph-fs", "/", {"10.5.0.80"})),
       credentials(), prefix},
      // Issue 15: the NUL cut the old IPv6 check short; the rest reached the unit and ceph.conf.
      {"monitor with a NUL and unit directives",
       with("share_info",
            share(kFsid, "ceph-fs", "/",
                  {std::string("[::1\0\n[Unit]\nFailureAction=reboot-force]:6789", 45)})),
       credentials(), prefix},
      {"path with a .. segment",
       with("share_info", share(kFsid, "ceph-fs", "/volumes/../x", {"10.5.0.80:6789"})),
       credentials(), prefix},
      {"auth naming a malformed secret id", with("auth", "secret:../../etc\n--peek"), credentials(),
       auth_prefix + "auth names a secret id that is not a Juju secret URI"},
      {"auth without a kind", with("auth", "garbage"), credentials(),
       auth_prefix + "Could not get the kind of auth info"},
      {"auth of an unknown kind", with("auth", "scheme:/path"), credentials(),
       auth_prefix + "Invalid kind for auth info."},
      {"plain auth not JSON", with("auth", "plain:{nope"), credentials(), auth_prefix},
      {"plain auth lacking the key", with("auth", R"(plain:{"username": "u"})"), credentials(),
       auth_prefix},
      {"secret not granted", with("auth", "secret:d0000000000000000000"), credentials(),
       auth_prefix + "its credentials secret is not visible (not granted?)"},
      {"secret content with extra keys", published(),
       Secret{.id = kSecretId,
              .tracked_content = {{"username", "u"}, {"key", kKey}, {"extra", "x"}}},
       auth_prefix},
      {"user with a comma", published(), credentials(kKey, "ceph,rw"), prefix},
      {"key not a cephx key", published(), credentials("R//appdqz4NP4Bxcc5XWrg=="),
       prefix + "key: "},
      {"key with a newline", published(), credentials(std::string(kKey).substr(0, 39) + "\n"),
       prefix},
  };
  for (const auto& c : cases) {
    fake_ = std::make_shared<FakeState>();
    auto ctx = make_context();
    State in{.config = {{"mountpoint", "/srv/data"}},
             .relations = {share_relation(c.data)},
             .secrets = {c.secret}};
    State out = ctx.run(ctx.on.relation_changed(in.get_relation(1), 0), in);
    EXPECT_EQ(out.unit_status.name, "blocked") << c.name;
    EXPECT_THAT(out.unit_status.message, StartsWith(c.status)) << c.name;
    EXPECT_THAT(out.unit_status.message, Not(HasSubstr(kKey))) << c.name;
    EXPECT_TRUE(fake_->mounts.empty()) << c.name;
    EXPECT_TRUE(fake_->credential_files.empty()) << c.name;
  }
}

TEST_F(ClientCharmTest, AcceptsPlainAuthFromOlderProviders) {
  auto ctx = make_context();
  ops::Bag data = published();
  data["auth"] = *v0::encode_plain_auth({"ceph-client", kKey});
  State in{.config = {{"mountpoint", "/srv/data"}}, .relations = {share_relation(data)}};
  State out = ctx.run(ctx.on.relation_changed(in.get_relation(1), 0), in);
  EXPECT_EQ(out.unit_status, ops::ActiveStatus("mounted ceph-fs:/ at /srv/data"));
}

TEST_F(ClientCharmTest, ReducesAddressVectorsToOneMonitorAddress) {
  auto ctx = make_context();
  State in{.config = {{"mountpoint", "/srv/data"}},
           .relations = {share_relation(published(share_info_json(
               {kFsid, "ceph-fs", "/", {"[v2:10.0.0.1:3300/0,v1:10.0.0.1:6789/0]"}})))},
           .secrets = {credentials()}};
  ctx.run(ctx.on.relation_changed(in.get_relation(1), 0), in);
  EXPECT_THAT(fake_->mounts.at("/srv/data").mount_options(), Contains("mon_addr=10.0.0.1:6789"));
}

TEST_F(ClientCharmTest, RefusesAMountpointWhereAnotherFileSystemIsMounted) {
  fake_->foreign_mounts["/srv/data"] = MountedFilesystem{"server:/export", "nfs4", "rw"};
  auto ctx = make_context();
  State in{.config = {{"mountpoint", "/srv/data"}},
           .relations = {share_relation()},
           .secrets = {credentials()}};
  State out = ctx.run(ctx.on.relation_changed(in.get_relation(1), 0), in);
  EXPECT_EQ(out.unit_status,
            ops::BlockedStatus("mountpoint '/srv/data' invalid: a nfs4 file system is already "
                               "mounted there"));
  EXPECT_TRUE(fake_->credential_files.empty());
}

TEST_F(ClientCharmTest, MountFailureIsBlockedWithTheReason) {
  fake_->failures["mount"] = "mount error 110 = Connection timed out";
  auto ctx = make_context();
  State in{.config = {{"mountpoint", "/srv/data"}},
           .relations = {share_relation()},
           .secrets = {credentials()}};
  State out = ctx.run(ctx.on.relation_changed(in.get_relation(1), 0), in);
  EXPECT_EQ(out.unit_status, ops::BlockedStatus("cannot mount ceph-fs:/ at /srv/data: mount "
                                                "error 110 = Connection timed out"));
  // The next reconcile retries.
  fake_->failures.clear();
  out = ctx.run(ctx.on.config_changed(), out);
  EXPECT_EQ(out.unit_status, ops::ActiveStatus("mounted ceph-fs:/ at /srv/data"));
}

TEST_F(ClientCharmTest, PackageInstallFailureIsBlocked) {
  fake_->failures["install_tools"] = "apt-get install failed (exit 100)";
  auto ctx = make_context();
  State in{.config = {{"mountpoint", "/srv/data"}},
           .relations = {share_relation()},
           .secrets = {credentials()}};
  State out = ctx.run(ctx.on.relation_changed(in.get_relation(1), 0), in);
  EXPECT_EQ(out.unit_status, ops::BlockedStatus("cannot mount ceph-fs:/ at /srv/data: apt-get "
                                                "install failed (exit 100)"));
}

// ---- unmounting -----------------------------------------------------------------------------

TEST_F(ClientCharmTest, DepartingProviderUnitWhileOthersRemainKeepsTheMount) {
  auto ctx = make_context();
  State in{.config = {{"mountpoint", "/srv/data"}},
           .relations = {share_relation(published(), {{0, {}}, {1, {}}})},
           .secrets = {credentials()}};
  State out = ctx.run(ctx.on.relation_changed(in.get_relation(1), 0), in);
  fake_->calls.clear();
  out = ctx.run(ctx.on.relation_departed(out.get_relation(1), 1), out);
  EXPECT_THAT(ctx.emitted_events, Contains("umount_share"));
  EXPECT_FALSE(called("unmount /srv/data"));
  EXPECT_TRUE(fake_->mounts.contains("/srv/data"));
  EXPECT_EQ(out.unit_status, ops::ActiveStatus("mounted ceph-fs:/ at /srv/data"));
}

TEST_F(ClientCharmTest, LastProviderUnitDepartingUnmountsAndRemovesTheKeyFile) {
  auto ctx = make_context();
  State out = mounted_state(ctx);
  out = ctx.run(ctx.on.relation_departed(out.get_relation(1), 0), out);
  EXPECT_THAT(fake_->calls,
              ElementsAre("unmount /srv/data", "remove_credentials " + std::string(kKeyFile),
                          "remove_created_mountpoint /srv/data"));
  EXPECT_TRUE(fake_->credential_files.empty());
  EXPECT_EQ(out.unit_status, ops::WaitingStatus("waiting for share data from cephfs-server-proxy"));
  EXPECT_TRUE(out.get_stored_state("charm").content["mount"].is_null());
}

TEST_F(ClientCharmTest, ProviderUnitReturningAfterAllLeftMountsAgain) {
  auto ctx = make_context();
  State out = mounted_state(ctx);
  out = ctx.run(ctx.on.relation_departed(out.get_relation(1), 0), out);
  ASSERT_FALSE(fake_->mounts.contains("/srv/data"));
  out.get_relation(1).remote_units_data = {{1, {}}};
  out = ctx.run(ctx.on.relation_joined(out.get_relation(1), 1), out);
  EXPECT_TRUE(fake_->mounts.contains("/srv/data"));
  EXPECT_EQ(out.unit_status, ops::ActiveStatus("mounted ceph-fs:/ at /srv/data"));
}

TEST_F(ClientCharmTest, ProviderUnitJoiningWhileMountedChangesNothing) {
  auto ctx = make_context();
  State out = mounted_state(ctx);
  out.get_relation(1).remote_units_data[1] = {};
  out = ctx.run(ctx.on.relation_joined(out.get_relation(1), 1), out);
  EXPECT_TRUE(fake_->calls.empty()) << testing::PrintToString(fake_->calls);
}

TEST_F(ClientCharmTest, UpdateStatusMountsAgainWhatDisappeared) {
  auto ctx = make_context();
  State out = mounted_state(ctx);
  fake_->mounts.clear();  // e.g. the network was down when systemd tried at boot
  fake_->calls.clear();
  out = ctx.run(ctx.on.update_status(), out);
  EXPECT_THAT(fake_->calls, Contains("mount /srv/data remount=0"));
  EXPECT_EQ(out.unit_status, ops::ActiveStatus("mounted ceph-fs:/ at /srv/data"));
  fake_->calls.clear();
  out = ctx.run(ctx.on.update_status(), out);
  EXPECT_THAT(fake_->calls, Not(Contains(StartsWith("mount "))));
  EXPECT_THAT(fake_->calls, Not(Contains(StartsWith("unmount "))));
}

// Found by the fault-injection walk: a mount command that timed out after mounting left
// "cannot mount" for good, since nothing re-checked it.
TEST_F(ClientCharmTest, UpdateStatusClearsAStaleCannotMountStatus) {
  fake_->failures["mount"] = "mount timed out";
  auto ctx = make_context();
  State in{.config = {{"mountpoint", "/srv/data"}},
           .relations = {share_relation()},
           .secrets = {credentials()}};
  State out = ctx.run(ctx.on.relation_changed(in.get_relation(1), 0), in);
  ASSERT_EQ(out.unit_status.name, "blocked");
  // The command did mount after all.
  fake_->failures.clear();
  auto plan = MountPlan::from_json(out.get_stored_state("charm").content.at("mount"));
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  fake_->mounts.insert_or_assign("/srv/data", *plan);
  fake_->calls.clear();
  out = ctx.run(ctx.on.update_status(), out);
  EXPECT_EQ(out.unit_status, ops::ActiveStatus("mounted ceph-fs:/ at /srv/data"));
  EXPECT_THAT(fake_->calls, Not(Contains(StartsWith("mount "))));
}

TEST_F(ClientCharmTest, UpdateStatusShowsBadProviderDataEvenWhileMounted) {
  auto ctx = make_context();
  State out = mounted_state(ctx);
  out.get_relation(1).remote_app_data["share_info"] = "{not json";
  out = ctx.run(ctx.on.update_status(), out);
  EXPECT_EQ(out.unit_status.name, "blocked");
  EXPECT_THAT(out.unit_status.message, StartsWith("share data from cephfs-server-proxy invalid"));
}

TEST_F(ClientCharmTest, ShowsMaintenanceWhileMounting) {
  auto ctx = make_context();
  mounted_state(ctx);
  EXPECT_THAT(ctx.unit_status_history,
              Contains(ops::MaintenanceStatus("mounting ceph-fs:/ at /srv/data")));
}

TEST_F(ClientCharmTest, RelationBrokenUnmountsAndWaitsForARelation) {
  auto ctx = make_context();
  State out = mounted_state(ctx);
  out = ctx.run(ctx.on.relation_broken(out.get_relation(1)), out);
  EXPECT_TRUE(called("unmount /srv/data"));
  EXPECT_TRUE(fake_->credential_files.empty());
  EXPECT_FALSE(fake_->directories.contains("/srv/data"));
  EXPECT_EQ(out.unit_status, ops::WaitingStatus("waiting for cephfs-share relation"));
}

TEST_F(ClientCharmTest, NeverRemovesAMountpointDirectoryItDidNotCreate) {
  fake_->directories.insert("/srv/data");
  auto ctx = make_context();
  State out = mounted_state(ctx);
  EXPECT_FALSE(fake_->created_mountpoints.contains("/srv/data"));
  out = ctx.run(ctx.on.relation_broken(out.get_relation(1)), out);
  EXPECT_TRUE(fake_->directories.contains("/srv/data"));
}

TEST_F(ClientCharmTest, RecordsTheMountpointItCreatedOnTheMachineAndForgetsItOnUnmount) {
  auto ctx = make_context();
  State out = mounted_state(ctx);
  EXPECT_TRUE(fake_->created_mountpoints.contains("/srv/data"));
  EXPECT_FALSE(out.get_stored_state("charm").content.contains("created_mountpoint"));
  out = ctx.run(ctx.on.relation_broken(out.get_relation(1)), out);
  EXPECT_FALSE(fake_->directories.contains("/srv/data"));
  EXPECT_TRUE(fake_->created_mountpoints.empty());
}

// The hook that creates and mounts the mountpoint fails afterwards (here the last status-set):
// Juju discards its stored state and runs it again, which finds the directory present. The
// record on the machine still says the charm created it, so unmounting removes it.
TEST_F(ClientCharmTest, MountpointCreatedByAFailedHookIsStillRemovedOnUnmount) {
  FaultInjector injector;
  auto ctx = make_context(ContextOptions{.wrap_backend = injector.wrapper()});
  State in{.config = {{"mountpoint", "/srv/data"}},
           .relations = {share_relation()},
           .secrets = {credentials()}};
  const FakeState before = *fake_;
  ctx.run(ctx.on.relation_changed(in.get_relation(1), 0), in);
  const std::vector<std::string> tools = injector.tools();
  const auto last_status = std::find(tools.rbegin(), tools.rend(), "status-set");
  ASSERT_NE(last_status, tools.rend());
  const int call = static_cast<int>(tools.rend() - last_status);

  for (const FaultKind kind : {FaultKind::kExitNonZero, FaultKind::kTimeout}) {
    SCOPED_TRACE(std::string(to_string(kind)));
    *fake_ = before;
    injector.arm(call, kind);
    EXPECT_THROW(ctx.run(ctx.on.relation_changed(in.get_relation(1), 0), in), UncaughtCharmError);
    injector.disarm();
    ASSERT_TRUE(fake_->mounts.contains("/srv/data"));  // the failed hook did mount

    State out = ctx.run(ctx.on.relation_changed(in.get_relation(1), 0), in);  // Juju's retry
    EXPECT_EQ(out.unit_status, ops::ActiveStatus("mounted ceph-fs:/ at /srv/data"));
    out = ctx.run(ctx.on.relation_broken(out.get_relation(1)), out);
    EXPECT_TRUE(fake_->mounts.empty());
    EXPECT_FALSE(fake_->directories.contains("/srv/data")) << "left the directory it created";
    EXPECT_TRUE(fake_->created_mountpoints.empty());
  }
}

TEST_F(ClientCharmTest, KeepsANonEmptyMountpointDirectory) {
  auto ctx = make_context();
  State out = mounted_state(ctx);
  fake_->non_empty_directories.insert("/srv/data");
  out = ctx.run(ctx.on.relation_broken(out.get_relation(1)), out);
  EXPECT_TRUE(fake_->directories.contains("/srv/data"));
}

TEST_F(ClientCharmTest, UnmountFailureIsBlockedAndKeepsTheKeyFile) {
  auto ctx = make_context();
  State out = mounted_state(ctx);
  fake_->failures["unmount"] = "umount: /srv/data: target is busy";
  out = ctx.run(ctx.on.relation_broken(out.get_relation(1)), out);
  EXPECT_EQ(out.unit_status,
            ops::BlockedStatus("cannot unmount /srv/data: umount: /srv/data: target is busy"));
  EXPECT_TRUE(fake_->credential_files.contains(kKeyFile));
  EXPECT_FALSE(out.get_stored_state("charm").content["mount"].is_null());
}

TEST_F(ClientCharmTest, StopUnmounts) {
  auto ctx = make_context();
  State out = mounted_state(ctx);
  ctx.run(ctx.on.stop(), out);
  EXPECT_TRUE(called("unmount /srv/data"));
  EXPECT_TRUE(fake_->credential_files.empty());
}

TEST_F(ClientCharmTest, StopFailsTheHookWhenItCannotUnmount) {
  auto ctx = make_context();
  State out = mounted_state(ctx);
  fake_->failures["unmount"] = "target is busy";
  EXPECT_THROW(ctx.run(ctx.on.stop(), out), ops::testing::UncaughtCharmError);
}

// ---- action ---------------------------------------------------------------------------------

TEST_F(ClientCharmTest, MountInfoReportsWhereWhatAndWhoButNotTheKey) {
  auto ctx = make_context();
  State out = mounted_state(ctx);
  ctx.run(ctx.on.action("mount-info"), out);
  EXPECT_EQ(ctx.action_results, (nlohmann::json{{"mounted", "true"},
                                                {"mountpoint", "/srv/data"},
                                                {"fsid", kFsid},
                                                {"share", "ceph-fs:/"},
                                                {"user", "ceph-client"},
                                                {"method", "kernel"},
                                                {"options", "exec,suid,dev,rw"},
                                                {"persistent", "true"},
                                                {"persisted-by", "systemd unit srv-data.mount"}}));
}

TEST_F(ClientCharmTest, MountInfoSaysWhenTheMountIsNotPersistent) {
  auto ctx = make_context();
  State out = mounted_state(ctx);
  fake_->mounts.clear();
  ctx.run(ctx.on.action("mount-info"), out);
  EXPECT_EQ(ctx.action_results["mounted"], "false");
  EXPECT_EQ(ctx.action_results["persistent"], "false");
  EXPECT_EQ(ctx.action_results["persisted-by"], "nothing");
}

TEST_F(ClientCharmTest, MountInfoSaysWhenNothingIsMounted) {
  auto ctx = make_context();
  ctx.run(ctx.on.action("mount-info"), State{});
  EXPECT_EQ(ctx.action_results, (nlohmann::json{{"mounted", "false"}}));
}

// ---- the production SystemMountManager on a machine without systemd -------------------------

// The charm with a SystemMountManager rooted in a temporary directory, its commands recorded and
// played on <root>/proc/self/mountinfo (ceph-fuse and mount add a line, umount removes it).
class ClientCharmOnAMachineWithoutSystemd : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = std::filesystem::temp_directory_path() /
            ("cephfs-client-charm-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(root_);
    std::filesystem::create_directories(root_ / "proc/self");
    std::filesystem::create_directories(root_ / "usr/bin");
    std::filesystem::create_directories(root_ / "sbin");
    std::ofstream(root_ / "usr/bin/ceph-fuse") << "";
    std::ofstream(root_ / "sbin/mount.ceph") << "";
    write_mountinfo("");
    std::ofstream(root_ / "proc/filesystems") << "nodev\tproc\n\text4\nnodev\tfuse\n";
  }
  void TearDown() override { std::filesystem::remove_all(root_); }

  void write_mountinfo(const std::string& extra) {
    std::ofstream(root_ / "proc/self/mountinfo") << "22 1 0:21 / /proc rw,nosuid - proc proc rw\n"
                                                 << extra;
  }

  Context<ClientCharm> make_context() {
    return Context<ClientCharm>::from_charm_dir(
        CLIENT_CHARM_DIR, {}, [this](ops::Framework& framework) {
          auto run = [this](const std::vector<std::string>& argv,
                            std::chrono::seconds /*timeout*/) -> ops::Status {
            std::string line;
            for (const auto& a : argv) line += (line.empty() ? "" : " ") + a;
            commands_.push_back(line);
            if (argv[0] == failing_command_) {
              return ops::Error{ops::ErrorCode::kIoError, argv[0] + " failed (exit 1)"};
            }
            if (argv[0] == "ceph-fuse") {
              write_mountinfo("90 1 0:60 / " + argv.back() + " rw - fuse.ceph-fuse ceph-fuse rw\n");
            } else if (argv[0] == "mount") {
              write_mountinfo("91 1 0:61 / " + argv[4] + " rw - ceph " + argv[3] + " rw\n");
            } else if (argv[0] == "umount") {
              write_mountinfo("");
            }
            return {};
          };
          return std::make_unique<ClientCharm>(
              framework, std::make_unique<SystemMountManager>(root_, run, ::geteuid()));
        });
  }

  State relation_changed(Context<ClientCharm>& ctx, State in) {
    return ctx.run(ctx.on.relation_changed(in.get_relation(1), 0), in);
  }

  std::filesystem::path root_;
  std::vector<std::string> commands_;
  std::string failing_command_;  // argv[0] of the commands that fail
};

TEST_F(ClientCharmOnAMachineWithoutSystemd, AutoMountsWithCephFuseAndRecordsTheMountInFstab) {
  auto ctx = make_context();
  State out = relation_changed(ctx, State{.config = {{"mountpoint", "/mnt/e2e/data"}},
                                          .relations = {share_relation()},
                                          .secrets = {credentials()}});
  EXPECT_EQ(out.unit_status, ops::ActiveStatus("mounted ceph-fs:/ at /mnt/e2e/data"));
  ASSERT_EQ(commands_.size(), 1u);
  EXPECT_EQ(commands_[0],
            "ceph-fuse -c /etc/ceph/cephfs-client/cephfs-client.1.conf -n client.ceph-client -k "
            "/etc/ceph/cephfs-client/cephfs-client.1.keyring --client_fs ceph-fs -r / "
            "--client_mount_timeout=30 --log-file /var/log/ceph/cephfs-client.1.ceph-fuse.log "
            "-o exec,suid,dev,rw /mnt/e2e/data");
  std::ifstream fstab(root_ / "etc/fstab");
  std::string first, second;
  std::getline(fstab, first);
  std::getline(fstab, second);
  EXPECT_EQ(first, "# cephfs-client charm: /mnt/e2e/data (written by the charm; do not edit)");
  EXPECT_THAT(second, StartsWith("none /mnt/e2e/data fuse.ceph ceph.id=ceph-client,"));
  ctx.run(ctx.on.action("mount-info"), out);
  EXPECT_EQ(ctx.action_results["method"], "fuse");
  EXPECT_EQ(ctx.action_results["mounted"], "true");
  EXPECT_EQ(ctx.action_results["persisted-by"], "/etc/fstab");
}

// Found by the fault-injection walk: the key file was rewritten, the remount failed, and every
// later hook saw an unchanged key file, so the share stayed mounted with the revoked key.
TEST_F(ClientCharmOnAMachineWithoutSystemd, ARemountThatFailedAfterAKeyChangeIsRedoneLater) {
  auto ctx = make_context();
  State out = relation_changed(ctx, State{.config = {{"mountpoint", "/srv/data"}},
                                          .relations = {share_relation()},
                                          .secrets = {credentials()}});
  out.get_secret(kSecretId).latest_content =
      ops::SecretContent{{"username", "ceph-client"}, {"key", kNewKey}};
  out.get_relation(1).remote_app_data["auth-rev"] = "2";
  failing_command_ = "umount";
  out = ctx.run(ctx.on.relation_changed(out.get_relation(1)), out);
  EXPECT_EQ(out.unit_status.name, "blocked");
  EXPECT_TRUE(std::filesystem::exists(root_ / "etc/ceph/cephfs-client/cephfs-client.1.keyring"
                                              ".remount-pending"));
  failing_command_.clear();
  commands_.clear();
  out = ctx.run(ctx.on.update_status(), out);
  ASSERT_EQ(commands_.size(), 2u) << testing::PrintToString(commands_);
  EXPECT_EQ(commands_[0], "umount /srv/data");
  EXPECT_THAT(commands_[1], StartsWith("ceph-fuse "));
  EXPECT_EQ(out.unit_status, ops::ActiveStatus("mounted ceph-fs:/ at /srv/data"));
  EXPECT_FALSE(std::filesystem::exists(root_ / "etc/ceph/cephfs-client/cephfs-client.1.keyring"
                                               ".remount-pending"));
  commands_.clear();
  out = ctx.run(ctx.on.update_status(), out);
  EXPECT_TRUE(commands_.empty()) << testing::PrintToString(commands_);
}

TEST_F(ClientCharmOnAMachineWithoutSystemd, RotatedKeyUnmountsAndMountsAgain) {
  auto ctx = make_context();
  State out = relation_changed(ctx, State{.config = {{"mountpoint", "/srv/data"}},
                                          .relations = {share_relation()},
                                          .secrets = {credentials()}});
  commands_.clear();
  out.get_secret(kSecretId).latest_content =
      ops::SecretContent{{"username", "ceph-client"}, {"key", kNewKey}};
  out.get_relation(1).remote_app_data["auth-rev"] = "2";
  out = ctx.run(ctx.on.relation_changed(out.get_relation(1)), out);
  ASSERT_EQ(commands_.size(), 2u) << testing::PrintToString(commands_);
  EXPECT_EQ(commands_[0], "umount /srv/data");
  EXPECT_THAT(commands_[1], StartsWith("ceph-fuse "));
  EXPECT_EQ(out.unit_status, ops::ActiveStatus("mounted ceph-fs:/ at /srv/data"));
  out = ctx.run(ctx.on.relation_broken(out.get_relation(1)), out);
  EXPECT_EQ(commands_.back(), "umount /srv/data");
  std::ifstream fstab(root_ / "etc/fstab");
  std::stringstream rest;
  rest << fstab.rdbuf();
  EXPECT_EQ(rest.str(), "");
}

TEST_F(ClientCharmOnAMachineWithoutSystemd, ADirectoryCreatedByAFailedHookIsRemovedOnUnmount) {
  FaultInjector injector;
  auto ctx = Context<ClientCharm>::from_charm_dir(
      CLIENT_CHARM_DIR, ContextOptions{.wrap_backend = injector.wrapper()},
      [this](ops::Framework& framework) {
        auto run = [this](const std::vector<std::string>& argv,
                          std::chrono::seconds /*timeout*/) -> ops::Status {
          if (argv[0] == "ceph-fuse") {
            write_mountinfo("90 1 0:60 / " + argv.back() + " rw - fuse.ceph-fuse ceph-fuse rw\n");
          } else if (argv[0] == "umount") {
            write_mountinfo("");
          }
          return {};
        };
        return std::make_unique<ClientCharm>(
            framework, std::make_unique<SystemMountManager>(root_, run, ::geteuid()));
      });
  State in{.config = {{"mountpoint", "/srv/data"}},
           .relations = {share_relation()},
           .secrets = {credentials()}};
  // A fault-free run finds the last status-set ("mounted ..."), which then fails after the
  // directory was created and mounted.
  State done = ctx.run(ctx.on.relation_changed(in.get_relation(1), 0), in);
  const std::vector<std::string> tools = injector.tools();
  const auto last_status = std::find(tools.rbegin(), tools.rend(), "status-set");
  ASSERT_NE(last_status, tools.rend());
  const int call = static_cast<int>(tools.rend() - last_status);
  ctx.run(ctx.on.relation_broken(done.get_relation(1)), done);
  ASSERT_FALSE(std::filesystem::exists(root_ / "srv/data"));

  injector.arm(call, FaultKind::kExitNonZero);
  EXPECT_THROW(ctx.run(ctx.on.relation_changed(in.get_relation(1), 0), in), UncaughtCharmError);
  injector.disarm();
  ASSERT_TRUE(std::filesystem::is_directory(root_ / "srv/data"));
  const auto marker = root_ / "etc/ceph/cephfs-client/srv-data.created-mountpoint";
  ASSERT_TRUE(std::filesystem::exists(marker));
  EXPECT_EQ(std::filesystem::status(marker).permissions(),
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);

  State out = ctx.run(ctx.on.relation_changed(in.get_relation(1), 0), in);  // Juju's retry
  EXPECT_EQ(out.unit_status, ops::ActiveStatus("mounted ceph-fs:/ at /srv/data"));
  out = ctx.run(ctx.on.relation_broken(out.get_relation(1)), out);
  EXPECT_FALSE(std::filesystem::exists(root_ / "srv/data"));
  EXPECT_FALSE(std::filesystem::exists(marker));
}

// A local user who could swap a directory on the path for a symlink would have root mount the
// share (and write through it) wherever the link points: blocked, saying why, and nothing runs.
TEST_F(ClientCharmOnAMachineWithoutSystemd, ASymlinkedMountpointBlocksAndRunsNoMountCommand) {
  std::filesystem::create_directories(root_ / "etc");
  std::filesystem::create_directories(root_ / "srv");
  std::filesystem::create_directory_symlink(root_ / "etc", root_ / "srv/data");
  auto ctx = make_context();
  State out = relation_changed(ctx, State{.config = {{"mountpoint", "/srv/data"}},
                                          .relations = {share_relation()},
                                          .secrets = {credentials()}});
  EXPECT_EQ(out.unit_status,
            ops::BlockedStatus(
                "cannot mount ceph-fs:/ at /srv/data: mountpoint '/srv/data' "
                "unsafe: /srv/data is a symlink; every existing directory on the "
                "path must be a real directory owned by " +
                std::string(::geteuid() == 0 ? "root" : "uid " + std::to_string(::geteuid())) +
                " and not writable by group or others"));
  EXPECT_TRUE(commands_.empty()) << testing::PrintToString(commands_);
  EXPECT_FALSE(std::filesystem::exists(root_ / "etc/fstab"));
}

TEST_F(ClientCharmOnAMachineWithoutSystemd, AMountpointSwappedForASymlinkAfterAnUnmountIsRefused) {
  auto ctx = make_context();
  State out = relation_changed(ctx, State{.config = {{"mountpoint", "/srv/data"}},
                                          .relations = {share_relation()},
                                          .secrets = {credentials()}});
  ASSERT_EQ(out.unit_status, ops::ActiveStatus("mounted ceph-fs:/ at /srv/data"));
  // The share went away (e.g. a lazy unmount) and a user put a symlink where the directory was.
  write_mountinfo("");
  std::filesystem::create_directories(root_ / "home/mallory");
  std::filesystem::remove(root_ / "srv/data");
  std::filesystem::create_directory_symlink(root_ / "home/mallory", root_ / "srv/data");
  commands_.clear();
  out = ctx.run(ctx.on.update_status(), out);
  EXPECT_EQ(out.unit_status.name, "blocked");
  EXPECT_THAT(out.unit_status.message,
              StartsWith("cannot mount ceph-fs:/ at /srv/data: mountpoint '/srv/data' unsafe: "
                         "/srv/data is a symlink; "));
  EXPECT_TRUE(commands_.empty()) << testing::PrintToString(commands_);
}

TEST_F(ClientCharmOnAMachineWithoutSystemd, AutoUsesTheKernelClientWhenTheKernelKnowsCeph) {
  std::ofstream(root_ / "proc/filesystems", std::ios::app) << "nodev\tceph\n";
  auto ctx = make_context();
  State out = relation_changed(ctx, State{.config = {{"mountpoint", "/srv/data"}},
                                          .relations = {share_relation()},
                                          .secrets = {credentials()}});
  EXPECT_EQ(out.unit_status, ops::ActiveStatus("mounted ceph-fs:/ at /srv/data"));
  ASSERT_EQ(commands_.size(), 1u);
  EXPECT_THAT(commands_[0], StartsWith("mount -t ceph ceph-client@"));
}

}  // namespace
}  // namespace cephfs_client
