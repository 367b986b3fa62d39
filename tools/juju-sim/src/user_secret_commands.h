// The user-secret commands of the juju-sim CLI, shaped like Juju 3.x's:
//   add-secret NAME [key[#base64|#file]=value...] [--info TEXT] [--file YAML]  -> secret:<xid>
//   update-secret NAME|ID [key[#base64|#file]=value...] [--info TEXT] [--name NEW] [--file YAML]
//   grant-secret NAME|ID APP[,APP...]
//   revoke-secret NAME|ID APP[,APP...]
//   remove-secret NAME|ID
// `juju-sim secrets` lists them with the charm secrets (never any content).
//
// Contract: each command validates, then changes the model in one transaction (nothing is
// written on error; exit code 2 with a message naming the bad argument, never a value). Keep
// keys off the command line with `key#file=/path/to/0600-file` or `--file`. What each operation
// does to the model is in user_secrets.h.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

#include "sqlite_database.h"

namespace juju_sim {

// Registers the commands on `app`; `open` opens (or returns) the model's database.
void add_user_secret_commands(CLI::App& app, const std::function<Database&()>& open);

}  // namespace juju_sim
