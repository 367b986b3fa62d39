// Fault injection over every event of both charms: each event is first run fault-free (learning
// its N hook-tool calls and the state and machine it ends in), then run again N times per fault
// kind with call k = 1..N failing (non-zero exit, garbage output, timeout; see
// ops/testing/fault_injecting_backend.h). For every injection point, either
//  - the hook fails (the Context throws UncaughtCharmError, as ops::main exits 1): Juju keeps the
//    model as it was before the hook (the Context commits nothing of a failed run), and the retry
//    of the same event without the fault, on the machine as the failed attempt left it, ends in
//    exactly the fault-free State and machine; or
//  - the fault changed nothing (a failed juju-log, a garbage-printing tool whose output is
//    ignored): State and machine equal the fault-free ones; or
//  - the charm handled it: a non-active status with a message, and re-running the event without
//    the fault converges to exactly the fault-free State and machine.
// The count of injection points per charm and event is printed at the end (docs/reliability.md).
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "cephfs/testing/fake_ceph_admin.h"
#include "charms/storage_libs/v0/cephfs_share_wire.h"
#include "client_charm.h"
#include "fake_mount_manager.h"
#include "ops/testing/context.h"
#include "ops/testing/fault_injecting_backend.h"
#include "proxy_charm.h"

namespace {

namespace v0 = charms::storage_libs::v0;
using ops::testing::ActionFailed;
using ops::testing::Context;
using ops::testing::ContextOptions;
using ops::testing::Event;
using ops::testing::FaultInjector;
using ops::testing::FaultKind;
using ops::testing::Relation;
using ops::testing::Secret;
using ops::testing::State;
using ops::testing::UncaughtCharmError;

constexpr const char* kFsid = "354ca7c4-f10d-11ee-93f8-1f85f87b7845";
constexpr const char* kKey = "AQAPdQldX264KBAAOyaxen/y0XBl1qxlGPTabw==";
constexpr const char* kNewKey = "AQCTuApkAAAAABAAeT0CXUQtH2SMDaUd2WBXlQ==";

constexpr FaultKind kKinds[] = {FaultKind::kExitNonZero, FaultKind::kGarbageOutput,
                                FaultKind::kTimeout};

// How the injection points of one event ended.
struct Tally {
  int calls = 0;     // hook-tool calls of the fault-free run
  int points = 0;    // calls x fault kinds
  int failed = 0;    // hook failed; retry converged
  int absorbed = 0;  // nothing changed
  int handled = 0;   // charm set a non-active status; re-run converged
};

// The part of the world outside the model that a hook may change: nothing for the proxy, the
// FakeMountManager's machine for the client.
class Machine {
 public:
  virtual ~Machine() = default;
  virtual void save() = 0;     // remember the current machine
  virtual void restore() = 0;  // go back to what save() remembered
  // A comparable description of the machine (never the key itself).
  virtual std::string describe() const = 0;
};

class NoMachine : public Machine {
 public:
  void save() override {}
  void restore() override {}
  std::string describe() const override { return ""; }
};

class ClientMachine : public Machine {
 public:
  explicit ClientMachine(std::shared_ptr<cephfs_client::FakeState> fake) : fake_(std::move(fake)) {}
  void save() override { saved_ = *fake_; }
  void restore() override { *fake_ = saved_; }
  std::string describe() const override {
    nlohmann::json out;
    // Key files by name and a digest-free identity: which test key each one holds.
    for (const auto& [path, key] : fake_->credential_files) {
      out["credential_files"][path] = key == kKey ? "kKey" : key == kNewKey ? "kNewKey" : "other";
    }
    for (const auto& [mountpoint, plan] : fake_->mounts) {
      out["mounts"][mountpoint] = {{"source", plan.source()},
                                   {"fs_type", plan.fs_type()},
                                   {"key_file", plan.key_file},
                                   {"options", plan.mount_options()}};
    }
    out["directories"] = fake_->directories;
    for (const auto method : fake_->installed) {
      out["installed"].push_back(std::string(cephfs_client::to_string(method)));
    }
    return out.dump();
  }

