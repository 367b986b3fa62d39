#include "ops/testing/fault_injecting_backend.h"

#include <fmt/format.h>

#include <chrono>
#include <utility>

#include "../backend_errors.h"

namespace ops::testing {
namespace {

// ProcessBackend's default per-tool timeout.
constexpr std::chrono::milliseconds kProcessTimeout = std::chrono::seconds(120);

// Exactly the error ProcessBackend's JSON parsing gives for `output`.
Error unparsable_output(std::string_view tool, std::string_view output) {
  try {
    const auto parsed = nlohmann::json::parse(output);
    (void)parsed;
  } catch (const nlohmann::json::parse_error& e) {
    return ops::internal::invalid_output(
        tool, fmt::format("output that is not valid JSON ({} bytes, parse error at byte {})",
                          output.size(), e.byte));
  }
  return ops::internal::invalid_output(tool, "output of an unexpected shape");
}

std::string_view trim(std::string_view text) {
  constexpr std::string_view kSpace = " \t\r\n";
  const auto begin = text.find_first_not_of(kSpace);
  if (begin == std::string_view::npos) return {};
  return text.substr(begin, text.find_last_not_of(kSpace) - begin + 1);
}

}  // namespace

std::string_view to_string(FaultKind kind) {
  switch (kind) {
    case FaultKind::kExitNonZero:
      return "exit-non-zero";
    case FaultKind::kGarbageOutput:
      return "garbage-output";
    case FaultKind::kTimeout:
      return "timeout";
  }
  return "unknown";
}

// --- FaultInjector -----------------------------------------------------------------------------

void FaultInjector::arm(int call, FaultKind kind, std::string stderr_text) {
  armed_call_ = call;
  armed_kind_ = kind;
  stderr_text_ = std::move(stderr_text);
}

void FaultInjector::disarm() { armed_call_.reset(); }

void FaultInjector::begin_run() {
  calls_ = 0;
  tools_.clear();
  fired_.reset();
}

std::optional<FaultKind> FaultInjector::next_call(std::string_view tool) {
  ++calls_;
  tools_.emplace_back(tool);
  if (!armed_call_ || *armed_call_ != calls_) return std::nullopt;
  fired_ = InjectedFault{calls_, std::string(tool), armed_kind_};
  return armed_kind_;
}

std::function<std::unique_ptr<ops::Backend>(ops::Backend& inner)> FaultInjector::wrapper() {
  return [this](ops::Backend& inner) -> std::unique_ptr<ops::Backend> {
    return std::make_unique<FaultInjectingBackend>(inner, *this);
  };
}

// --- FaultInjectingBackend ---------------------------------------------------------------------

FaultInjectingBackend::FaultInjectingBackend(ops::Backend& inner, FaultInjector& injector)
    : inner_(inner), injector_(injector) {
  injector_.begin_run();
}

template <class T, class Forward>
T FaultInjectingBackend::call(std::string_view tool, bool parses_output, Forward&& forward) {
  const auto fault = injector_.next_call(tool);
  if (!fault) return forward();
  switch (*fault) {
    case FaultKind::kExitNonZero:
      return ops::internal::classify_tool_failure(tool, 1, injector_.stderr_text_);
    case FaultKind::kGarbageOutput: {
      T result = forward();
      if (!parses_output) return result;
      return unparsable_output(tool, FaultInjector::kGarbage);
    }
    case FaultKind::kTimeout:
      (void)forward();
      return ops::internal::tool_timeout(tool, kProcessTimeout);
  }
  return forward();
}

Result<std::vector<int>> FaultInjectingBackend::relation_ids(std::string_view endpoint) {
  return call<Result<std::vector<int>>>("relation-ids", true,
                                        [&] { return inner_.relation_ids(endpoint); });
}

Result<std::vector<std::string>> FaultInjectingBackend::relation_list(std::string_view endpoint,
                                                                      int id) {
  return call<Result<std::vector<std::string>>>("relation-list", true,
                                                [&] { return inner_.relation_list(endpoint, id); });
}

Result<std::string> FaultInjectingBackend::relation_remote_app(std::string_view endpoint, int id) {
  return call<Result<std::string>>("relation-list", true,
                                   [&] { return inner_.relation_remote_app(endpoint, id); });
}

Result<Bag> FaultInjectingBackend::relation_get(std::string_view endpoint, int id,
                                                std::string_view member, bool is_app) {
  return call<Result<Bag>>("relation-get", true,
                           [&] { return inner_.relation_get(endpoint, id, member, is_app); });
}

ops::Status FaultInjectingBackend::relation_set(std::string_view endpoint, int id, const Bag& data,
                                                bool is_app) {
  return call<ops::Status>("relation-set", false,
                           [&] { return inner_.relation_set(endpoint, id, data, is_app); });
}

Result<bool> FaultInjectingBackend::is_leader() {
  return call<Result<bool>>("is-leader", true, [&] { return inner_.is_leader(); });
}

Result<nlohmann::json> FaultInjectingBackend::config_get() {
  return call<Result<nlohmann::json>>("config-get", true, [&] { return inner_.config_get(); });
}

Result<StatusInfo> FaultInjectingBackend::status_get(bool is_app) {
  return call<Result<StatusInfo>>("status-get", true, [&] { return inner_.status_get(is_app); });
}

ops::Status FaultInjectingBackend::status_set(std::string_view status, std::string_view message,
                                              bool is_app) {
  return call<ops::Status>("status-set", false,
                           [&] { return inner_.status_set(status, message, is_app); });
}

ops::Status FaultInjectingBackend::application_version_set(std::string_view version) {
  return call<ops::Status>("application-version-set", false,
                           [&] { return inner_.application_version_set(version); });
}

ops::Status FaultInjectingBackend::juju_log(std::string_view level, std::string_view message) {
  return call<ops::Status>("juju-log", false, [&] { return inner_.juju_log(level, message); });
}

Result<nlohmann::json> FaultInjectingBackend::action_get() {
  return call<Result<nlohmann::json>>("action-get", true, [&] { return inner_.action_get(); });
}

ops::Status FaultInjectingBackend::action_set(const std::map<std::string, std::string>& results) {
  if (results.empty()) return inner_.action_set(results);  // no tool runs for it
  return call<ops::Status>("action-set", false, [&] { return inner_.action_set(results); });
}

ops::Status FaultInjectingBackend::action_log(std::string_view message) {
  return call<ops::Status>("action-log", false, [&] { return inner_.action_log(message); });
}

ops::Status FaultInjectingBackend::action_fail(std::string_view message) {
  return call<ops::Status>("action-fail", false, [&] { return inner_.action_fail(message); });
}

Result<std::string> FaultInjectingBackend::secret_add(const SecretContent& content,
                                                      const SecretMetadata& meta,
                                                      SecretOwner owner) {
  const auto fault = injector_.next_call("secret-add");
  if (!fault) return inner_.secret_add(content, meta, owner);
  switch (*fault) {
    case FaultKind::kExitNonZero:
      return ops::internal::classify_tool_failure("secret-add", 1, injector_.stderr_text_);
    case FaultKind::kGarbageOutput: {
      // ProcessBackend takes secret-add's trimmed stdout as the id, whatever it is.
      auto added = inner_.secret_add(content, meta, owner);
      if (!added) return added;
      return std::string(trim(FaultInjector::kGarbage));
    }
    case FaultKind::kTimeout:
      (void)inner_.secret_add(content, meta, owner);
      return ops::internal::tool_timeout("secret-add", kProcessTimeout);
  }
  return inner_.secret_add(content, meta, owner);
}

Result<SecretContent> FaultInjectingBackend::secret_get(const std::optional<std::string>& id,
                                                        const std::optional<std::string>& label,
                                                        bool refresh, bool peek) {
  return call<Result<SecretContent>>("secret-get", true,
                                     [&] { return inner_.secret_get(id, label, refresh, peek); });
}

Result<SecretInfo> FaultInjectingBackend::secret_info_get(const std::optional<std::string>& id,
                                                          const std::optional<std::string>& label) {
  return call<Result<SecretInfo>>("secret-info-get", true,
                                  [&] { return inner_.secret_info_get(id, label); });
}

ops::Status FaultInjectingBackend::secret_set(std::string_view id,
                                              const std::optional<SecretContent>& content,
                                              const SecretMetadata& meta, SecretOwner owner) {
  return call<ops::Status>("secret-set", false,
                           [&] { return inner_.secret_set(id, content, meta, owner); });
}

ops::Status FaultInjectingBackend::secret_grant(std::string_view id, int relation_id,
                                                const std::optional<std::string>& unit) {
  return call<ops::Status>("secret-grant", false,
                           [&] { return inner_.secret_grant(id, relation_id, unit); });
}

ops::Status FaultInjectingBackend::secret_revoke(std::string_view id, int relation_id,
                                                 const std::optional<std::string>& unit) {
  return call<ops::Status>("secret-revoke", false,
                           [&] { return inner_.secret_revoke(id, relation_id, unit); });
}

ops::Status FaultInjectingBackend::secret_remove(std::string_view id, std::optional<int> revision) {
  return call<ops::Status>("secret-remove", false,
                           [&] { return inner_.secret_remove(id, revision); });
}

Result<std::vector<std::string>> FaultInjectingBackend::secret_ids() {
  return call<Result<std::vector<std::string>>>("secret-ids", true,
                                                [&] { return inner_.secret_ids(); });
}

Result<nlohmann::json> FaultInjectingBackend::network_get(std::string_view binding,
                                                          std::optional<int> relation_id) {
  return call<Result<nlohmann::json>>("network-get", true,
                                      [&] { return inner_.network_get(binding, relation_id); });
}

}  // namespace ops::testing
