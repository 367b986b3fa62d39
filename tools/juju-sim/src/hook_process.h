// run_charm_process: starts one charm process the way the unit agent does.
//
// Contract: executes `program` directly (no shell, no arguments) with exactly `env`, cwd =
// `cwd`, stdin from /dev/null, in its own process group; stdout and stderr are captured through
// files in `scratch_dir`. If it has not exited after `timeout`, the whole process group is
// killed with SIGKILL and `timed_out` is set. A process killed by a signal reports
// exit_code 128+signal. Never throws for the child's failures; throws SimError(1) only if the
// process cannot be started at all (fork failure).
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace juju_sim {

struct ProcessResult {
  int exit_code = 0;
  bool timed_out = false;
  std::string stdout_text;
  std::string stderr_text;
};

ProcessResult run_charm_process(const std::string& program, const std::string& cwd,
                                const std::vector<std::string>& env,
                                std::chrono::milliseconds timeout, const std::string& scratch_dir);

}  // namespace juju_sim
