// Context: runs one Juju event through a charm against a declared State and returns the State that
// comes out, like Scenario's ops.testing.Context. This is how C++ charms are unit-tested.
//
// Example:
//   #include "ops/testing/context.h"
//   using namespace ops::testing;
//
//   auto ctx = Context<MyCharm>::from_charmcraft_yaml(kCharmcraftYaml);
//   State in{.relations = {Relation{.endpoint = "cephfs-share", .id = 1}}, .leader = true};
//   State out = ctx.run(ctx.on.relation_changed(in.get_relation(1), 0), in);
//   EXPECT_EQ(out.unit_status, ops::ActiveStatus());
//   EXPECT_THAT(ctx.emitted_events,
//               ElementsAre("cephfs_share_relation_changed", "mount_share"));
//   EXPECT_EQ(ctx.count_tool_calls("relation-set"), 1);
//
// What run() does, in order:
//  1. Checks that event and state are consistent with each other and with the metadata
//     (InconsistentScenarioError otherwise: relation not in the state or endpoint not declared,
//     unknown remote unit, undeclared config option or wrong type, unknown action, secret event
//     on a secret the unit cannot see, duplicate relation ids or secret labels, ...).
//  2. Builds the JUJU_* environment exactly as a Juju 3 agent would for that event
//     (juju_environment()), parsed with ops::JujuContext::from_map.
//  3. Builds an InMemoryBackend over the state and a StateDocument from state.deferred and
//     state.stored_states, and calls ops::run_dispatch with a listener that records every
//     emitted event kind (collect-status events excluded) in emitted_events.
//  4. Returns the backend's output State with the committed deferred events and stored state.
//
// Errors: a charm exception becomes UncaughtCharmError (original type name and message, and the
// original exception for rethrowing); action-fail becomes ActionFailed (with the output state).
// The side records (juju_log, status histories, tool_calls, ...) describe the last run only and
// are kept when run() throws. A run that throws UncaughtCharmError commits nothing, as Juju
// discards a failed hook's relation-set and secret writes: the input State is still the model's.
//
// A Context can run any number of events; each run is independent (chain runs by passing the
// output state of one as the input of the next). Not thread-safe.
#pragma once

#include <exception>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "ops/charm.h"
#include "ops/charm_meta.h"
#include "ops/main.h"
#include "ops/status.h"
#include "ops/testing/in_memory_backend.h"
#include "ops/testing/state.h"

namespace ops::testing {

// The event and the state do not fit together or do not fit the charm's metadata.
class InconsistentScenarioError : public std::runtime_error {
 public:
  explicit InconsistentScenarioError(const std::string& message) : std::runtime_error(message) {}
};

// The charm (or a hook tool call it made) threw. what() is
// "<type name>: <message>"; original() rethrows the exception itself.
class UncaughtCharmError : public std::runtime_error {
 public:
  UncaughtCharmError(std::string type_name, std::string message, std::exception_ptr original)
      : std::runtime_error(type_name + ": " + message),
        type_name_(std::move(type_name)),
        message_(std::move(message)),
        original_(std::move(original)) {}
  // Demangled, e.g. "ops::RelationDataAccessError".
  const std::string& type_name() const { return type_name_; }
  const std::string& message() const { return message_; }
  const std::exception_ptr& original() const { return original_; }

 private:
  std::string type_name_;
  std::string message_;
  std::exception_ptr original_;
};

// The action called action-fail. state() is the output state (what Juju would keep).
class ActionFailed : public std::runtime_error {
 public:
  ActionFailed(std::string message, State state)
      : std::runtime_error("action failed: " + message),
        message_(std::move(message)),
        state_(std::move(state)) {}
  const std::string& message() const { return message_; }
  const State& state() const { return state_; }