 private:
  std::shared_ptr<cephfs_client::FakeState> fake_;
  cephfs_client::FakeState saved_;
};

// Lists what differs between two States, field by field (JSON patch), for failure messages.
std::string state_diff(const State& expected, const State& actual) {
  return nlohmann::json::diff(nlohmann::json(expected), nlohmann::json(actual)).dump();
}

// Walks events through one charm's Context with the injector armed at every call in turn.
template <class Charm>
class FaultWalk {
 public:
  // `normalize` maps a State or machine description (JSON text) to what must converge; the
  // default is the identity (exactly equal).
  FaultWalk(std::string charm, Context<Charm>& ctx, FaultInjector& injector, Machine& machine,
            std::function<std::string(std::string)> normalize = {})
      : charm_(std::move(charm)),
        ctx_(ctx),
        injector_(injector),
        machine_(machine),
        normalize_(std::move(normalize)) {}

  // Runs `event` on `in` fault-free and at every injection point; returns the fault-free output.
  State walk(const std::string& name, const Event& event, const State& in) {
    machine_.save();
    injector_.disarm();
    const State expected = run_or_fail(event, in, name + " (fault-free)");
    const std::string expected_machine = machine_.describe();
    const std::vector<std::string> tools = injector_.tools();
    Tally& tally = tallies_[name];
    tally.calls = static_cast<int>(tools.size());

    for (const FaultKind kind : kKinds) {
      for (int k = 1; k <= tally.calls; ++k) {
        ++tally.points;
        const std::string where = fmt::format("{} {}: call {} of {} ({}) {}", charm_, name, k,
                                              tally.calls, tools[k - 1], to_string(kind));
        machine_.restore();
        injector_.arm(k, kind);
        std::optional<State> out;
        std::string error;
        try {
          out = ctx_.run(event, in);
        } catch (const UncaughtCharmError& e) {
          error = e.what();
        } catch (const ActionFailed& e) {
          error = e.what();
        }
        injector_.disarm();
        if (!injector_.fired() || injector_.fired()->call != k) {
          ADD_FAILURE() << where << ": the fault did not fire (the event makes other calls now)";
          continue;
        }
        EXPECT_EQ(error.find(kKey), std::string::npos) << where << ": key in the error";
        EXPECT_EQ(error.find(kNewKey), std::string::npos) << where << ": key in the error";

        if (!out) {
          // Juju keeps `in` (nothing of the failed hook is committed) and retries the hook on the
          // machine as the failed attempt left it.
          ++tally.failed;
          expect_converges(where + ", retried after the failed hook", event, in, expected,
                           expected_machine);
        } else if (*out == expected && machine_.describe() == expected_machine) {
          ++tally.absorbed;
        } else {
          ++tally.handled;
          EXPECT_NE(out->unit_status.name, "active")
              << where << ": the hook succeeded with a changed outcome but an active status: "
              << state_diff(expected, *out);
          EXPECT_FALSE(out->unit_status.message.empty()) << where << ": status without a message";
          expect_converges(where + ", re-run after the handled fault", event, *out, expected,
                           expected_machine);
        }
      }
    }
    machine_.restore();
    (void)run_or_fail(event, in, name + " (fault-free, again)");
    EXPECT_EQ(machine_.describe(), expected_machine) << charm_ << " " << name;
    return expected;
  }

  const std::map<std::string, Tally>& tallies() const { return tallies_; }

  void print_report() const {
    int total = 0;
    for (const auto& [name, tally] : tallies_) {
      std::printf(
          "[fault-injection] %s %-28s calls %3d points %3d failed %3d absorbed %3d "
          "handled %3d\n",
          charm_.c_str(), name.c_str(), tally.calls, tally.points, tally.failed, tally.absorbed,
          tally.handled);
      total += tally.points;
    }
    std::printf("[fault-injection] %s total injection points %d\n", charm_.c_str(), total);
  }

