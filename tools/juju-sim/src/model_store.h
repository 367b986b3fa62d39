// Typed reads and small writes over the model tables shared by the CLI and the hook tools.
//
// Contract: functions take the open Database and never start transactions themselves (the
// caller decides the transaction scope). `require_*` throw SimError(2) with Juju's wording
// ("unit \"x\" not found") when the thing does not exist. Nothing here runs hooks.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "sqlite_database.h"

namespace juju_sim {

struct UnitInfo {
  std::string name;
  std::string app;
  std::int64_t seq = 0;
  std::string machine;
  std::string principal;  // empty unless a subordinate unit
  std::string life;       // alive | dying
  std::string charm_dir;
  std::string status, message;
  bool installed = false, started = false, stopped = false;
  std::optional<std::string> error_hook;  // set while the unit is in error
  int attempts = 0;
};

struct RelationInfo {
  std::int64_t id = 0;
  std::string interface, scope, life, app1, ep1, app2, ep2;
  bool is_peer() const { return app1 == app2; }
  bool is_container() const { return scope == "container"; }
  bool involves(const std::string& app) const { return app1 == app || app2 == app; }
  const std::string& endpoint_of(const std::string& app) const { return app == app1 ? ep1 : ep2; }
  const std::string& remote_app_of(const std::string& app) const {
    return app == app1 ? app2 : app1;
  }
};

// Model key/value settings (name, uuid, counters).
std::string model_get(Database& db, const std::string& key, const std::string& fallback = "");
void model_set(Database& db, const std::string& key, const std::string& value);
// Returns the current value of counter `key` and increments it.
std::int64_t next_counter(Database& db, const std::string& key);

std::optional<UnitInfo> find_unit(Database& db, const std::string& name);
UnitInfo require_unit(Database& db, const std::string& name);
std::vector<UnitInfo> all_units(Database& db);
std::vector<std::string> units_of_app(Database& db, const std::string& app, bool alive_only);

bool app_exists(Database& db, const std::string& app);
void require_app(Database& db, const std::string& app);
// One JSON column of apps (endpoints, config_options, actions, config).
nlohmann::json app_json(Database& db, const std::string& app, const std::string& column);
std::string app_text(Database& db, const std::string& app, const std::string& column);
bool is_leader(Database& db, const std::string& unit);

std::optional<RelationInfo> find_relation(Database& db, std::int64_t id);
std::vector<RelationInfo> relations_of_app(Database& db, const std::string& app);

// The units a unit can see on the other side of a relation (peers: other units of its app;
// container scope: only its principal or its subordinates), alive or not, sorted by seq.
std::vector<std::string> potential_members(Database& db, const RelationInfo& relation,
                                           const UnitInfo& unit);
bool in_scope(Database& db, std::int64_t relation_id, const std::string& unit);

// Bag data ({} when absent) and change version (0 when absent).
nlohmann::json bag_data(Database& db, std::int64_t relation_id, const std::string& owner);
std::int64_t bag_version(Database& db, std::int64_t relation_id, const std::string& owner);
// Merges `changes` (empty string deletes a key); bumps the version only if data changed.
void merge_bag(Database& db, std::int64_t relation_id, const std::string& owner, bool is_app,
               const nlohmann::json& changes);

void enqueue_hook(Database& db, const std::string& unit, const std::string& hook,
                  const std::string& secret = "", std::int64_t revision = 0);
// Adds the unit to a relation's bookkeeping (and pre-fills its address keys).
void add_relation_unit(Database& db, std::int64_t relation_id, const std::string& unit);

std::string unit_address(Database& db, const std::string& unit);

}  // namespace juju_sim
