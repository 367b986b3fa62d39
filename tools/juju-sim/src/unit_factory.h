// create_unit: adds one unit to an application the way Juju does.
//
// Contract: gives the unit the next number and a machine (a subordinate shares its principal's
// machine), copies the charm into <model>/units/<app>-<n>/charm, makes it leader when the app has
// none, queues install, leader-elected (leader) or leader-settings-changed, config-changed and
// start, and enters it into every live relation of the app. For each live container-scoped
// relation to a subordinate app, also creates that app's unit for this principal.
// Returns the unit name. Runs in the caller's transaction.
#pragma once

#include <string>

#include "model_paths.h"
#include "sqlite_database.h"

namespace juju_sim {

std::string create_unit(Database& db, const ModelPaths& paths, const std::string& app,
                        const std::string& principal);

}  // namespace juju_sim