 private:
  State run_or_fail(const Event& event, const State& in, const std::string& where) {
    try {
      return ctx_.run(event, in);
    } catch (const std::exception& e) {
      ADD_FAILURE() << charm_ << " " << where << " failed: " << e.what();
      return in;
    }
  }

  void expect_converges(const std::string& where, const Event& event, const State& from,
                        const State& expected, const std::string& expected_machine) {
    const State again = run_or_fail(event, from, where);
    EXPECT_TRUE(normalized(nlohmann::json(again).dump()) ==
                normalized(nlohmann::json(expected).dump()))
        << where << ": " << state_diff(expected, again);
    EXPECT_EQ(normalized(machine_.describe()), normalized(expected_machine)) << where;
  }

  std::string normalized(std::string text) const {
    return normalize_ ? normalize_(std::move(text)) : text;
  }

  std::string charm_;
  Context<Charm>& ctx_;
  FaultInjector& injector_;
  Machine& machine_;
  std::function<std::string(std::string)> normalize_;
  std::map<std::string, Tally> tallies_;
};

int total_points(const std::map<std::string, Tally>& tallies) {
  int total = 0;
  for (const auto& [name, tally] : tallies) total += tally.points;
  return total;
}

// ---- cephfs-server-proxy (proxy mode) ----------------------------------------------------------

constexpr const char* kUserSecretId = "secret:d1u2s3e4r5s6e7c8r9e0";

TEST(FaultInjection, EveryCallOfEveryProxyEventFailsCleanlyOrIsHandled) {
  FaultInjector injector;
  auto ctx = Context<cephfs_server_proxy::ProxyCharm>::from_charm_dir(
      PROXY_CHARM_DIR, ContextOptions{.juju_debug = true, .wrap_backend = injector.wrapper()});
  NoMachine machine;
  FaultWalk walk("cephfs-server-proxy", ctx, injector, machine);

  State s{.config = {{"fsid", kFsid},
                     {"sharepoint", "ceph-fs:/"},
                     {"monitor-hosts", "10.5.0.80:6789 10.5.2.23:6789"},
                     {"auth-secret", kUserSecretId}},
          .secrets = {Secret{.id = kUserSecretId,
                             .tracked_content = {{"username", "ceph-client"}, {"key", kKey}}}},
          .leader = true};
  s = walk.walk("config-changed", ctx.on.config_changed(), s);
  ASSERT_EQ(s.unit_status, ops::ActiveStatus("Exporting share"));
  s = walk.walk("leader-elected", ctx.on.leader_elected(), s);
  s = walk.walk("upgrade-charm", ctx.on.upgrade_charm(), s);

  s.relations.push_back(Relation{.endpoint = "cephfs-share",
                                 .id = 1,
                                 .remote_app_name = "cephfs-client",
                                 .remote_units_data = {{0, {}}}});
  s = walk.walk("relation-created", ctx.on.relation_created(s.get_relation(1)), s);
  s = walk.walk("relation-joined", ctx.on.relation_joined(s.get_relation(1), 0), s);
  s.get_relation(1).remote_app_data = {{"name", "/srv/data"}};
  s = walk.walk("relation-changed", ctx.on.relation_changed(s.get_relation(1)), s);
  ASSERT_TRUE(s.get_relation(1).local_app_data.contains("share_info"));

  s.get_secret(kUserSecretId).latest_content =
      ops::SecretContent{{"username", "ceph-client"}, {"key", kNewKey}};
  s = walk.walk("secret-changed", ctx.on.secret_changed(s.get_secret(kUserSecretId)), s);
  s = walk.walk("update-status", ctx.on.update_status(), s);
  s = walk.walk("relation-departed", ctx.on.relation_departed(s.get_relation(1), 0), s);
  s = walk.walk("relation-broken", ctx.on.relation_broken(s.get_relation(1)), s);

  walk.print_report();
  EXPECT_GT(total_points(walk.tallies()), 0);
}

// ---- cephfs-server-proxy (provisioning mode) ---------------------------------------------------

// The Ceph cluster a provisioning proxy changes: the FakeCephAdmin's subvolumes and clients.
class CephMachine : public Machine {
 public:
  explicit CephMachine(cephfs::testing::FakeCephAdmin& ceph) : ceph_(ceph) {}
  void save() override { saved_ = ceph_; }
  void restore() override { ceph_ = saved_; }
  std::string describe() const override {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [key, subvolume] : ceph_.subvolumes) out["subvolumes"].push_back(key);
    for (const auto& [id, client] : ceph_.clients) {
      out["clients"][id] = {{"key", client.key}, {"sessions", ceph_.sessions(id)}};
    }
    return out.dump();
  }

