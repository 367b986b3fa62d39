#include "hook_selector.h"

#include <fmt/format.h>

#include <algorithm>
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

bool member_gone(Database& db, const RelationInfo& relation, const UnitInfo& unit,
                 const std::string& member) {
  auto info = find_unit(db, member);
  if (!info || info->life != "alive") return true;
  auto potential = potential_members(db, relation, unit);
  return std::find(potential.begin(), potential.end(), member) == potential.end();
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
  auto joined = joined_members(db, relation.id, unit.name);
  auto is_joined = [&](const std::string& name) {
    return std::any_of(joined.begin(), joined.end(),
                       [&](const auto& m) { return m.first == name; });
  };
  for (const std::string& member : potential_members(db, relation, unit)) {
    if (is_joined(member)) continue;
    auto info = find_unit(db, member);
    if (!info || info->life != "alive" || !in_scope(db, relation.id, member)) continue;
    HookSpec hook = relation_hook(unit, relation, "joined", member);
    hook.target_version = bag_version(db, relation.id, member);
    return hook;
  }
  for (const auto& [member, seen] : joined) {
    if (!member_gone(db, relation, unit, member)) continue;
    HookSpec hook = relation_hook(unit, relation, "departed", member);
    hook.departing = member;
    return hook;
  }
  for (const auto& [member, seen] : joined) {
    std::int64_t version = bag_version(db, relation.id, member);
    if (version <= seen) continue;
    HookSpec hook = relation_hook(unit, relation, "changed", member);
    hook.target_version = version;
    return hook;
  }
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
