// Read-only views of the model for the CLI: status, show-unit, trace, secrets.
//
// Contract: each returns JSON shaped like the juju CLI's --format=json output where one exists
// (status: {"model", "applications": {app: {"units": {...}}}, "relations"}; show-unit:
// {unit: {"relation-info": [...]}}). Secret content never appears: `secrets` lists owners,
// labels, revisions, grants and consumers only (user secrets: owner kind `model`, a `name`, and
// grants without a relation id); the trace stores none (see tool_trace.h).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "sqlite_database.h"

namespace juju_sim {

nlohmann::json status_report(Database& db);
std::string status_text(const nlohmann::json& status);
nlohmann::json show_unit_report(Database& db, const std::string& unit);
// One relation as the model holds it: {"id", "interface", "scope", "life", "endpoints",
// "units-in-scope", "application-data": {app: bag}, "unit-data": {unit: bag}} (unit bags of
// departed units stay for the life of the relation, as in Juju).
nlohmann::json show_relation_report(Database& db, std::int64_t relation_id);
nlohmann::json trace_report(Database& db, const std::string& unit_filter);
std::string trace_text(const nlohmann::json& trace);
nlohmann::json secrets_report(Database& db);

}  // namespace juju_sim