 private:
  cephfs::testing::FakeCephAdmin& ceph_;
  cephfs::testing::FakeCephAdmin saved_;
};

constexpr const char* kAdminSecretId = "secret:a1d2m3i4n5s6e7c8r9e0";

TEST(FaultInjection, EveryCallOfEveryProvisioningProxyEventFailsCleanlyOrIsHandled) {
  cephfs::testing::FakeCephAdmin ceph;
  FaultInjector injector;
  auto ctx = Context<cephfs_server_proxy::ProxyCharm>::from_charm_dir(
      PROXY_CHARM_DIR, ContextOptions{.juju_debug = true, .wrap_backend = injector.wrapper()},
      [&ceph](ops::Framework& framework) {
        return std::make_unique<cephfs_server_proxy::ProxyCharm>(
            framework,
            [&ceph](
                const cephfs::ConnectOptions&) -> ops::Result<std::unique_ptr<cephfs::CephAdmin>> {
              return std::unique_ptr<cephfs::CephAdmin>(
                  new cephfs::testing::ForwardingCephAdmin(ceph));
            });
      });
  CephMachine machine(ceph);
  // A retried provisioning or rotation may hand out a different cephx key than the fault-free
  // run (the old one was removed in Ceph): keys are compared by shape, everything else exactly;
  // the fault-free chain checks that the published key is the one Ceph holds.
  const std::regex fake_key("AQDfakeKey[0-9]+==");
  FaultWalk walk(
      "cephfs-server-proxy(provisioning)", ctx, injector, machine,
      [&fake_key](std::string text) { return std::regex_replace(text, fake_key, "<cephx key>"); });

  State s{.config = {{"admin-secret", kAdminSecretId}, {"monitor-hosts", "127.0.0.1:6789"}},
          .relations = {Relation{.endpoint = "proxy", .id = 100}},
          .secrets = {Secret{.id = kAdminSecretId, .tracked_content = {{"key", kKey}}}},
          .leader = true};
  s = walk.walk("config-changed", ctx.on.config_changed(), s);
  ASSERT_EQ(s.unit_status.name, "active") << s.unit_status.message;
  s = walk.walk("leader-elected", ctx.on.leader_elected(), s);
  s = walk.walk("upgrade-charm", ctx.on.upgrade_charm(), s);

  s.relations.push_back(Relation{.endpoint = "cephfs-share",
                                 .id = 1,
                                 .remote_app_name = "cephfs-client",
                                 .remote_units_data = {{0, {}}}});
  s = walk.walk("relation-created", ctx.on.relation_created(s.get_relation(1)), s);
  s = walk.walk("relation-joined", ctx.on.relation_joined(s.get_relation(1), 0), s);
  s.get_relation(1).remote_app_data = {{"name", "data"}};
  s = walk.walk("relation-changed", ctx.on.relation_changed(s.get_relation(1)), s);
  ASSERT_TRUE(s.get_relation(1).local_app_data.contains("share_info"));
  ASSERT_EQ(ceph.subvolumes.size(), 1U);

  auto published_key_is_cephs = [&ceph](const State& state) {
    const std::string& auth = state.get_relation(1).local_app_data.at("auth");
    ASSERT_EQ(ceph.clients.size(), 1U);
    EXPECT_EQ(state.get_secret(auth).effective_latest_content().at("key"),
              ceph.clients.begin()->second.key);
  };
  published_key_is_cephs(s);
  s = walk.walk("rotate-credentials action", ctx.on.action("rotate-credentials"), s);
  published_key_is_cephs(s);
  s.get_secret(kAdminSecretId).latest_content = ops::SecretContent{{"key", kNewKey}};
  s = walk.walk("secret-changed", ctx.on.secret_changed(s.get_secret(kAdminSecretId)), s);
  s = walk.walk("update-status", ctx.on.update_status(), s);
  s = walk.walk("relation-departed", ctx.on.relation_departed(s.get_relation(1), 0), s);
  s = walk.walk("relation-broken", ctx.on.relation_broken(s.get_relation(1)), s);
  // The client is revoked; the data stays (delete-data-on-revoke is false by default).
  EXPECT_TRUE(ceph.clients.empty());
  EXPECT_EQ(ceph.subvolumes.size(), 1U);

  walk.print_report();
  EXPECT_GT(total_points(walk.tallies()), 0);
}

