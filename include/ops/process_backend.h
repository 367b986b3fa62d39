// ProcessBackend: the Backend that runs Juju's hook tools as processes (fork/exec via
// posix_spawnp, no shell), with the argv and formats of Python ops
// (docs/reference/juju-charm-contract.md §2, §4.4).
//
// Contract:
//  - Tools are found through PATH. stdout and stderr are captured; stdin carries relation-set data.
//  - Errors are classified from stderr like ops' _wrap_hookcmd (relation not found ->
//    kRelationNotFound, secret-* "not found" -> kSecretNotFound, permission/leader texts ->
//    kPermissionDenied, else kModelError), with the tool name in the message. A missing tool gives
//    kToolNotFound ("<tool>: not found on PATH; is this running under Juju?").
//  - Secret values are written to files in a private 0700 temporary directory (0600 files), passed
//    as key#file=<path>, and removed after the call. They never reach argv.
//  - Each call has a timeout (default 120 s); a tool that does not finish is killed (kTimeout).
//  - `tool_time()` accumulates the wall time spent waiting for tools (for overhead benchmarks).
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "ops/backend.h"

namespace ops {

// Result of running one process.
struct ProcessOutput {
  int exit_code = 0;  // -1 if killed by a signal or timed out
  std::string out;
  std::string err;
  bool timed_out = false;
};

// Runs argv (argv[0] looked up in PATH) with stdin_data, capturing output. No shell.
Result<ProcessOutput> run_process(const std::vector<std::string>& argv,
                                  const std::string& stdin_data, std::chrono::milliseconds timeout);

class ProcessBackend : public Backend {
 public:
  explicit ProcessBackend(std::chrono::milliseconds timeout = std::chrono::seconds(120))
      : timeout_(timeout) {}

  Result<std::vector<int>> relation_ids(std::string_view endpoint) override;
  Result<std::vector<std::string>> relation_list(std::string_view endpoint, int id) override;
  Result<std::string> relation_remote_app(std::string_view endpoint, int id) override;
  Result<Bag> relation_get(std::string_view endpoint, int id, std::string_view member,
                           bool is_app) override;
  Status relation_set(std::string_view endpoint, int id, const Bag& data, bool is_app) override;
  Result<bool> is_leader() override;
  Result<nlohmann::json> config_get() override;
  Result<StatusInfo> status_get(bool is_app) override;
  Status status_set(std::string_view status, std::string_view message, bool is_app) override;
  Status application_version_set(std::string_view version) override;
  Status juju_log(std::string_view level, std::string_view message) override;
  Result<nlohmann::json> action_get() override;
  Status action_set(const std::map<std::string, std::string>& results) override;
  Status action_log(std::string_view message) override;
  Status action_fail(std::string_view message) override;
  Result<std::string> secret_add(const SecretContent& content, const SecretMetadata& meta,
                                 SecretOwner owner) override;
  Result<SecretContent> secret_get(const std::optional<std::string>& id,
                                   const std::optional<std::string>& label, bool refresh,
                                   bool peek) override;
  Result<SecretInfo> secret_info_get(const std::optional<std::string>& id,
                                     const std::optional<std::string>& label) override;
  Status secret_set(std::string_view id, const std::optional<SecretContent>& content,
                    const SecretMetadata& meta, SecretOwner owner) override;
  Status secret_grant(std::string_view id, int relation_id,
                      const std::optional<std::string>& unit) override;
  Status secret_revoke(std::string_view id, int relation_id,
                       const std::optional<std::string>& unit) override;
  Status secret_remove(std::string_view id, std::optional<int> revision) override;
  Result<std::vector<std::string>> secret_ids() override;
  Result<nlohmann::json> network_get(std::string_view binding,
                                     std::optional<int> relation_id) override;

  std::chrono::nanoseconds tool_time() const { return tool_time_; }
  int tool_calls() const { return tool_calls_; }

 private:
  // Runs one tool; maps failures to classified errors.
  Result<std::string> run(const std::vector<std::string>& argv, const std::string& stdin_data = "");

  std::chrono::milliseconds timeout_;
  std::chrono::nanoseconds tool_time_{0};
  int tool_calls_ = 0;
};

}  // namespace ops
