// Charm processes: started the way the unit agent starts them, waited for one or many at a time.
//
// Contract: start_charm_process() executes `program` directly (no shell, no arguments) with
// exactly `env`, cwd = `cwd`, stdin from /dev/null, in its own process group; stdout and stderr
// are captured through files in `scratch_dir` (one running process per scratch dir). It never
// throws: a process that cannot be started (no such file, not executable, bad cwd) is already
// finished with exit_code 127 (not found) or 126 and the reason on stderr.
// poll_charm_process() never blocks: it returns the result once the process has exited, or kills
// the whole process group with SIGKILL when `timeout` has passed (timed_out set). A process killed
// by a signal reports exit_code 128+signal. wait_for_charm_processes() blocks until one of the
// processes may have exited or the earliest deadline has passed (at most 1 s).
// run_charm_process() is start + wait + poll for a single process.
//
// Example (N processes at once):
//   std::vector<CharmProcess*> running = ...;
//   wait_for_charm_processes(running);
//   for (auto* p : running) if (auto result = poll_charm_process(*p)) ...;
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace juju_sim {

struct ProcessResult {
  int exit_code = 0;
  bool timed_out = false;
  std::string stdout_text;
  std::string stderr_text;
};

struct CharmProcess {
  int pid = -1;
  int pidfd = -1;  // -1 when the kernel has no pidfd_open: waiting falls back to short sleeps
  std::chrono::steady_clock::time_point deadline;
  std::string out_path, err_path;
  std::optional<ProcessResult> early;  // set when the process could not be started

  CharmProcess() = default;
  CharmProcess(CharmProcess&& other) noexcept;
  CharmProcess& operator=(CharmProcess&& other) noexcept;
  CharmProcess(const CharmProcess&) = delete;
  CharmProcess& operator=(const CharmProcess&) = delete;
  ~CharmProcess();  // closes the pidfd (a finished process has been reaped by poll)
};

CharmProcess start_charm_process(const std::string& program, const std::string& cwd,
                                 const std::vector<std::string>& env,
                                 std::chrono::milliseconds timeout, const std::string& scratch_dir);
std::optional<ProcessResult> poll_charm_process(CharmProcess& process);
void wait_for_charm_processes(const std::vector<CharmProcess*>& processes);

ProcessResult run_charm_process(const std::string& program, const std::string& cwd,
                                const std::vector<std::string>& env,
                                std::chrono::milliseconds timeout, const std::string& scratch_dir);

}  // namespace juju_sim
