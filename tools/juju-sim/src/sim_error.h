// SimError: the one error type of juju-sim and its fake hook tools.
//
// Contract: `exit_code` is what the process should exit with (2 = usage or bad input, the way Juju
// reports flag errors; 1 = a run-time failure). `message` is printed as is (the tools prefix it
// with "ERROR "). Messages name the offending value and never contain secret content. Errors are
// thrown below and caught in exactly one place per binary: the CLI's main and the tool's main.
#pragma once

#include <stdexcept>
#include <string>

namespace juju_sim {

class SimError : public std::runtime_error {
 public:
  SimError(int exit_code, const std::string& message)
      : std::runtime_error(message), exit_code_(exit_code) {}
  int exit_code() const { return exit_code_; }

 private:
  int exit_code_;
};

// Bad input from the user or a bad tool argument: exit code 2.
inline SimError usage_error(const std::string& message) { return SimError(2, message); }
// Run-time failure (permission denied, not found while running): exit code 1.
inline SimError runtime_error(const std::string& message) { return SimError(1, message); }

}  // namespace juju_sim
