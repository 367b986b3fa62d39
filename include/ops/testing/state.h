// The declared world a charm test runs in, as Scenario's ops.testing.State: value types only, no
// behaviour beyond lookups. A test builds a State with C++20 designated initializers, runs one
// event through ops::testing::Context, and inspects the State that comes out.
//
// Example:
//   using namespace ops::testing;
//   State in{
//       .config = {{"mountpoint", "/mnt/data"}},
//       .relations = {Relation{.endpoint = "cephfs-share",
//                              .id = 3,
//                              .remote_app_name = "cephfs-server",
//                              .remote_app_data = {{"name", "/data"}}}},
//       .leader = true,
//   };
//   State out = ctx.run(ctx.on.relation_changed(in.get_relation(3)), in);
//   EXPECT_EQ(out.get_relation(3).local_unit_data.at("cache"), "...");
//
// Designated initializers must follow declaration order; every field has a default, so only the
// fields a test cares about need naming (and GCC's -Wmissing-field-initializers stays quiet).
//
// Decisions that differ from Scenario, on purpose:
//  - Unit bags start empty. Juju (and Scenario) pre-fill private-address, ingress-address and
//    egress-subnets; byte-exact tests are easier when a bag holds exactly what the test put there.
//    Add the keys yourself when the charm reads them.
//  - There is one Relation type. Whether a relation is a peer or a container-scoped (subordinate)
//    relation comes from the charm's metadata (peers: / scope: container); see Relation.
//  - Secrets are identified by their id; Context and the in-memory backend compare ids by their
//    unique part, so "secret:<xid>", "secret://<model-uuid>/<xid>" and "<xid>" are the same secret.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "ops/backend.h"
#include "ops/secret_id.h"
#include "ops/status.h"

namespace ops::testing {

using ops::Bag;
using ops::SecretContent;

// One relation of the local unit.
//
// Regular relation: the remote application `remote_app_name` with units
// `<remote_app_name>/<n>` for every n in remote_units_data.
//
// Peer relation (the endpoint is listed under `peers:` in the metadata): the "remote" units are
// the other units of the local application, `<local app>/<n>` for every n in remote_units_data;
// the one application bag is local_app_data (every unit reads it, the leader writes it) and
// remote_app_data must stay empty. An empty bag under the local unit's own id (the default
// {{0, {}}} when the local unit is 0) is ignored, so `Relation{.endpoint = "peers"}` is a peer
// relation with no other units; a non-empty one is an InconsistentScenarioError. Setting
// `peer = true` documents intent; it is an error when the metadata does not agree.
//
// Subordinate relation (the endpoint has `scope: container`): exactly one remote unit, the
// principal (or the subordinate, seen from the principal). For a subordinate charm, Context sets
// JUJU_PRINCIPAL_UNIT to `<remote_app_name>/<that unit's id>`.
struct Relation {
  std::string endpoint{};
  // Defaults to the interface declared in the metadata; an error if given and different.
  std::string interface_name{};
  // Must be unique in a State. Give each relation its own id when there are several.
  int id = 0;
  Bag local_app_data{};
  Bag local_unit_data{};
  std::string remote_app_name = "remote";
  Bag remote_app_data{};
  // Remote unit id -> that unit's bag. These are the units in relation-list.
  std::map<int, Bag> remote_units_data = {{0, {}}};
  bool peer = false;
  // As in Scenario; informational only (the in-memory backend has no relation-model-get).
  std::optional<int> limit{};
  std::string remote_model_uuid{};

  friend bool operator==(const Relation&, const Relation&) = default;
};

// A Juju secret as this unit sees it.
//
// owner: "app" (owned by the local application: every unit reads it, the leader manages it),
// "unit" (owned by the local unit) or "" (owned elsewhere and granted to us: read only).
//
// Revisions: the unit tracks `tracked_revision`, whose content is `tracked_content`. The newest
// revision is `latest_revision`, content `latest_content`. Leaving them unset means "same as
// tracked"; setting only latest_content means revision tracked_revision + 1. tracked_revision = 0
// means the unit has never read the secret: its first secret-get pins the latest revision (and
// tracked_content is ignored). Use effective_latest_revision()/effective_latest_content() to read
// the resolved values.
struct Secret {
  // "secret:<xid>" (xid: 20 lowercase alphanumerics) or any form Juju accepts. Required.
  std::string id{};
  std::string owner{};
  SecretContent tracked_content{};
  std::optional<SecretContent> latest_content{};
  // The owner's label, or for an observer its own label (secret-get --label).
  std::optional<std::string> label{};
  std::optional<std::string> description{};
  std::optional<std::string> expire{};  // RFC 3339
  std::optional<std::string> rotate{};  // never hourly daily weekly monthly quarterly yearly
  int tracked_revision = 1;
  std::optional<int> latest_revision{};
  // Owned secrets: relation id -> grantee names (the remote application, or single units).
  std::map<int, std::set<std::string>> remote_grants{};
  // Revisions removed with secret-remove --revision.
  std::set<int> removed_revisions{};

