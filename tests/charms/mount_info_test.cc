// MountRequires (the principal) and MountProvides (filesystem-client): every event of both sides,
// the typed reads and writes, and malformed bags. The wire bytes are pinned by
// filesystem_info_conformance_test (cases.json `mount_info_databag`).
#include "charms/filesystem_client/v0/mount_info.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "ops/testing/context.h"

namespace charms::filesystem_client::v0 {
namespace {

using ops::testing::Context;
using ops::testing::Relation;
using ops::testing::State;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr const char* kPrincipalYaml =
    "name: principal\nrequires:\n  mount:\n    interface: mount_info\n    scope: container\n";
constexpr const char* kClientYaml =
    "name: filesystem-client\nsubordinate: true\nprovides:\n  mount:\n    interface: mount_info\n"
    "    scope: container\n";

const std::vector<std::string> kMountEvents = {
    "mount_provider_connected",    "mounted_filesystem", "unmounted_filesystem",
    "mount_provider_disconnected", "mount_requested",    "mount_unrequested"};

std::vector<std::string> library_events(const std::vector<std::string>& emitted) {
  std::vector<std::string> out;
  for (const auto& kind : emitted) {
    if (std::find(kMountEvents.begin(), kMountEvents.end(), kind) != kMountEvents.end()) {
      out.push_back(kind);
    }
  }
  return out;
}

// ---- MountRequires -----------------------------------------------------------------------------

class PrincipalCharm : public ops::CharmBase {
 public:
  explicit PrincipalCharm(ops::Framework& framework) : CharmBase(framework), mount(*this) {
    framework.observe(on.update_status, this, &PrincipalCharm::on_update_status);
  }
  MountRequires mount;
  std::optional<MountInfo> to_write;
  std::optional<ops::Status>* result = nullptr;

