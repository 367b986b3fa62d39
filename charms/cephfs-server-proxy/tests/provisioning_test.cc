// State-transition tests of the cephfs-server-proxy charm's provisioning mode, against
// cephfs::testing::FakeCephAdmin.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "cephfs/ceph_names.h"
#include "cephfs/testing/fake_ceph_admin.h"
#include "charms/storage_libs/v0/cephfs_share_wire.h"
#include "ops/testing/context.h"
#include "ops/testing/fault_injecting_backend.h"
#include "provision_record.h"
#include "provisioning_fixture.h"
#include "proxy_charm.h"
#include "share_ownership.h"

namespace cephfs_server_proxy {
namespace {

using Provisioning = provisioning_testing::ProvisioningTest;
using namespace provisioning_testing;  // NOLINT(google-build-using-namespace): the fixture

// ---- connecting and statuses -----------------------------------------------------------------

TEST_F(Provisioning, ValidConfigurationWithoutRelationsIsActive) {
  auto ctx = make_context();
  State out = ctx.run(ctx.on.config_changed(), base_state());
  EXPECT_EQ(out.unit_status, ops::ActiveStatus("Provisioning 0 shares on cephfs"));
  ASSERT_EQ(connects.size(), 1U);
  EXPECT_EQ(connects[0].mon_host, kMons);
  EXPECT_EQ(connects[0].entity, "client.admin");
  EXPECT_EQ(connects[0].key, kAdminKey);
  EXPECT_EQ(connects[0].keyring_file, "");
  EXPECT_EQ(connects[0].timeout, std::chrono::seconds(10));
}

TEST_F(Provisioning, EntityAndTimeoutComeFromTheSecretAndConfig) {
  auto ctx = make_context();
  State in = base_state();
  in.secrets[0].tracked_content["entity"] = "client.provisioner";
  in.config["ceph-timeout"] = 3;
  ctx.run(ctx.on.config_changed(), in);
  ASSERT_EQ(connects.size(), 1U);
  EXPECT_EQ(connects[0].entity, "client.provisioner");
  EXPECT_EQ(connects[0].timeout, std::chrono::seconds(3));
}

TEST_F(Provisioning, EachInvalidOptionIsBlockedAndNothingConnects) {
  auto ctx = make_context();
  const std::vector<std::tuple<std::string, nlohmann::json, std::string>> cases = {
      {"admin-secret", "ceph-admin", "admin-secret 'ceph-admin' invalid"},
      {"monitor-hosts", "", "monitor-hosts invalid"},
      {"filesystem", "a/b", "filesystem 'a/b' invalid"},
      {"subvolume-group", "../x", "subvolume-group '../x' invalid"},
      {"subvolume-size", "lots", "subvolume-size 'lots' invalid"},
      {"ceph-timeout", 0, "ceph-timeout '0' invalid"},
      {"sharepoint", "cephfs:/", "admin-secret set together with sharepoint"},
      {"auth-info", std::string("u:") + kAdminKey, "admin-secret set together with auth-info"},
      {"admin-keyring", "/etc/ceph/ceph.client.admin.keyring", "both set"},
  };
  for (const auto& [option, value, message] : cases) {
    State in = base_state();
    in.config[option] = value;
    State out = ctx.run(ctx.on.config_changed(), in);
    EXPECT_EQ(out.unit_status.name, "blocked") << option;
    EXPECT_THAT(out.unit_status.message, HasSubstr(message)) << option;
    EXPECT_THAT(out.unit_status.message, Not(HasSubstr(kAdminKey)));
  }
  EXPECT_TRUE(connects.empty());
}

TEST_F(Provisioning, AdminSecretNotGrantedIsBlockedWithTheCommandToFixIt) {
  auto ctx = make_context();
  State in = base_state();
  in.secrets.clear();
  State out = ctx.run(ctx.on.config_changed(), in);
  EXPECT_EQ(out.unit_status,
            ops::BlockedStatus(
                std::string("admin-secret invalid: secret ") + kAdminSecretId +
                " not found or not granted to cephfs-server-proxy; run: juju grant-secret " +
                kAdminSecretId + " cephfs-server-proxy"));
  EXPECT_TRUE(connects.empty());
}

TEST_F(Provisioning, AdminSecretWithABadKeyIsBlocked) {
  auto ctx = make_context();
  State in = base_state();
  in.secrets[0].tracked_content = {{"key", "AQAPdQldX264KBAA"}};
  State out = ctx.run(ctx.on.config_changed(), in);
  EXPECT_EQ(out.unit_status.name, "blocked");
  EXPECT_THAT(out.unit_status.message, StartsWith("admin-secret invalid: key: "));
  EXPECT_THAT(out.unit_status.message, Not(HasSubstr("AQAPdQld")));
  EXPECT_TRUE(connects.empty());
}

TEST_F(Provisioning, WrongAdminKeyIsBlocked) {
  auto ctx = make_context();
  connect_error = ops::Error{ops::ErrorCode::kPermissionDenied, "authentication failed (-13)"};
  State out = ctx.run(ctx.on.config_changed(), base_state({client_relation(3)}));
  EXPECT_EQ(out.unit_status,
            ops::BlockedStatus("admin credentials refused by Ceph (client.admin): permission "
                               "denied"));
  EXPECT_TRUE(out.get_relation(3).local_app_data.empty());
}

TEST_F(Provisioning, AdminKeyringMustExistAndIsPassedAsAFile) {
  auto ctx = make_context();
  State in = base_state();
  in.config.erase("admin-secret");
  in.config["admin-keyring"] = "/nonexistent/ceph.client.admin.keyring";
  State out = ctx.run(ctx.on.config_changed(), in);
  EXPECT_EQ(out.unit_status,
            ops::BlockedStatus("admin-keyring '/nonexistent/ceph.client.admin.keyring' invalid: "
                               "no such file on this machine"));
  EXPECT_TRUE(connects.empty());

  char path[] = "/tmp/proxy-keyring-XXXXXX";
  int fd = ::mkstemp(path);
  ASSERT_GE(fd, 0);
  ::close(fd);
  in.config["admin-keyring"] = path;
  out = ctx.run(ctx.on.config_changed(), in);
  std::filesystem::remove(path);
  EXPECT_EQ(out.unit_status, ops::ActiveStatus("Provisioning 0 shares on cephfs"));
  ASSERT_EQ(connects.size(), 1U);
  EXPECT_EQ(connects[0].keyring_file, path);
  EXPECT_EQ(connects[0].key, "");
}

TEST_F(Provisioning, CephDownIsWaitingAndUpdateStatusRecovers) {
  for (auto code : {ops::ErrorCode::kUnavailable, ops::ErrorCode::kTimeout}) {
    connects.clear();
    auto ctx = make_context();
    connect_error = ops::Error{code, "no monitor answered within 10 s"};
    State out =
        ctx.run(ctx.on.relation_changed(client_relation(3), 0), base_state({client_relation(3)}));
    EXPECT_EQ(out.unit_status,
              ops::WaitingStatus("Ceph unreachable at 127.0.0.1:6789: no monitor answered within "
                                 "10 s; retrying on update-status"));
    EXPECT_TRUE(out.get_relation(3).local_app_data.empty());
    EXPECT_TRUE(out.deferred.empty());

    connect_error.reset();
    out = ctx.run(ctx.on.update_status(), out);
    EXPECT_EQ(out.unit_status, ops::ActiveStatus("Provisioning 1 share on cephfs"));
    EXPECT_TRUE(out.get_relation(3).local_app_data.contains("share_info"));
    EXPECT_EQ(connects.size(), 2U);
    ceph = FakeCephAdmin();
  }
}

TEST_F(Provisioning, CephFailingMidHookLeavesNoOrphansAndIsRetried) {
  auto ctx = make_context();
  ceph.fail_next("fsid", {ops::ErrorCode::kTimeout, "'fsid' timed out"});
  State out = ctx.run(ctx.on.config_changed(), base_state({client_relation(3)}));
  EXPECT_EQ(out.unit_status.name, "waiting");
  EXPECT_THAT(out.unit_status.message, HasSubstr("'fsid' timed out; retrying on update-status"));
  EXPECT_TRUE(ceph.subvolumes.empty());
  EXPECT_TRUE(ceph.clients.empty());
  expect_no_orphans(out);
  out = ctx.run(ctx.on.update_status(), out);
  EXPECT_EQ(out.unit_status, ops::ActiveStatus("Provisioning 1 share on cephfs"));
}

TEST_F(Provisioning, FilesystemSelection) {
  auto ctx = make_context();
  ceph.volumes = {"cephfs", "archive"};
  State out = ctx.run(ctx.on.config_changed(), base_state());
  EXPECT_EQ(out.unit_status,
            ops::BlockedStatus("filesystem not set and the cluster has 2 CephFS file systems "
                               "(archive, cephfs); set filesystem to one of them"));
  State in = base_state({client_relation(3)});
  in.config["filesystem"] = "other";
  out = ctx.run(ctx.on.config_changed(), in);
  EXPECT_EQ(out.unit_status, ops::BlockedStatus("filesystem 'other' not found in the cluster "
                                                "(it has: archive, cephfs)"));
  in.config["filesystem"] = "archive";
  out = ctx.run(ctx.on.config_changed(), in);
  EXPECT_EQ(out.unit_status, ops::ActiveStatus("Provisioning 1 share on archive"));
  EXPECT_EQ(published_share(out, 3).name, "archive");
  ceph.volumes.clear();
  out = ctx.run(ctx.on.config_changed(), base_state());
  EXPECT_THAT(out.unit_status.message, HasSubstr("the cluster has no CephFS file system"));
}

// ---- provisioning ------------------------------------------------------------------------------

TEST_F(Provisioning, ShareRequestedCreatesASubvolumeAndAClientAndPublishesThem) {
  auto ctx = make_context();
  State in = base_state({client_relation(3)});
  State out = ctx.run(ctx.on.relation_changed(in.get_relation(3), 0), in);
  EXPECT_THAT(ctx.emitted_events, Contains("share_requested"));
  EXPECT_EQ(out.unit_status, ops::ActiveStatus("Provisioning 1 share on cephfs"));
  EXPECT_EQ(connects.size(), 1U);

  ASSERT_TRUE(ceph.has_subvolume(subvolume_of(3)));
  const auto& subvolume = ceph.subvolumes.begin()->second;
  EXPECT_EQ(subvolume.size_bytes, std::nullopt);
  ASSERT_TRUE(ceph.has_client(client_of(3)));

  auto share = published_share(out, 3);
  EXPECT_EQ(share.fsid, ceph.fsid_value);
  EXPECT_EQ(share.name, "cephfs");
  EXPECT_EQ(share.path, subvolume.path);
  EXPECT_THAT(share.monitor_hosts, ElementsAre("[v2:10.0.0.1:3300,v1:10.0.0.1:6789]"));
  EXPECT_EQ(
      published_auth(out, 3),
      (ops::SecretContent{{"username", client_of(3)}, {"key", ceph.clients.at(client_of(3)).key}}));

  auto records = records_from_bag(peer_bag(out));
  ASSERT_EQ(records.size(), 1U);
  EXPECT_EQ(records.at(3), record_of(3));
  EXPECT_THAT(peer_bag(out).at("provisioned-3"), Not(HasSubstr("AQD")));

  // Both are marked as this deployment's, in the file system's mark pool.
  EXPECT_EQ(decode_mark(ceph.marks.at("cephfs/" + subvolume_mark_object(subvolume_of(3)))),
            (OwnerMark{.owner = us().id(), .app = "client3", .name = "data"}));
  EXPECT_EQ(decode_mark(ceph.marks.at("cephfs/" + client_mark_object(client_of(3)))),
            (OwnerMark{.owner = us().id(), .relation = 3}));
  EXPECT_EQ(ceph.marks.size(), 2U);
}

TEST_F(Provisioning, OneMonitorAddressVectorPerMonitor) {
  auto ctx = make_context();
  ceph.monitors = {
      {"v2:10.0.0.1:3300", "v1:10.0.0.1:6789"}, {"v2:10.0.0.2:3300", ""}, {"", "v1:10.0.0.3:6789"}};
  State out = ctx.run(ctx.on.config_changed(), base_state({client_relation(3)}));
  EXPECT_THAT(published_share(out, 3).monitor_hosts,
              ElementsAre("[v2:10.0.0.1:3300,v1:10.0.0.1:6789]", "[v2:10.0.0.2:3300]",
                          "[v1:10.0.0.3:6789]"));
}

TEST_F(Provisioning, ARelationWithoutARequestedNameIsNotProvisioned) {
  auto ctx = make_context();
  State out = ctx.run(ctx.on.config_changed(), base_state({client_relation(3, "")}));
  EXPECT_TRUE(ceph.subvolumes.empty());
  EXPECT_TRUE(out.get_relation(3).local_app_data.empty());
  EXPECT_EQ(out.unit_status, ops::ActiveStatus("Provisioning 0 shares on cephfs"));
}

TEST_F(Provisioning, ASecondRelationGetsItsOwnSubvolumeClientAndSecret) {
  auto ctx = make_context();
  State out =
      ctx.run(ctx.on.config_changed(), base_state({client_relation(3), client_relation(4)}));
  EXPECT_EQ(out.unit_status, ops::ActiveStatus("Provisioning 2 shares on cephfs"));
  EXPECT_EQ(connects.size(), 1U);  // one connection for the whole hook
  EXPECT_TRUE(ceph.has_subvolume(subvolume_of(3)));
  EXPECT_TRUE(ceph.has_subvolume(subvolume_of(4)));
  EXPECT_NE(published_share(out, 3).path, published_share(out, 4).path);
  EXPECT_EQ(published_auth(out, 3).at("username"), client_of(3));
  EXPECT_EQ(published_auth(out, 4).at("username"), client_of(4));
  EXPECT_NE(published_auth(out, 3).at("key"), published_auth(out, 4).at("key"));
  EXPECT_NE(out.get_relation(3).local_app_data.at("auth"),
            out.get_relation(4).local_app_data.at("auth"));
}

TEST_F(Provisioning, SubvolumeSizeIsTheQuotaAndAChangeResizes) {
  auto ctx = make_context();
  State in = base_state({client_relation(3)});
  in.config["subvolume-size"] = "1G";
  State out = ctx.run(ctx.on.config_changed(), in);
  EXPECT_THAT(ceph.calls(), Contains("create_subvolume cephfs/cephfs-share/" +
                                     subvolume_of(3).name + " size=1073741824"));
  EXPECT_EQ(ceph.subvolumes.begin()->second.size_bytes, 1ULL << 30);
  out.config["subvolume-size"] = "2G";
  out = ctx.run(ctx.on.config_changed(), out);
  EXPECT_EQ(ceph.subvolumes.begin()->second.size_bytes, 2ULL << 30);
  EXPECT_EQ(ceph.subvolumes.size(), 1U);
}

TEST_F(Provisioning, NamesWithDotDotAndSlashAreSanitisedAndStayInTheGroup) {
  auto ctx = make_context(ContextOptions{.juju_debug = true});
  State out = ctx.run(ctx.on.config_changed(),
                      base_state({client_relation(3, "../../etc"), client_relation(4, "/a/b")}));
  EXPECT_EQ(out.unit_status, ops::ActiveStatus("Provisioning 2 shares on cephfs"));
  ASSERT_EQ(ceph.subvolumes.size(), 2U);
  for (const auto& [key, subvolume] : ceph.subvolumes) {
    EXPECT_THAT(key, StartsWith("cephfs/cephfs-share/"));
    EXPECT_TRUE(cephfs::validate_subvolume_name(subvolume.id.name).ok()) << subvolume.id.name;
    // One path component: no '/', never "." or "..", never starting with '.' ("..-..-etc"
    // inside a component is a plain name).
    EXPECT_THAT(subvolume.id.name, Not(HasSubstr("/")));
    EXPECT_THAT(subvolume.id.name, Not(StartsWith(".")));
    EXPECT_THAT(subvolume.path, StartsWith("/volumes/cephfs-share/" + subvolume.id.name + "/"));
    EXPECT_EQ(subvolume.id.group, "cephfs-share");
  }
  const std::string mapped = subvolume_of(3, "../../etc").name;
  EXPECT_TRUE(ceph.has_subvolume({"cephfs", mapped, "cephfs-share"}));
  EXPECT_THAT(ctx.juju_log, Contains(ops::testing::JujuLogLine{
                                "INFO", "Provisioned subvolume cephfs/cephfs-share/" + mapped +
                                            " for share '../../etc' of client3 on relation "
                                            "cephfs-share:3 as client." +
                                            client_of(3)}));
}

TEST_F(Provisioning, AppAndNameSplitDifferentlyGetDifferentSubvolumes) {
  auto ctx = make_context();
  // "client3" asking for "a-b" and "client3-a" asking for "b": one subvolume before ownership.
  Relation other = client_relation(4, "b");
  other.remote_app_name = "client3-a";
  State out = ctx.run(ctx.on.config_changed(), base_state({client_relation(3, "a-b"), other}));
  EXPECT_EQ(out.unit_status, ops::ActiveStatus("Provisioning 2 shares on cephfs"));
  EXPECT_EQ(ceph.subvolumes.size(), 2U);
  EXPECT_NE(published_share(out, 3).path, published_share(out, 4).path);
  expect_no_orphans(out);
}

// ---- nothing half-created ----------------------------------------------------------------------

TEST_F(Provisioning, QuotaFailureBlocksOnlyThatRelation) {
  auto ctx = make_context();
  ceph.fail_next("create_subvolume",
                 {ops::ErrorCode::kIoError, "'fs subvolume create' failed: Disk quota exceeded"});
  State out =
      ctx.run(ctx.on.config_changed(), base_state({client_relation(3), client_relation(4)}));
  EXPECT_EQ(out.unit_status,
            ops::BlockedStatus("share for relation 3 failed: 'fs subvolume create' failed: Disk "
                               "quota exceeded"));
  EXPECT_TRUE(out.get_relation(3).local_app_data.empty());
  EXPECT_TRUE(out.get_relation(4).local_app_data.contains("share_info"));
  EXPECT_FALSE(ceph.has_client(client_of(3)));
  EXPECT_FALSE(peer_bag(out).contains("provisioned-3"));
  expect_no_orphans(out);

  // Retried on update-status.
  out = ctx.run(ctx.on.update_status(), out);
  EXPECT_EQ(out.unit_status, ops::ActiveStatus("Provisioning 2 shares on cephfs"));
}

TEST_F(Provisioning, AuthorizeFailureRemovesTheNewSubvolume) {
  auto ctx = make_context();
  ceph.fail_next("authorize_client", {ops::ErrorCode::kInvalidArgument, "caps differ"});
  State out = ctx.run(ctx.on.config_changed(), base_state({client_relation(3)}));
  EXPECT_EQ(out.unit_status, ops::BlockedStatus("share for relation 3 failed: caps differ"));
  EXPECT_THAT(ceph.calls(),
              Contains("remove_subvolume cephfs/cephfs-share/" + subvolume_of(3).name));
  EXPECT_TRUE(ceph.subvolumes.empty());
  EXPECT_TRUE(ceph.clients.empty());
  EXPECT_TRUE(ceph.marks.empty());
  expect_no_orphans(out);
}

TEST_F(Provisioning, AuthorizeFailureKeepsASubvolumeThatExistedBefore) {
  auto ctx = make_context();
  ASSERT_TRUE(ceph.create_subvolume({.id = subvolume_of(3)}).ok());
  plant_mark(subvolume_mark_object(subvolume_of(3)), encode_mark(subvolume_mark_of(3)));
  ceph.fail_next("authorize_client", {ops::ErrorCode::kIoError, "mon said no"});
  ctx.run(ctx.on.config_changed(), base_state({client_relation(3)}));
  EXPECT_TRUE(ceph.has_subvolume(subvolume_of(3)));
  EXPECT_THAT(ceph.calls(), Not(Contains(HasSubstr("remove_subvolume"))));
}

TEST_F(Provisioning, PublishFailureRemovesTheNewClientAndSubvolume) {
  auto ctx = make_context();
  ceph.fsid_value = "not a fsid!";  // set_share refuses it: invalid-share-info
  State out = ctx.run(ctx.on.config_changed(), base_state({client_relation(3)}));
  EXPECT_EQ(out.unit_status.name, "blocked");
  EXPECT_THAT(out.unit_status.message,
              HasSubstr("share for relation 3 failed: cannot publish the share:"));
  EXPECT_THAT(ceph.calls(), Contains("remove_client " + client_of(3)));
  EXPECT_TRUE(ceph.clients.empty());
  EXPECT_TRUE(ceph.subvolumes.empty());
  EXPECT_TRUE(out.get_relation(3).local_app_data.empty());
  EXPECT_FALSE(peer_bag(out).contains("provisioned-3"));
}

TEST_F(Provisioning, PublishFailureKeepsAClientThatExistedBefore) {
  auto ctx = make_context();
  ASSERT_TRUE(ceph.create_subvolume({.id = subvolume_of(3)}).ok());
  ASSERT_TRUE(
      ceph.authorize_client(subvolume_of(3), client_of(3), cephfs::Access::kReadWrite).ok());
  plant_mark(subvolume_mark_object(subvolume_of(3)), encode_mark(subvolume_mark_of(3)));
  plant_mark(client_mark_object(client_of(3)), encode_mark(client_mark_of(3)));
  ceph.fsid_value = "not a fsid!";
  ctx.run(ctx.on.config_changed(), base_state({client_relation(3)}));
  EXPECT_TRUE(ceph.has_client(client_of(3)));
  EXPECT_TRUE(ceph.has_subvolume(subvolume_of(3)));
}

// A hook tool that fails while the share is published (the credentials secret, its grant, the
// relation data) fails the hook after the cleanup: Juju keeps the State from before the hook and
// runs it again, which provisions. A blocked status and exit 0 would leave the request (already
// seen by the library) unanswered.
TEST_F(Provisioning, HookToolFailureWhilePublishingFailsTheHookAndTheRetryProvisions) {
  FaultInjector injector;
  auto ctx = make_context(ContextOptions{.wrap_backend = injector.wrapper()});
  const State in = base_state({client_relation(3)});
  const FakeCephAdmin empty = ceph;
  State expected = ctx.run(ctx.on.relation_changed(in.get_relation(3), 0), in);
  ASSERT_EQ(expected.unit_status, ops::ActiveStatus("Provisioning 1 share on cephfs"));
  const std::vector<std::string> tools = injector.tools();

  int publishing_calls = 0;
  for (std::size_t k = 1; k <= tools.size(); ++k) {
    const std::string& tool = tools[k - 1];
    if (tool != "secret-info-get" && tool != "secret-add" && tool != "secret-grant" &&
        tool != "relation-set") {
      continue;
    }
    ++publishing_calls;
    SCOPED_TRACE("call " + std::to_string(k) + ": " + tool);
    ceph = empty;
    injector.arm(static_cast<int>(k), FaultKind::kExitNonZero);
    EXPECT_THROW(ctx.run(ctx.on.relation_changed(in.get_relation(3), 0), in), UncaughtCharmError);
    injector.disarm();
    ASSERT_TRUE(injector.fired().has_value());
    EXPECT_EQ(injector.fired()->tool, tool);
    EXPECT_TRUE(ceph.subvolumes.empty()) << "a subvolume of the failed hook is left";
    EXPECT_TRUE(ceph.clients.empty()) << "a client of the failed hook is left";
    EXPECT_TRUE(ceph.marks.empty()) << "a mark of the failed hook is left";

    // Juju retries the hook from the State it kept.
    State out = ctx.run(ctx.on.relation_changed(in.get_relation(3), 0), in);
    EXPECT_EQ(out.unit_status, ops::ActiveStatus("Provisioning 1 share on cephfs"));
    EXPECT_TRUE(ceph.has_subvolume(subvolume_of(3)));
    ASSERT_TRUE(ceph.has_client(client_of(3)));
    EXPECT_EQ(published_auth(out, 3).at("key"), ceph.clients.at(client_of(3)).key);
    EXPECT_TRUE(peer_bag(out).contains("provisioned-3"));
    expect_no_orphans(out);
  }
  // secret-info-get, secret-add, secret-grant, relation-set (the record, the share).
  EXPECT_GE(publishing_calls, 5);
}

// A hook tool failing while an existing share is re-published (config-changed) fails the hook
// too; the provisioned subvolume and client stay (they are recorded).
TEST_F(Provisioning, HookToolFailureWhileRepublishingFailsTheHookAndKeepsTheShare) {
  FaultInjector injector;
  auto ctx = make_context(ContextOptions{.wrap_backend = injector.wrapper()});
  State in = ctx.run(ctx.on.config_changed(), base_state({client_relation(3)}));
  ASSERT_TRUE(peer_bag(in).contains("provisioned-3"));
  // A changed key makes set_share write the secret again.
  ASSERT_TRUE(ceph.remove_client(client_of(3)).ok());
  State expected = ctx.run(ctx.on.config_changed(), in);
  ASSERT_EQ(expected.unit_status, ops::ActiveStatus("Provisioning 1 share on cephfs"));
  const std::vector<std::string> tools = injector.tools();
  int secret_set = 0;
  for (std::size_t k = 1; k <= tools.size(); ++k) {
    if (tools[k - 1] != "secret-set") continue;
    ++secret_set;
    ASSERT_TRUE(ceph.remove_client(client_of(3)).ok());
    injector.arm(static_cast<int>(k), FaultKind::kExitNonZero);
    EXPECT_THROW(ctx.run(ctx.on.config_changed(), in), UncaughtCharmError);
    injector.disarm();
    EXPECT_TRUE(ceph.has_subvolume(subvolume_of(3)));
    State out = ctx.run(ctx.on.config_changed(), in);
    EXPECT_EQ(out.unit_status, ops::ActiveStatus("Provisioning 1 share on cephfs"));
    EXPECT_EQ(published_auth(out, 3).at("key"), ceph.clients.at(client_of(3)).key);
  }
  EXPECT_EQ(secret_set, 1);
}

// A request that Ceph refused (quota) stays pending and is provisioned by the next leader hook:
// config-changed as well as update-status.
TEST_F(Provisioning, APendingRequestIsProvisionedByConfigChanged) {
  auto ctx = make_context();
  ceph.fail_next("create_subvolume",
                 {ops::ErrorCode::kIoError, "'fs subvolume create' failed: Disk quota exceeded"});
  State in = base_state({client_relation(3)});
  State out = ctx.run(ctx.on.relation_changed(in.get_relation(3), 0), in);
  EXPECT_EQ(out.unit_status.name, "blocked");
  EXPECT_THAT(out.unit_status.message, HasSubstr("share for relation 3 failed:"));
  EXPECT_FALSE(out.get_relation(3).local_app_data.contains("share_info"));
  expect_no_orphans(out);

  out = ctx.run(ctx.on.config_changed(), out);
  EXPECT_EQ(out.unit_status, ops::ActiveStatus("Provisioning 1 share on cephfs"));
  EXPECT_TRUE(out.get_relation(3).local_app_data.contains("share_info"));
  EXPECT_TRUE(peer_bag(out).contains("provisioned-3"));
}

// ---- revocation --------------------------------------------------------------------------------

TEST_F(Provisioning, RelationBrokenRevokesTheClientAndKeepsTheData) {
  auto ctx = make_context();
  State out =
      ctx.run(ctx.on.config_changed(), base_state({client_relation(3), client_relation(4)}));
  ASSERT_TRUE(ceph.open_session(client_of(3)));
  out = ctx.run(ctx.on.relation_broken(out.get_relation(3)), out);
  EXPECT_FALSE(ceph.has_client(client_of(3)));
  EXPECT_EQ(ceph.sessions(client_of(3)), 0);
  EXPECT_THAT(ceph.calls(), Contains("evict_client " + client_of(3)));
  EXPECT_TRUE(ceph.has_subvolume(subvolume_of(3)));
  EXPECT_TRUE(ceph.has_client(client_of(4)));
  EXPECT_FALSE(peer_bag(out).contains("provisioned-3"));
  EXPECT_TRUE(peer_bag(out).contains("provisioned-4"));
  EXPECT_EQ(out.unit_status, ops::ActiveStatus("Provisioning 1 share on cephfs"));
}

TEST_F(Provisioning, DeleteDataOnRevokeRemovesTheSubvolume) {
  auto ctx = make_context();
  State in = base_state({client_relation(3)});
  in.config["delete-data-on-revoke"] = true;
  State out = ctx.run(ctx.on.config_changed(), in);
  out = ctx.run(ctx.on.relation_broken(out.get_relation(3)), out);
  EXPECT_FALSE(ceph.has_client(client_of(3)));
  EXPECT_FALSE(ceph.has_subvolume(subvolume_of(3)));
  EXPECT_TRUE(peer_bag(out).empty());
}

TEST_F(Provisioning, RevocationWhileCephIsDownStaysPendingUntilUpdateStatus) {
  auto ctx = make_context();
  State out = ctx.run(ctx.on.config_changed(), base_state({client_relation(3)}));
  connect_error = ops::Error{ops::ErrorCode::kUnavailable, "connection refused"};
  out = ctx.run(ctx.on.relation_broken(out.get_relation(3)), out);
  EXPECT_EQ(out.unit_status,
            ops::WaitingStatus("Ceph unreachable at 127.0.0.1:6789: connection refused; retrying "
                               "on update-status; revocation pending for relation 3"));
  EXPECT_TRUE(peer_bag(out).contains("provisioned-3"));
  EXPECT_TRUE(ceph.has_client(client_of(3)));

  // The relation is gone after relation-broken; the record is what remembers the client.
  std::erase_if(out.relations, [](const Relation& r) { return r.id == 3; });
  out = ctx.run(ctx.on.update_status(), out);  // still down
  EXPECT_TRUE(peer_bag(out).contains("provisioned-3"));
  connect_error.reset();
  ceph.fail_next("evict_client", {ops::ErrorCode::kIoError, "mds.a did not answer"});
  out = ctx.run(ctx.on.update_status(), out);
  EXPECT_EQ(out.unit_status,
            ops::WaitingStatus("Provisioning 0 shares on cephfs; revocation pending for relation "
                               "3; retrying on update-status"));
  out = ctx.run(ctx.on.update_status(), out);
  EXPECT_FALSE(ceph.has_client(client_of(3)));
  EXPECT_TRUE(peer_bag(out).empty());
  EXPECT_EQ(out.unit_status, ops::ActiveStatus("Provisioning 0 shares on cephfs"));
}

// ---- rotation ----------------------------------------------------------------------------------

TEST_F(Provisioning, RotateCredentialsGivesNewKeysAndEvictsOldSessions) {
  auto ctx = make_context();
  State out =
      ctx.run(ctx.on.config_changed(), base_state({client_relation(3), client_relation(4)}));
  const auto old3 = published_auth(out, 3).at("key");
  const auto old4 = published_auth(out, 4).at("key");
  const auto rev3 = out.get_relation(3).local_app_data.at("auth-rev");
  ASSERT_TRUE(ceph.open_session(client_of(3)));
  out = ctx.run(ctx.on.action("rotate-credentials"), out);
  EXPECT_EQ(ctx.action_results,
            (nlohmann::json{{"count", "2"},
                            {"relation-ids", "3,4"},
                            {"client-ids", client_of(3) + "," + client_of(4)}}));
  EXPECT_NE(published_auth(out, 3).at("key"), old3);
  EXPECT_NE(published_auth(out, 4).at("key"), old4);
  EXPECT_EQ(published_auth(out, 3).at("key"), ceph.clients.at(client_of(3)).key);
  EXPECT_NE(out.get_relation(3).local_app_data.at("auth-rev"), rev3);
  EXPECT_EQ(ceph.sessions(client_of(3)), 0);
  EXPECT_THAT(ctx.action_results.dump(), Not(HasSubstr("AQD")));

  const auto now4 = published_auth(out, 4).at("key");
  out = ctx.run(ctx.on.action("rotate-credentials", {{"relation-id", 3}}), out);
  EXPECT_EQ(ctx.action_results["relation-ids"], "3");
  EXPECT_EQ(published_auth(out, 4).at("key"), now4);
}

TEST_F(Provisioning, RotateCredentialsRefusesAnUnknownRelationAndNonLeaders) {
  auto ctx = make_context();
  State out = ctx.run(ctx.on.config_changed(), base_state({client_relation(3)}));
  EXPECT_THROW(ctx.run(ctx.on.action("rotate-credentials", {{"relation-id", 9}}), out),
               ActionFailed);
  out.leader = false;
  try {
    ctx.run(ctx.on.action("rotate-credentials"), out);
    ADD_FAILURE() << "expected the action to fail";
  } catch (const ActionFailed& failed) {
    EXPECT_THAT(failed.message(), HasSubstr("leader"));
  }
}

// ---- leadership --------------------------------------------------------------------------------

TEST_F(Provisioning, NonLeaderNeverTouchesCephAndNeverFails) {
  auto ctx = make_context();
  State in = base_state({client_relation(3)}, /*leader=*/false);
  in.get_relation(kPeerId).local_app_data = {
      {"provisioned-3", encode_record({3, subvolume_of(3), client_of(3)})}};
  State out = ctx.run(ctx.on.config_changed(), in);
  EXPECT_EQ(out.unit_status, ops::ActiveStatus("Provisioning 1 share (managed by the leader)"));
  out = ctx.run(ctx.on.relation_changed(out.get_relation(3), 0), out);
  out = ctx.run(ctx.on.update_status(), out);
  out = ctx.run(ctx.on.relation_broken(out.get_relation(3)), out);
  EXPECT_TRUE(connects.empty());
  EXPECT_TRUE(ceph.calls().empty());
  EXPECT_EQ(ctx.count_tool_calls("relation-set"), 0);
}

TEST_F(Provisioning, NewLeaderUsesThePeerRecord) {
  auto ctx = make_context();
  const cephfs::SubvolumeId legacy{"cephfs", "legacy-share", "old-group"};
  ASSERT_TRUE(ceph.create_subvolume({.id = legacy}).ok());
  auto key = ceph.authorize_client(legacy, "old-client", cephfs::Access::kReadWrite);
  ASSERT_TRUE(key.ok());
  ceph.clear_calls();
  State in = base_state({client_relation(3)});
  in.get_relation(kPeerId).local_app_data = {
      {"provisioned-3", encode_record({3, legacy, "old-client"})}};
  State out = ctx.run(ctx.on.leader_elected(), in);
  EXPECT_THAT(ceph.calls(),
              Contains("authorize_client cephfs/old-group/legacy-share old-client rw"));
  EXPECT_THAT(ceph.calls(), Not(Contains(HasSubstr("create_subvolume"))));
  EXPECT_EQ(ceph.subvolumes.size(), 1U);
  EXPECT_EQ(published_auth(out, 3),
            (ops::SecretContent{{"username", "old-client"}, {"key", key->key}}));
  EXPECT_EQ(published_share(out, 3).path, ceph.subvolumes.begin()->second.path);
  EXPECT_EQ(out.unit_status, ops::ActiveStatus("Provisioning 1 share on cephfs"));
}

TEST_F(Provisioning, RepeatedHooksAreIdempotent) {
  auto ctx = make_context();
  State out = ctx.run(ctx.on.config_changed(), base_state({client_relation(3)}));
  const auto bag = out.get_relation(3).local_app_data;
  const auto key = published_auth(out, 3);
  out = ctx.run(ctx.on.relation_changed(out.get_relation(3), 0), out);
  out = ctx.run(ctx.on.config_changed(), out);
  out = ctx.run(ctx.on.update_status(), out);
  EXPECT_EQ(out.get_relation(3).local_app_data, bag);
  EXPECT_EQ(published_auth(out, 3), key);
  EXPECT_EQ(ceph.subvolumes.size(), 1U);
  EXPECT_EQ(ceph.clients.size(), 1U);
}

TEST_F(Provisioning, NewRevisionOfTheAdminSecretReconnects) {
  auto ctx = make_context();
  connect_error = ops::Error{ops::ErrorCode::kPermissionDenied, "bad key"};
  State out = ctx.run(ctx.on.config_changed(), base_state({client_relation(3)}));
  EXPECT_EQ(out.unit_status.name, "blocked");
  connect_error.reset();
  const std::string new_key = "AQCTuApkAAAAABAAeT0CXUQtH2SMDaUd2WBXlQ==";
  out.get_secret(kAdminSecretId).latest_content = ops::SecretContent{{"key", new_key}};
  out = ctx.run(ctx.on.secret_changed(out.get_secret(kAdminSecretId)), out);
  ASSERT_EQ(connects.size(), 2U);
  EXPECT_EQ(connects[1].key, new_key);
  EXPECT_EQ(out.unit_status, ops::ActiveStatus("Provisioning 1 share on cephfs"));
}

TEST_F(Provisioning, ProxyModeNeverConnectsToCeph) {
  auto ctx = make_context();
  State in{.config = {{"fsid", "354ca7c4-f10d-11ee-93f8-1f85f87b7845"},
                      {"sharepoint", "cephfs:/"},
                      {"monitor-hosts", kMons},
                      {"auth-info", std::string("u:") + kAdminKey}},
           .leader = true};
  State out = ctx.run(ctx.on.config_changed(), in);
  out = ctx.run(ctx.on.update_status(), out);
  EXPECT_EQ(out.unit_status, ops::ActiveStatus("Exporting share"));
  EXPECT_TRUE(connects.empty());
}

// ---- secrets stay secret -----------------------------------------------------------------------

TEST_F(Provisioning, KeysNeverAppearInLogsStatusesOrToolCallArgv) {
  auto ctx = make_context(ContextOptions{.juju_debug = true});
  std::vector<std::string> keys = {kAdminKey};
  auto check = [&](const State& state) {
    for (const auto& key : keys) {
      for (const auto& call : ctx.tool_calls) {
        EXPECT_THAT(call.to_string(), Not(HasSubstr(key)));
        EXPECT_THAT(call.input, Not(HasSubstr(key)));
      }
      for (const auto& line : ctx.juju_log) EXPECT_THAT(line.message, Not(HasSubstr(key)));
      for (const auto& status : ctx.unit_status_history) {
        EXPECT_THAT(status.message, Not(HasSubstr(key)));
      }
      EXPECT_THAT(state.unit_status.message, Not(HasSubstr(key)));
      EXPECT_THAT(nlohmann::json(state.relations).dump(), Not(HasSubstr(key)));
    }
  };
  State out =
      ctx.run(ctx.on.config_changed(), base_state({client_relation(3), client_relation(4)}));
  for (const auto& [id, client] : ceph.clients) keys.push_back(client.key);
  check(out);
  out = ctx.run(ctx.on.action("rotate-credentials"), out);
  for (const auto& [id, client] : ceph.clients) keys.push_back(client.key);
  check(out);
  connect_error = ops::Error{ops::ErrorCode::kPermissionDenied, "refused"};
  out = ctx.run(ctx.on.relation_broken(out.get_relation(3)), out);
  check(out);
}

}  // namespace
}  // namespace cephfs_server_proxy
