// The mountpoint guard against a temporary root directory (trusted, like "/" in production):
// each unsafe component a local user could plant (a symlink, a directory they own, a directory
// anyone can write to, a file) is refused by the check and by the creation, and nothing is
// created through it; safe paths are checked and created with mode 0755.
#include "mountpoint_guard.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

namespace cephfs_client {
namespace {

namespace fs = std::filesystem;
using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

constexpr uid_t kNobody = 65534;

unsigned mode_of(const fs::path& path) {
  struct stat st {};
  ::lstat(path.c_str(), &st);
  return st.st_mode & 07777;
}

uid_t owner_of(const fs::path& path) {
  struct stat st {};
  ::lstat(path.c_str(), &st);
  return st.st_uid;
}

class MountpointGuardTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("mountpoint-guard-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_);
    directory("/srv");
  }
  void TearDown() override { fs::remove_all(root_); }

  // A directory below the root, with `mode` whatever the umask.
  fs::path directory(const std::string& path, mode_t mode = 0755) {
    const fs::path at = root_ / path.substr(1);
    fs::create_directories(at);
    ::chmod(at.c_str(), mode);
    return at;
  }

  ops::Status check(std::string_view mountpoint) {
    return check_mountpoint_components(root_, mountpoint, trusted_);
  }
  ops::Result<bool> create(std::string_view mountpoint) {
    return create_mountpoint_directories(root_, mountpoint, trusted_);
  }

  // The refusal of `mountpoint` because of `component`, for both the check and the creation.
  void expect_unsafe(const std::string& mountpoint, const std::string& component,
                     const std::string& why) {
    const std::string expected = "mountpoint '" + mountpoint + "' unsafe: " + component + " " + why;
    auto checked = check(mountpoint);
    ASSERT_FALSE(checked.ok()) << mountpoint;
    EXPECT_EQ(checked.error().code, ops::ErrorCode::kInvalidArgument);
    EXPECT_THAT(checked.error().message, StartsWith(expected + "; "));
    EXPECT_THAT(checked.error().message, Not(HasSubstr(root_.string())));
    auto created = create(mountpoint);
    ASSERT_FALSE(created.ok()) << mountpoint;
    EXPECT_EQ(created.error(), checked.error());
  }

  fs::path root_;
  uid_t trusted_ = ::geteuid();
};

TEST_F(MountpointGuardTest, AcceptsExistingRootOwnedDirectoriesNotWritableByOthers) {
  directory("/srv/data");
  directory("/srv/private", 0700);
  EXPECT_TRUE(check("/srv/data").ok());
  EXPECT_TRUE(check("/srv/private").ok());
  auto created = create("/srv/data");
  ASSERT_TRUE(created.ok()) << created.error().message;
  EXPECT_FALSE(*created);  // it was there
  EXPECT_EQ(mode_of(root_ / "srv/data"), 0755u);
}

TEST_F(MountpointGuardTest, StopsCheckingAtTheFirstMissingComponent) {
  EXPECT_TRUE(check("/srv/a/b/c").ok());
  EXPECT_TRUE(check("/missing/a").ok());
  EXPECT_FALSE(fs::exists(root_ / "srv/a"));
}

TEST_F(MountpointGuardTest, CreatesNestedMissingDirectoriesWithMode0755WhateverTheUmask) {
  const mode_t old_umask = ::umask(0);  // mkdir alone would give 0755 here...
  auto created = create("/srv/x/y");
  ::umask(077);  // ...and 0700 here
  auto deeper = create("/srv/x/y/z/w");
  ::umask(old_umask);
  ASSERT_TRUE(created.ok()) << created.error().message;
  ASSERT_TRUE(deeper.ok()) << deeper.error().message;
  EXPECT_TRUE(*created);
  EXPECT_TRUE(*deeper);
  for (const char* made : {"srv/x", "srv/x/y", "srv/x/y/z", "srv/x/y/z/w"}) {
    EXPECT_TRUE(fs::is_directory(root_ / made)) << made;
    EXPECT_EQ(mode_of(root_ / made), 0755u) << made;
    EXPECT_EQ(owner_of(root_ / made), trusted_) << made;
  }
  EXPECT_TRUE(check("/srv/x/y/z/w").ok());
}

TEST_F(MountpointGuardTest, CreatedDirectoriesDoNotInheritTheSetGroupIdBit) {
  directory("/srv/shared", 02755);
  auto created = create("/srv/shared/data");
  ASSERT_TRUE(created.ok()) << created.error().message;
  EXPECT_EQ(mode_of(root_ / "srv/shared/data"), 0755u);
}

TEST_F(MountpointGuardTest, RefusesASymlinkToADirectoryTheAttackerControls) {
  const fs::path attacker = directory("/attacker", 0777);
  fs::create_directory_symlink(attacker, root_ / "srv/a");
  expect_unsafe("/srv/a/b", "/srv/a", "is a symlink");
  EXPECT_TRUE(fs::is_empty(attacker));  // nothing was created through the link
}

TEST_F(MountpointGuardTest, RefusesAFinalComponentThatIsASymlink) {
  const fs::path etc = directory("/etc");
  fs::create_directory_symlink(etc, root_ / "srv/data");
  expect_unsafe("/srv/data", "/srv/data", "is a symlink");
  EXPECT_TRUE(fs::is_symlink(root_ / "srv/data"));
}

TEST_F(MountpointGuardTest, RefusesARelativeSymlinkAndADanglingOne) {
  directory("/srv/real");
  fs::create_directory_symlink("real", root_ / "srv/relative");
  fs::create_directory_symlink(root_ / "nowhere", root_ / "srv/dangling");
  expect_unsafe("/srv/relative/x", "/srv/relative", "is a symlink");
  expect_unsafe("/srv/dangling", "/srv/dangling", "is a symlink");
  EXPECT_FALSE(fs::exists(root_ / "nowhere"));
}

TEST_F(MountpointGuardTest, RefusesADirectoryOwnedByAnotherUser) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to chown";
  const fs::path owned = directory("/srv/team");
  ASSERT_EQ(::chown(owned.c_str(), kNobody, kNobody), 0);
  expect_unsafe("/srv/team/data", "/srv/team", "is owned by uid 65534, not root");
  expect_unsafe("/srv/team", "/srv/team", "is owned by uid 65534, not root");
  EXPECT_FALSE(fs::exists(owned / "data"));
}

