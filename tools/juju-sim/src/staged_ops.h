// Staged writes of a running hook: how Juju's per-hook context batches changes.
//
// Every hook-tool write that Juju commits only on exit 0 (relation-set, secret-add/set/grant/
// revoke/remove, secret tracking and consumer labels from secret-get, open/close-port,
// state-set/delete) is recorded as one JSON op in staged_ops for the hook's context.
//
// Contract:
// - stage_op() first applies the context's earlier ops plus the new one inside a transaction
//   that is rolled back, so an invalid op fails at the tool call (SimError), and only then
//   appends it. The database is otherwise unchanged.
// - OverlayView gives a read view "committed state + this hook's ops": it opens a transaction,
//   applies the ops and rolls back on destruction. Reads of the unit's own bags and secrets
//   inside a hook go through it, like Juju's context cache.
// - commit_staged() applies and deletes the ops in the caller's transaction (hook exit 0);
//   discard_staged() only deletes them (hook failed).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "sqlite_database.h"

namespace juju_sim {

void apply_op(Database& db, const nlohmann::json& op);
void stage_op(Database& db, const std::string& context_id, const nlohmann::json& op);
void commit_staged(Database& db, const std::string& context_id);
void discard_staged(Database& db, const std::string& context_id);

class OverlayView {
 public:
  OverlayView(Database& db, const std::string& context_id);
  OverlayView(const OverlayView&) = delete;
  OverlayView& operator=(const OverlayView&) = delete;
  ~OverlayView();

 private:
  Database& db_;
};

}  // namespace juju_sim