 private:
  std::string message_;
  State state_;
};

// Stand-in for the local unit as a departing unit: relation_departed(rel, 0, kThisUnit) runs the
// hook on the unit that is itself leaving the relation.
inline constexpr int kThisUnit = -1;

// One Juju event, built by ctx.on.<event>(...). A plain value: it can be stored, copied and
// turned into a DeferredEvent.
struct Event {
  enum class Type {
    kInstall,
    kStart,
    kStop,
    kRemove,
    kConfigChanged,
    kUpdateStatus,
    kUpgradeCharm,
    kLeaderElected,
    kLeaderSettingsChanged,
    kRelationCreated,
    kRelationJoined,
    kRelationChanged,
    kRelationDeparted,
    kRelationBroken,
    kSecretChanged,
    kSecretRemove,
    kSecretExpired,
    kSecretRotate,
    kAction,
  };
  Type type = Type::kInstall;
  // Relation events: the relation as given (matched to the state by id).
  std::optional<Relation> relation{};
  std::optional<int> remote_unit{};     // JUJU_REMOTE_UNIT = <remote app>/<n>; empty if unset
  std::optional<int> departing_unit{};  // relation-departed; kThisUnit = the local unit
  // Secret events.
  std::optional<Secret> secret{};
  std::optional<int> secret_revision{};  // secret-remove, secret-expired
  // Actions.
  std::string action_name{};
  nlohmann::json action_params = nlohmann::json::object();
  std::string action_id = "1";

  // The hook name Juju uses, e.g. "cephfs-share-relation-changed"; the action name for actions.
  std::string hook_name() const;
  // "hooks/<hook name>" or "actions/<action name>".
  std::string dispatch_path() const;
  // The ops event kind, e.g. "cephfs_share_relation_changed", "backup_action".
  std::string kind() const;
  // This event as deferred in an earlier dispatch by `observer_path`'s handler `method`
  // (default "<kind>/0": its first handler for this kind). The snapshot follows
  // docs/reference/juju-charm-contract.md §6.2; the handle's number is assigned by run().
  // For a peer relation the snapshot's app_name is the Relation's remote_app_name: set it to the
  // local application's name when the handler reads event.app.
  DeferredEvent deferred(std::string observer_path = "charm", std::string method = "") const;
};

// ctx.on: builds Events. Methods mirror Scenario's `ctx.on`.
class EventFactory {
 public:
  Event install() const { return {.type = Event::Type::kInstall}; }
  Event start() const { return {.type = Event::Type::kStart}; }
  Event stop() const { return {.type = Event::Type::kStop}; }
  Event remove() const { return {.type = Event::Type::kRemove}; }
  Event config_changed() const { return {.type = Event::Type::kConfigChanged}; }
  Event update_status() const { return {.type = Event::Type::kUpdateStatus}; }
  Event upgrade_charm() const { return {.type = Event::Type::kUpgradeCharm}; }
  Event leader_elected() const { return {.type = Event::Type::kLeaderElected}; }
  Event leader_settings_changed() const { return {.type = Event::Type::kLeaderSettingsChanged}; }

  Event relation_created(const Relation& relation) const;
  Event relation_joined(const Relation& relation, int remote_unit = 0) const;
  // remote_unit empty: a change of the remote application bag (JUJU_REMOTE_UNIT empty).
  Event relation_changed(const Relation& relation,
                         std::optional<int> remote_unit = std::nullopt) const;
  // departing_unit defaults to remote_unit; kThisUnit means the local unit is leaving.
  Event relation_departed(const Relation& relation, int remote_unit,
                          std::optional<int> departing_unit = std::nullopt) const;
  Event relation_broken(const Relation& relation) const;

  Event secret_changed(const Secret& secret) const;
  Event secret_remove(const Secret& secret, int revision) const;
  Event secret_expired(const Secret& secret, int revision) const;
  Event secret_rotate(const Secret& secret) const;

  Event action(std::string name, nlohmann::json params = nlohmann::json::object(),
               std::string id = "1") const;
};

struct ContextOptions {
  std::string app_name{};  // default: the charm's name from the metadata
  int unit_id = 0;
  std::string juju_version = "3.6.8";
  std::string machine_id = "0";
  // Default: /var/lib/juju/agents/unit-<app>-<n>/charm (never read by run()).
  std::string charm_dir{};
  // Sets JUJU_DEBUG, so DEBUG log lines are sent to juju-log (and recorded).
  bool juju_debug = false;
  // See InMemoryBackend: report the committed revision from secret-info-get like a real agent
  // instead of the Harness/Scenario model; and skip revisions for identical content (Juju 3.6).
  bool juju_revision_reporting = false;
  bool secret_set_skips_identical_content = false;
  // Called once per run with that run's InMemoryBackend; the charm then talks to the returned
  // backend, which must forward to it (e.g. FaultInjector::wrapper() in
  // fault_injecting_backend.h). The records (tool_calls, juju_log, ...) and the output State stay
  // the InMemoryBackend's. Empty: the charm talks to the InMemoryBackend directly.
  std::function<std::unique_ptr<ops::Backend>(ops::Backend& in_memory)> wrap_backend{};
};

// The non-template core of Context<Charm>; usable directly with any factory.
class ContextBase {
 public:
  ContextBase(ops::CharmMeta meta, ContextOptions options, ops::CharmFactory factory);

