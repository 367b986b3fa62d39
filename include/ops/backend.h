// Backend: the one door to Juju. Every hook-tool call the runtime makes goes through this
// interface; nothing above it runs a process or parses tool output.
//
// Implementations:
//  - ProcessBackend (process_backend.h): runs the real hook tools found on PATH, with exactly the
//    argv and formats Python ops uses (see docs/reference/juju-charm-contract.md §2, §4.4).
//  - testing::InMemoryBackend (testing/in_memory_backend.h): answers from a declared State.
//  - FaultInjectingBackend (fault_injecting_backend.h): wraps another backend and fails chosen
//  calls.
//
// Contract:
//  - Every method is one hook-tool call (or none), never more; callers cache.
//  - Errors come back as Result errors, classified like ops' _wrap_hookcmd: kRelationNotFound,
//    kSecretNotFound, kPermissionDenied, else kModelError; kToolNotFound when the tool is missing,
//    kInvalidOutput when its output does not parse. Messages name the tool and never contain
//    secret content.
//  - Relations are addressed as (endpoint, id); implementations pass `-r <endpoint>:<id>`.
//  - Not thread-safe; one hook runs in one thread.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ops/result.h"

namespace ops {

// A relation databag: keys and values are strings. std::map gives the sorted key order that a
// deployed Juju delivers (Go map encoding), which the cephfs_share cache relies on.
using Bag = std::map<std::string, std::string>;

// Secret content: key -> value, both strings.
using SecretContent = std::map<std::string, std::string>;

// What `status-get` reports for one entity.
struct StatusInfo {
  std::string status{};  // active, blocked, maintenance, waiting, error, unknown
  std::string message{};
  friend bool operator==(const StatusInfo&, const StatusInfo&) = default;
};

// What `secret-info-get` reports about one secret.
struct SecretInfo {
  std::string id;  // canonical URI as Juju printed it (or canonicalised by the caller)
  std::optional<std::string> label;
  int revision = 0;   // the latest revision
  std::string owner;  // "application" or "unit"
  std::optional<std::string> description;
  std::optional<std::string> rotation;
  std::optional<std::string> expiry;  // RFC 3339 as printed by Juju
  std::optional<std::string> rotates;
};

// Arguments of `secret-add` / `secret-set` besides content.
struct SecretMetadata {
  std::optional<std::string> label{};
  std::optional<std::string> description{};
  std::optional<std::string> expire{};  // RFC 3339
  std::optional<std::string> rotate{};  // never hourly daily weekly monthly quarterly yearly
};

enum class SecretOwner { kApplication, kUnit };

class Backend {
 public:
  virtual ~Backend() = default;

  // --- relations ---
  // relation-ids <endpoint> --format=json; returns the integer ids.
  virtual Result<std::vector<int>> relation_ids(std::string_view endpoint) = 0;
  // relation-list --format=json -r <ep>:<id>; the remote units still in the relation.
  virtual Result<std::vector<std::string>> relation_list(std::string_view endpoint, int id) = 0;
  // relation-list --format=json --app -r <ep>:<id>; the remote application name.
  virtual Result<std::string> relation_remote_app(std::string_view endpoint, int id) = 0;
  // relation-get --format=json -r <ep>:<id> [--app] - <unit-or-app>
  virtual Result<Bag> relation_get(std::string_view endpoint, int id, std::string_view member,
                                   bool is_app) = 0;
  // relation-set -r <ep>:<id> [--app] --file - ; `data` is sent as JSON on stdin. An empty value
  // deletes its key. `data` must not be empty.
  virtual Status relation_set(std::string_view endpoint, int id, const Bag& data, bool is_app) = 0;

  // --- unit and application ---
  virtual Result<bool> is_leader() = 0;             // is-leader --format=json
  virtual Result<nlohmann::json> config_get() = 0;  // config-get --format=json (an object)
  virtual Result<StatusInfo> status_get(bool is_app) = 0;
  virtual Status status_set(std::string_view status, std::string_view message, bool is_app) = 0;
  virtual Status application_version_set(std::string_view version) = 0;
  // juju-log --log-level <LEVEL> -- <message>. Long messages are split by the caller's logger.
  virtual Status juju_log(std::string_view level, std::string_view message) = 0;

  // --- actions ---
  virtual Result<nlohmann::json> action_get() = 0;  // action-get --format=json
  // action-set k=v ...; keys already flattened with '.' and validated.
  virtual Status action_set(const std::map<std::string, std::string>& results) = 0;
  virtual Status action_log(std::string_view message) = 0;
  virtual Status action_fail(std::string_view message) = 0;

  // --- secrets (content never reaches argv: values travel in 0600 files, key#file=<path>) ---
  // Returns the id Juju printed.
  virtual Result<std::string> secret_add(const SecretContent& content, const SecretMetadata& meta,
                                         SecretOwner owner) = 0;
  // secret-get --format=json [<id>] [--label L] [--refresh|--peek]; at least one of id/label.
  virtual Result<SecretContent> secret_get(const std::optional<std::string>& id,
                                           const std::optional<std::string>& label, bool refresh,
                                           bool peek) = 0;
  // secret-info-get --format=json <id> | --label L (never both).
  virtual Result<SecretInfo> secret_info_get(const std::optional<std::string>& id,
                                             const std::optional<std::string>& label) = 0;
  // secret-set <id> [metadata flags] [k#file=...] --owner application|unit; content may be empty
  // when only metadata changes.
  virtual Status secret_set(std::string_view id, const std::optional<SecretContent>& content,
                            const SecretMetadata& meta, SecretOwner owner) = 0;
  virtual Status secret_grant(std::string_view id, int relation_id,
                              const std::optional<std::string>& unit) = 0;
  virtual Status secret_revoke(std::string_view id, int relation_id,
                               const std::optional<std::string>& unit) = 0;
  // secret-remove <id> [--revision N]
  virtual Status secret_remove(std::string_view id, std::optional<int> revision) = 0;
  virtual Result<std::vector<std::string>> secret_ids() = 0;  // secret-ids --format=json

  // --- network ---
  // network-get --format=json [-r <id>] <binding>
  virtual Result<nlohmann::json> network_get(std::string_view binding,
                                             std::optional<int> relation_id) = 0;
};

}  // namespace ops
