#include "client_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace cephfs_client {
namespace {

using ::testing::ElementsAre;

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
  for (const char* path : {"/srv/data", "/mnt/a", "/home/shared", "/var/lib/app-data", "/data",
                           "/opt/x/y.z", "/media/a@b+c"}) {
    EXPECT_TRUE(validate_mountpoint(path).ok()) << path;
  }
}

TEST(ClientConfig, AcceptsDirectoriesBelowTmpSrvAndMntButNotTheRootsThemselves) {
  for (const char* path : {"/tmp/x", "/tmp/e2e-123/client-0/share", "/srv/x", "/mnt/x"}) {
    EXPECT_TRUE(validate_mountpoint(path).ok()) << path;
  }
  for (const char* path : {"/tmp", "/srv", "/mnt"}) {
    EXPECT_FALSE(validate_mountpoint(path).ok()) << path;
  }
}

TEST(ClientConfig, RejectsAutofsSystemMapNamesOnlyWhenTheyAreSystemDirectories) {
  // The Python charm overwrote /etc/auto.master for /master; this charm has no autofs maps, so
  // /master is an ordinary directory.
  EXPECT_TRUE(validate_mountpoint("/master").ok());
  EXPECT_FALSE(validate_mountpoint("/etc/auto.master").ok());
}

TEST(ClientConfig, RejectsEverySystemTree) {
  for (const char* path :
       {"/etc",     "/proc",         "/sys",         "/dev",           "/boot",
        "/usr",     "/bin",          "/sbin",        "/lib",           "/lib32",
        "/lib64",   "/libx32",       "/run",         "/snap",          "/var/lib/juju",
        "/var/log", "/var/lib/dpkg", "/var/lib/apt", "/var/cache/apt", "/var/lib/snapd",
        "/boot/efi"}) {
    EXPECT_FALSE(validate_mountpoint(path).ok()) << path;
  }
}

TEST(ClientConfig, RejectsLongPaths) {
  EXPECT_FALSE(validate_mountpoint("/srv/" + std::string(1100, 'a')).ok());
}

}  // namespace
}  // namespace cephfs_client
