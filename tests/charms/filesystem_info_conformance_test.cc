// Runs every entry of cases.json in STORAGE_LIBS_FILESYSTEM_INFO_CASES_DIR (shared/conformance/
// filesystem_info, read at test time) against the C++ libraries: the URI layer byte for byte
// (encode, decode, hostinfo), the typed layer (decode's info / info_error, typed), and the
// mount_info application bag through MountRequires::set_mount_info and MountProvides.
//
// Where the typed layer refuses what Python accepts (docs/protocol.md, "filesystem_info"), the
// case is listed in kStricterThanPython with the error we give instead.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <variant>

#include "charms/filesystem_client/v0/filesystem_info.h"
#include "charms/filesystem_client/v0/mount_info.h"
#include "ops/testing/context.h"

namespace charms::filesystem_client::v0 {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

// URI -> part of the C++ error, for the decode cases whose typed info Python accepts and we do not.
const std::map<std::string, std::string> kStricterThanPython = {
    // fsid "f&g=h", name "n+m", user "us@er:x": outside the Ceph grammars.
    {"cephfs://us%40er%3Ax@(h%3A1)/"
     "p%25q%3Fr%23s?fsid=f%26g%3Dh&name=n%2Bm&auth=plain%3Aa%2Fb%2Bc%3D%3D",
     "fsid \"f&g=h\""},
    // A ".." segment in a path a root requirer mounts.
    {"nfs://(h)/a/../b", "path \"/a/../b\""},
};

// Python's message -> ours, for typed errors whose cause is the same but whose text is not.
const std::map<std::string, std::string> kOtherMessage = {
    // A `secret:` auth without a model: Python dereferences None.
    {"'NoneType' object has no attribute 'get_secret'", "needs a model"},
};

json load_cases() {
  std::ifstream in(std::string(STORAGE_LIBS_FILESYSTEM_INFO_CASES_DIR) + "/cases.json");
  if (!in) return json::object();
  return json::parse(in);
}

const json& cases() {
  static const json all = load_cases();
  return all;
}

// cases.json stores `options` with sorted keys; the wire order is the one the typed infos use.
std::vector<std::pair<std::string, std::string>> wire_ordered(const json& options) {
  static const std::vector<std::string> kOrder = {"fsid", "name", "auth", "auth-rev", "fs-name"};
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& key : kOrder) {
    if (options.contains(key)) out.emplace_back(key, options[key].get<std::string>());
  }
  for (const auto& [key, value] : options.items()) {
    if (std::find(kOrder.begin(), kOrder.end(), key) == kOrder.end()) {
      out.emplace_back(key, value.get<std::string>());
    }
  }
  return out;
}

json info_json(const FilesystemInfo& info) {
  return std::visit(
      [](const auto& typed) -> json {
        using T = std::decay_t<decltype(typed)>;
        if constexpr (std::is_same_v<T, CephfsInfo>) {
          return {{"type", "cephfs"},   {"fsid", typed.fsid},
                  {"name", typed.name}, {"path", typed.path},
                  {"user", typed.user}, {"monitor_hosts", typed.monitor_hosts},
                  {"key", typed.key}};
        } else if constexpr (std::is_same_v<T, NfsInfo>) {
          return {{"type", "nfs"},
                  {"hostname", typed.hostname},
                  {"port", typed.port ? json(*typed.port) : json(nullptr)},
                  {"path", typed.path}};
        } else {
          return {{"type", "lustre"}, {"mgs_ids", typed.mgs_ids}, {"fs_name", typed.fs_name}};
        }
      },
      info);
}

TEST(FilesystemInfoConformance, FindsTheCases) {
  ASSERT_TRUE(cases().contains("decode")) << STORAGE_LIBS_FILESYSTEM_INFO_CASES_DIR;
  EXPECT_GE(cases()["decode"].size(), 27u);
  EXPECT_GE(cases()["encode"].size(), 10u);
  EXPECT_GE(cases()["hostinfo"].size(), 13u);
  EXPECT_GE(cases()["typed"].size(), 4u);
  EXPECT_GE(cases()["mount_info_databag"].size(), 3u);
}

