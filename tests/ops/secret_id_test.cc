// ops::SecretId: the one parser of Juju secret ids (include/ops/secret_id.h).
#include "ops/secret_id.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ops/secret.h"

namespace ops {
namespace {

constexpr const char* kUuid = "b1f9a3c2-5d4e-4f60-8a7b-9c0d1e2f3a4b";
constexpr const char* kLong = "secret://b1f9a3c2-5d4e-4f60-8a7b-9c0d1e2f3a4b/fakejuju000000000001";

TEST(SecretId, TheJuju3FormKeepsItsBytesItsModelAndItsXid) {
  auto id = SecretId::parse(kLong);
  ASSERT_TRUE(id.ok()) << id.error().message;
  EXPECT_EQ(id->str(), kLong);
  EXPECT_EQ(id->unique_identifier(), "fakejuju000000000001");
  EXPECT_EQ(id->model_uuid(), kUuid);
  EXPECT_EQ(id->canonical("another-model"), kLong);  // never rebuilt
}

TEST(SecretId, TheShortAndBareFormsNameTheSameSecret) {
  auto short_form = SecretId::parse("secret:fakejuju000000000001");
  auto bare = SecretId::parse("fakejuju000000000001");
  auto long_form = SecretId::parse(kLong);
  ASSERT_TRUE(short_form.ok() && bare.ok() && long_form.ok());
  EXPECT_EQ(*short_form, *long_form);
  EXPECT_EQ(*bare, *long_form);
  EXPECT_EQ(short_form->model_uuid(), std::nullopt);
  EXPECT_EQ(bare->str(), "fakejuju000000000001");
  EXPECT_FALSE(*SecretId::parse("secret:fakejuju000000000002") == *long_form);
}

TEST(SecretId, CanonicalIsWhatPythonOpsMakesOfAnId) {
  EXPECT_EQ(SecretId::parse("fakejuju000000000001")->canonical(kUuid), kLong);
  EXPECT_EQ(SecretId::parse("fakejuju000000000001")->canonical(""), "secret:fakejuju000000000001");
  EXPECT_EQ(SecretId::parse("secret:fakejuju000000000001")->canonical(kUuid),
            "secret:fakejuju000000000001");
  EXPECT_EQ(Secret::canonicalize_id("fakejuju000000000001", kUuid), kLong);
  // Text that is no id is left as given: Juju refuses it at first use.
  EXPECT_EQ(Secret::canonicalize_id("not an id", kUuid), "not an id");
}

TEST(SecretId, EveryMalformedIdIsRefusedWithoutEchoingIt) {
  for (const std::string& bad : std::vector<std::string>{
           "", "secret:", "secret://", "secret:///abc", "secret://uuid/", "secret://uuid",
           "secret:x/../y", "secret:ABC", "secret:abc def", "secret:abc\n--peek", "secret:abc%2F",
           "secret://uu id/abc", "secret://uuid/abc/def", "cr8vcqgpc9t8oet2fdlg ",
           "secret:" + std::string(65, 'a'), "secret://" + std::string(65, 'a') + "/abc",
           std::string("secret:ab\0cd", 12), "xsecret:abc", "../secret"}) {
    auto parsed = SecretId::parse(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidArgument);
    EXPECT_THAT(parsed.error().message, ::testing::Not(::testing::HasSubstr("--peek")));
    EXPECT_FALSE(SecretId::is_valid(bad)) << bad;
    EXPECT_EQ(SecretId::unique_identifier_of(bad), std::nullopt) << bad;
  }
  EXPECT_TRUE(SecretId::is_valid("secret:" + std::string(64, 'a')));
}

TEST(SecretId, SameSecretComparesXidsOfValidIdsOnly) {
  EXPECT_TRUE(same_secret(kLong, "secret:fakejuju000000000001"));
  EXPECT_TRUE(same_secret("fakejuju000000000001", kLong));
  EXPECT_FALSE(same_secret(kLong, "secret:fakejuju000000000002"));
  EXPECT_FALSE(same_secret("", ""));
  EXPECT_FALSE(same_secret("secret:a/b", "secret:a/b"));
}

}  // namespace
}  // namespace ops
