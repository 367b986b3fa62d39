#include "backend_errors.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace ops::internal {
namespace {

// A tool's stderr is a line or two; anything longer is noise that would swamp the log line.
constexpr std::size_t kMaxStderrInMessage = 4096;

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

std::string_view trim(std::string_view text) {
  constexpr std::string_view kSpace = " \t\r\n\v\f";
  const auto first = text.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(kSpace);
  return text.substr(first, last - first + 1);
}

std::string redact(std::string_view text, const std::vector<std::string>& sensitive) {
  std::string out(text);
  for (const auto& value : sensitive) {
    if (value.empty()) continue;
    for (auto pos = out.find(value); pos != std::string::npos;
         pos = out.find(value, pos + std::string_view("<redacted>").size())) {
      out.replace(pos, value.size(), "<redacted>");
    }
  }
  return out;
}

ErrorCode classify(std::string_view tool, int exit_code, std::string_view stderr_lower) {
  const bool relation_tool = tool.starts_with("relation-") || tool.starts_with("network-");
  if (relation_tool && contains(stderr_lower, "relation not found")) {
    return ErrorCode::kRelationNotFound;
  }
  if (tool.starts_with("secret-") && contains(stderr_lower, "not found")) {
    return ErrorCode::kSecretNotFound;
  }
  // Juju exits 2 for flag and argument errors, e.g. a secret id that is not a secret URI: the
  // value was refused, running the tool again will not help.
  if (tool.starts_with("secret-") && exit_code == 2) return ErrorCode::kInvalidArgument;
  for (std::string_view text :
       {"permission denied", "access denied", "not the leader", "cannot write relation settings"}) {
    if (contains(stderr_lower, text)) return ErrorCode::kPermissionDenied;
  }
  return ErrorCode::kModelError;
}

}  // namespace

Error classify_tool_failure(std::string_view tool, int exit_code, std::string_view stderr_text,
                            const std::vector<std::string>& sensitive) {
  const ErrorCode code = classify(tool, exit_code, lower(stderr_text));

  // Redact before cutting, so a value straddling the cut cannot leave a fragment behind.
  std::string detail = redact(trim(stderr_text), sensitive);
  if (detail.size() > kMaxStderrInMessage) {
    detail.resize(kMaxStderrInMessage);
    detail += " [...]";
  }
  const std::string how =
      exit_code < 0 ? std::string("killed by a signal") : fmt::format("exit {}", exit_code);
  if (detail.empty()) {
    return Error{code, fmt::format("{} failed ({}) with no error output", tool, how)};
  }
  return Error{code, fmt::format("{} failed ({}): {}", tool, how, detail)};
}

Error invalid_output(std::string_view tool, std::string_view what) {
  return Error{ErrorCode::kInvalidOutput, fmt::format("{} printed {}", tool, what)};
}

Error tool_not_found(std::string_view tool) {
  return Error{ErrorCode::kToolNotFound,
               fmt::format("{}: not found on PATH; is this running under Juju?", tool)};
}

Error tool_timeout(std::string_view tool, std::chrono::milliseconds timeout) {
  return Error{ErrorCode::kTimeout,
               fmt::format("{} did not finish within {}ms and was killed", tool, timeout.count())};
}

}  // namespace ops::internal