 private:
  void on_update_status(ops::UpdateStatusEvent&) {
    if (to_write) result->emplace(mount.set_mount_info(*to_write));
  }
};

Relation client_relation(ops::Bag unit_data = {}) {
  return Relation{.endpoint = "mount",
                  .id = 4,
                  .remote_app_name = "filesystem-client",
                  .remote_units_data = {{0, std::move(unit_data)}}};
}

struct PrincipalRun {
  State out;
  std::vector<std::string> events;
  std::optional<ops::Status> result;
};

PrincipalRun run_principal(const State& in, const ops::testing::Event& event,
                           std::optional<MountInfo> info = std::nullopt) {
  auto ctx = Context<PrincipalCharm>::from_charmcraft_yaml(kPrincipalYaml);
  PrincipalRun run;
  run.out = ctx.run(event, in, [&](PrincipalCharm& charm) {
    charm.to_write = info;
    charm.result = &run.result;
  });
  run.events = library_events(ctx.emitted_events);
  return run;
}

const ops::testing::EventFactory on;

TEST(MountRequires, LeaderEmitsMountProviderConnectedOnRelationCreated) {
  State in{.relations = {client_relation()}, .leader = true};
  EXPECT_THAT(run_principal(in, on.relation_created(in.get_relation(4))).events,
              ElementsAre("mount_provider_connected"));
  in.leader = false;
  EXPECT_THAT(run_principal(in, on.relation_created(in.get_relation(4))).events, IsEmpty());
}

TEST(MountRequires, EmitsMountedOrUnmountedByTheUnitsMountedKey) {
  const State mounted{.relations = {client_relation({{"mounted", "true"}})}};
  EXPECT_THAT(run_principal(mounted, on.relation_changed(mounted.get_relation(4), 0)).events,
              ElementsAre("mounted_filesystem"));
  const State unmounted{.relations = {client_relation({{"mounted", "false"}})}};
  EXPECT_THAT(run_principal(unmounted, on.relation_changed(unmounted.get_relation(4), 0)).events,
              ElementsAre("unmounted_filesystem"));
  const State absent{.relations = {client_relation()}};
  EXPECT_THAT(run_principal(absent, on.relation_changed(absent.get_relation(4), 0)).events,
              IsEmpty());
  const State odd{.relations = {client_relation({{"mounted", "yes"}})}};
  EXPECT_THAT(run_principal(odd, on.relation_changed(odd.get_relation(4), 0)).events, IsEmpty());
}

TEST(MountRequires, LeaderEmitsMountProviderDisconnectedOnRelationBroken) {
  State in{.relations = {client_relation()}, .leader = true};
  EXPECT_THAT(run_principal(in, on.relation_broken(in.get_relation(4))).events,
              ElementsAre("mount_provider_disconnected"));
  in.leader = false;
  EXPECT_THAT(run_principal(in, on.relation_broken(in.get_relation(4))).events, IsEmpty());
}

TEST(MountRequires, SetMountInfoWritesTheApplicationBag) {
  const State in{.relations = {client_relation()}, .leader = true};
  auto run = run_principal(in, on.update_status(), MountInfo{.mountpoint = "/srv", .nodev = true});
  ASSERT_TRUE(run.result && run.result->ok()) << run.result->error().message;
  EXPECT_EQ(run.out.get_relation(4).local_app_data, (ops::Bag{{"mountpoint", "\"/srv\""},
                                                              {"noexec", "false"},
                                                              {"nosuid", "false"},
                                                              {"nodev", "true"},
                                                              {"read_only", "false"}}));
}

TEST(MountRequires, SetMountInfoOnANonLeaderWritesNothing) {
  const State in{.relations = {client_relation()}, .leader = false};
  auto run = run_principal(in, on.update_status(), MountInfo{.mountpoint = "/srv"});
  ASSERT_TRUE(run.result && run.result->ok());
  EXPECT_EQ(run.out.get_relation(4).local_app_data, ops::Bag{});
}

TEST(MountRequires, SetMountInfoRefusesAnUnsafeMountpoint) {
  const State in{.relations = {client_relation()}, .leader = true};
  for (const std::string mountpoint : {"relative", "/srv/../etc", "/srv\nx", ""}) {
    SCOPED_TRACE(mountpoint);
    auto run = run_principal(in, on.update_status(), MountInfo{.mountpoint = mountpoint});
    ASSERT_TRUE(run.result.has_value());
    ASSERT_FALSE(run.result->ok());
    EXPECT_EQ(run.result->error().code, ops::ErrorCode::kInvalidArgument);
    EXPECT_EQ(run.out.get_relation(4).local_app_data, ops::Bag{});
  }
}

// ---- MountProvides -----------------------------------------------------------------------------

class ClientCharm : public ops::CharmBase {
 public:
  explicit ClientCharm(ops::Framework& framework) : CharmBase(framework), mount(*this) {
    framework.observe(mount.on.mount_requested, this, &ClientCharm::on_request);
    framework.observe(mount.on.mount_unrequested, this, &ClientCharm::on_request);
    framework.observe(on.update_status, this, &ClientCharm::on_update_status);
  }
  MountProvides mount;
  std::optional<ops::Result<MountInfo>>* from_event = nullptr;
  std::optional<ops::Result<std::optional<MountInfo>>>* from_library = nullptr;
  std::optional<bool> mounted;

