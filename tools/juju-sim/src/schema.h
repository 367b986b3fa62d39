// The SQLite schema of a juju-sim model (one file, <model>/state.db).
//
// Contract: create_schema() runs once on `init`; check_schema() verifies an existing file is a
// juju-sim model of this schema version and throws SimError(2) otherwise (e.g. a corrupt file).
// Tables, in short: model (key/value: name, uuid, counters), apps, units, hook_queue (lifecycle
// and secret hooks; relation hooks are derived from relation state), relations,
// relation_units/relation_members (what each unit has seen, like the uniter's relation state),
// bags (app and unit databags with a change version), secrets/secret_revisions/secret_grants/
// secret_consumers, contexts (one per running hook), staged_ops (a hook's uncommitted writes),
// logs, trace, actions, ports, unit_state, leader_settings (an app's leader-set data) and
// leader_settings_dirty (apps whose leader settings changed during the running hook).
#pragma once

#include "sqlite_database.h"

namespace juju_sim {

inline constexpr int kSchemaVersion = 3;

void create_schema(Database& db);
void check_schema(Database& db);

}  // namespace juju_sim
