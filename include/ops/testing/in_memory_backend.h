// InMemoryBackend: an ops::Backend that answers every hook-tool call from a testing::State, with
// the access rules and errors a Juju 3.x agent gives (docs/reference/juju-charm-contract.md §2,
// §3, §4). It is what ops::testing::Context runs charms against; tests of the runtime may also
// use it directly.
//
// Juju semantics it reproduces (Juju's answers, not ops' own checks, which live in the Model):
//  - relation-get of the own application bag of a non-peer relation by a non-leader:
//    kPermissionDenied "permission denied"; relation-set --app by a non-leader:
//    kPermissionDenied "cannot write relation settings"; an unknown relation id, or an id that
//    belongs to another endpoint: kRelationNotFound "relation not found".
//  - relation-list leaves out the departing unit in relation-departed, and is empty for the
//    relation of a relation-broken hook. Relation writes are visible to reads at once.
//  - Secrets: secret-add prints deterministic ids as Juju 3 does
//    ("secret://<model-uuid>/cppsecret<11 digits>", counting from 1 and skipping ids already in
//    the State), labels are unique, management (set, grant, revoke,
//    remove, info-get) by a non-owner gives kSecretNotFound and of an app secret by a non-leader
//    kPermissionDenied "permission denied"; secret-add --owner application by a non-leader gives
//    kPermissionDenied. secret-get tracks: the first get pins the latest revision, --refresh moves
//    the pin, --peek reads the latest without moving it.
//  - Revisions (Harness/Scenario model, the default): secret-set with content creates a new
//    revision at once and secret-info-get reports it. With `juju_revision_reporting` the new
//    content stays pending until finish() (several sets in one hook make one revision) and
//    secret-info-get keeps reporting the revision from before the hook, as a real agent does;
//    --peek/--refresh already return the pending content. With
//    `secret_set_skips_identical_content` (Juju >= 3.6) content equal to the latest revision makes
//    no revision.
//  - status-set records the previous status in the history (as Scenario does); status-set and
//    status-get --application by a non-leader: kPermissionDenied.
//
// Every call is appended to calls() as the argv ops would pass (secret values never appear:
// content travels as "<key>#file=<tmp>/<key>"). juju-log lines, status and workload-version
// histories, action results/logs/failure and removed secret revisions are recorded too.
//
// Not thread-safe; one hook runs in one thread.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "ops/backend.h"
#include "ops/charm_meta.h"
#include "ops/status.h"
#include "ops/testing/state.h"

namespace ops::testing {

// One hook-tool call as ops would run it.
struct ToolCall {
  std::string tool;               // e.g. "relation-get"
  std::vector<std::string> args;  // argv after the tool name
  std::string input;              // what goes to stdin (relation-set's JSON), else empty

  // "relation-get --format=json -r db:1 - remote/0"
  std::string to_string() const;
  friend bool operator==(const ToolCall&, const ToolCall&) = default;
};

struct JujuLogLine {
  std::string level;  // DEBUG, INFO, WARNING, ERROR, CRITICAL, TRACE
  std::string message;
  friend bool operator==(const JujuLogLine&, const JujuLogLine&) = default;
};

// revision empty: the whole secret was removed (secret-remove without --revision).
struct RemovedSecretRevision {
  std::string id;
  std::optional<int> revision;
  friend bool operator==(const RemovedSecretRevision&, const RemovedSecretRevision&) = default;
};

inline std::ostream& operator<<(std::ostream& os, const ToolCall& call) {
  return os << call.to_string();
}
inline std::ostream& operator<<(std::ostream& os, const JujuLogLine& line) {
  return os << line.level << " " << line.message;
}
inline std::ostream& operator<<(std::ostream& os, const RemovedSecretRevision& removed) {
  os << removed.id << " revision ";
  return removed.revision ? os << *removed.revision : os << "(all)";
}

struct InMemoryBackendOptions {
  bool juju_revision_reporting = false;
  bool secret_set_skips_identical_content = false;
  // The hook being run, as far as the tools' answers depend on it.
  std::optional<int> broken_relation_id{};    // relation-broken of this relation
  std::optional<int> departed_relation_id{};  // relation-departed of this relation ...
  std::string departing_unit{};               // ... by this unit
  std::optional<std::string> action_name{};   // running this action (action-* tools work)
  nlohmann::json action_params = nlohmann::json::object();
};

class InMemoryBackend : public ops::Backend {
 public:
  // `unit_name` is "<app>/<n>". The state is copied; meta supplies config defaults, action
  // parameter defaults and which endpoints are peers.
  InMemoryBackend(State state, ops::CharmMeta meta, std::string unit_name,
                  InMemoryBackendOptions options = {});

