#include "ops/charm_meta.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace ops {
namespace {

constexpr const char* kCharmcraft = R"(
name: cephfs-client
subordinate: true
requires:
  cephfs-share:
    interface: cephfs_share
    limit: 1
  juju-info:
    interface: juju-info
    scope: container
peers:
  peers:
    interface: cephfs-peer
config:
  options:
    mountpoint:
      type: string
      description: Where to mount.
    noexec:
      type: boolean
      default: false
    port:
      type: string
      default: 6789
actions:
  mount-info:
    description: Shows the mount.
)";

TEST(CharmMeta, ParsesCharmcraftYaml) {
  auto meta = CharmMeta::from_charmcraft_yaml(kCharmcraft);
  ASSERT_TRUE(meta.ok()) << meta.error().message;
  EXPECT_EQ(meta->name, "cephfs-client");
  EXPECT_TRUE(meta->subordinate);
  ASSERT_NE(meta->relation("cephfs-share"), nullptr);
  EXPECT_EQ(meta->relation("cephfs-share")->interface_name, "cephfs_share");
  EXPECT_EQ(meta->relation("cephfs-share")->limit, 1);
  EXPECT_TRUE(meta->relation("juju-info")->container_scope);
  EXPECT_TRUE(meta->is_peer("peers"));
  EXPECT_FALSE(meta->is_peer("cephfs-share"));
  EXPECT_EQ(meta->config.at("noexec").default_value, false);
  EXPECT_TRUE(meta->config.at("mountpoint").default_value.is_null());
  EXPECT_EQ(meta->actions.at("mount-info").description, "Shows the mount.");
}

TEST(CharmMeta, StringOptionDefaultStaysAString) {
  auto meta = CharmMeta::from_charmcraft_yaml(kCharmcraft);
  ASSERT_TRUE(meta.ok());
  EXPECT_EQ(meta->config.at("port").default_value, "6789");
}

TEST(CharmMeta, InvalidYamlIsAnErrorNamingTheFile) {
  auto meta = CharmMeta::from_charmcraft_yaml("name: [unclosed");
  ASSERT_FALSE(meta.ok());
  EXPECT_NE(meta.error().message.find("charmcraft.yaml"), std::string::npos);
}

TEST(CharmMeta, LoadPrefersGeneratedMetadataFiles) {
  namespace fs = std::filesystem;
  auto dir = fs::temp_directory_path() / ("ops-meta-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "metadata.yaml") << "name: packed\nprovides:\n  x:\n    interface: y\n";
  std::ofstream(dir / "config.yaml") << "options:\n  a:\n    type: int\n    default: 3\n";
  std::ofstream(dir / "charmcraft.yaml") << "name: source\n";
  auto meta = CharmMeta::load(dir.string());
  fs::remove_all(dir);
  ASSERT_TRUE(meta.ok()) << meta.error().message;
  EXPECT_EQ(meta->name, "packed");
  EXPECT_EQ(meta->config.at("a").default_value, 3);
}

TEST(CharmMeta, LoadOfDirectoryWithoutMetadataNamesTheDirectory) {
  auto meta = CharmMeta::load("/nonexistent/charm");
  ASSERT_FALSE(meta.ok());
  EXPECT_EQ(meta.error().code, ErrorCode::kIoError);
  EXPECT_NE(meta.error().message.find("/nonexistent/charm"), std::string::npos);
}

}  // namespace
}  // namespace ops