TEST(FilesystemInfoConformance, LibraryIdsAreUpstreams) {
  const json& library = cases()["library"];
  EXPECT_EQ(filesystem_info::kLibId, library["filesystem_info"]["LIBID"].get<std::string>());
  EXPECT_EQ(filesystem_info::kLibApi, library["filesystem_info"]["LIBAPI"].get<int>());
  EXPECT_EQ(filesystem_info::kLibPatch, library["filesystem_info"]["LIBPATCH"].get<int>());
  EXPECT_EQ(mount_info::kLibId, library["mount_info"]["LIBID"].get<std::string>());
  EXPECT_EQ(mount_info::kLibApi, library["mount_info"]["LIBAPI"].get<int>());
  EXPECT_EQ(mount_info::kLibPatch, library["mount_info"]["LIBPATCH"].get<int>());
}

TEST(FilesystemInfoConformance, EncodesEveryCaseByteForByte) {
  for (const auto& c : cases()["encode"]) {
    SCOPED_TRACE(c.dump());
    const json& input = c["input"];
    UriParts parts{.scheme = input["scheme"],
                   .hosts = input["hosts"].get<std::vector<std::string>>(),
                   .user = input.value("user", ""),
                   .path = input.value("path", ""),
                   .options = wire_ordered(input.value("options", json::object()))};
    auto uri = encode_uri(parts);
    if (c.contains("error")) {
      ASSERT_FALSE(uri.ok());
      EXPECT_EQ(uri.error().message, c["message"].get<std::string>());
      EXPECT_EQ(uri.error().code, ops::ErrorCode::kInvalidArgument);
    } else {
      ASSERT_TRUE(uri.ok()) << uri.error().message;
      EXPECT_EQ(*uri, c["uri"].get<std::string>());
    }
  }
}

TEST(FilesystemInfoConformance, DecodesEveryCaseLikePython) {
  for (const auto& c : cases()["decode"]) {
    const std::string uri = c["uri"];
    SCOPED_TRACE(uri);
    auto parts = decode_uri(uri);
    if (c.contains("error")) {
      ASSERT_FALSE(parts.ok());
      EXPECT_EQ(parts.error().message, c["message"].get<std::string>());
      EXPECT_EQ(parts.error().code, ops::ErrorCode::kInvalidData);
    } else {
      ASSERT_TRUE(parts.ok()) << parts.error().message;
      const json& data = c["data"];
      EXPECT_EQ(parts->scheme, data["scheme"].get<std::string>());
      EXPECT_EQ(parts->hosts, data["hosts"].get<std::vector<std::string>>());
      EXPECT_EQ(parts->user, data["user"].get<std::string>());
      EXPECT_EQ(parts->path, data["path"].get<std::string>());
      json options = json::object();
      for (const auto& [key, value] : parts->options) options[key] = value;
      EXPECT_EQ(options, data["options"]);
    }
  }
}

TEST(FilesystemInfoConformance, TypesEveryDecodeCaseLikePythonOrStricter) {
  int stricter = 0;
  for (const auto& c : cases()["decode"]) {
    const std::string uri = c["uri"];
    SCOPED_TRACE(uri);
    auto info = info_from_uri(uri);
    if (auto it = kStricterThanPython.find(uri); it != kStricterThanPython.end()) {
      ASSERT_TRUE(c.contains("info")) << "listed as stricter, but Python refuses it too";
      ASSERT_FALSE(info.ok());
      EXPECT_EQ(info.error().code, ops::ErrorCode::kInvalidData);
      EXPECT_THAT(info.error().message, HasSubstr(it->second));
      ++stricter;
    } else if (c.contains("info")) {
      ASSERT_TRUE(info.ok()) << info.error().message;
      EXPECT_EQ(info_json(*info), c["info"]);
    } else {
      ASSERT_FALSE(info.ok());
      EXPECT_EQ(info.error().code, ops::ErrorCode::kInvalidData);
      const std::string python = c["info_error"]["message"];
      if (auto other = kOtherMessage.find(python); other != kOtherMessage.end()) {
        EXPECT_THAT(info.error().message, HasSubstr(other->second));
      } else {
        EXPECT_EQ(info.error().message, python);
      }
    }
  }
  EXPECT_EQ(stricter, static_cast<int>(kStricterThanPython.size()));
}

TEST(FilesystemInfoConformance, ParsesEveryHostLikePython) {
  for (const auto& c : cases()["hostinfo"]) {
    SCOPED_TRACE(c.dump());
    auto host = parse_hostinfo(c["host"].get<std::string>());
    if (c.contains("error")) {
      ASSERT_FALSE(host.ok());
      EXPECT_EQ(host.error().message, c["message"].get<std::string>());
    } else {
      ASSERT_TRUE(host.ok()) << host.error().message;
      EXPECT_EQ(host->hostname, c["result"][0].get<std::string>());
      EXPECT_EQ(host->port ? json(*host->port) : json(nullptr), c["result"][1]);
    }
  }
}