TEST_F(MountpointGuardTest, RefusesAGroupWritableDirectory) {
  directory("/srv/group", 0775);
  expect_unsafe("/srv/group/data", "/srv/group", "is writable by group or others");
  EXPECT_FALSE(fs::exists(root_ / "srv/group/data"));
}

TEST_F(MountpointGuardTest, RefusesAWorldWritableDirectoryEvenWithTheStickyBit) {
  directory("/srv/world", 0777);
  directory("/srv/sticky", 01777);
  expect_unsafe("/srv/world/data", "/srv/world", "is writable by group or others");
  expect_unsafe("/srv/sticky/data", "/srv/sticky", "is writable by group or others");
  expect_unsafe("/srv/world", "/srv/world", "is writable by group or others");
}

TEST_F(MountpointGuardTest, RefusesAFileInsteadOfADirectory) {
  std::ofstream(root_ / "srv/file") << "x";
  expect_unsafe("/srv/file", "/srv/file", "is not a directory");
  expect_unsafe("/srv/file/data", "/srv/file", "is not a directory");
}

TEST_F(MountpointGuardTest, AnUnsafeComponentHighUpIsFoundBelowSafeOnes) {
  directory("/srv", 0777);
  directory("/srv/a/b");
  expect_unsafe("/srv/a/b", "/srv", "is writable by group or others");
}

TEST_F(MountpointGuardTest, RefusesPathsThatAreNotAbsoluteAndNormalised) {
  for (const char* path :
       {"", "/", "srv/data", "/srv//data", "/srv/../etc", "/srv/./data", "/srv/data/"}) {
    auto checked = check(path);
    ASSERT_FALSE(checked.ok()) << path;
    EXPECT_EQ(checked.error().code, ops::ErrorCode::kInvalidArgument) << path;
    EXPECT_THAT(checked.error().message, EndsWith("it must be an absolute, normalised path"));
    EXPECT_FALSE(create(path).ok()) << path;
  }
}

TEST_F(MountpointGuardTest, AMountedFileSystemAtTheFinalComponentIsJudgedByTheDirectoryItIsOn) {
  // A share mounted earlier (remount): its root is world-writable and owned by a user, which says
  // nothing about the directory it is mounted on. Below it, the rules apply again. The mount is
  // made in a private mount namespace of a child process, so nothing outlives the test.
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to mount";
  const fs::path share = directory("/srv/share");
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    if (::unshare(CLONE_NEWNS) != 0 ||
        ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0 ||
        ::mount("tmpfs", share.c_str(), "tmpfs", 0, "mode=1777,uid=65534") != 0) {
      ::_exit(77);
    }
    const auto final_checked = check("/srv/share");
    const auto final_created = create("/srv/share");
    const auto below = check("/srv/share/sub");
    const bool final_ok = final_checked.ok() && final_created.ok() && !*final_created;
    const bool below_refused =
        !below.ok() && below.error().message.starts_with(
                           "mountpoint '/srv/share/sub' unsafe: /srv/share is owned by uid 65534");
    if (!final_ok || !below_refused) {
      std::fprintf(stderr, "final: %s; below: %s\n",
                   final_checked.ok() ? "ok" : final_checked.error().message.c_str(),
                   below.ok() ? "ok" : below.error().message.c_str());
    }
    ::_exit(final_ok && below_refused ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  if (WEXITSTATUS(status) == 77) GTEST_SKIP() << "cannot mount in a private mount namespace here";
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

}  // namespace
}  // namespace cephfs_client
