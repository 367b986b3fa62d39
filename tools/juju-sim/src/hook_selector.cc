#include "hook_selector.h"

#include <fmt/format.h>

#include <algorithm>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "secret_store.h"

namespace juju_sim {
namespace {

struct RelationUnitState {
  RelationInfo relation;
  bool in_scope = false, broken = false;
  std::int64_t app_seen = 0;
  std::optional<std::string> changed_pending;
};

std::vector<RelationUnitState> relation_states(Database& db, const std::string& unit) {
  auto s = db.prepare(
      "SELECT relation_id, in_scope, broken, app_seen, changed_pending FROM relation_units "
      "WHERE unit = ? ORDER BY relation_id");
  s.bind(1, unit);
  std::vector<RelationUnitState> out;
  while (s.step()) {
    RelationUnitState state;
    auto relation = find_relation(db, s.integer(0));
    if (!relation) continue;
    state.relation = *relation;
    state.in_scope = s.integer(1) != 0;
    state.broken = s.integer(2) != 0;
    state.app_seen = s.integer(3);
    if (!s.is_null(4)) state.changed_pending = s.text(4);
    out.push_back(state);
  }
  return out;
}

std::vector<std::pair<std::string, std::int64_t>> joined_members(Database& db,
                                                                 std::int64_t relation_id,
                                                                 const std::string& unit) {
  auto s = db.prepare(
      "SELECT member, seen FROM relation_members WHERE relation_id = ? AND "
      "unit = ? ORDER BY rowid");
  s.bind(1, relation_id).bind(2, unit);
  std::vector<std::pair<std::string, std::int64_t>> out;
  while (s.step()) out.emplace_back(s.text(0), s.integer(1));
  return out;
}

HookSpec relation_hook(const UnitInfo& unit, const RelationInfo& relation, const char* kind,
                       const std::string& remote_unit) {
  HookSpec hook;
  hook.unit = unit.name;
  hook.kind = fmt::format("relation-{}", kind);
  hook.endpoint = relation.endpoint_of(unit.app);
  hook.hook = fmt::format("{}-relation-{}", hook.endpoint, kind);
  hook.relation_id = relation.id;
  hook.remote_app = relation.remote_app_of(unit.app);
  hook.remote_unit = remote_unit;
  return hook;
}

std::optional<HookSpec> queued_hook(Database& db, const UnitInfo& unit) {
  auto s = db.prepare(
      "SELECT id, hook, secret, revision FROM hook_queue WHERE unit = ? "
      "ORDER BY id LIMIT 1");
  s.bind(1, unit.name);
  if (!s.step()) return std::nullopt;
  HookSpec hook;
  hook.unit = unit.name;
  hook.queue_id = s.integer(0);
  hook.hook = hook.kind = s.text(1);
  hook.secret = s.text(2);
  hook.revision = s.integer(3);
  return hook;
}

// A unit this unit could see on the other side of a relation (see potential_members()).
struct Candidate {
  std::string name;
  bool alive = false;
  bool in_scope = false;
};

// All candidates in one query, in unit order: with 1000 remote units, per-unit lookups would
// dominate settle.
std::vector<Candidate> candidates(Database& db, const RelationInfo& relation,
                                  const UnitInfo& unit) {
  auto s = db.prepare(
      "SELECT u.name, u.life, u.principal, COALESCE(ru.in_scope, 0) FROM units u "
      "LEFT JOIN relation_units ru ON ru.relation_id = ? AND ru.unit = u.name "
      "WHERE u.app = ? ORDER BY u.seq");
  s.bind(1, relation.id).bind(2, relation.remote_app_of(unit.app));
  std::vector<Candidate> out;
  while (s.step()) {
    std::string name = s.text(0);
    if (name == unit.name) continue;
    if (relation.is_container() && !relation.is_peer() && s.text(2) != unit.name &&
        unit.principal != name) {
      continue;
    }
    out.push_back({name, s.text(1) == "alive", s.integer(3) != 0});
  }
  return out;
}

std::unordered_map<std::string, std::int64_t> unit_bag_versions(Database& db,
                                                                std::int64_t relation_id) {
  auto s = db.prepare("SELECT owner, version FROM bags WHERE relation_id = ? AND is_app = 0");
  s.bind(1, relation_id);
  std::unordered_map<std::string, std::int64_t> out;
  while (s.step()) out.emplace(s.text(0), s.integer(1));
  return out;
}

// The next joined/departed/changed hook over a global (or peer) relation, each found by one
// indexed query that stops at the first hit: a provider with 1000 remote units runs thousands of
// hooks, so per-member work in C++ would dominate settle.
std::optional<HookSpec> global_member_hook(Database& db, const UnitInfo& unit,
                                           const RelationInfo& relation) {
  auto join = db.prepare(
      "SELECT u.name FROM units u JOIN relation_units ru ON ru.relation_id = ?1 AND "
      "ru.unit = u.name AND ru.in_scope = 1 WHERE u.app = ?2 AND u.life = 'alive' AND "
      "u.name != ?3 AND NOT EXISTS (SELECT 1 FROM relation_members m WHERE m.relation_id = ?1 "
      "AND m.unit = ?3 AND m.member = u.name) ORDER BY u.seq LIMIT 1");
  join.bind(1, relation.id).bind(2, relation.remote_app_of(unit.app)).bind(3, unit.name);
  if (join.step()) {
    HookSpec hook = relation_hook(unit, relation, "joined", join.text(0));
    hook.target_version = bag_version(db, relation.id, hook.remote_unit);
    return hook;
  }
  auto depart = db.prepare(
      "SELECT m.member FROM relation_members m LEFT JOIN units u ON u.name = m.member "
      "WHERE m.relation_id = ? AND m.unit = ? AND (u.name IS NULL OR u.life != 'alive') "
      "ORDER BY m.rowid LIMIT 1");
  depart.bind(1, relation.id).bind(2, unit.name);
  if (depart.step()) {
    HookSpec hook = relation_hook(unit, relation, "departed", depart.text(0));
    hook.departing = hook.remote_unit;
    return hook;
  }
  auto change = db.prepare(
      "SELECT m.member, b.version FROM relation_members m JOIN bags b ON "
      "b.relation_id = m.relation_id AND b.owner = m.member WHERE m.relation_id = ? AND "
      "m.unit = ? AND b.version > m.seen ORDER BY m.rowid LIMIT 1");
  change.bind(1, relation.id).bind(2, unit.name);
  if (change.step()) {
    HookSpec hook = relation_hook(unit, relation, "changed", change.text(0));
    hook.target_version = change.integer(1);
    return hook;
  }
  return std::nullopt;
}

// The same over a container-scoped relation, where only a principal and its subordinates see
// each other (a handful of units).
std::optional<HookSpec> container_member_hook(Database& db, const UnitInfo& unit,
                                              const RelationInfo& relation) {
  auto joined = joined_members(db, relation.id, unit.name);
  std::unordered_set<std::string> joined_names;
  for (const auto& [member, seen] : joined) joined_names.insert(member);
  std::unordered_set<std::string> alive;
  auto remote = candidates(db, relation, unit);
  for (const Candidate& candidate : remote) {
    if (candidate.alive) alive.insert(candidate.name);
  }
  for (const Candidate& candidate : remote) {
    if (joined_names.count(candidate.name) || !candidate.alive || !candidate.in_scope) continue;
    HookSpec hook = relation_hook(unit, relation, "joined", candidate.name);
    hook.target_version = bag_version(db, relation.id, candidate.name);
    return hook;
  }
  for (const auto& [member, seen] : joined) {
    if (alive.count(member)) continue;
    HookSpec hook = relation_hook(unit, relation, "departed", member);
    hook.departing = member;
    return hook;
  }
  auto versions = unit_bag_versions(db, relation.id);
  for (const auto& [member, seen] : joined) {
    auto version = versions.find(member);
    if (version == versions.end() || version->second <= seen) continue;
    HookSpec hook = relation_hook(unit, relation, "changed", member);
    hook.target_version = version->second;
    return hook;
  }
  return std::nullopt;
}

std::optional<HookSpec> alive_relation_hook(Database& db, const UnitInfo& unit,
                                            const RelationUnitState& state) {
  const RelationInfo& relation = state.relation;
  if (!state.in_scope) return relation_hook(unit, relation, "created", "");
  if (state.changed_pending) {
    HookSpec hook = relation_hook(unit, relation, "changed", *state.changed_pending);
    hook.target_version = bag_version(db, relation.id, *state.changed_pending);
    return hook;
  }
  auto member_hook = relation.is_container() && !relation.is_peer()
                         ? container_member_hook(db, unit, relation)
                         : global_member_hook(db, unit, relation);
  if (member_hook) return member_hook;
  std::int64_t app_version = bag_version(db, relation.id, relation.remote_app_of(unit.app));
  if (app_version > state.app_seen) {
    HookSpec hook = relation_hook(unit, relation, "changed", "");
    hook.target_version = app_version;
    return hook;
  }
  return std::nullopt;
}

std::optional<HookSpec> leaving_relation_hook(Database& db, const UnitInfo& unit,
                                              const RelationUnitState& state, bool unit_dying) {
  if (!state.in_scope || state.broken) return std::nullopt;
  auto joined = joined_members(db, state.relation.id, unit.name);
  if (!joined.empty()) {
    HookSpec hook = relation_hook(unit, state.relation, "departed", joined.front().first);
    hook.departing = unit_dying ? unit.name : joined.front().first;
    return hook;
  }
  return relation_hook(unit, state.relation, "broken", "");
}

}  // namespace

std::optional<HookSpec> next_hook(Database& db, const UnitInfo& unit) {
  if (unit.error_hook) return std::nullopt;
  if (unit.life != "alive") {
    for (const auto& state : relation_states(db, unit.name)) {
      if (auto hook = leaving_relation_hook(db, unit, state, true)) return hook;
    }
    HookSpec hook;
    hook.unit = unit.name;
    hook.hook = hook.kind = unit.stopped ? "remove" : "stop";
    return hook;
  }
  // Queued hooks; secret-changed for a revision the unit already tracks is dropped.
  for (int guard = 0; guard < 1000; ++guard) {
    auto hook = queued_hook(db, unit);
    if (!hook) break;
    if (hook->kind == "secret-changed") {
      auto secret = find_secret(db, hook->secret);
      auto tracked = tracked_revision(db, hook->secret, unit.name);
      if (!secret || (tracked && *tracked >= secret->latest)) {
        db.prepare("DELETE FROM hook_queue WHERE id = ?").bind(1, hook->queue_id).run();
        continue;
      }
    }
    return hook;
  }
  if (!unit.started) return std::nullopt;
  for (const auto& state : relation_states(db, unit.name)) {
    auto hook = state.relation.life == "alive" ? alive_relation_hook(db, unit, state)
                                               : leaving_relation_hook(db, unit, state, false);
    if (hook) return hook;
  }
  return std::nullopt;
}

void remove_relation_if_done(Database& db, std::int64_t relation_id) {
  auto relation = find_relation(db, relation_id);
  if (!relation || relation->life == "alive") return;
  auto s = db.prepare(
      "SELECT 1 FROM relation_units WHERE relation_id = ? AND in_scope = 1 "
      "AND broken = 0");
  s.bind(1, relation_id);
  if (s.step()) return;
  for (const char* table : {"relation_units", "relation_members", "bags", "secret_grants"}) {
    db.prepare(fmt::format("DELETE FROM {} WHERE relation_id = ?", table))
        .bind(1, relation_id)
        .run();
  }
  db.prepare("DELETE FROM relations WHERE id = ?").bind(1, relation_id).run();
  drop_consumers_without_access(db);
}

namespace {

void remove_unit_records(Database& db, const std::string& unit) {
  std::string app = require_unit(db, unit).app;
  std::vector<std::int64_t> relations;
  {
    auto s = db.prepare("SELECT relation_id FROM relation_units WHERE unit = ?");
    s.bind(1, unit);
    while (s.step()) relations.push_back(s.integer(0));
  }
  for (const char* sql :
       {"DELETE FROM relation_units WHERE unit = ?", "DELETE FROM relation_members WHERE unit = ?",
        "DELETE FROM hook_queue WHERE unit = ?", "DELETE FROM secret_consumers WHERE unit = ?",
        "DELETE FROM ports WHERE unit = ?", "DELETE FROM unit_state WHERE unit = ?",
        "DELETE FROM units WHERE name = ?"}) {
    db.prepare(sql).bind(1, unit).run();
  }
  for (std::int64_t id : relations) remove_relation_if_done(db, id);
  auto leader = db.query_text("SELECT leader FROM apps WHERE name = ?", app);
  if (leader && *leader == unit) {
    auto remaining = units_of_app(db, app, true);
    std::optional<std::string> next;
    if (!remaining.empty()) next = remaining.front();
    db.prepare("UPDATE apps SET leader = ? WHERE name = ?").bind(1, next).bind(2, app).run();
    if (next) enqueue_hook(db, *next, "leader-elected");
  }
  enqueue_obsolete_revisions(db);
}

}  // namespace

void complete_hook(Database& db, const HookSpec& hook) {
  const std::string& unit = hook.unit;
  if (hook.queue_id != 0) {
    db.prepare("DELETE FROM hook_queue WHERE id = ?").bind(1, hook.queue_id).run();
    if (hook.kind == "install")
      db.prepare("UPDATE units SET installed = 1 WHERE name = ?").bind(1, unit).run();
    if (hook.kind == "start")
      db.prepare("UPDATE units SET started = 1 WHERE name = ?").bind(1, unit).run();
    return;
  }
  if (hook.kind == "stop") {
    db.prepare("UPDATE units SET stopped = 1 WHERE name = ?").bind(1, unit).run();
    return;
  }
  if (hook.kind == "remove") {
    remove_unit_records(db, unit);
    return;
  }
  std::int64_t id = hook.relation_id.value_or(-1);
  if (hook.kind == "relation-created") {
    db.prepare("UPDATE relation_units SET in_scope = 1 WHERE relation_id = ? AND unit = ?")
        .bind(1, id)
        .bind(2, unit)
        .run();
  } else if (hook.kind == "relation-joined") {
    db.prepare(
          "INSERT OR REPLACE INTO relation_members(relation_id, unit, member, seen) "
          "VALUES (?, ?, ?, ?)")
        .bind(1, id)
        .bind(2, unit)
        .bind(3, hook.remote_unit)
        .bind(4, hook.target_version)
        .run();
    db.prepare("UPDATE relation_units SET changed_pending = ? WHERE relation_id = ? AND unit = ?")
        .bind(1, hook.remote_unit)
        .bind(2, id)
        .bind(3, unit)
        .run();
  } else if (hook.kind == "relation-changed" && hook.remote_unit.empty()) {
    db.prepare("UPDATE relation_units SET app_seen = ? WHERE relation_id = ? AND unit = ?")
        .bind(1, hook.target_version)
        .bind(2, id)
        .bind(3, unit)
        .run();
  } else if (hook.kind == "relation-changed") {
    db.prepare(
          "UPDATE relation_members SET seen = ? WHERE relation_id = ? AND unit = ? AND "
          "member = ?")
        .bind(1, hook.target_version)
        .bind(2, id)
        .bind(3, unit)
        .bind(4, hook.remote_unit)
        .run();
    db.prepare(
          "UPDATE relation_units SET changed_pending = NULL WHERE relation_id = ? AND "
          "unit = ? AND changed_pending = ?")
        .bind(1, id)
        .bind(2, unit)
        .bind(3, hook.remote_unit)
        .run();
  } else if (hook.kind == "relation-departed") {
    db.prepare("DELETE FROM relation_members WHERE relation_id = ? AND unit = ? AND member = ?")
        .bind(1, id)
        .bind(2, unit)
        .bind(3, hook.remote_unit)
        .run();
  } else if (hook.kind == "relation-broken") {
    db.prepare("UPDATE relation_units SET broken = 1 WHERE relation_id = ? AND unit = ?")
        .bind(1, id)
        .bind(2, unit)
        .run();
    remove_relation_if_done(db, id);
  }
}

}  // namespace juju_sim
