// ops::is_valid_secret_key: Juju's rule ^([a-z](?:-?[a-z0-9]){2,})$ (include/ops/secret_key.h).
#include "ops/secret_key.h"

#include <gtest/gtest.h>

#include <regex>
#include <string>
#include <vector>

namespace ops {
namespace {

TEST(SecretKey, AcceptsJujusKeysAndRefusesTheRest) {
  for (const char* key : {"key", "username", "a12", "abc-def", "a-b-c", "k3y-2"}) {
    EXPECT_TRUE(is_valid_secret_key(key)) << key;
  }
  for (const char* key : {"", "ab", "a-b", "Key", "1ab", "-abc", "abc-", "ab--c", "a_bc", "a.bc",
                          "ab c", "../x", "key#file"}) {
    EXPECT_FALSE(is_valid_secret_key(key)) << key;
  }
}

// The hand-written check agrees with Juju's regular expression on every key of up to 4
// characters over the alphabet that matters.
TEST(SecretKey, AgreesWithJujusRegexExhaustively) {
  const std::regex juju("^([a-z](?:-?[a-z0-9]){2,})$");
  const std::string alphabet = "a0-_Z";
  std::vector<std::string> keys = {""};
  for (int length = 1; length <= 4; ++length) {
    std::vector<std::string> longer;
    for (const auto& key : keys) {
      for (char c : alphabet) longer.push_back(key + c);
    }
    for (const auto& key : longer) {
      EXPECT_EQ(is_valid_secret_key(key), std::regex_match(key, juju)) << key;
    }
    keys = std::move(longer);
  }
}

}  // namespace
}  // namespace ops