  int effective_latest_revision() const {
    if (latest_revision) return *latest_revision;
    return latest_content ? tracked_revision + 1 : tracked_revision;
  }
  const SecretContent& effective_latest_content() const {
    return latest_content ? *latest_content : tracked_content;
  }
  // Revisions 1..latest not removed (revisions older than the first tracked one are assumed to
  // exist unless removed).
  std::vector<int> present_revisions() const {
    std::vector<int> out;
    for (int r = 1; r <= effective_latest_revision(); ++r) {
      if (!removed_revisions.contains(r)) out.push_back(r);
    }
    return out;
  }
  // The <xid> of a secret id (ops::SecretId); text that is no secret id is its own identifier.
  static std::string_view unique_identifier(std::string_view id) {
    return SecretId::unique_identifier_of(id).value_or(id);
  }
  bool has_id(std::string_view other) const {
    return !other.empty() && unique_identifier(id) == unique_identifier(other);
  }

  friend bool operator==(const Secret&, const Secret&) = default;
};

// A StoredState of an object: the snapshot "<owner_path>/StoredStateData[<name>]".
struct StoredStateEntry {
  std::string owner_path = "charm";
  std::string name = "_stored";
  nlohmann::json content = nlohmann::json::object();

  friend bool operator==(const StoredStateEntry&, const StoredStateEntry&) = default;
};

// An event deferred by one observer in an earlier dispatch: one notice of the framework's queue
// plus the event's snapshot. Usually built with `ctx.on.<event>(...).deferred()`.
//
// handle_path: the event's handle, e.g. "charm/on/config_changed[4]". The "[n]" suffix may be
// left out; run() numbers such events after the highest number already used.
// observer_path / method: which handler deferred it: the observer's handle path and
// "<kind>/<index of the handler among that observer's handlers for that kind>".
struct DeferredEvent {
  std::string handle_path{};
  std::string observer_path = "charm";
  std::string method{};
  nlohmann::json snapshot = nlohmann::json::object();

  friend bool operator==(const DeferredEvent&, const DeferredEvent&) = default;
};

namespace detail {
template <class Relations>
auto& find_relation(Relations& all, int id) {
  for (auto& relation : all) {
    if (relation.id == id) return relation;
  }
  throw std::out_of_range("no relation with id " + std::to_string(id) + " in the State");
}
template <class Secrets>
auto& find_secret(Secrets& all, std::string_view id_or_label) {
  for (auto& secret : all) {
    if (secret.has_id(id_or_label)) return secret;
  }
  for (auto& secret : all) {
    if (secret.label && *secret.label == id_or_label) return secret;
  }
  throw std::out_of_range("no secret with id or label '" + std::string(id_or_label) +
                          "' in the State");
}
}  // namespace detail

struct State {
  // Set options (Juju adds the metadata defaults of the rest). Keys must be declared options.
  nlohmann::json config = nlohmann::json::object();
  std::vector<Relation> relations{};
  std::vector<Secret> secrets{};
  bool leader = false;
  ops::StatusBase unit_status = ops::UnknownStatus();
  ops::StatusBase app_status = ops::UnknownStatus();
  std::string workload_version{};
  std::vector<StoredStateEntry> stored_states{};
  std::vector<DeferredEvent> deferred{};
  // Binding name -> network-get output. Unlisted endpoints get a default 192.0.2.0/24 network.
  std::map<std::string, nlohmann::json> networks{};
  std::string model_name = "test-model";
  std::string model_uuid = "3f1a7c2e-5b7d-4e0a-9c61-2d8f4b6a0e19";