  // --- ops::Backend ---
  Result<std::vector<int>> relation_ids(std::string_view endpoint) override;
  Result<std::vector<std::string>> relation_list(std::string_view endpoint, int id) override;
  Result<std::string> relation_remote_app(std::string_view endpoint, int id) override;
  Result<Bag> relation_get(std::string_view endpoint, int id, std::string_view member,
                           bool is_app) override;
  ops::Status relation_set(std::string_view endpoint, int id, const Bag& data,
                           bool is_app) override;
  Result<bool> is_leader() override;
  Result<nlohmann::json> config_get() override;
  Result<StatusInfo> status_get(bool is_app) override;
  ops::Status status_set(std::string_view status, std::string_view message, bool is_app) override;
  ops::Status application_version_set(std::string_view version) override;
  ops::Status juju_log(std::string_view level, std::string_view message) override;
  Result<nlohmann::json> action_get() override;
  ops::Status action_set(const std::map<std::string, std::string>& results) override;
  ops::Status action_log(std::string_view message) override;
  ops::Status action_fail(std::string_view message) override;
  Result<std::string> secret_add(const SecretContent& content, const SecretMetadata& meta,
                                 SecretOwner owner) override;
  Result<SecretContent> secret_get(const std::optional<std::string>& id,
                                   const std::optional<std::string>& label, bool refresh,
                                   bool peek) override;
  Result<SecretInfo> secret_info_get(const std::optional<std::string>& id,
                                     const std::optional<std::string>& label) override;
  ops::Status secret_set(std::string_view id, const std::optional<SecretContent>& content,
                         const SecretMetadata& meta, SecretOwner owner) override;
  ops::Status secret_grant(std::string_view id, int relation_id,
                           const std::optional<std::string>& unit) override;
  ops::Status secret_revoke(std::string_view id, int relation_id,
                            const std::optional<std::string>& unit) override;
  ops::Status secret_remove(std::string_view id, std::optional<int> revision) override;
  Result<std::vector<std::string>> secret_ids() override;
  Result<nlohmann::json> network_get(std::string_view binding,
                                     std::optional<int> relation_id) override;

  // Ends the hook: applies pending secret revisions (juju_revision_reporting) and returns the
  // resulting State. Stored state and deferred events are the dispatcher's; they are returned as
  // they came in.
  State finish();
  // The State as the hook sees it so far (pending secret content not applied).
  const State& state() const { return state_; }

  // --- records ---
  const std::vector<ToolCall>& calls() const { return calls_; }
  // How many calls of that tool were made.
  int count_calls(std::string_view tool) const;
  const std::vector<JujuLogLine>& juju_log_lines() const { return juju_log_; }
  const std::vector<ops::StatusBase>& unit_status_history() const { return unit_status_history_; }
  const std::vector<ops::StatusBase>& app_status_history() const { return app_status_history_; }
  const std::vector<std::string>& workload_version_history() const {
    return workload_version_history_;
  }
  // action-set results, un-flattened: "a.b=v" becomes {"a": {"b": "v"}}.
  const nlohmann::json& action_results() const { return action_results_; }
  const std::vector<std::string>& action_logs() const { return action_logs_; }
  // The message of action-fail, if it was called.
  const std::optional<std::string>& action_failure() const { return action_failure_; }
  const std::vector<RemovedSecretRevision>& removed_secret_revisions() const {
    return removed_secret_revisions_;
  }

  const std::string& unit_name() const { return unit_name_; }
  const std::string& app_name() const { return app_name_; }

 private:
  struct PendingSecret {
    std::optional<SecretContent> content;  // coalesced secret-set content
    bool refreshed = false;                // --refresh after the set: track the new revision
  };

  void record(std::string tool, std::vector<std::string> args, std::string input = {});
  Relation* find_relation(std::string_view endpoint, int id);
  bool is_peer(const Relation& relation) const;
  std::string remote_app_of(const Relation& relation) const;
  std::vector<std::string> remote_units_of(const Relation& relation) const;
  Secret* find_secret(std::string_view id);
  Secret* find_secret_by_label(std::string_view label);
  Result<Secret*> resolve_secret(const std::optional<std::string>& id,
                                 const std::optional<std::string>& label);
  // Owner check for management calls: kSecretNotFound / kPermissionDenied.
  ops::Status check_manage(const Secret& secret) const;
  ops::Status check_label_free(const Secret* self, const std::string& label) const;
  std::string next_secret_id();
  // The latest content as the hook sees it (pending content included).
  const SecretContent& visible_latest_content(const Secret& secret) const;
  void add_revision(Secret& secret, const SecretContent& content);

  State state_;
  ops::CharmMeta meta_;
  std::string unit_name_;
  std::string app_name_;
  int unit_id_ = 0;
  InMemoryBackendOptions options_;
  int secret_counter_ = 0;
  std::map<std::string, PendingSecret> pending_;  // by secret xid

  std::vector<ToolCall> calls_;
  std::vector<JujuLogLine> juju_log_;
  std::vector<ops::StatusBase> unit_status_history_;
  std::vector<ops::StatusBase> app_status_history_;
  std::vector<std::string> workload_version_history_;
  nlohmann::json action_results_ = nlohmann::json::object();
  std::vector<std::string> action_logs_;
  std::optional<std::string> action_failure_;
  std::vector<RemovedSecretRevision> removed_secret_revisions_;
};

}  // namespace ops::testing