TEST(FilesystemInfoConformance, WritesEveryTypedInfoByteForByte) {
  for (const auto& c : cases()["typed"]) {
    SCOPED_TRACE(c.dump());
    const json& info = c["info"];
    ops::Result<std::string> uri = std::string();
    if (c["type"] == "nfs") {
      NfsInfo nfs{.hostname = info["hostname"], .port = std::nullopt, .path = info["path"]};
      if (!info["port"].is_null()) nfs.port = info["port"].get<int>();
      uri = to_uri(nfs);
    } else {
      uri = to_uri(LustreInfo{.mgs_ids = info["mgs_ids"], .fs_name = info["fs_name"]});
    }
    ASSERT_TRUE(uri.ok()) << uri.error().message;
    EXPECT_EQ(*uri, c["uri"].get<std::string>());
    auto back = info_from_uri(*uri);
    ASSERT_TRUE(back.ok()) << back.error().message;
  }
}

// ---- mount_info: the application bag ----------------------------------------------------------

class PrincipalCharm : public ops::CharmBase {
 public:
  explicit PrincipalCharm(ops::Framework& framework) : CharmBase(framework), mount(*this) {
    framework.observe(on.update_status, this, &PrincipalCharm::on_update_status);
  }
  MountRequires mount;
  MountInfo to_write;

 private:
  void on_update_status(ops::UpdateStatusEvent&) {
    auto status = mount.set_mount_info(to_write);
    if (!status) throw std::runtime_error(status.error().message);
  }
};

class ClientCharm : public ops::CharmBase {
 public:
  explicit ClientCharm(ops::Framework& framework) : CharmBase(framework), mount(*this) {
    framework.observe(mount.on.mount_requested, this, &ClientCharm::on_mount_requested);
  }
  MountProvides mount;
  std::optional<ops::Result<MountInfo>>* seen = nullptr;

 private:
  void on_mount_requested(MountRequestedEvent& event) { seen->emplace(event.mount_info()); }
};

constexpr const char* kPrincipalYaml =
    "name: principal\nrequires:\n  mount:\n    interface: mount_info\n    scope: container\n";
constexpr const char* kClientYaml =
    "name: filesystem-client\nsubordinate: true\nprovides:\n  mount:\n    interface: mount_info\n"
    "    scope: container\n";

MountInfo mount_info_from(const json& j) {
  return MountInfo{.mountpoint = j["mountpoint"],
                   .noexec = j["noexec"],
                   .nosuid = j["nosuid"],
                   .nodev = j["nodev"],
                   .read_only = j["read_only"]};
}

TEST(FilesystemInfoConformance, WritesEveryMountInfoBagByteForByteAndReadsItBack) {
  for (const auto& c : cases()["mount_info_databag"]) {
    SCOPED_TRACE(c.dump());
    const MountInfo info = mount_info_from(c["info"]);
    ops::Bag expected;
    for (const auto& [key, value] : c["app_databag"].items()) expected[key] = value;

    auto principal = ops::testing::Context<PrincipalCharm>::from_charmcraft_yaml(kPrincipalYaml);
    ops::testing::State in{
        .relations = {{.endpoint = "mount", .id = 3, .remote_app_name = "filesystem-client"}},
        .leader = true};
    auto out = principal.run(principal.on.update_status(), in,
                             [&](PrincipalCharm& charm) { charm.to_write = info; });
    EXPECT_EQ(out.get_relation(3).local_app_data, expected);

    auto client = ops::testing::Context<ClientCharm>::from_charmcraft_yaml(kClientYaml);
    ops::testing::State client_in{.relations = {{.endpoint = "mount",
                                                 .id = 3,
                                                 .remote_app_name = "principal",
                                                 .remote_app_data = expected}}};
    std::optional<ops::Result<MountInfo>> seen;
    client.run(client.on.relation_changed(client_in.get_relation(3), 0), client_in,
               [&](ClientCharm& charm) { charm.seen = &seen; });
    ASSERT_TRUE(seen.has_value()) << "no mount_requested";
    ASSERT_TRUE(seen->ok()) << seen->error().message;
    EXPECT_EQ(**seen, info);
  }
}

}  // namespace
}  // namespace charms::filesystem_client::v0
