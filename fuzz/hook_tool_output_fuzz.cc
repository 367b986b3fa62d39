// libFuzzer target over hook-tool output as ProcessBackend reads it (src/ops/tool_output.h):
// every input is fed, as stdout, to the parser of each tool (relation-ids, relation-list,
// relation-get, is-leader, config-get, status-get, action-get, secret-add, secret-get,
// secret-info-get, secret-ids, network-get). Besides crashes and sanitizer reports (an escaping
// exception is one: a hook must never die on what a tool printed) it checks for every input:
//  - a parser fails only with kInvalidOutput, and its message starts with the tool's name;
//  - the message never quotes the output: a secret-get value of 16+ bytes never appears in it
//    (unless it appears whatever the value is: the message's own words);
//  - what parses is what the JSON says (relation-get and secret-get keep every key and value).
// Seed corpus: fuzz/corpus/hook_tool_output/ (real Juju 3.x outputs and juju-sim's).
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "tool_output.h"

namespace {

void check(bool condition) {
  if (!condition) __builtin_trap();
}

template <typename T>
void check_error(const ops::Result<T>& result, std::string_view tool) {
  if (result) return;
  check(result.error().code == ops::ErrorCode::kInvalidOutput);
  check(std::string_view(result.error().message).starts_with(tool));
}

constexpr std::size_t kAll = 13;

// The parsed JSON (if it is JSON), for cross-checks.
std::optional<nlohmann::json> reference(std::string_view input) {
  auto value = nlohmann::json::parse(input, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) return std::nullopt;
  return value;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view out(reinterpret_cast<const char*>(data), size);
  using namespace ops::internal;

  // Every parser on JSON; on anything else one parser, chosen by the size, since they all fail
  // in the same parse_json (and a C++ exception per parser would make this target 10x slower).
  const auto json = reference(out);
  const std::size_t only = json ? kAll : size % kAll;
  auto run = [&](std::size_t index) { return only == kAll || only == index; };
  if (run(0)) check_error(parse_relation_ids(out), "relation-ids");
  if (run(1)) check_error(parse_relation_list(out), "relation-list");
  if (run(2)) check_error(parse_relation_remote_app(out), "relation-list");
  if (run(3)) check_error(parse_is_leader(out), "is-leader");
  if (run(4)) check_error(parse_config_get(out), "config-get");
  if (run(5)) check_error(parse_status_get(out, false), "status-get");
  if (run(6)) check_error(parse_status_get(out, true), "status-get");
  if (run(7)) check_error(parse_action_get(out), "action-get");
  if (run(8)) check_error(parse_secret_ids(out), "secret-ids");
  if (run(9)) check_error(parse_network_get(out), "network-get");
  if (run(10)) check_error(parse_secret_info_get(out, std::nullopt), "secret-info-get");
  if (run(11)) {
    check_error(parse_secret_info_get(out, std::string("secret:cr8vcqgpc9t8oet2fdlg")),
                "secret-info-get");
  }
  auto added = parse_secret_add(out);
  check_error(added, "secret-add");
  if (added) check(!added->empty() && out.find(*added) != std::string_view::npos);

  if (!run(12)) return 0;  // relation-get and secret-get, cross-checked against the JSON
  auto bag = parse_relation_get(out);
  check_error(bag, "relation-get");
  if (bag) {
    check(json.has_value() && (json->is_null() || json->size() == bag->size()));
    for (const auto& [key, value] : *bag) check(json->at(key).get<std::string>() == value);
  }

  auto content = parse_secret_get(out);
  check_error(content, "secret-get");
  if (!content && json && json->is_object()) {
    for (const auto& [key, value] : json->items()) {
      if (!value.is_string() || value.get<std::string>().size() < 16) continue;
      const std::string& secret = value.get_ref<const std::string&>();
      if (content.error().message.find(secret) == std::string::npos) continue;
      // The text is in the message. It leaked unless the message says it whatever the value is
      // (a value may equal the message's own words, e.g. "whose value for key"): the same
      // document with only this value changed must give a message that still contains it.
      nlohmann::json changed = *json;
      std::string other = secret;
      for (char& c : other) c = c == 'a' ? 'b' : 'a';
      changed[key] = other;
      auto again = parse_secret_get(changed.dump());
      check(!again && again.error().message.find(secret) != std::string::npos);
    }
  }
  return 0;
}
