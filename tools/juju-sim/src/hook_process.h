// run_charm_process: starts one charm process the way the unit agent does.
//
// Contract: executes `program` directly (no shell, no arguments) with exactly `env`, cwd =
// `cwd`, stdin from /dev/null, in its own process group; stdout and stderr are captured through
// files in `scratch_dir`. If it has not exited after `timeout`, the whole process group is
// killed with SIGKILL and `timed_out` is set. A process killed by a signal reports
// exit_code 128+signal. Never throws: a process that cannot be started (no such file, not
// executable, bad cwd) reports exit_code 127 (not found) or 126 with the reason on stderr.
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