// ---- cephfs-client ------------------------------------------------------------------------------

constexpr const char* kCredentialsId = "secret:cr8vcqgpc9t8oet2fdlg";

TEST(FaultInjection, EveryCallOfEveryClientEventFailsCleanlyOrIsHandled) {
  auto fake = std::make_shared<cephfs_client::FakeState>();
  FaultInjector injector;
  auto ctx = Context<cephfs_client::ClientCharm>::from_charm_dir(
      CLIENT_CHARM_DIR, ContextOptions{.juju_debug = true, .wrap_backend = injector.wrapper()},
      [fake](ops::Framework& framework) {
        return std::make_unique<cephfs_client::ClientCharm>(
            framework, std::make_unique<cephfs_client::FakeMountManager>(fake));
      });
  ClientMachine machine(fake);
  FaultWalk walk("cephfs-client", ctx, injector, machine);

  State s{.config = {{"mountpoint", "/srv/data"}},
          .secrets = {Secret{.id = kCredentialsId,
                             .tracked_content = {{"username", "ceph-client"}, {"key", kKey}}}},
          .leader = true};
  s = walk.walk("install", ctx.on.install(), s);
  s = walk.walk("config-changed", ctx.on.config_changed(), s);

  s.relations.push_back(Relation{.endpoint = "cephfs-share",
                                 .id = 1,
                                 .remote_app_name = "cephfs-server-proxy",
                                 .remote_units_data = {{0, {}}}});
  s = walk.walk("relation-joined", ctx.on.relation_joined(s.get_relation(1), 0), s);
  ASSERT_EQ(s.get_relation(1).local_app_data, (ops::Bag{{"name", "/srv/data"}}));

  s.get_relation(1).remote_app_data = {
      {"share_info",
       *v0::encode_share_info({kFsid, "ceph-fs", "/", {"10.5.0.80:6789", "10.5.2.23:6789"}})},
      {"auth", kCredentialsId},
      {"auth-rev", "1"}};
  s = walk.walk("relation-changed", ctx.on.relation_changed(s.get_relation(1)), s);
  ASSERT_EQ(fake->mounts.size(), 1U);

  s.get_secret(kCredentialsId).latest_content =
      ops::SecretContent{{"username", "ceph-client"}, {"key", kNewKey}};
  s.get_relation(1).remote_app_data["auth-rev"] = "2";
  s = walk.walk("relation-changed (new key)", ctx.on.relation_changed(s.get_relation(1)), s);
  ASSERT_EQ(machine.describe().find("kNewKey") != std::string::npos, true);

  s = walk.walk("mount-info action", ctx.on.action("mount-info"), s);
  s = walk.walk("update-status", ctx.on.update_status(), s);
  s = walk.walk("relation-departed", ctx.on.relation_departed(s.get_relation(1), 0), s);
  EXPECT_TRUE(fake->mounts.empty());
  s = walk.walk("relation-broken", ctx.on.relation_broken(s.get_relation(1)), s);
  EXPECT_TRUE(fake->credential_files.empty());

  walk.print_report();
  EXPECT_GT(total_points(walk.tallies()), 0);
}

}  // namespace
