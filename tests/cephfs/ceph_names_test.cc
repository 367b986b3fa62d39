#include "cephfs/ceph_names.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace cephfs {
namespace {

using ::testing::HasSubstr;

TEST(SubvolumeName, AcceptsPlainNames) {
  for (const char* name : {"a", "share", "team-a_01", "v1.2", "A"}) {
    EXPECT_TRUE(validate_subvolume_name(name).ok()) << name;
  }
}

TEST(SubvolumeName, RejectsNamesThatCouldEscapeTheirParent) {
  for (const char* name : {"..", ".", "../x", "a/b", "/abs", "x/..", ".hidden"}) {
    auto status = validate_subvolume_name(name);
    ASSERT_FALSE(status.ok()) << name;
    EXPECT_EQ(status.error().code, ops::ErrorCode::kInvalidArgument);
  }
}

TEST(SubvolumeName, RejectsReservedOptionLikeEmptyAndLongNames) {
  EXPECT_FALSE(validate_subvolume_name("_nogroup").ok());
  EXPECT_FALSE(validate_subvolume_name("_deleting").ok());
  EXPECT_FALSE(validate_subvolume_name("--force").ok());
  EXPECT_FALSE(validate_subvolume_name("").ok());
  EXPECT_FALSE(validate_subvolume_name(std::string(kMaxNameLength + 1, 'a')).ok());
  EXPECT_TRUE(validate_subvolume_name(std::string(kMaxNameLength, 'a')).ok());
}

TEST(SubvolumeName, RejectsSpacesControlCharactersAndNonAscii) {
  for (const std::string& name : std::vector<std::string>{"a b", std::string("a\0b", 3), "a\nb",
                                                          "caf\xc3\xa9", "a;b", "a=b"}) {
    EXPECT_FALSE(validate_subvolume_name(name).ok()) << name;
  }
}

TEST(SubvolumeName, ErrorNamesTheValueAndTheRule) {
  auto status = validate_subvolume_name("a/b");
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(status.error().message, HasSubstr("'a/b'"));
  EXPECT_THAT(status.error().message, HasSubstr("'/'"));
  EXPECT_THAT(status.error().message, HasSubstr("A-Z a-z 0-9"));
}

TEST(SubvolumeName, ErrorEscapesControlCharacters) {
  auto status = validate_subvolume_name("a\nb");
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(status.error().message, HasSubstr("a\\x0ab"));
}

TEST(GroupName, EmptyMeansTheDefaultGroup) {
  EXPECT_TRUE(validate_group_name("").ok());
  EXPECT_TRUE(validate_group_name("tenants").ok());
  EXPECT_FALSE(validate_group_name("..").ok());
  EXPECT_FALSE(validate_group_name("_nogroup").ok());
}

TEST(ClientId, RejectsTheClientPrefixWithAHint) {
  auto status = validate_client_id("client.alice");
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(status.error().message, HasSubstr("pass the id only"));
}

TEST(ClientId, AcceptsIdsWithDotsAndUnderscores) {
  EXPECT_TRUE(validate_client_id("alice").ok());
  EXPECT_TRUE(validate_client_id("app_1.unit-2").ok());
  EXPECT_TRUE(validate_client_id("_internal").ok());
  EXPECT_FALSE(validate_client_id("").ok());
  EXPECT_FALSE(validate_client_id(".x").ok());
  EXPECT_FALSE(validate_client_id("a b").ok());
  EXPECT_FALSE(validate_client_id("a/b").ok());
}

TEST(SanitizeName, KeepsValidNamesUnchanged) {
  EXPECT_EQ(sanitize_name("share-1"), "share-1");
  EXPECT_EQ(sanitize_name("a.b_c"), "a.b_c");
}

TEST(SanitizeName, TurnsEscapingNamesIntoValidOnes) {
  for (const char* raw : {"..", "../etc", "a/../../b", "/", "", "_nogroup", "--x", "a b/c"}) {
    std::string name = sanitize_name(raw);
    EXPECT_TRUE(validate_subvolume_name(name).ok()) << raw << " -> " << name;
    EXPECT_TRUE(validate_client_id(name).ok()) << raw << " -> " << name;
    EXPECT_EQ(name.find('/'), std::string::npos);
    EXPECT_NE(name, "..");
  }
}

TEST(SanitizeName, KeepsTheReadablePartAndAddsAHash) {
  EXPECT_THAT(sanitize_name("team/share"), ::testing::MatchesRegex("team-share-[0-9a-f]{8}"));
  EXPECT_THAT(sanitize_name("../etc"), ::testing::MatchesRegex("etc-[0-9a-f]{8}"));
  EXPECT_THAT(sanitize_name("//"), ::testing::MatchesRegex("share-[0-9a-f]{8}"));
}

TEST(SanitizeName, IsDeterministicAndKeepsDistinctInputsApart) {
  EXPECT_EQ(sanitize_name("a/b"), sanitize_name("a/b"));
  EXPECT_NE(sanitize_name("a/b"), sanitize_name("a b"));
  EXPECT_NE(sanitize_name("a/b"), "a-b");
}

TEST(SanitizeName, CutsLongInputsToTheLimit) {
  std::string name = sanitize_name(std::string(300, 'x') + "/");
  EXPECT_LE(name.size(), kMaxNameLength);
  EXPECT_TRUE(validate_subvolume_name(name).ok()) << name;
}

}  // namespace
}  // namespace cephfs