  // Lookups throw std::out_of_range naming what is missing.
  const Relation& get_relation(int id) const { return detail::find_relation(relations, id); }
  Relation& get_relation(int id) { return detail::find_relation(relations, id); }
  // By id (any accepted form) first, then by label.
  const Secret& get_secret(std::string_view id_or_label) const {
    return detail::find_secret(secrets, id_or_label);
  }
  Secret& get_secret(std::string_view id_or_label) {
    return detail::find_secret(secrets, id_or_label);
  }
  const StoredStateEntry& get_stored_state(std::string_view owner_path,
                                           std::string_view name = "_stored") const {
    for (const auto& entry : stored_states) {
      if (entry.owner_path == owner_path && entry.name == name) return entry;
    }
    throw std::out_of_range("no stored state " + std::string(owner_path) + "/StoredStateData[" +
                            std::string(name) + "] in the State");
  }

  friend bool operator==(const State&, const State&) = default;
};

// JSON views of the value types (nlohmann::json j = state;), used to print them in test failure
// messages (gtest finds the operator<< below). Secret content is printed: it is test data.
namespace detail {
inline nlohmann::json status_json(const ops::StatusBase& status) {
  return {{"name", status.name}, {"message", status.message}};
}
template <class T>
nlohmann::json optional_json(const std::optional<T>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}
}  // namespace detail

inline void to_json(nlohmann::json& j, const Relation& r) {
  nlohmann::json units = nlohmann::json::object();
  for (const auto& [id, bag] : r.remote_units_data) units[std::to_string(id)] = bag;
  j = {{"endpoint", r.endpoint},
       {"interface_name", r.interface_name},
       {"id", r.id},
       {"local_app_data", r.local_app_data},
       {"local_unit_data", r.local_unit_data},
       {"remote_app_name", r.remote_app_name},
       {"remote_app_data", r.remote_app_data},
       {"remote_units_data", units},
       {"peer", r.peer},
       {"limit", detail::optional_json(r.limit)},
       {"remote_model_uuid", r.remote_model_uuid}};
}

inline void to_json(nlohmann::json& j, const Secret& s) {
  nlohmann::json grants = nlohmann::json::object();
  for (const auto& [id, names] : s.remote_grants) grants[std::to_string(id)] = names;
  j = {{"id", s.id},
       {"owner", s.owner},
       {"tracked_content", s.tracked_content},
       {"latest_content", detail::optional_json(s.latest_content)},
       {"label", detail::optional_json(s.label)},
       {"description", detail::optional_json(s.description)},
       {"expire", detail::optional_json(s.expire)},
       {"rotate", detail::optional_json(s.rotate)},
       {"tracked_revision", s.tracked_revision},
       {"latest_revision", detail::optional_json(s.latest_revision)},
       {"remote_grants", grants},
       {"removed_revisions", s.removed_revisions}};
}

inline void to_json(nlohmann::json& j, const StoredStateEntry& e) {
  j = {{"owner_path", e.owner_path}, {"name", e.name}, {"content", e.content}};
}

inline void to_json(nlohmann::json& j, const DeferredEvent& d) {
  j = {{"handle_path", d.handle_path},
       {"observer_path", d.observer_path},
       {"method", d.method},
       {"snapshot", d.snapshot}};
}

inline void to_json(nlohmann::json& j, const State& s) {
  j = {{"config", s.config},
       {"relations", s.relations},
       {"secrets", s.secrets},
       {"leader", s.leader},
       {"unit_status", detail::status_json(s.unit_status)},
       {"app_status", detail::status_json(s.app_status)},
       {"workload_version", s.workload_version},
       {"stored_states", s.stored_states},
       {"deferred", s.deferred},
       {"networks", s.networks},
       {"model_name", s.model_name},
       {"model_uuid", s.model_uuid}};
}

inline std::ostream& operator<<(std::ostream& os, const Relation& value) {
  return os << nlohmann::json(value).dump();
}
inline std::ostream& operator<<(std::ostream& os, const Secret& value) {
  return os << nlohmann::json(value).dump();
}
inline std::ostream& operator<<(std::ostream& os, const StoredStateEntry& value) {
  return os << nlohmann::json(value).dump();
}
inline std::ostream& operator<<(std::ostream& os, const DeferredEvent& value) {
  return os << nlohmann::json(value).dump();
}
inline std::ostream& operator<<(std::ostream& os, const State& value) {
  return os << nlohmann::json(value).dump(1);
}

}  // namespace ops::testing

namespace ops {
// Readable statuses in gtest messages ("active: ready") instead of bytes.
inline void PrintTo(const StatusBase& status, std::ostream* os) {
  *os << status.name << ": " << status.message;
}
}  // namespace ops
