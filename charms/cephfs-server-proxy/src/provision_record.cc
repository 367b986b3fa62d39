#include "provision_record.h"

#include <charconv>
#include <nlohmann/json.hpp>

#include "ops/log.h"

namespace cephfs_server_proxy {
namespace {
constexpr std::string_view kPrefix = "provisioned-";
}  // namespace

std::string record_key(int relation_id) {
  return std::string(kPrefix) + std::to_string(relation_id);
}

std::string encode_record(const ProvisionRecord& record) {
  nlohmann::json j{{"fs", record.subvolume.fs_name},
                   {"group", record.subvolume.group},
                   {"subvolume", record.subvolume.name},
                   {"client", record.client_id}};
  if (record.owned()) {
    j["owner"] = record.owner;
    j["app"] = record.app;
    j["name"] = record.name;
  }
  return j.dump();
}

ops::Result<ProvisionRecord> decode_record(int relation_id, std::string_view value) {
  auto invalid = ops::Error{ops::ErrorCode::kInvalidData,
                            "provision record " + record_key(relation_id) +
                                " is not {\"fs\", \"group\", \"subvolume\", \"client\"}"};
  auto json = nlohmann::json::parse(value, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object()) return invalid;
  for (const char* field : {"fs", "group", "subvolume", "client"}) {
    if (!json.contains(field) || !json[field].is_string()) return invalid;
  }
  ProvisionRecord record{
      .relation_id = relation_id,
      .subvolume = {json["fs"].get<std::string>(), json["subvolume"].get<std::string>(),
                    json["group"].get<std::string>()},
      .client_id = json["client"].get<std::string>()};
  if (record.subvolume.fs_name.empty() || record.subvolume.name.empty() ||
      record.client_id.empty()) {
    return invalid;
  }
  if (json.contains("owner")) {
    for (const char* field : {"owner", "app", "name"}) {
      if (!json.contains(field) || !json[field].is_string()) return invalid;
    }
    record.owner = json["owner"].get<std::string>();
    record.app = json["app"].get<std::string>();
    record.name = json["name"].get<std::string>();
    if (record.owner.empty()) return invalid;
  }
  return record;
}

std::map<int, ProvisionRecord> records_from_bag(const ops::Bag& bag) {
  std::map<int, ProvisionRecord> records;
  for (const auto& [key, value] : bag) {
    if (!key.starts_with(kPrefix)) continue;
    std::string_view digits = std::string_view(key).substr(kPrefix.size());
    int id = -1;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), id);
    if (ec != std::errc() || end != digits.data() + digits.size() || id < 0) continue;
    auto record = decode_record(id, value);
    if (!record) {
      ops::log::warning("Ignoring peer data {}: {}", key, record.error().message);
      continue;
    }
    records.emplace(id, std::move(*record));
  }
  return records;
}

}  // namespace cephfs_server_proxy
