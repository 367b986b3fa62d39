// Names and ownership of provisioned shares (share_ownership.h): unambiguous names that carry the
// model, marks in the cluster, no adoption of anything this deployment did not create, and
// records written before ownership marks existed (upgrade).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include "cephfs/ceph_names.h"
#include "provisioning_fixture.h"
#include "share_ownership.h"

namespace cephfs_server_proxy {
namespace {

using namespace provisioning_testing;  // NOLINT(google-build-using-namespace): the fixture

constexpr const char* kOtherModel = "9d0e4b1a-7c3f-4a2e-8b5d-6f1c0a9e3d72";

// ---- names
// ---------------------------------------------------------------------------------------

TEST(ShareNames, SubvolumeNamesCarryTheModelAppAndNameReadably) {
  const Deployment a{"3f1a7c2e-5b7d-4e0a-9c61-2d8f4b6a0e19", "proxy"};
  const std::string name = owned_subvolume_name(a, "web", "data");
  EXPECT_THAT(name, ::testing::MatchesRegex("web\\.data\\.3f1a7c2e\\.[0-9a-f]{10}"));
  EXPECT_EQ(owned_client_id(a, 7), "proxy.3f1a7c2e.7");
  EXPECT_EQ(owned_subvolume_name(a, "web", "data"), name);  // deterministic
}

TEST(ShareNames, NoTwoDifferentInputsShareAName) {
  const Deployment a{"3f1a7c2e-5b7d-4e0a-9c61-2d8f4b6a0e19", "proxy"};
  const Deployment b{kOtherModel, "proxy"};
  const Deployment c{"3f1a7c2e-5b7d-4e0a-9c61-2d8f4b6a0e19", "proxy2"};
  // Same bundle in two models; two proxies in one model; app/name split differently; names that
  // map to the same readable text; names cut at the length limit.
  const std::string long_name(200, 'z');
  std::set<std::string> names = {
      owned_subvolume_name(a, "web", "data"),    owned_subvolume_name(b, "web", "data"),
      owned_subvolume_name(c, "web", "data"),    owned_subvolume_name(a, "foo", "bar-x"),
      owned_subvolume_name(a, "foo-bar", "x"),   owned_subvolume_name(a, "web", "a/b"),
      owned_subvolume_name(a, "web", "a-b"),     owned_subvolume_name(a, "web", "a.b"),
      owned_subvolume_name(a, "web", long_name), owned_subvolume_name(a, "web", long_name + "y")};
  EXPECT_EQ(names.size(), 10U);
  EXPECT_NE(owned_client_id(a, 3), owned_client_id(b, 3));
  EXPECT_NE(owned_client_id(a, 3), owned_client_id(c, 3));
}

TEST(ShareNames, EveryNameIsAValidCephName) {
  const Deployment d{"3f1a7c2e-5b7d-4e0a-9c61-2d8f4b6a0e19", std::string(80, 'p')};
  for (const std::string& raw :
       {std::string("../../etc"), std::string("/"), std::string(""), std::string(300, '.'),
        std::string("-o\nx"), std::string("_x"), std::string("\xff\xfe"), std::string(100, 'n')}) {
    for (const std::string& app : {std::string("a"), std::string(100, 'a'), std::string("-x")}) {
      const std::string name = owned_subvolume_name(d, app, raw);
      EXPECT_TRUE(cephfs::validate_subvolume_name(name).ok()) << name;
    }
  }
  EXPECT_TRUE(cephfs::validate_client_id(owned_client_id(d, 2147483647)).ok());
  EXPECT_TRUE(cephfs::validate_mark_object(
                  subvolume_mark_object({"cephfs", owned_subvolume_name(d, "a", "b"), ""}))
                  .ok());
}

TEST(ShareNames, MarksRoundTripAndAnythingElseIsNotAMark) {
  const OwnerMark subvolume{.owner = "u/p", .app = "web", .name = "da\"ta"};
  const OwnerMark client{.owner = "u/p", .relation = 4};
  EXPECT_EQ(decode_mark(encode_mark(subvolume)), subvolume);
  EXPECT_EQ(decode_mark(encode_mark(client)), client);
  for (const char* bad :
       {"", "x", "[]", "{}", R"({"owner": 1})", R"({"owner": "u/p"})",
        R"({"owner": "u/p", "relation": "4"})", R"({"owner": "u/p", "relation": -1})",
        R"({"owner": "u/p", "app": "a"})"}) {
    EXPECT_EQ(decode_mark(bad), std::nullopt) << bad;
  }
}

// ---- two models, one cluster
// ---------------------------------------------------------------------

using Ownership = ProvisioningTest;

TEST_F(Ownership, TwoModelsWithTheSameBundleStayIsolated) {
  auto ctx = make_context();
  State model_a = ctx.run(ctx.on.config_changed(), base_state({client_relation(3)}));
  State in_b = base_state({client_relation(3)});
  in_b.model_uuid = kOtherModel;
  State model_b = ctx.run(ctx.on.config_changed(), in_b);
  EXPECT_EQ(model_b.unit_status, ops::ActiveStatus("Provisioning 1 share on cephfs"));
  EXPECT_EQ(ceph.subvolumes.size(), 2U);
  EXPECT_EQ(ceph.clients.size(), 2U);
  EXPECT_NE(published_share(model_a, 3).path, published_share(model_b, 3).path);
  EXPECT_NE(published_auth(model_a, 3).at("username"), published_auth(model_b, 3).at("username"));
  EXPECT_NE(published_auth(model_a, 3).at("key"), published_auth(model_b, 3).at("key"));

  // B's relation ends: A keeps its key, its sessions and its data.
  ASSERT_TRUE(ceph.open_session(client_of(3)));
  model_b = ctx.run(ctx.on.relation_broken(model_b.get_relation(3)), model_b);
  EXPECT_TRUE(ceph.has_client(client_of(3)));
  EXPECT_EQ(ceph.sessions(client_of(3)), 1);
  EXPECT_EQ(ceph.clients.size(), 1U);
  EXPECT_TRUE(ceph.has_subvolume(subvolume_of(3)));
}

TEST_F(Ownership, AModelUuidIsRequired) {
  auto ctx = make_context();
  State in = base_state({client_relation(3)});
  in.model_uuid = "";
  State out = ctx.run(ctx.on.config_changed(), in);
  EXPECT_EQ(out.unit_status.name, "blocked");
  EXPECT_THAT(out.unit_status.message, HasSubstr("JUJU_MODEL_UUID"));
  EXPECT_TRUE(ceph.subvolumes.empty());
}

// ---- nothing foreign is adopted
// ------------------------------------------------------------------

TEST_F(Ownership, AForeignSubvolumeWithOurNameIsNotAdopted) {
  auto ctx = make_context();
  ASSERT_TRUE(ceph.create_subvolume({.id = subvolume_of(3)}).ok());
  const auto before = ceph.subvolumes;
  State out = ctx.run(ctx.on.config_changed(), base_state({client_relation(3)}));
  EXPECT_EQ(out.unit_status.name, "blocked");
  EXPECT_THAT(out.unit_status.message,
              HasSubstr("subvolume cephfs/cephfs-share/" + subvolume_of(3).name +
                        " exists but was not created for this share (it has no ownership mark"));
  EXPECT_THAT(out.unit_status.message,
              HasSubstr("ceph fs subvolume rm cephfs " + subvolume_of(3).name +
                        " --group_name cephfs-share"));
  EXPECT_EQ(ceph.subvolumes, before);  // untouched, not removed
  EXPECT_TRUE(ceph.clients.empty());
  EXPECT_TRUE(ceph.marks.empty());
  EXPECT_FALSE(out.get_relation(3).local_app_data.contains("share_info"));

  // The way out: the operator removes it; the next update-status provisions.
  ASSERT_TRUE(ceph.remove_subvolume(subvolume_of(3)).ok());
  out = ctx.run(ctx.on.update_status(), out);
  EXPECT_EQ(out.unit_status, ops::ActiveStatus("Provisioning 1 share on cephfs"));
}

TEST_F(Ownership, AForeignClientWithOurIdIsNotAdopted) {
  auto ctx = make_context();
  const cephfs::SubvolumeId elsewhere{"cephfs", "elsewhere", ""};
  ASSERT_TRUE(ceph.create_subvolume({.id = elsewhere}).ok());
  ASSERT_TRUE(ceph.authorize_client(elsewhere, client_of(3), cephfs::Access::kReadWrite).ok());
  const auto foreign = ceph.clients.at(client_of(3));
  State out = ctx.run(ctx.on.config_changed(), base_state({client_relation(3)}));
  EXPECT_EQ(out.unit_status.name, "blocked");
  EXPECT_THAT(out.unit_status.message,
              HasSubstr("cephx client client." + client_of(3) + " exists but was not created"));
  EXPECT_THAT(out.unit_status.message, HasSubstr("ceph auth rm client." + client_of(3)));
  EXPECT_EQ(ceph.clients.at(client_of(3)).key, foreign.key);
  EXPECT_EQ(ceph.clients.at(client_of(3)).caps, foreign.caps);
  EXPECT_FALSE(ceph.has_subvolume(subvolume_of(3)));  // ours, made and claimed, released again
  EXPECT_TRUE(ceph.marks.empty());
}

TEST_F(Ownership, EachBadMarkIsAConflict) {
  struct Case {
    std::string content;
    std::string says;
  };
  const std::vector<Case> cases = {
      {encode_mark({.owner = std::string(kOtherModel) + "/cephfs-server-proxy",
                    .app = "client3",
                    .name = "data"}),
       "belongs to another deployment (" + std::string(kOtherModel) + "/cephfs-server-proxy)"},
      {encode_mark({.owner = us().id(), .app = "intruder", .name = "data"}),
       "it holds share 'data' of application 'intruder'"},
      {encode_mark({.owner = us().id(), .app = "client3", .name = "other"}),
       "it holds share 'other' of application 'client3'"},
      {"not json", "its ownership mark is not one this charm wrote"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.content);
    ceph = FakeCephAdmin{};
    plant_mark(subvolume_mark_object(subvolume_of(3)), c.content);
    auto ctx = make_context();
    State out = ctx.run(ctx.on.config_changed(), base_state({client_relation(3)}));
    EXPECT_EQ(out.unit_status.name, "blocked");
    EXPECT_THAT(out.unit_status.message, HasSubstr(c.says));
    EXPECT_TRUE(ceph.subvolumes.empty());
    EXPECT_TRUE(ceph.clients.empty());
    EXPECT_EQ(ceph.marks.size(), 1U);  // the planted one, untouched
  }
  // A client mark of another relation of this deployment.
  ceph = FakeCephAdmin{};
  plant_mark(client_mark_object(client_of(3)), encode_mark(client_mark_of(9)));
  auto ctx = make_context();
  State out = ctx.run(ctx.on.config_changed(), base_state({client_relation(3)}));
  EXPECT_THAT(out.unit_status.message, HasSubstr("it belongs to relation 9 of this deployment"));
  EXPECT_TRUE(ceph.subvolumes.empty());
  EXPECT_EQ(ceph.marks.size(), 1U);
}

TEST_F(Ownership, LosingTheClaimRaceIsAConflict) {
  auto ctx = make_context();
  // Another deployment claims the name between our read of the mark and our claim.
  ceph.before_claim = [this] {
    plant_mark(subvolume_mark_object(subvolume_of(3)),
               encode_mark({.owner = "someone/else", .app = "client3", .name = "data"}));
  };
  State out = ctx.run(ctx.on.config_changed(), base_state({client_relation(3)}));
  EXPECT_THAT(out.unit_status.message, HasSubstr("belongs to another deployment (someone/else)"));
  EXPECT_TRUE(ceph.subvolumes.empty());
  EXPECT_EQ(ceph.marks.size(), 1U);

  // Someone creates the subvolume by hand just before our claim: our claim is taken back.
  ceph = FakeCephAdmin{};
  ceph.before_claim = [this] { ASSERT_TRUE(ceph.create_subvolume({.id = subvolume_of(3)}).ok()); };
  out = ctx.run(ctx.on.config_changed(), base_state({client_relation(3)}));
  EXPECT_THAT(out.unit_status.message, HasSubstr("it has no ownership mark"));
  EXPECT_TRUE(ceph.marks.empty());
  EXPECT_TRUE(ceph.has_subvolume(subvolume_of(3)));
  EXPECT_TRUE(ceph.clients.empty());
}

// ---- kept data goes back to its application only
// -------------------------------------------------

TEST_F(Ownership, AKeptSubvolumeGoesBackToTheSameApplicationOnly) {
  auto ctx = make_context();
  State out = ctx.run(ctx.on.config_changed(), base_state({client_relation(3)}));
  const std::string kept = published_share(out, 3).path;
  out = ctx.run(ctx.on.relation_broken(out.get_relation(3)), out);
  std::erase_if(out.relations, [](const Relation& r) { return r.id == 3; });
  ASSERT_TRUE(ceph.has_subvolume(subvolume_of(3)));

  // The same application relates again (a new relation id) and asks for the same name.
  Relation again = client_relation(5);
  again.remote_app_name = "client3";
  Relation other = client_relation(6);  // another application, same name
  out.relations.push_back(again);
  out.relations.push_back(other);
  out = ctx.run(ctx.on.config_changed(), out);
  EXPECT_EQ(out.unit_status, ops::ActiveStatus("Provisioning 2 shares on cephfs"));
  EXPECT_EQ(published_share(out, 5).path, kept);
  EXPECT_NE(published_share(out, 6).path, kept);
  EXPECT_EQ(published_auth(out, 5).at("username"), client_of(5));

  // The same application in another model does not get it either.
  State in_b = base_state({client_relation(3)});
  in_b.model_uuid = kOtherModel;
  State model_b = ctx.run(ctx.on.config_changed(), in_b);
  EXPECT_NE(published_share(model_b, 3).path, kept);
}

// ---- revocation, rotation and republishing touch only what is ours -----------------------------

TEST_F(Ownership, RevocationLeavesAClientThatIsNotOursAlone) {
  auto ctx = make_context();
  State out = ctx.run(ctx.on.config_changed(), base_state({client_relation(3)}));
  plant_mark(client_mark_object(client_of(3)), encode_mark({.owner = "x/y", .relation = 3}));
  ASSERT_TRUE(ceph.open_session(client_of(3)));
  out = ctx.run(ctx.on.relation_broken(out.get_relation(3)), out);
  EXPECT_TRUE(ceph.has_client(client_of(3)));
  EXPECT_EQ(ceph.sessions(client_of(3)), 1);
  EXPECT_EQ(out.unit_status.name, "blocked");
  EXPECT_THAT(out.unit_status.message, HasSubstr("revoking relation 3: cephx client client." +
                                                 client_of(3) + " exists but was not created"));
  EXPECT_TRUE(peer_bag(out).contains("provisioned-3"));

  // The operator removes the client; the record goes, the foreign mark stays.
  std::erase_if(out.relations, [](const Relation& r) { return r.id == 3; });
  ASSERT_TRUE(ceph.remove_client(client_of(3)).ok());
  out = ctx.run(ctx.on.update_status(), out);
  EXPECT_EQ(out.unit_status, ops::ActiveStatus("Provisioning 0 shares on cephfs"));
  EXPECT_FALSE(peer_bag(out).contains("provisioned-3"));
  EXPECT_TRUE(ceph.marks.contains("cephfs/" + client_mark_object(client_of(3))));
}

TEST_F(Ownership, DeleteDataOnRevokeNeverDeletesASubvolumeThatIsNotOurs) {
  auto ctx = make_context();
  State in = base_state({client_relation(3)});
  in.config["delete-data-on-revoke"] = true;
  State out = ctx.run(ctx.on.config_changed(), in);
  plant_mark(subvolume_mark_object(subvolume_of(3)),
             encode_mark({.owner = "x/y", .app = "client3", .name = "data"}));
  out = ctx.run(ctx.on.relation_broken(out.get_relation(3)), out);
  EXPECT_FALSE(ceph.has_client(client_of(3)));  // our client: revoked
  EXPECT_TRUE(ceph.has_subvolume(subvolume_of(3)));
  EXPECT_FALSE(peer_bag(out).contains("provisioned-3"));
  EXPECT_THAT(ctx.juju_log, Contains(::testing::Field(&ops::testing::JujuLogLine::message,
                                                      HasSubstr("Not deleting subvolume"))));

  // With our own mark it is deleted, and its mark with it.
  ceph = FakeCephAdmin{};
  out = ctx.run(ctx.on.config_changed(), in);
  out = ctx.run(ctx.on.relation_broken(out.get_relation(3)), out);
  EXPECT_FALSE(ceph.has_subvolume(subvolume_of(3)));
  EXPECT_TRUE(ceph.marks.empty());
}

TEST_F(Ownership, RepublishAndRotateRefuseAClientThatIsNotOurs) {
  auto ctx = make_context();
  State out = ctx.run(ctx.on.config_changed(), base_state({client_relation(3)}));
  const std::string key = ceph.clients.at(client_of(3)).key;
  plant_mark(client_mark_object(client_of(3)), "garbage");
  ceph.clear_calls();
  out = ctx.run(ctx.on.config_changed(), out);
  EXPECT_EQ(out.unit_status.name, "blocked");
  EXPECT_THAT(out.unit_status.message, HasSubstr("not one this charm wrote"));
  EXPECT_THAT(ceph.calls(), Not(Contains(HasSubstr("authorize_client"))));
  EXPECT_THROW(ctx.run(ctx.on.action("rotate-credentials"), out), ActionFailed);
  EXPECT_EQ(ceph.clients.at(client_of(3)).key, key);
  EXPECT_THAT(ceph.calls(), Not(Contains(HasSubstr("remove_client"))));
}

// ---- upgrade from records without ownership ----------------------------------------------------

TEST_F(Ownership, RecordsFromBeforeOwnershipKeepWorkingAfterUpgrade) {
  auto ctx = make_context();
  // What the previous revision made for relation 3: "<app>-<name>" and "<proxy>-<relation id>",
  // without marks, and its record.
  ASSERT_TRUE(ceph.create_subvolume({.id = legacy_subvolume_of(3)}).ok());
  auto old_key = ceph.authorize_client(legacy_subvolume_of(3), legacy_client_of(3),
                                       cephfs::Access::kReadWrite);
  ASSERT_TRUE(old_key.ok());
  State in = base_state({client_relation(3), client_relation(4)});
  in.get_relation(kPeerId).local_app_data = {
      {"provisioned-3",
       R"({"fs": "cephfs", "group": "cephfs-share", "subvolume": "client3-data", "client": )"
       R"("cephfs-server-proxy-3"})"}};
  State out = ctx.run(ctx.on.upgrade_charm(), in);
  EXPECT_EQ(out.unit_status, ops::ActiveStatus("Provisioning 2 shares on cephfs"));
  // Relation 3 keeps its client, key and subvolume; relation 4 gets the new names and marks.
  EXPECT_EQ(published_auth(out, 3),
            (ops::SecretContent{{"username", legacy_client_of(3)}, {"key", old_key->key}}));
  EXPECT_EQ(published_share(out, 3).path,
            ceph.subvolumes.at("cephfs/cephfs-share/client3-data").path);
  EXPECT_EQ(published_auth(out, 4).at("username"), client_of(4));
  EXPECT_TRUE(ceph.has_subvolume(subvolume_of(4)));
  EXPECT_EQ(ceph.marks.size(), 2U);  // relation 4's only
  EXPECT_EQ(records_from_bag(peer_bag(out)).at(3).owned(), false);
  EXPECT_EQ(records_from_bag(peer_bag(out)).at(4), record_of(4));

  // Relation 3 ends: its client is revoked as before (its record is the proof it is ours).
  out = ctx.run(ctx.on.relation_broken(out.get_relation(3)), out);
  EXPECT_FALSE(ceph.has_client(legacy_client_of(3)));
  EXPECT_TRUE(ceph.has_subvolume(legacy_subvolume_of(3)));
  EXPECT_FALSE(peer_bag(out).contains("provisioned-3"));
  EXPECT_TRUE(ceph.has_client(client_of(4)));
}

// ---- mode switches are explicit -----------------------------------------------------------------

// Proxy mode's options (provisioning's admin-secret removed).
void configure_proxy_mode(State& state) {
  state.config.erase("admin-secret");
  state.config["fsid"] = "354ca7c4-f10d-11ee-93f8-1f85f87b7845";
  state.config["sharepoint"] = "cephfs:/";
  state.config["auth-info"] = std::string("u:") + kAdminKey;
}

void configure_provisioning_mode(State& state) {
  for (const char* option : {"fsid", "sharepoint", "auth-info"}) state.config.erase(option);
  state.config["admin-secret"] = kAdminSecretId;
}

TEST_F(Ownership, ProxyModeDoesNotOverwriteProvisionedShares) {
  auto ctx = make_context();
  State out = ctx.run(ctx.on.config_changed(), base_state({client_relation(3)}));
  const auto provisioned = out.get_relation(3).local_app_data;
  configure_proxy_mode(out);
  out = ctx.run(ctx.on.config_changed(), out);
  EXPECT_EQ(out.unit_status,
            ops::BlockedStatus("proxy mode is configured but provisioning mode still has 1 share "
                               "(relation 3); to switch, set admin-secret or admin-keyring back, "
                               "remove those cephfs-share relations (their clients are revoked), "
                               "then configure proxy mode"));
  EXPECT_EQ(out.get_relation(3).local_app_data, provisioned);
  out = ctx.run(ctx.on.relation_changed(out.get_relation(3), 0), out);
  EXPECT_EQ(out.get_relation(3).local_app_data, provisioned);
  EXPECT_TRUE(ceph.has_client(client_of(3)));

  // The way out: back to provisioning, remove the relation, then proxy mode.
  configure_provisioning_mode(out);
  out = ctx.run(ctx.on.config_changed(), out);
  EXPECT_EQ(out.unit_status, ops::ActiveStatus("Provisioning 1 share on cephfs"));
  out = ctx.run(ctx.on.relation_broken(out.get_relation(3)), out);
  std::erase_if(out.relations, [](const Relation& r) { return r.id == 3; });
  EXPECT_FALSE(ceph.has_client(client_of(3)));
  configure_proxy_mode(out);
  out.relations.push_back(client_relation(4));
  out = ctx.run(ctx.on.config_changed(), out);
  EXPECT_EQ(out.unit_status, ops::ActiveStatus("Exporting share"));
  EXPECT_EQ(published_share(out, 4).path, "/");
}

TEST_F(Ownership, ProvisioningModeDoesNotReplaceProxyModeShares) {
  auto ctx = make_context();
  State in = base_state({client_relation(3)});
  configure_proxy_mode(in);
  State out = ctx.run(ctx.on.config_changed(), in);
  ASSERT_EQ(out.unit_status, ops::ActiveStatus("Exporting share"));
  const auto proxied = out.get_relation(3).local_app_data;
  configure_provisioning_mode(out);
  out.relations.push_back(client_relation(4));
  out = ctx.run(ctx.on.config_changed(), out);
  EXPECT_EQ(out.unit_status,
            ops::BlockedStatus("relation 3 still has the share published in proxy mode; to give "
                               "it a provisioned share, remove and re-add the relation (or set "
                               "the proxy-mode options back)"));
  EXPECT_EQ(out.get_relation(3).local_app_data, proxied);
  EXPECT_FALSE(ceph.has_subvolume(subvolume_of(3)));
  EXPECT_TRUE(ceph.has_subvolume(subvolume_of(4)));  // a new relation is served
}

// ---- a least-privilege admin entity -------------------------------------------------------------

TEST_F(Ownership, AKeyringWithOneSectionConnectsAsItsEntity) {
  auto ctx = make_context();
  char path[] = "/tmp/proxy-keyring-XXXXXX";
  int fd = ::mkstemp(path);
  ASSERT_GE(fd, 0);
  ::close(fd);
  State in = base_state();
  in.config.erase("admin-secret");
  in.config["admin-keyring"] = std::string(path);
  auto run_with = [&](const std::string& text) {
    std::ofstream(path, std::ios::trunc) << text;
    connects.clear();
    ctx.run(ctx.on.config_changed(), in);
    return connects.empty() ? std::string() : connects[0].entity;
  };
  EXPECT_EQ(run_with("[client.cephfs-provisioner]\n\tkey = x\n"), "client.cephfs-provisioner");
  EXPECT_EQ(run_with("  [client.p]\nkey = x\n"), "client.p");
  // Two sections, none, or not a client: client.admin as before.
  EXPECT_EQ(run_with("[client.a]\nkey = x\n[client.b]\nkey = y\n"), "client.admin");
  EXPECT_EQ(run_with("key = x\n"), "client.admin");
  EXPECT_EQ(run_with("[mon.]\nkey = x\n"), "client.admin");
  EXPECT_EQ(run_with("[client.-o]\nkey = x\n"), "client.admin");
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace cephfs_server_proxy
