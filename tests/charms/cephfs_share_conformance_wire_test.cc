// Runs the wire layer against every conformance case in STORAGE_LIBS_CONFORMANCE_CASES_DIR
// (shared/conformance/cases), read at test time. The cases describe whole hooks; this test checks
// the parts that are pure data transformations:
//  - payloads: decoding the remote application bag's share_info / auth (resolving secret ids
//    through the case's secrets) gives the expected value, or the recommended error code;
//  - cache: encoding remote_app_data gives the expected (or recommended) local_unit_data cache;
//  - triggers: the diff of the starting cache against remote_app_data fires exactly the expected
//    event (mount_share on the requirer, share_requested on a provider leader);
//  - set_share: the share_info written equals the expected bytes, the secret content equals the
//    expected content, and validation accepts the fixture values;
//  - warnings: the expected warnings are exactly the details of the auth errors.
// Hook and leadership logic is not exercised here; the Scenario-style runner does that.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "charms/storage_libs/v0/cephfs_share_validation.h"
#include "charms/storage_libs/v0/cephfs_share_wire.h"

namespace charms::storage_libs::v0 {
namespace {

namespace fs = std::filesystem;
using nlohmann::ordered_json;

std::vector<std::string> case_files() {
  std::vector<std::string> files;
  const fs::path dir(STORAGE_LIBS_CONFORMANCE_CASES_DIR);
  std::error_code ignored;
  for (const auto& entry : fs::directory_iterator(dir, ignored)) {
    if (entry.path().extension() == ".json") files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

ordered_json load(const std::string& file) {
  std::ifstream in(file);
  return ordered_json::parse(in);
}

bool is_relation_changed(const ordered_json& c) {
  return c["hook"].is_string() && c["hook"].get<std::string>().ends_with("-relation-changed");
}
bool is_requirer(const ordered_json& c) { return c["side"] == "requirer"; }
bool is_provider_leader(const ordered_json& c) {
  return c["side"] == "provider" && c["leader"].get<bool>();
}

// Cases whose charm reads a payload from the remote application bag.
bool reads_payload(const ordered_json& c) { return c["expect"]["payload"].is_object(); }
// Cases where the library diffs the remote bag against its cache and rewrites the cache.
bool evaluates_diff(const ordered_json& c) {
  return is_relation_changed(c) && (is_requirer(c) || is_provider_leader(c));
}
// Cases where a leader publishes a share.
bool sets_share(const ordered_json& c) {
  return c["call"].is_object() && c["call"].contains("set_share") && c["leader"].get<bool>();
}

std::vector<std::string> cases_where(bool (*predicate)(const ordered_json&)) {
  std::vector<std::string> selected;
  for (const auto& file : case_files()) {
    if (predicate(load(file))) selected.push_back(file);
  }
  return selected;
}

DatabagEntries entries(const ordered_json& bag) {
  DatabagEntries out;
  for (const auto& [key, value] : bag.items()) out.emplace_back(key, value.get<std::string>());
  return out;
}

Databag databag(const ordered_json& bag) {
  Databag out;
  for (const auto& [key, value] : bag.items()) out[key] = value.get<std::string>();
  return out;
}

std::optional<std::string> get(const Databag& bag, std::string_view key) {
  auto it = bag.find(std::string(key));
  if (it == bag.end()) return std::nullopt;
  return it->second;
}

// The field of `recommended` if present, else the one of `expect`.
ordered_json effective(const ordered_json& c, const std::string& field) {
  const auto& recommended = c["recommended"];
  if (recommended.is_object() && recommended.contains(field)) return recommended[field];
  return c["expect"][field];
}

ordered_json share_info_json(const CephFSShareInfo& share) {
  return {{"fsid", share.fsid},
          {"name", share.name},
          {"path", share.path},
          {"monitor_hosts", share.monitor_hosts}};
}

// Mirrors what a requirer does for event.auth_info: parse, then resolve a secret reference against
// the case's secrets (newest revision, as get_content(refresh=True) gives).
ops::Result<std::optional<CephFSAuthInfo>> read_auth_info(const ordered_json& c,
                                                          std::string_view auth) {
  auto parsed = parse_auth(auth);
  if (!parsed) return parsed.error();
  if (!parsed->has_value()) return std::optional<CephFSAuthInfo>{};
  if (const auto* plain = std::get_if<CephFSAuthInfo>(&**parsed)) {
    return std::optional<CephFSAuthInfo>(*plain);
  }
  const std::string& id = std::get<AuthSecretReference>(**parsed).secret_id;
  for (const auto& secret : c["secrets"]) {
    if (secret["id"] != id || !secret.value("granted_to_local_app", false)) continue;
    int newest = 0;
    for (const auto& [revision, unused] : secret["revisions"].items()) {
      newest = std::max(newest, std::stoi(revision));
    }
    std::map<std::string, std::string> content;
    for (const auto& [key, value] : secret["revisions"][std::to_string(newest)].items()) {
      content[key] = value.get<std::string>();
    }
    auto auth_info = auth_info_from_secret_content(content);
    if (!auth_info) return auth_info.error();
    return std::optional<CephFSAuthInfo>(*auth_info);
  }
  return ops::Error{ops::ErrorCode::kSecretNotFound, "secret not visible"};
}

// Compares one payload field with its expectation: an object, null, {"raises": ...} (any error
// is fine) or {"error": code} (that wire code).
template <class T, class ToJson>
void expect_payload(const ops::Result<std::optional<T>>& actual, const ordered_json& expected,
                    ToJson to_json, const std::string& what) {
  SCOPED_TRACE(what + " expected " + expected.dump());
  if (expected.is_object() && expected.contains("error")) {
    ASSERT_FALSE(actual.ok());
    EXPECT_EQ(wire_error_code(actual.error()), expected["error"].get<std::string>());
  } else if (expected.is_object() && expected.contains("raises")) {
    EXPECT_FALSE(actual.ok());
  } else if (expected.is_null()) {
    ASSERT_TRUE(actual.ok()) << actual.error().message;
    EXPECT_FALSE(actual->has_value());
  } else {
    ASSERT_TRUE(actual.ok()) << actual.error().message;
    ASSERT_TRUE(actual->has_value());
    EXPECT_EQ(to_json(**actual), expected);
  }
}

// One conformance case file per test.
class ConformanceCase : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    case_ = load(GetParam());
    remote_ = databag(case_["relation"]["remote_app_data"]);
    local_unit_ = databag(case_["relation"]["local_unit_data"]);
  }

  ordered_json case_;
  Databag remote_;
  Databag local_unit_;
};

class ConformancePayload : public ConformanceCase {};
class ConformanceCache : public ConformanceCase {};
class ConformanceSetShare : public ConformanceCase {};

TEST_P(ConformancePayload, DecodesThePayloadOfTheRemoteAppBag) {
  const ordered_json expected_payload = case_["expect"]["payload"];
  ordered_json recommended_payload = ordered_json::object();
  if (case_["recommended"].is_object() && case_["recommended"].contains("payload")) {
    recommended_payload = case_["recommended"]["payload"];
  }
  auto field = [&](const std::string& name) {
    return recommended_payload.contains(name) ? recommended_payload[name] : expected_payload[name];
  };
  if (expected_payload.contains("name")) {
    EXPECT_EQ(ordered_json(get(remote_, kNameKey).value_or("")), field("name"));
  }
  if (expected_payload.contains("share_info")) {
    expect_payload(decode_share_info(get(remote_, kShareInfoKey).value_or("")), field("share_info"),
                   share_info_json, "share_info");
  }
  if (expected_payload.contains("auth_info")) {
    expect_payload(
        read_auth_info(case_, get(remote_, kAuthKey).value_or("")), field("auth_info"),
        [](const CephFSAuthInfo& a) {
          return ordered_json{{"username", a.username}, {"key", a.key}};
        },
        "auth_info");
  }
}

TEST_P(ConformancePayload, LogsExactlyTheExpectedAuthWarnings) {
  std::vector<std::string> warnings;
  auto auth = parse_auth(get(remote_, kAuthKey).value_or(""));
  if (!auth) {
    const auto code = wire_error_code(auth.error());
    if (code == kInvalidAuthFormat || code == kUnknownAuthKind) {
      warnings.emplace_back(wire_error_detail(auth.error()));
    }
  }
  EXPECT_EQ(ordered_json(warnings), case_["expect"]["warnings"]);
}

TEST_P(ConformanceCache, EncodesTheCacheOfTheRemoteAppBag) {
  const ordered_json local_unit_data = effective(case_, "local_unit_data");
  ASSERT_TRUE(local_unit_data.contains("cache"));
  auto from_entries = encode_cache(entries(case_["relation"]["remote_app_data"]));
  ASSERT_TRUE(from_entries.ok()) << from_entries.error().message;
  EXPECT_EQ(*from_entries, local_unit_data["cache"].get<std::string>());
  // The bags are sorted in the cases, as Juju delivers them: a std::map gives the same bytes.
  auto from_map = encode_cache(remote_);
  ASSERT_TRUE(from_map.ok());
  EXPECT_EQ(*from_map, *from_entries);
}

TEST_P(ConformanceCache, FiresTheExpectedEventFromTheCacheDiff) {
  auto old_cache = decode_cache(get(local_unit_, kCacheKey).value_or(""));
  if (!old_cache.ok()) {
    // LIBPATCH 2 fails the hook here; the recommendation is to warn and start from {}.
    EXPECT_EQ(wire_error_code(old_cache.error()), kInvalidCache);
    EXPECT_FALSE(case_["expect"]["error"].is_null());
  }
  const CacheDiff diff = diff_cache(old_cache.value_or(Databag{}), remote_);
  std::vector<std::string> fired;
  if (is_requirer(case_)) {
    for (std::string_view key : {kShareInfoKey, kAuthKey, kAuthRevKey}) {
      if (diff.changed.contains(std::string(key))) {
        fired.emplace_back("mount_share");
        break;
      }
    }
  } else if (diff.added.contains(std::string(kNameKey))) {
    fired.emplace_back("share_requested");
  }
  EXPECT_EQ(ordered_json(fired), effective(case_, "emitted"));
}

TEST_P(ConformanceSetShare, WritesTheExpectedShareInfoAndSecretContent) {
  const ordered_json& args = case_["call"]["set_share"];
  const ordered_json& share_args = args["share_info"];
  const CephFSShareInfo share{share_args["fsid"].get<std::string>(),
                              share_args["name"].get<std::string>(),
                              share_args["path"].get<std::string>(),
                              share_args["monitor_hosts"].get<std::vector<std::string>>()};
  const CephFSAuthInfo auth{args["auth_info"]["username"].get<std::string>(),
                            args["auth_info"]["key"].get<std::string>()};

  auto share_status = validate_share_info(share);
  EXPECT_TRUE(share_status.ok()) << share_status.error().message;
  auto auth_status = validate_auth_info(auth);
  EXPECT_TRUE(auth_status.ok()) << auth_status.error().message;

  auto encoded = encode_share_info(share);
  ASSERT_TRUE(encoded.ok());
  EXPECT_EQ(*encoded, case_["expect"]["local_app_data"]["share_info"].get<std::string>());

  const auto& secrets = case_["expect"]["secrets"];
  ASSERT_EQ(secrets.size(), 1u);
  std::map<std::string, std::string> expected_content;
  for (const auto& [key, value] : secrets[0]["content"].items()) {
    expected_content[key] = value.get<std::string>();
  }
  EXPECT_EQ(auth_info_to_secret_content(auth), expected_content);
}

std::string case_name(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = fs::path(info.param).stem().string();
  std::replace_if(
      name.begin(), name.end(), [](char c) { return !std::isalnum(static_cast<unsigned char>(c)); },
      '_');
  return name;
}

INSTANTIATE_TEST_SUITE_P(Cases, ConformancePayload, ::testing::ValuesIn(cases_where(reads_payload)),
                         case_name);
INSTANTIATE_TEST_SUITE_P(Cases, ConformanceCache, ::testing::ValuesIn(cases_where(evaluates_diff)),
                         case_name);
INSTANTIATE_TEST_SUITE_P(Cases, ConformanceSetShare, ::testing::ValuesIn(cases_where(sets_share)),
                         case_name);

TEST(ConformanceCases, AreFoundAndEachIsCheckedByAtLeastOneTest) {
  const auto files = case_files();
  EXPECT_GE(files.size(), 25u) << "cases missing in " << STORAGE_LIBS_CONFORMANCE_CASES_DIR;
  std::size_t checked = 0;
  for (const auto& file : files) {
    const ordered_json c = load(file);
    if (reads_payload(c) || evaluates_diff(c) || sets_share(c)) ++checked;
  }
  // Cases about hooks with no data transformation (joined, departed without payload, broken,
  // secret-remove, request_share, non-leader set_share) belong to the Scenario runner.
  EXPECT_GE(checked, 18u);
}

}  // namespace
}  // namespace charms::storage_libs::v0
