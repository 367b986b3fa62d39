#include "charms/storage_libs/v0/cephfs_share_wire.h"

#include <array>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "cephfs/share_fields.h"
#include "charms/storage_libs/v0/python_json.h"
#include "error_text.h"
#include "ops/secret_id.h"

namespace charms::storage_libs::v0 {
namespace {

constexpr std::array<std::string_view, 10> kWireCodes = {
    kInvalidShareInfo,   kInvalidAuthFormat,  kUnknownAuthKind,
    kInvalidAuthContent, kInvalidCache,       kInvalidAuthInfo,
    kInvalidEncoding,    kAuthSecretNotFound, kRelationDataUnavailable,
    kInvalidSecretId};

ops::Error invalid_data(std::string_view wire_code, std::string_view explanation) {
  return detail::make_wire_error(ops::ErrorCode::kInvalidData, wire_code, explanation);
}

// Re-labels an error of python_json_dumps (invalid UTF-8) for the named field.
ops::Error encoding_error(std::string_view what, const ops::Error& error) {
  return detail::make_wire_error(ops::ErrorCode::kInvalidArgument, kInvalidEncoding,
                                 std::string(what) + ": " + error.message);
}

// A name for a JSON type as a Python peer's operator would say it.
std::string_view json_type_name(const nlohmann::json& value) {
  using Type = nlohmann::json::value_t;
  switch (value.type()) {
    case Type::null:
      return "null";
    case Type::boolean:
      return "a boolean";
    case Type::number_integer:
    case Type::number_unsigned:
    case Type::number_float:
      return "a number";
    case Type::string:
      return "a string";
    case Type::array:
      return "an array";
    case Type::object:
      return "an object";
    default:
      return "an unsupported value";
  }
}

// Parses JSON like Python's json.loads for the values this protocol carries. The error detail
// gives only a byte offset, never the text, which may contain a key; `advice` says what is
// expected.
ops::Result<nlohmann::json> parse_json(std::string_view text, std::string_view wire_code,
                                       std::string_view what, std::string_view advice) {
  std::string problem;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") {
    problem = " is not valid JSON (it starts with a byte order mark)";  // Python rejects it too
  } else {
    try {
      return nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error& e) {
      problem = " is not valid JSON (syntax error near byte " + std::to_string(e.byte) + ")";
    } catch (const nlohmann::json::exception&) {
      // out_of_range 406: a number beyond double's range (Python would read it as inf).
      problem = " could not be read as JSON (a number is out of range)";
    }
  }
  return invalid_data(wire_code, std::string(what) + problem + std::string(advice));
}

const nlohmann::json* find_member(const nlohmann::json& object, std::string_view key) {
  auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

constexpr std::string_view kShareInfoExpectation =
    "; the provider must publish a JSON object with exactly the keys fsid, name, path (strings) "
    "and monitor_hosts (array of strings)";

constexpr std::string_view kCacheAdvice =
    "; the cache is this unit's own copy of the remote application bag and can be discarded";

constexpr std::string_view kPlainAuthAdvice =
    R"(; expected plain:{"username": "<cephx user>", "key": "<cephx key>"})";

ops::Error share_info_error(const std::string& detail) {
  return invalid_data(kInvalidShareInfo, detail + std::string(kShareInfoExpectation));
}

// The error for credentials of the wrong shape. Names nothing from the content: an unexpected
// key may itself be secret material.
ops::Error auth_content_error(std::string_view source, std::string_view problem) {
  return invalid_data(kInvalidAuthContent,
                      std::string(source) + " " + std::string(problem) +
                          "; expected exactly the string fields username and key");
}

ops::Result<CephFSAuthInfo> auth_info_from_json(const nlohmann::json& value,
                                                std::string_view source) {
  if (!value.is_object()) {
    return auth_content_error(source,
                              "is " + std::string(json_type_name(value)) + ", not a JSON object");
  }
  const nlohmann::json* username = find_member(value, "username");
  const nlohmann::json* key = find_member(value, "key");
  if (username == nullptr || key == nullptr) {
    return auth_content_error(source, username == nullptr ? "lacks username" : "lacks key");
  }
  if (value.size() != 2) {
    return auth_content_error(source,
                              "has " + std::to_string(value.size() - 2) + " unexpected field(s)");
  }
  if (!username->is_string() || !key->is_string()) {
    return auth_content_error(
        source, username->is_string() ? "has a non-string key" : "has a non-string username");
  }
  return CephFSAuthInfo{username->get<std::string>(), key->get<std::string>()};
}

template <class Bag>
ops::Result<std::string> encode_cache_entries(const Bag& remote_app_bag) {
  nlohmann::ordered_json object = nlohmann::ordered_json::object();
  for (const auto& [key, value] : remote_app_bag) {
    if (key == kCacheKey) continue;
    object[key] = value;  // a repeated key keeps its first position and the last value
  }
  auto text = python_json_dumps(object);
  if (!text) return encoding_error("cache", text.error());
  return std::move(text).value();
}

}  // namespace

std::string_view wire_error_code(const ops::Error& error) {
  const std::string_view message = error.message;
  for (std::string_view code : kWireCodes) {
    if (message.size() > code.size() + 1 && message.substr(0, code.size()) == code &&
        message.substr(code.size(), 2) == ": ") {
      return code;
    }
  }
  return {};
}

std::string_view wire_error_detail(const ops::Error& error) {
  const std::string_view code = wire_error_code(error);
  std::string_view message = error.message;
  if (!code.empty()) message.remove_prefix(code.size() + 2);
  return message;
}

ops::Result<std::string> encode_share_info(const CephFSShareInfo& share_info) {
  nlohmann::ordered_json object = nlohmann::ordered_json::object();
  object["fsid"] = share_info.fsid;
  object["name"] = share_info.name;
  object["path"] = share_info.path;
  object["monitor_hosts"] = nlohmann::ordered_json::array();
  for (const auto& host : share_info.monitor_hosts) object["monitor_hosts"].push_back(host);
  auto text = python_json_dumps(object);
  if (!text) return encoding_error("share_info", text.error());
  return std::move(text).value();
}

ops::Result<std::optional<CephFSShareInfo>> decode_share_info(std::string_view value) {
  if (value.empty()) return std::optional<CephFSShareInfo>{};
  auto parsed = parse_json(value, kInvalidShareInfo, "share_info", kShareInfoExpectation);
  if (!parsed) return parsed.error();
  const nlohmann::json& json = *parsed;
  if (!json.is_object()) {
    return share_info_error("share_info is " + std::string(json_type_name(json)) +
                            ", not a JSON object");
  }
  for (const auto& [key, unused] : json.items()) {
    if (key != "fsid" && key != "name" && key != "path" && key != "monitor_hosts") {
      return share_info_error("share_info has the unexpected key " + cephfs::quote_untrusted(key));
    }
  }
  CephFSShareInfo share_info;
  const std::pair<const char*, std::string*> string_fields[] = {
      {"fsid", &share_info.fsid}, {"name", &share_info.name}, {"path", &share_info.path}};
  for (const auto& [key, field] : string_fields) {
    const nlohmann::json* member = find_member(json, key);
    if (member == nullptr) return share_info_error(std::string("share_info lacks the key ") + key);
    if (!member->is_string()) {
      return share_info_error(std::string("share_info ") + key + " is " +
                              std::string(json_type_name(*member)) + ", not a string");
    }
    *field = member->get<std::string>();
  }
  const nlohmann::json* hosts = find_member(json, "monitor_hosts");
  if (hosts == nullptr) return share_info_error("share_info lacks the key monitor_hosts");
  if (!hosts->is_array()) {
    return share_info_error("share_info monitor_hosts is " + std::string(json_type_name(*hosts)) +
                            ", not an array");
  }
  for (std::size_t i = 0; i < hosts->size(); ++i) {
    const nlohmann::json& host = (*hosts)[i];
    if (!host.is_string()) {
      return share_info_error("share_info monitor_hosts[" + std::to_string(i) + "] is " +
                              std::string(json_type_name(host)) + ", not a string");
    }
    share_info.monitor_hosts.push_back(host.get<std::string>());
  }
  return std::optional<CephFSShareInfo>(std::move(share_info));
}

bool is_secret_uri(std::string_view value) {
  // A bare <xid> is a secret id too (ops::SecretId), but not a value of the `secret:` kind.
  return value.starts_with("secret:") && ops::SecretId::is_valid(value);
}

ops::Result<std::optional<AuthValue>> parse_auth(std::string_view value) {
  if (value.empty()) return std::optional<AuthValue>{};
  const std::size_t colon = value.find(':');
  if (colon == std::string_view::npos) {
    return invalid_data(kInvalidAuthFormat, kAuthWithoutKindWarning);
  }
  const std::string_view kind = value.substr(0, colon);
  if (kind == "secret") {
    if (!is_secret_uri(value)) {
      return invalid_data(kInvalidSecretId,
                          "auth names a secret id that is not a Juju secret URI "
                          "(secret:<id> or secret://<model uuid>/<id>)");
    }
    return std::optional<AuthValue>(AuthSecretReference{std::string(value)});
  }
  if (kind != "plain") return invalid_data(kUnknownAuthKind, kUnknownAuthKindWarning);
  auto parsed =
      parse_json(value.substr(colon + 1), kInvalidAuthContent, "plain: auth", kPlainAuthAdvice);
  if (!parsed) return parsed.error();
  auto auth_info = auth_info_from_json(*parsed, "plain: auth");
  if (!auth_info) return auth_info.error();
  return std::optional<AuthValue>(std::move(auth_info).value());
}

ops::Result<std::string> encode_plain_auth(const CephFSAuthInfo& auth_info) {
  nlohmann::ordered_json object = nlohmann::ordered_json::object();
  object["username"] = auth_info.username;
  object["key"] = auth_info.key;
  auto text = python_json_dumps(object);
  // The detail carries only a byte offset, which does not reveal the key.
  if (!text) return encoding_error("plain: auth", text.error());
  return "plain:" + std::move(text).value();
}

std::map<std::string, std::string> auth_info_to_secret_content(const CephFSAuthInfo& auth_info) {
  return {{"username", auth_info.username}, {"key", auth_info.key}};
}

ops::Result<CephFSAuthInfo> auth_info_from_secret_content(
    const std::map<std::string, std::string>& content) {
  auto username = content.find("username");
  auto key = content.find("key");
  if (username == content.end() || key == content.end()) {
    return auth_content_error("the auth secret",
                              username == content.end() ? "lacks username" : "lacks key");
  }
  if (content.size() != 2) {
    return auth_content_error("the auth secret",
                              "has " + std::to_string(content.size() - 2) + " unexpected field(s)");
  }
  return CephFSAuthInfo{username->second, key->second};
}

ops::Result<std::string> encode_cache(const Databag& remote_app_bag) {
  return encode_cache_entries(remote_app_bag);
}

ops::Result<std::string> encode_cache(const DatabagEntries& remote_app_bag) {
  return encode_cache_entries(remote_app_bag);
}

ops::Result<Databag> decode_cache(std::string_view value) {
  if (value.empty()) return Databag{};
  auto parsed = parse_json(value, kInvalidCache, "cache", kCacheAdvice);
  if (!parsed) return parsed.error();
  if (!parsed->is_object()) {
    return invalid_data(kInvalidCache, "cache is " + std::string(json_type_name(*parsed)) +
                                           ", not a JSON object" + std::string(kCacheAdvice));
  }
  Databag cache;
  for (const auto& [key, member] : parsed->items()) {
    // The values are copies of relation data, possibly a plain: auth with a key: never name them.
    if (!member.is_string()) {
      return invalid_data(kInvalidCache, "cache holds " + std::string(json_type_name(member)) +
                                             " where a string is expected" +
                                             std::string(kCacheAdvice));
    }
    cache[key] = member.get<std::string>();
  }
  return cache;
}

CacheDiff diff_cache(const Databag& old_cache, const Databag& remote_app_bag) {
  CacheDiff diff;
  for (const auto& [key, value] : remote_app_bag) {
    if (key == kCacheKey) continue;
    auto old = old_cache.find(key);
    if (old == old_cache.end()) {
      diff.added.insert(key);
      diff.changed.insert(key);
    } else if (old->second != value) {
      diff.changed.insert(key);
    }
  }
  // Python's old.keys() - new.keys(), where new never holds `cache`.
  for (const auto& [key, unused] : old_cache) {
    if (key == kCacheKey || !remote_app_bag.contains(key)) diff.deleted.insert(key);
  }
  return diff;
}

}  // namespace charms::storage_libs::v0
