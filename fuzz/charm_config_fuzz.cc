// libFuzzer target over the charms' configuration and stored records:
//  - cephfs-server-proxy: parse_proxy_config (the config-get object), auth_info_from_secret
//    (the content of the auth-secret secret);
//  - cephfs-client: parse_client_config, validate_mountpoint (the raw input as a mountpoint) and
//    MountPlan::from_json (the mount record the charm keeps in its stored state).
// Inputs that are JSON go to the JSON readers; every input goes to validate_mountpoint. Besides
// crashes and sanitizer reports (an escaping exception is one), it checks for every input:
//  - errors are kInvalidArgument (config, secret) or kCorruptState (mount record);
//  - no error message contains the cephx key given in auth-info or in the secret (checked for
//    keys that look like keys: 20+ base64 characters that appear nowhere else in the input);
//  - an accepted mountpoint has only the characters the contract allows, so it can never inject
//    mount options or systemd specifiers;
//  - a mount record that reads back writes and reads back to the same plan.
// Seed corpus: fuzz/corpus/charm_config/ (the charms' test configurations).
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "client_config.h"
#include "mount_plan.h"
#include "proxy_config.h"

namespace {

void check(bool condition) {
  if (!condition) __builtin_trap();
}

bool looks_like_key(std::string_view key) {
  if (key.size() < 20) return false;
  bool upper = false, lower = false, digit = false;
  for (char c : key) {
    if (c >= 'A' && c <= 'Z') {
      upper = true;
    } else if (c >= 'a' && c <= 'z') {
      lower = true;
    } else if (c >= '0' && c <= '9') {
      digit = true;
    } else if (c != '+' && c != '/' && c != '=') {
      return false;
    }
  }
  return upper && lower && digit;
}

// True when `key` occurs in `text` outside the value at `skip` (so a message may quote it).
bool occurs_elsewhere(const nlohmann::json& object, std::string_view skip, std::string_view key,
                      std::string_view user) {
  if (user.find(key) != std::string_view::npos) return true;
  for (const auto& [name, value] : object.items()) {
    if (name.find(key) != std::string::npos) return true;
    if (name != skip && value.is_string() &&
        value.get<std::string>().find(key) != std::string::npos) {
      return true;
    }
  }
  return false;
}

void check_no_key(const std::string& message, std::string_view key) {
  check(message.find(key) == std::string::npos);
  check(message.find(key.substr(0, key.size() - 1)) == std::string::npos);
}

void fuzz_proxy(const nlohmann::json& config) {
  auto parsed = cephfs_server_proxy::parse_proxy_config(config);
  if (parsed) return;
  check(parsed.error().code == ops::ErrorCode::kInvalidArgument);
  const auto auth = config.find("auth-info");
  if (auth == config.end() || !auth->is_string()) return;
  const std::string text = auth->get<std::string>();
  const auto colon = text.find(':');
  if (colon == std::string::npos) return;
  const std::string_view key = std::string_view(text).substr(colon + 1);
  const std::string_view user = std::string_view(text).substr(0, colon);
  if (looks_like_key(key) && !occurs_elsewhere(config, "auth-info", key, user)) {
    check_no_key(parsed.error().message, key);
  }
}

void fuzz_secret(const nlohmann::json& value) {
  ops::SecretContent content;
  for (const auto& [key, item] : value.items()) {
    if (!item.is_string()) return;
    content.emplace(key, item.get<std::string>());
  }
  auto auth = cephfs_server_proxy::auth_info_from_secret(content);
  if (auth) return;
  check(auth.error().code == ops::ErrorCode::kInvalidArgument);
  const auto key = content.find("key");
  if (key == content.end() || !looks_like_key(key->second)) return;
  for (const auto& [name, item] : content) {
    if (name != "key" && item.find(key->second) != std::string::npos) return;
    if (name.find(key->second) != std::string::npos) return;
  }
  check_no_key(auth.error().message, key->second);
}

void fuzz_client(const nlohmann::json& config) {
  auto parsed = cephfs_client::parse_client_config(config);
  if (!parsed) {
    check(parsed.error().code == ops::ErrorCode::kInvalidArgument);
    return;
  }
  check(cephfs_client::validate_mountpoint(parsed->mountpoint).ok());
  check(parsed->access_options().size() == 4);
}

void fuzz_mount_record(const nlohmann::json& value) {
  auto plan = cephfs_client::MountPlan::from_json(value);
  if (!plan) {
    check(plan.error().code == ops::ErrorCode::kCorruptState);
    return;
  }
  auto again = cephfs_client::MountPlan::from_json(plan->to_json());
  check(again.ok() && *again == *plan);
}

void fuzz_mountpoint(std::string_view input) {
  auto valid = cephfs_client::validate_mountpoint(input);
  if (!valid) {
    check(valid.error().code == ops::ErrorCode::kInvalidArgument);
    return;
  }
  check(input.starts_with('/') && input.size() > 1 && input.size() <= 1024);
  for (char c : input) {
    const bool allowed = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                         (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '@' || c == '+' ||
                         c == '-' || c == '/';
    check(allowed);
  }
  check(input.find("//") == std::string_view::npos && !input.ends_with('/'));
  check(input.find("/./") == std::string_view::npos &&
        input.find("/../") == std::string_view::npos);
  check(!input.ends_with("/.") && !input.ends_with("/.."));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  fuzz_mountpoint(input);
  const auto json = nlohmann::json::parse(input, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return 0;
  fuzz_mount_record(json);
  if (!json.is_object()) return 0;
  fuzz_proxy(json);
  fuzz_secret(json);
  fuzz_client(json);
  return 0;
}
