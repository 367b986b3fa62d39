// A throw-away juju-sim model for the juju-sim fuzz targets (juju_sim_cli_fuzz,
// juju_sim_state_fuzz), built once per process with juju-sim's own library code.
//
// What: a model directory under $TMPDIR (else /tmp) holding apps "alpha" (2 units) and "beta"
// (1 unit) of a small charm with a provides, a requires and a peer endpoint, config and an action,
// with alpha:out related to beta:in; the charm's dispatch is never run (the targets never settle).
// The directory is removed at exit. Linking this file also sets ASan's default options for the
// target (__asan_default_options: small fake stacks, see juju_sim_fuzz_model.cc).
//
// Contract: run_cli() runs juju-sim's command line (tools/juju-sim/src/cli_main.cc, compiled
// with main renamed to juju_sim_cli_main) in-process with JUJU_SIM_MODEL set to the model, and
// returns its exit code with what it printed on std::cout and std::cerr. It never starts a
// process as long as the caller keeps to the commands is_safe_cli() accepts.
//
// Example:
//   juju_sim_fuzz::write_state(juju_sim_fuzz::template_state());
//   auto result = juju_sim_fuzz::run_cli({"status", "--format", "json"});
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace juju_sim_fuzz {

struct CliResult {
  int exit_code = 0;
  std::string out;
  std::string err;
};

// The model directory (made on first use).
const std::string& model_dir();
// The bytes of the model's state.db as first made.
const std::string& template_state();
// Replaces state.db by `bytes` (and drops any -wal/-shm/-journal file left next to it).
void write_state(std::string_view bytes);
// Runs `juju-sim <args...>`.
CliResult run_cli(const std::vector<std::string>& args);
// What opening the model as it is now fails with, as juju-sim's commands open it (Database and
// check_schema on state.db, as cli_main.cc's Cli::open): the SimError's message, or nullopt when
// the model opens. A command that opens the model first then prints "ERROR <message>".
std::optional<std::string> open_error();
// False for arguments that would leave the model directory or start processes: the commands
// init, deploy, add-unit, run and settle (and their prefixes) and any --model/-m option.
bool is_safe_cli(const std::vector<std::string>& args);

}  // namespace juju_sim_fuzz
