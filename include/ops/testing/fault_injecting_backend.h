// FaultInjectingBackend: an ops::Backend that forwards every call to another backend (normally the
// InMemoryBackend of an ops::testing::Context) and makes one chosen hook-tool call fail the way
// ProcessBackend reports a broken tool. Reliability tests use it to fail every call of a hook in
// turn and check that nothing half-applied survives.
//
// Faults (what ProcessBackend returns when the real tool misbehaves that way):
//  - kExitNonZero: the tool exits 1 with `stderr_text` on stderr; the call is not forwarded (the
//    tool did nothing). The error is classified exactly as ProcessBackend classifies it
//    (kModelError for the default text: "<tool> failed (exit 1): <stderr>").
//  - kGarbageOutput: the tool does its work (the call is forwarded) and exits 0 but prints
//    `kGarbage`. Tools whose output is parsed fail with ProcessBackend's kInvalidOutput
//    "<tool> printed output that is not valid JSON (N bytes, parse error at byte M)"; secret-add
//    hands the trimmed garbage back as the new secret's id, as ProcessBackend does; tools whose
//    output ProcessBackend ignores (relation-set, status-set, juju-log, secret-set, ...) succeed.
//  - kTimeout: the tool does its work (the call is forwarded) but never exits and is killed:
//    kTimeout "<tool> did not finish within 120000ms and was killed". Forwarding first is the
//    harsher case: a write may have landed although the caller sees a failure.
//
// Counting: every Backend method call is one hook-tool call, numbered from 1 per backend, except
// action_set with no results (ProcessBackend runs no tool for it). A test runs an event fault-free
// to learn N = injector.calls(), then runs it N times with injector.arm(k, kind), k = 1..N.
//
// The FaultInjector holds the plan and the counters and outlives the backends it arms; a Context
// wraps each run's InMemoryBackend through ContextOptions::wrap_backend:
//
//   ops::testing::FaultInjector injector;
//   auto ctx = Context<MyCharm>::from_charm_dir(dir, ContextOptions{.wrap_backend =
//                                                                   injector.wrapper()});
//   ctx.run(event, state);                 // fault-free: learn the number of calls
//   const int n = injector.calls();
//   injector.arm(2, FaultKind::kTimeout);  // the 2nd call of the next run times out
//   EXPECT_THROW(ctx.run(event, state), UncaughtCharmError);
//   EXPECT_EQ(injector.fired()->tool, "relation-get");
//
// Not thread-safe; one hook runs in one thread.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ops/backend.h"

namespace ops::testing {

enum class FaultKind { kExitNonZero, kGarbageOutput, kTimeout };

// "exit-non-zero", "garbage-output", "timeout".
std::string_view to_string(FaultKind kind);

// The fault that fired in the last run.
struct InjectedFault {
  int call = 0;      // 1-based number of the failed call
  std::string tool;  // e.g. "relation-set"
  FaultKind kind = FaultKind::kExitNonZero;
  friend bool operator==(const InjectedFault&, const InjectedFault&) = default;
};

class FaultInjector {
 public:
  // What a garbage-printing tool prints: not JSON, not YAML, non-empty after trimming.
  static constexpr std::string_view kGarbage = "\x01\x02<<garbage from a broken tool>>\n";
  // Stderr of a tool that exits non-zero. Avoids the texts ProcessBackend classifies specially
  // ("not found", "permission denied", ...), so the error is a plain kModelError.
  static constexpr std::string_view kDefaultStderr = "ERROR injected fault: the tool crashed";

  // Fails call number `call` (1-based) of each following run until disarm().
  void arm(int call, FaultKind kind, std::string stderr_text = std::string(kDefaultStderr));
  void disarm();

  // Calls seen by the backend of the current (or last) run; reset when a new one is wrapped.
  int calls() const { return calls_; }
  // The tools called in the current (or last) run, in order.
  const std::vector<std::string>& tools() const { return tools_; }
  // The fault that fired in the current (or last) run, if any.
  const std::optional<InjectedFault>& fired() const { return fired_; }

  // For ContextOptions::wrap_backend: resets the counters and returns a FaultInjectingBackend
  // over `inner` armed by this injector. The injector must outlive the runs.
  std::function<std::unique_ptr<ops::Backend>(ops::Backend& inner)> wrapper();

 private:
  friend class FaultInjectingBackend;
  // Counts a call of `tool`; returns the fault to inject into it, if any.
  std::optional<FaultKind> next_call(std::string_view tool);
  void begin_run();

  std::optional<int> armed_call_;
  FaultKind armed_kind_ = FaultKind::kExitNonZero;
  std::string stderr_text_{kDefaultStderr};
  int calls_ = 0;
  std::vector<std::string> tools_;
  std::optional<InjectedFault> fired_;
};

class FaultInjectingBackend : public ops::Backend {
 public:
  // Neither `inner` nor `injector` is owned; both must outlive this backend. Construction resets
  // the injector's counters (a new run begins).
  FaultInjectingBackend(ops::Backend& inner, FaultInjector& injector);

  // --- ops::Backend ---
  Result<std::vector<int>> relation_ids(std::string_view endpoint) override;
  Result<std::vector<std::string>> relation_list(std::string_view endpoint, int id) override;
  Result<std::string> relation_remote_app(std::string_view endpoint, int id) override;
  Result<Bag> relation_get(std::string_view endpoint, int id, std::string_view member,
                           bool is_app) override;
  ops::Status relation_set(std::string_view endpoint, int id, const Bag& data,
                           bool is_app) override;
  Result<bool> is_leader() override;
  Result<nlohmann::json> config_get() override;
  Result<StatusInfo> status_get(bool is_app) override;
  ops::Status status_set(std::string_view status, std::string_view message, bool is_app) override;
  ops::Status application_version_set(std::string_view version) override;
  ops::Status juju_log(std::string_view level, std::string_view message) override;
  Result<nlohmann::json> action_get() override;
  ops::Status action_set(const std::map<std::string, std::string>& results) override;
  ops::Status action_log(std::string_view message) override;
  ops::Status action_fail(std::string_view message) override;
  Result<std::string> secret_add(const SecretContent& content, const SecretMetadata& meta,
                                 SecretOwner owner) override;
  Result<SecretContent> secret_get(const std::optional<std::string>& id,
                                   const std::optional<std::string>& label, bool refresh,
                                   bool peek) override;
  Result<SecretInfo> secret_info_get(const std::optional<std::string>& id,
                                     const std::optional<std::string>& label) override;
  ops::Status secret_set(std::string_view id, const std::optional<SecretContent>& content,
                         const SecretMetadata& meta, SecretOwner owner) override;
  ops::Status secret_grant(std::string_view id, int relation_id,
                           const std::optional<std::string>& unit) override;
  ops::Status secret_revoke(std::string_view id, int relation_id,
                            const std::optional<std::string>& unit) override;
  ops::Status secret_remove(std::string_view id, std::optional<int> revision) override;
  Result<std::vector<std::string>> secret_ids() override;
  Result<nlohmann::json> network_get(std::string_view binding,
                                     std::optional<int> relation_id) override;

 private:
  // Runs `forward` (one inner call) under the armed fault for `tool`. `parses_output`: whether
  // ProcessBackend parses this tool's stdout as JSON.
  template <class T, class Forward>
  T call(std::string_view tool, bool parses_output, Forward&& forward);

  ops::Backend& inner_;
  FaultInjector& injector_;
};

}  // namespace ops::testing
