// Internal to the ops library: how ProcessBackend reads what a hook tool printed on stdout.
//
// What: one function per tool output ProcessBackend parses, taking the tool's stdout exactly as
// captured (after a zero exit). ProcessBackend's methods run the tool and hand its output here;
// the functions exist separately so that tests and the libFuzzer target
// (fuzz/hook_tool_output_fuzz.cc) can feed them arbitrary bytes without starting processes.
//
// Contract: never throws; any output that is not what the tool prints under Juju gives
// kInvalidOutput "<tool> printed <what was wrong>", and the message never quotes the output
// (secret-get prints secret content). Go's `null` for a nil list or map reads as empty where
// Juju prints it (relation-ids, relation-list, secret-ids, relation-get, config-get, action-get).
//
// Example:
//   auto bag = ops::internal::parse_relation_get(R"({"key": "value"})");  // {{"key", "value"}}
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ops/backend.h"
#include "ops/result.h"

namespace ops::internal {

// relation-ids --format=json: ["<endpoint>:<id>", ...] -> the ids.
Result<std::vector<int>> parse_relation_ids(std::string_view out);
// relation-list --format=json: ["unit/0", ...].
Result<std::vector<std::string>> parse_relation_list(std::string_view out);
// relation-list --app --format=json: "app".
Result<std::string> parse_relation_remote_app(std::string_view out);
// relation-get --format=json - <member>: {"key": "value", ...}.
Result<Bag> parse_relation_get(std::string_view out);
// is-leader --format=json: true | false.
Result<bool> parse_is_leader(std::string_view out);
// config-get --format=json: an object.
Result<nlohmann::json> parse_config_get(std::string_view out);
// status-get --include-data --format=json (unit, or --application=true when is_app).
Result<StatusInfo> parse_status_get(std::string_view out, bool is_app);
// action-get --format=json: an object.
Result<nlohmann::json> parse_action_get(std::string_view out);
// secret-add: the new secret's id on one line.
Result<std::string> parse_secret_add(std::string_view out);
// secret-get --format=json: {"key": "value", ...}.
Result<SecretContent> parse_secret_get(std::string_view out);
// secret-info-get --format=json: {"<xid>": {...}}; `id` is the id the caller asked for, if any
// (see ProcessBackend::secret_info_get for how SecretInfo::id is chosen).
Result<SecretInfo> parse_secret_info_get(std::string_view out,
                                         const std::optional<std::string>& id);
// secret-ids --format=json: ["secret:...", ...].
Result<std::vector<std::string>> parse_secret_ids(std::string_view out);
// network-get --format=json: an object.
Result<nlohmann::json> parse_network_get(std::string_view out);

}  // namespace ops::internal
