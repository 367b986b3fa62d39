// The fixture of the provisioning-mode tests: the charm under test against a
// cephfs::testing::FakeCephAdmin that lives across hooks, and builders for states and names.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "cephfs/testing/fake_ceph_admin.h"
#include "charms/storage_libs/v0/cephfs_share_wire.h"
#include "ops/testing/context.h"
#include "ops/testing/fault_injecting_backend.h"
#include "provision_record.h"
#include "proxy_charm.h"
#include "share_ownership.h"

namespace cephfs_server_proxy::provisioning_testing {

namespace v0 = charms::storage_libs::v0;
using cephfs::testing::FakeCephAdmin;
using ops::testing::ActionFailed;
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

constexpr const char* kAdminSecretId = "secret:a1d2m3i4n5s6e7c8r9e0";
constexpr const char* kAdminKey = "AQAPdQldX264KBAAOyaxen/y0XBl1qxlGPTabw==";
constexpr const char* kMons = "127.0.0.1:6789";
constexpr int kPeerId = 100;

class ProvisioningTest : public ::testing::Test {
 protected:
  Context<ProxyCharm> make_context(ContextOptions options = {}) {
    return Context<ProxyCharm>::from_charm_dir(
        PROXY_CHARM_DIR, std::move(options), [this](ops::Framework& framework) {
          return std::make_unique<ProxyCharm>(
              framework,
              [this](const cephfs::ConnectOptions& options)
                  -> ops::Result<std::unique_ptr<cephfs::CephAdmin>> {
                connects.push_back(options);
                if (connect_error) return *connect_error;
                return std::unique_ptr<cephfs::CephAdmin>(
                    new cephfs::testing::ForwardingCephAdmin(ceph));
              });
        });
  }

  static Relation client_relation(int id, std::string name = "data") {
    ops::Bag bag;
    if (!name.empty()) bag["name"] = std::move(name);
    return Relation{.endpoint = "cephfs-share",
                    .id = id,
                    .remote_app_name = "client" + std::to_string(id),
                    .remote_app_data = std::move(bag)};
  }

  static State base_state(std::vector<Relation> relations = {}, bool leader = true) {
    relations.push_back(Relation{.endpoint = "proxy", .id = kPeerId});
    return State{.config = {{"admin-secret", kAdminSecretId}, {"monitor-hosts", kMons}},
                 .relations = std::move(relations),
                 .secrets = {Secret{.id = kAdminSecretId, .tracked_content = {{"key", kAdminKey}}}},
                 .leader = leader};
  }

  // Who the charm under test is: the testing State's default model and the charm's name.
  static Deployment us() { return Deployment{State{}.model_uuid, "cephfs-server-proxy"}; }
  static cephfs::SubvolumeId subvolume_of(int relation_id, std::string name = "data") {
    return {"cephfs", owned_subvolume_name(us(), "client" + std::to_string(relation_id), name),
            "cephfs-share"};
  }
  static std::string client_of(int relation_id) { return owned_client_id(us(), relation_id); }
  // The names the charm used before ownership marks (records of an older revision).
  static cephfs::SubvolumeId legacy_subvolume_of(int relation_id, std::string name = "data") {
    return {"cephfs", "client" + std::to_string(relation_id) + "-" + name, "cephfs-share"};
  }
  static std::string legacy_client_of(int relation_id) {
    return "cephfs-server-proxy-" + std::to_string(relation_id);
  }
  static ProvisionRecord record_of(int relation_id, std::string name = "data") {
    return ProvisionRecord{.relation_id = relation_id,
                           .subvolume = subvolume_of(relation_id, name),
                           .client_id = client_of(relation_id),
                           .owner = us().id(),
                           .app = "client" + std::to_string(relation_id),
                           .name = name};
  }

  static v0::CephFSShareInfo published_share(const State& state, int relation_id) {
    auto decoded =
        v0::decode_share_info(state.get_relation(relation_id).local_app_data.at("share_info"));
    EXPECT_TRUE(decoded.ok() && decoded->has_value());
    return **decoded;
  }
  static ops::SecretContent published_auth(const State& state, int relation_id) {
    const auto& auth = state.get_relation(relation_id).local_app_data.at("auth");
    return state.get_secret(auth).effective_latest_content();
  }
  static ops::Bag peer_bag(const State& state) {
    return state.get_relation(kPeerId).local_app_data;
  }

  // Ceph holds nothing this charm does not know about.
  void expect_no_orphans(const State& state) {
    auto records = records_from_bag(peer_bag(state));
    for (const auto& [key, subvolume] : ceph.subvolumes) {
      bool known = false;
      for (const auto& [id, record] : records) known = known || record.subvolume == subvolume.id;
      EXPECT_TRUE(known) << "orphan subvolume " << key;
    }
    for (const auto& [client, unused] : ceph.clients) {
      bool known = false;
      for (const auto& [id, record] : records) known = known || record.client_id == client;
      EXPECT_TRUE(known) << "orphan client " << client;
    }
    for (const auto& [object, unused] : ceph.marks) {
      bool known = false;
      for (const auto& [id, record] : records) {
        const std::string fs = record.subvolume.fs_name + "/";
        known = known || object == fs + subvolume_mark_object(record.subvolume) ||
                object == fs + client_mark_object(record.client_id);
      }
      EXPECT_TRUE(known) << "orphan mark " << object;
    }
  }

  void plant_mark(const std::string& object, const std::string& content) {
    ceph.marks["cephfs/" + object] = content;
  }
  static OwnerMark subvolume_mark_of(int relation_id, std::string name = "data") {
    return OwnerMark{
        .owner = us().id(), .app = "client" + std::to_string(relation_id), .name = std::move(name)};
  }
  static OwnerMark client_mark_of(int relation_id) {
    return OwnerMark{.owner = us().id(), .relation = relation_id};
  }

  FakeCephAdmin ceph;
  std::vector<cephfs::ConnectOptions> connects;
  std::optional<ops::Error> connect_error;
};

}  // namespace cephfs_server_proxy::provisioning_testing
