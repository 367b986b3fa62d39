#include "client_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace cephfs_client {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

TEST(ClientConfig, DefaultsToExecSuidDevRwAndAutoMethod) {
  auto config = parse_client_config({{"mountpoint", "/srv/data"}});
  ASSERT_TRUE(config.ok());
  EXPECT_THAT(config->access_options(), ElementsAre("exec", "suid", "dev", "rw"));
  EXPECT_EQ(config->method, MountMethodSetting::kAuto);
}

TEST(ClientConfig, ReadsTheBooleansAndTheMethod) {
  auto config = parse_client_config({{"mountpoint", "/mnt/share"},
                                     {"noexec", true},
                                     {"nosuid", false},
                                     {"nodev", true},
                                     {"read-only", true},
                                     {"mount-method", "fuse"}});
  ASSERT_TRUE(config.ok());
  EXPECT_THAT(config->access_options(), ElementsAre("noexec", "suid", "nodev", "ro"));
  EXPECT_EQ(config->method, MountMethodSetting::kFuse);
}

TEST(ClientConfig, AcceptsDirectoriesBelowLocalDataRoots) {
  for (const char* path : {"/srv/data", "/mnt/a", "/srv/shared", "/var/app-data", "/data",
                           "/opt/x/y.z", "/media/a@b+c", "/mnt/e2e-123/client-0/share"}) {
    EXPECT_TRUE(validate_mountpoint(path).ok()) << path;
  }
}

TEST(ClientConfig, RejectsTheLocalDataRootsThemselves) {
  for (const char* path : {"/srv", "/mnt", "/opt", "/media", "/var"}) {
    auto valid = validate_mountpoint(path);
    ASSERT_FALSE(valid.ok()) << path;
    EXPECT_EQ(valid.error().message, "mountpoint '" + std::string(path) +
                                         "' invalid: mounting over " + path +
                                         " would hide local data; use a directory below it");
  }
}

TEST(ClientConfig, RejectsAnythingAtOrUnderATreeLocalUsersCanWriteTo) {
  for (const char* tree : {"/tmp", "/var/tmp", "/dev/shm", "/home", "/var/spool"}) {
    for (const std::string& path : {std::string(tree), std::string(tree) + "/x",
                                    std::string(tree) + "/e2e-123/client-0/share"}) {
      auto valid = validate_mountpoint(path);
      ASSERT_FALSE(valid.ok()) << path;
      EXPECT_THAT(valid.error().message,
                  StartsWith("mountpoint '" + path + "' invalid: " + tree +
                             " holds directories that local users own or can write to; one could "
                             "swap a directory for a symlink"));
    }
  }
}

TEST(ClientConfig, RejectsAnythingAtOrUnderRootsHomeAndVarLib) {
  for (const char* path : {"/root", "/root/data", "/var/lib", "/var/lib/app-data"}) {
    auto valid = validate_mountpoint(path);
    ASSERT_FALSE(valid.ok()) << path;
    EXPECT_THAT(valid.error().message, HasSubstr(" is a system directory")) << path;
  }
}

TEST(ClientConfig, OnlyWholePathSegmentsMatchATree) {
  for (const char* path : {"/tmpdata", "/homes/x", "/var/library", "/rootfs/x", "/devices"}) {
    EXPECT_TRUE(validate_mountpoint(path).ok()) << path;
  }
}

TEST(ClientConfig, RejectsAutofsSystemMapNamesOnlyWhenTheyAreSystemDirectories) {
  // The Python charm overwrote /etc/auto.master for /master; this charm has no autofs maps, so
  // /master is an ordinary directory.
  EXPECT_TRUE(validate_mountpoint("/master").ok());
  EXPECT_FALSE(validate_mountpoint("/etc/auto.master").ok());
}

TEST(ClientConfig, RejectsEverySystemTree) {
  for (const char* path : {"/etc",          "/proc",        "/sys",           "/dev",
                           "/boot",         "/usr",         "/bin",           "/sbin",
                           "/lib",          "/lib32",       "/lib64",         "/libx32",
                           "/run",          "/snap",        "/var/lib/juju",  "/var/log",
                           "/var/lib/dpkg", "/var/lib/apt", "/var/cache/apt", "/var/lib/snapd",
                           "/boot/efi",     "/proc/1",      "/sys/fs/x",      "/dev/x",
                           "/boot/x",       "/etc/x",       "/usr/local/x",   "/run/user/1000/x"}) {
    EXPECT_FALSE(validate_mountpoint(path).ok()) << path;
  }
}

TEST(ClientConfig, RejectsLongPaths) {
  EXPECT_FALSE(validate_mountpoint("/srv/" + std::string(1100, 'a')).ok());
}

}  // namespace
}  // namespace cephfs_client
