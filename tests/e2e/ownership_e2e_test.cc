// Provisioned shares are owned (docs/charms.md, "Names and ownership"), on the real cluster: two
// models built alike stay isolated, app/name pairs that join to the same text do not collide, a
// foreign subvolume with the name the proxy would pick is not adopted, and a switch to proxy mode
// over provisioned shares changes nothing.
#include "charms_e2e_fixture.h"
#include "share_ownership.h"

namespace cephfs::e2e {
namespace {

TEST_F(CharmsE2e, TwoModelsWithTheSameBundleOnOneClusterStayIsolated) {
  // Model A: a proxy and a mounted client.
  deploy_provisioner("proxy");
  const std::string mountpoint = deploy_client("client");
  relate("proxy", "client");
  ok({"settle"});
  ASSERT_TRUE(is_ceph_fuse_mount(mountpoint)) << unit_status("client/0");
  const std::string user_a = user_of(client_keyring("client"));
  const std::string key_a = ini_value(client_keyring("client"), "key");
  const std::string path_a = share_path("client/0");
  const std::string relation_id = std::to_string(share_relation_id("client/0"));
  ASSERT_EQ(user_a, "proxy.b1f9a3c2." + relation_id);  // juju-sim's default model UUID

  // Model B on the same cluster, built the same way: the same application names, relation ids
  // and request (a requester shaped like cephfs-client, without the machine-wide files).
  const std::string model_a = model_;
  model_ = dir_ + "/model-b";
  // Whatever happens below, B's relation goes (its client revoked, its data deleted) and TearDown
  // cleans model A.
  using Self = std::remove_reference_t<decltype(*this)>;  // protected members: the test's type
  struct BackToModelA {
    Self& test;
    std::string model_a;
    bool related_b = false;
    ~BackToModelA() {
      if (related_b) {
        test.sim({"remove-relation", "proxy:cephfs-share", "client:cephfs-share"});
        test.sim({"settle"});
      }
      test.model_ = model_a;
    }
  } back{*this, model_a};
  ok({"init", "--uuid", "5e7d0c41-9a2b-4c3d-8e1f-0a1b2c3d4e5f"});
  ok({"deploy", "ubuntu", write_charm("ubuntu", "", {})});
  deploy_provisioner("proxy");
  ok({"deploy", "client", write_requester(mountpoint, /*subordinate=*/true)});
  ok({"relate", "ubuntu:juju-info", "client:juju-info"});
  ok({"relate", "proxy:cephfs-share", "client:cephfs-share"});
  back.related_b = true;
  ok({"settle"});
  ASSERT_EQ(std::to_string(share_relation_id("client/0")), relation_id);
  const std::string user_b = "proxy.5e7d0c41." + relation_id;
  auto key_b = admin_->client_key(user_b);
  ASSERT_TRUE(key_b.ok()) << key_b.error().message << "; " << unit_status("proxy/0");
  EXPECT_NE(key_b->key, key_a);
  EXPECT_NE(share_path("client/0"), path_a);

  // B's relation ends (its data deleted: delete-data-on-revoke): A is untouched.
  ok({"remove-relation", "proxy:cephfs-share", "client:cephfs-share"});
  back.related_b = false;
  ok({"settle"});
  EXPECT_FALSE(admin_->client_key(user_b).ok());
  model_ = model_a;
  auto still = admin_->client_key(user_a);
  ASSERT_TRUE(still.ok()) << still.error().message;
  EXPECT_EQ(still->key, key_a);
  EXPECT_TRUE(is_ceph_fuse_mount(mountpoint));
  EXPECT_TRUE(write_and_read(mountpoint, "after-b.txt", "A still writes\n"));
}

// Mode switches are explicit: proxy mode configured over provisioned shares is blocked and
// publishes nothing; the mounted client keeps its share and key; switching back resumes.
TEST_F(CharmsE2e, SwitchingToProxyModeOverProvisionedSharesIsBlockedAndChangesNothing) {
  deploy_provisioner("proxy");
  const std::string mountpoint = deploy_client("client");
  relate("proxy", "client");
  ok({"settle"});
  ASSERT_TRUE(is_ceph_fuse_mount(mountpoint)) << unit_status("client/0");
  const std::string user = user_of(client_keyring("client"));
  const std::string key = ini_value(client_keyring("client"), "key");
  const std::string path = share_path("client/0");
  auto fsid = admin_->fsid();
  ASSERT_TRUE(fsid.ok());

  // A well-formed key that opens nothing: proxy mode must not publish it anyway.
  ok({"config", "proxy", "admin-keyring=", "fsid=" + *fsid, "sharepoint=cephfs:/",
      "auth-info=nobody:AQAPdQldX264KBAAOyaxen/y0XBl1qxlGPTabw=="});
  ok({"settle"});
  const json status = unit_status("proxy/0");
  EXPECT_EQ(status["current"], "blocked");
  EXPECT_THAT(status["message"].get<std::string>(),
              StartsWith("proxy mode is configured but provisioning mode still has 1 share"));
  EXPECT_EQ(share_path("client/0"), path);
  EXPECT_EQ(ini_value(client_keyring("client"), "key"), key);
  auto still = admin_->client_key(user);
  ASSERT_TRUE(still.ok()) << still.error().message;
  EXPECT_EQ(still->key, key);
  EXPECT_TRUE(write_and_read(mountpoint, "switch.txt", "still mine\n"));

  // Back to provisioning mode: the share is served again, unchanged.
  ok({"config", "proxy", "admin-keyring=" + provisioner_keyring_,
      "fsid=", "sharepoint=", "auth-info="});
  ok({"settle"});
  EXPECT_EQ(unit_status("proxy/0"),
            json::parse(R"({"current":"active","message":"Provisioning 1 share on cephfs"})"));
  EXPECT_EQ(share_path("client/0"), path);
  EXPECT_TRUE(is_ceph_fuse_mount(mountpoint));
}

TEST_F(CharmsE2e, AnAppAndNameSplitDifferentlyDoNotShareASubvolume) {
  deploy_provisioner("proxy");
  ok({"deploy", "foo", write_requester("bar-x")});
  ok({"deploy", "foo-bar", write_requester("x")});
  ok({"relate", "proxy:cephfs-share", "foo:cephfs-share"});
  ok({"relate", "proxy:cephfs-share", "foo-bar:cephfs-share"});
  relations_.emplace_back("proxy", "foo");
  relations_.emplace_back("proxy", "foo-bar");
  ok({"settle"});
  EXPECT_EQ(unit_status("proxy/0")["message"], "Provisioning 2 shares on cephfs");
  const std::string foo = share_path("foo/0");
  const std::string foo_bar = share_path("foo-bar/0");
  EXPECT_THAT(foo, HasSubstr("/foo.bar-x.b1f9a3c2."));
  EXPECT_THAT(foo_bar, HasSubstr("/foo-bar.x.b1f9a3c2."));
  EXPECT_NE(foo, foo_bar);
}

TEST_F(CharmsE2e, AForeignSubvolumeWithTheNameTheProxyWouldPickIsNotAdopted) {
  // Someone made the very subvolume the proxy will compute, by hand (no ownership mark).
  const cephfs_server_proxy::Deployment deployment{"b1f9a3c2-5d4e-4f60-8a7b-9c0d1e2f3a4b", "proxy"};
  const SubvolumeId foreign{
      "cephfs", cephfs_server_proxy::owned_subvolume_name(deployment, "squat", "data"), group_};
  auto made = admin_->create_subvolume({.id = foreign, .size_bytes = {}});
  ASSERT_TRUE(made.ok()) << made.error().message;
  extra_subvolumes_.push_back(foreign);
  deploy_provisioner("proxy");
  ok({"deploy", "squat", write_requester("data")});
  relate("proxy", "squat");
  ok({"settle"});
  const json status = unit_status("proxy/0");
  EXPECT_EQ(status["current"], "blocked");
  EXPECT_THAT(status["message"].get<std::string>(),
              HasSubstr("subvolume cephfs/" + group_ + "/" + foreign.name +
                        " exists but was not created for this share"));
  auto info = admin_->subvolume_info(foreign);
  ASSERT_TRUE(info.ok()) << "the foreign subvolume was removed";
  EXPECT_EQ(info->path, made->path);
  EXPECT_THAT(ok({"show-unit", "squat/0"}), Not(HasSubstr("share_info")));
  auto mark = admin_->owner_mark("cephfs", cephfs_server_proxy::subvolume_mark_object(foreign));
  ASSERT_TRUE(mark.ok()) << mark.error().message;
  EXPECT_EQ(*mark, std::nullopt);
}

}  // namespace
}  // namespace cephfs::e2e
