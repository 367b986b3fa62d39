#include "mount_files.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "file_parsers.h"

namespace cephfs_client {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using testing::KeyValues;
using ::testing::Not;

constexpr const char* kKey = "AQAPdQldX264KBAAOyaxen/y0XBl1qxlGPTabw==";

MountPlan plan(MountMethod method, std::vector<std::string> monitors = {"10.0.0.1:6789"},
               std::string path = "/volumes/g/share") {
  auto config = parse_client_config({{"mountpoint", "/srv/my-data"}, {"read-only", true}});
  auto made = make_mount_plan(*config, method, {"fsid-1", "cephfs", path, std::move(monitors)},
                              {"alice", kKey}, "cephfs-client", 4);
  EXPECT_TRUE(made.ok()) << made.error().message;
  return *made;
}

std::string joined(const std::vector<std::string>& options) {
  std::string out;
  for (const auto& option : options) out += (out.empty() ? "" : ",") + option;
  return out;
}

const std::vector<std::vector<std::string>> kMonitorSets = {
    {"10.0.0.1:6789"},
    {"10.0.0.1:6789", "mon2.example.com:3300", "[2001:db8::1]:6789"},
    {"[v2:10.0.0.1:3300/0,v1:10.0.0.1:6789/0]", "v1:10.0.0.2:6789"},
};

TEST(MountFiles, UnitParsesBackToExactlyTheIntendedFields) {
  for (auto method : {MountMethod::kKernel, MountMethod::kFuse}) {
    for (const auto& monitors : kMonitorSets) {
      const MountPlan p = plan(method, monitors);
      auto text = render_mount_unit(p);
      ASSERT_TRUE(text.ok()) << text.error().message;
      EXPECT_TRUE(text->starts_with(kUnitMarker));
      const KeyValues expected = {
          {"Unit/Description", "CephFS share cephfs:/volumes/g/share (cephfs-client)"},
          {"Unit/After", "network-online.target"},
          {"Unit/Wants", "network-online.target"},
          {"Mount/What", p.source()},
          {"Mount/Where", "/srv/my-data"},
          {"Mount/Type", p.fs_type()},
          {"Mount/Options", joined(p.mount_options())},
          {"Install/WantedBy", "remote-fs.target"}};
      EXPECT_EQ(testing::parse_unit_file(*text), expected);
      EXPECT_THAT(testing::split_options(expected.at("Mount/Options")),
                  ElementsAreArray(p.mount_options()));
    }
  }
}

TEST(MountFiles, FstabEntryParsesBackToOneEntryWithTheIntendedOptions) {
  for (auto method : {MountMethod::kKernel, MountMethod::kFuse}) {
    for (const auto& monitors : kMonitorSets) {
      const MountPlan p = plan(method, monitors);
      auto text = render_fstab_entry(p);
      ASSERT_TRUE(text.ok()) << text.error().message;
      auto entries = testing::parse_fstab(*text);
      ASSERT_TRUE(entries);
      ASSERT_EQ(entries->size(), 1u);
      EXPECT_THAT(entries->front(), ElementsAre(p.source(), "/srv/my-data", p.fs_type(),
                                                joined(p.mount_options()), "0", "0"));
      EXPECT_THAT(testing::split_options(entries->front()[3]), ElementsAreArray(p.mount_options()));
    }
  }
}

TEST(MountFiles, CephConfAndKeyringParseBackToExactlyTheirFields) {
  for (const auto& monitors : kMonitorSets) {
    const MountPlan p = plan(MountMethod::kFuse, monitors);
    auto conf = render_ceph_conf(p);
    ASSERT_TRUE(conf.ok()) << conf.error().message;
    EXPECT_EQ(testing::parse_ceph_conf(*conf),
              (KeyValues{{"global/fsid", "fsid-1"}, {"global/mon_host", p.conf_mon_host()}}));
    auto keyring = render_keyring(p, kKey);
    ASSERT_TRUE(keyring.ok());
    EXPECT_EQ(testing::parse_ceph_conf(*keyring), (KeyValues{{"client.alice/key", kKey}}));
  }
  EXPECT_EQ(*render_secret_file(kKey), std::string(kKey) + "\n");
}

// The writers are the last line of defence: values that reach them through the plan's plain
// string fields (mountpoint, options, file names) or a key are refused, each one planted here.
TEST(MountFiles, WritersRefusePlantedSeparatorsAndControlBytes) {
  using namespace std::string_literals;
  for (auto method : {MountMethod::kKernel, MountMethod::kFuse}) {
    for (const std::string& mountpoint :
         {"/srv/a b"s, "/srv/a\nb"s, "/srv/a\0b"s, "/srv/a%n"s, "/srv/a\\b"s, "/srv/#a"s}) {
      MountPlan p = plan(method);
      p.mountpoint = mountpoint;
      EXPECT_FALSE(render_fstab_entry(p).ok() && render_mount_unit(p).ok())
          << testing::trim(mountpoint);
    }
    for (const std::string& option : {"rw,uid=0"s, "rw\n[Unit]"s, "rw x"s, "rw\\040x"s, ""s}) {
      MountPlan p = plan(method);
      p.access_options.push_back(option);
      EXPECT_FALSE(render_mount_unit(p).ok()) << option;
      EXPECT_FALSE(render_fstab_entry(p).ok()) << option;
    }
    // Specifiers and quotes mean something to systemd only.
    for (const std::string& option : {"rw%s"s, "rw\"x"s, "rw$x"s}) {
      MountPlan p = plan(method);
      p.access_options.push_back(option);
      EXPECT_FALSE(render_mount_unit(p).ok()) << option;
    }
  }
  MountPlan p = plan(MountMethod::kFuse);
  for (const std::string& key : {"AAAA\n[client.admin]\nkey = x"s, "AAAA=AAA"s, "AA A"s, ""s}) {
    EXPECT_FALSE(render_keyring(p, key).ok());
    EXPECT_FALSE(render_secret_file(key).ok());
  }
}

TEST(MountFiles, ErrorsNameTheFieldNeverTheValue) {
  MountPlan p = plan(MountMethod::kFuse);
  auto keyring = render_keyring(p, "SECRETSECRET\nx");
  ASSERT_FALSE(keyring.ok());
  EXPECT_THAT(keyring.error().message, Not(HasSubstr("SECRETSECRET")));
  p.access_options.push_back("rw\nx");
  auto unit = render_mount_unit(p);
  ASSERT_FALSE(unit.ok());
  EXPECT_EQ(unit.error().message,
            "refusing to write the mount unit: a mount option contains a control character");
}

TEST(MountFiles, FstabMarkerNamesTheMountpoint) {
  EXPECT_EQ(fstab_marker("/srv/data"),
            "# cephfs-client charm: /srv/data (written by the charm; do not edit)");
}

// systemd's own reader: the unit must load without a warning (wrong Where=, unknown keys, bad
// escapes all print one). Works without systemd running.
TEST(MountFiles, UnitPassesSystemdAnalyzeVerify) {
  if (::access("/usr/bin/systemd-analyze", X_OK) != 0) GTEST_SKIP() << "no systemd-analyze";
  char pattern[] = "/tmp/mount-files-XXXXXX";
  ASSERT_NE(::mkdtemp(pattern), nullptr);
  const fs::path dir = pattern;
  for (auto method : {MountMethod::kKernel, MountMethod::kFuse}) {
    for (const auto& monitors : kMonitorSets) {
      const MountPlan p = plan(method, monitors);
      const fs::path unit = dir / mount_unit_name(p.mountpoint);
      std::ofstream(unit) << *render_mount_unit(p);
      const std::string command = "/usr/bin/systemd-analyze verify '" + unit.string() + "' 2>&1";
      FILE* out = ::popen(command.c_str(), "r");
      ASSERT_NE(out, nullptr);
      std::string output;
      char buffer[512];
      while (std::fgets(buffer, sizeof buffer, out) != nullptr) output += buffer;
      const int status = ::pclose(out);
      EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << output;
      EXPECT_EQ(output, "") << to_string(method);
    }
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace cephfs_client
