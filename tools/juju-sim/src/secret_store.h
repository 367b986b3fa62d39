// Secrets in the model: identity, ownership, grants, tracking, and the secret hooks they cause.
//
// Contract: read helpers never write. enqueue_secret_changed() and enqueue_obsolete_revisions()
// are called while applying a hook's committed writes: the first queues `secret-changed` on every
// consumer unit tracking an older revision than the latest; the second queues `secret-remove`
// (with the revision) on the owner (the leader for application-owned secrets) once for each
// revision below the latest that no unit tracks any more.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "model_store.h"
#include "sqlite_database.h"

namespace juju_sim {

struct SecretInfo {
  std::string xid;
  std::string owner_kind;  // application | unit
  std::string owner;       // app or unit name
  std::string label, description, expire, rotate;
  std::int64_t latest = 0;
};

// Accepts `secret:<xid>`, `secret://<model-uuid>/<xid>` or a bare `<xid>`; returns the xid.
// Throws SimError(2) `invalid secret URI "<text>"` otherwise.
std::string parse_secret_ref(const std::string& text);
std::string secret_uri(Database& db, const std::string& xid);

std::optional<SecretInfo> find_secret(Database& db, const std::string& xid);
bool owns_secret(const SecretInfo& secret, const UnitInfo& unit);
// Owner unit of a unit-owned secret, or the leader of the owning app ("" for a user secret,
// owner kind `model`, which no unit owns; see user_secrets.h).
std::string secret_manager_unit(Database& db, const SecretInfo& secret);
bool secret_granted_to(Database& db, const std::string& xid, const UnitInfo& unit);
// The secret the unit calls `label` (its owner label or its consumer label).
std::optional<std::string> secret_by_label(Database& db, const UnitInfo& unit,
                                           const std::string& label);
std::optional<std::int64_t> tracked_revision(Database& db, const std::string& xid,
                                             const std::string& unit);
std::string consumer_label(Database& db, const std::string& xid, const std::string& unit);
nlohmann::json revision_content(Database& db, const std::string& xid, std::int64_t revision);

void enqueue_secret_changed(Database& db, const SecretInfo& secret);
// After grants went away (secret-revoke, a removed relation, juju revoke-secret): forgets the
// tracked revision and label of every consumer that can no longer read the secret, drops the
// secret-changed hooks still queued for them, then raises secret-remove for revisions nobody
// tracks any more.
void drop_consumers_without_access(Database& db);
void enqueue_obsolete_revisions(Database& db);

// Parses secret content arguments `key=value`, `key#base64=value`, `key#file=path`.
// Throws SimError(2) for a bad key or an unreadable file.
nlohmann::json parse_secret_content_arg(const std::string& arg, nlohmann::json& content);

}  // namespace juju_sim
