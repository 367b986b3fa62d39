// User secrets: secrets the operator creates with `juju add-secret` (Juju >= 3.3), owned by the
// model, and shared with applications by `juju grant-secret`; charms get their id through a
// `type: secret` config option.
//
// Contract (Juju 3.x): a user secret is stored like a charm secret (secrets/secret_revisions)
// with owner kind `model`; its name is its `label` (unique among user secrets). No unit owns it,
// so every charm management call (secret-set/-grant/-revoke/-remove/-info-get) fails with
// `secret "<xid>" not found`. Units of a granted application read it with secret-get and track
// revisions like any consumer; a unit of an application without a grant gets
// `permission denied` (Juju checks existence first, then read access); a removed secret is
// `not found`. update_user_secret() with content adds a revision and queues secret-changed on
// every consumer tracking an older one. Revoke and remove drop the consumers' tracking.
// All functions run in the caller's transaction, validate before writing, and throw
// SimError(2) with a message naming the bad name/id/application, never any content.
//
// Example:
//   json content = json::object();
//   parse_secret_content_arg("key#file=/run/key", content);
//   std::string xid = add_user_secret(db, "ceph-admin", content, "admin key");
//   grant_user_secret(db, xid, {"cephfs-server-proxy"});
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "sqlite_database.h"

namespace juju_sim {

// Content from CLI arguments (`key=value`, `key#base64=value`, `key#file=path`) merged over an
// optional YAML file of string values (`--file`). Throws SimError(2) on a bad key, an unreadable
// file or a non-string value.
nlohmann::json user_secret_content(const std::vector<std::string>& items,
                                   const std::string& yaml_file);

// Returns the new secret's xid (print it as `secret:<xid>`).
std::string add_user_secret(Database& db, const std::string& name, const nlohmann::json& content,
                            const std::string& info);
// `secret:<xid>`, `secret://<uuid>/<xid>`, a bare xid, or the name of a user secret.
std::string resolve_user_secret(Database& db, const std::string& name_or_id);
void update_user_secret(Database& db, const std::string& xid,
                        const std::optional<nlohmann::json>& content,
                        const std::optional<std::string>& info,
                        const std::optional<std::string>& new_name);
void grant_user_secret(Database& db, const std::string& xid, const std::vector<std::string>& apps);
void revoke_user_secret(Database& db, const std::string& xid, const std::vector<std::string>& apps);
void remove_user_secret(Database& db, const std::string& xid);

}  // namespace juju_sim
