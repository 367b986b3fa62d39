// Which hook a unit runs next, and what running it successfully records — the uniter's logic.
//
// Contract: next_hook() is a pure read; it returns the next hook for a unit that is not in error,
// or nullopt when the unit has nothing to do. Order per unit: queued lifecycle/secret hooks
// (install, leader-elected or leader-settings-changed, config-changed, start, secret-*) first;
// then, once started, per relation (by id): relation-created; relation-changed right after a
// relation-joined; relation-joined for each remote unit in scope; relation-departed for remote
// units gone; relation-changed for each remote unit bag changed since last seen; relation-changed
// with an empty JUJU_REMOTE_UNIT for a changed remote application bag; for a removed relation
// relation-departed per member then relation-broken. A dying unit departs and breaks its
// relations, then runs stop and remove.
// complete_hook() applies the bookkeeping of a hook that exited 0, in the caller's transaction;
// a failed hook records nothing, so the same hook is selected again (Juju's retry).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "model_store.h"
#include "sqlite_database.h"

namespace juju_sim {

struct HookSpec {
  std::string unit;
  std::string hook;  // JUJU_HOOK_NAME, e.g. "db-relation-joined"
  std::string kind;  // install, relation-joined, secret-changed, ...
  std::int64_t queue_id = 0;
  std::optional<std::int64_t> relation_id;
  std::string endpoint, remote_unit, remote_app, departing;
  std::string secret;  // xid
  std::int64_t revision = 0;
  std::int64_t target_version = 0;  // bag version this relation-changed/joined reports
};

std::optional<HookSpec> next_hook(Database& db, const UnitInfo& unit);
void complete_hook(Database& db, const HookSpec& hook);

// Removes a dying relation once no unit still has it in scope (bags and grants go with it).
void remove_relation_if_done(Database& db, std::int64_t relation_id);

}  // namespace juju_sim