 private:
  void on_request(MountRequestEvent& event) { from_event->emplace(event.mount_info()); }
  void on_update_status(ops::UpdateStatusEvent&) {
    from_library->emplace(mount.mount_info());
    if (mounted) {
      auto status = mount.set_mount_status(*mounted);
      if (!status) throw std::runtime_error(status.error().message);
    }
  }
};

Relation principal_relation(ops::Bag app_data) {
  return Relation{
      .endpoint = "mount", .id = 4, .remote_app_name = "principal", .remote_app_data = app_data};
}

const ops::Bag kSrvBag = {{"mountpoint", "\"/srv\""},
                          {"noexec", "true"},
                          {"nosuid", "false"},
                          {"nodev", "false"},
                          {"read_only", "true"}};

struct ClientRun {
  State out;
  std::vector<std::string> events;
  std::optional<ops::Result<MountInfo>> from_event;
  std::optional<ops::Result<std::optional<MountInfo>>> from_library;
};

ClientRun run_client(const State& in, const ops::testing::Event& event,
                     std::optional<bool> mounted = std::nullopt) {
  auto ctx = Context<ClientCharm>::from_charmcraft_yaml(kClientYaml);
  ClientRun run;
  run.out = ctx.run(event, in, [&](ClientCharm& charm) {
    charm.from_event = &run.from_event;
    charm.from_library = &run.from_library;
    charm.mounted = mounted;
  });
  run.events = library_events(ctx.emitted_events);
  return run;
}

TEST(MountProvides, EmitsMountRequestedWithTheTypedInfo) {
  const State in{.relations = {principal_relation(kSrvBag)}};
  auto run = run_client(in, on.relation_changed(in.get_relation(4)));
  EXPECT_THAT(run.events, ElementsAre("mount_requested"));
  ASSERT_TRUE(run.from_event && run.from_event->ok()) << run.from_event->error().message;
  EXPECT_EQ(**run.from_event, (MountInfo{.mountpoint = "/srv", .noexec = true, .read_only = true}));
}

TEST(MountProvides, EmitsMountUnrequestedWithoutAMountpoint) {
  const State in{.relations = {principal_relation({})}};
  auto run = run_client(in, on.relation_changed(in.get_relation(4)));
  EXPECT_THAT(run.events, ElementsAre("mount_unrequested"));
  ASSERT_TRUE(run.from_event.has_value());
  EXPECT_FALSE(run.from_event->ok());
}

TEST(MountProvides, MalformedBagsAreTypedErrors) {
  const std::vector<ops::Bag> bad = {
      {{"mountpoint", "/srv"}},                             // not JSON
      {{"mountpoint", "42"}},                               // not a string
      {{"mountpoint", "\"/srv\""}, {"noexec", "\"yes\""}},  // not a boolean
      {{"mountpoint", "\"/srv/../../etc\""}},               // unsafe path
      {{"mountpoint", "\"/srv\""}, {"read_only", "tru"}},   // not JSON
  };
  for (const auto& bag : bad) {
    SCOPED_TRACE(::testing::PrintToString(bag));
    const State in{.relations = {principal_relation(bag)}};
    ClientRun run;
    ASSERT_NO_THROW(run = run_client(in, on.relation_changed(in.get_relation(4))));
    EXPECT_THAT(run.events, ElementsAre("mount_requested"));
    ASSERT_TRUE(run.from_event.has_value());
    ASSERT_FALSE(run.from_event->ok());
    EXPECT_EQ(run.from_event->error().code, ops::ErrorCode::kInvalidData);
  }
}

TEST(MountProvides, MountInfoReadsTheOnlyRelation) {
  const State in{.relations = {principal_relation(kSrvBag)}};
  auto run = run_client(in, on.update_status());
  ASSERT_TRUE(run.from_library && run.from_library->ok());
  ASSERT_TRUE((*run.from_library)->has_value());
  EXPECT_EQ((**run.from_library)->mountpoint, "/srv");

  auto none = run_client(State{}, on.update_status());
  ASSERT_TRUE(none.from_library && none.from_library->ok());
  EXPECT_FALSE((*none.from_library)->has_value());
}

TEST(MountProvides, SetMountStatusWritesTheUnitBag) {
  const State in{.relations = {principal_relation(kSrvBag)}};
  EXPECT_EQ(run_client(in, on.update_status(), true).out.get_relation(4).local_unit_data,
            (ops::Bag{{"mounted", "true"}}));
  EXPECT_EQ(run_client(in, on.update_status(), false).out.get_relation(4).local_unit_data,
            (ops::Bag{{"mounted", "false"}}));
}

}  // namespace
}  // namespace charms::filesystem_client::v0