  EventFactory on;

  // Runs one event (see the file comment).
  State run(const Event& event, const State& state);

  // The JUJU_* variables Juju would set for this event (what run() passes to the dispatcher).
  std::map<std::string, std::string> juju_environment(const Event& event, const State& state) const;
  // Throws InconsistentScenarioError when event, state and metadata do not fit.
  void check_consistency(const Event& event, const State& state) const;

  const ops::CharmMeta& meta() const { return meta_; }
  const ContextOptions& options() const { return options_; }
  const std::string& app_name() const { return app_name_; }
  std::string unit_name() const;

  // --- records of the last run ---
  std::vector<std::string> emitted_events;  // event kinds in emission order
  std::vector<JujuLogLine> juju_log;
  std::vector<ops::StatusBase> unit_status_history;  // statuses before each status-set
  std::vector<ops::StatusBase> app_status_history;
  std::vector<std::string> workload_version_history;
  nlohmann::json action_results = nlohmann::json::object();
  std::vector<std::string> action_logs;
  std::vector<RemovedSecretRevision> removed_secret_revisions;
  std::vector<ToolCall> tool_calls;

  int count_tool_calls(std::string_view tool) const;

 protected:
  State run_with(const Event& event, const State& state, const ops::CharmFactory& factory);

 private:
  ops::CharmMeta meta_;
  ContextOptions options_;
  ops::CharmFactory factory_;
  std::string app_name_;
};

// Context<MyCharm>: constructs MyCharm(framework) for every run (or uses the given factory, e.g.
// to inject a fake Ceph client).
template <class Charm>
class Context : public ContextBase {
 public:
  using Factory = std::function<std::unique_ptr<Charm>(ops::Framework&)>;

  explicit Context(ops::CharmMeta meta, ContextOptions options = {},
                   Factory factory = default_factory())
      : ContextBase(std::move(meta), std::move(options), erase(factory)), factory_(factory) {}

  // Metadata from charmcraft.yaml text; std::invalid_argument if it does not parse.
  static Context from_charmcraft_yaml(std::string_view yaml, ContextOptions options = {},
                                      Factory factory = default_factory()) {
    auto meta = ops::CharmMeta::from_charmcraft_yaml(yaml);
    if (!meta) throw std::invalid_argument("charmcraft.yaml: " + meta.error().message);
    return Context(std::move(*meta), std::move(options), std::move(factory));
  }
  // Metadata from a charmcraft.yaml file; std::invalid_argument if it cannot be read or parsed.
  static Context from_charmcraft_file(const std::string& path, ContextOptions options = {},
                                      Factory factory = default_factory()) {
    std::ifstream in(path);
    if (!in) throw std::invalid_argument("cannot read " + path);
    std::stringstream text;
    text << in.rdbuf();
    return from_charmcraft_yaml(text.str(), std::move(options), std::move(factory));
  }
  // Metadata from a charm directory (metadata.yaml/config.yaml/actions.yaml or charmcraft.yaml).
  static Context from_charm_dir(const std::string& charm_dir, ContextOptions options = {},
                                Factory factory = default_factory()) {
    auto meta = ops::CharmMeta::load(charm_dir);
    if (!meta) throw std::invalid_argument(meta.error().message);
    return Context(std::move(*meta), std::move(options), std::move(factory));
  }

  using ContextBase::run;
  // Like run(event, state), calling `setup` with the charm right after it is constructed (before
  // deferred events and the event itself), e.g. to keep a pointer or prime a fake.
  State run(const Event& event, const State& state, const std::function<void(Charm&)>& setup) {
    Factory factory = factory_;
    return run_with(
        event, state,
        [factory, &setup](ops::Framework& framework) -> std::unique_ptr<ops::CharmBase> {
          auto charm = factory(framework);
          if (setup) setup(*charm);
          return charm;
        });
  }

 private:
  static Factory default_factory() {
    return [](ops::Framework& framework) { return std::make_unique<Charm>(framework); };
  }
  static ops::CharmFactory erase(const Factory& factory) {
    return [factory](ops::Framework& framework) -> std::unique_ptr<ops::CharmBase> {
      return factory(framework);
    };
  }
  Factory factory_;
};

}  // namespace ops::testing
