#include "cephx_key.h"

#include <gtest/gtest.h>

#include <string>

namespace cephx {
namespace {

constexpr std::string_view kKey = "AQAPdQldX264KBAAOyaxen/y0XBl1qxlGPTabw==";

TEST(CephxKey, AcceptsAKeyAsCephPrintsIt) { EXPECT_TRUE(validate_cephx_key(kKey).ok()); }

TEST(CephxKey, WithoutLineEndDropsOneTrailingNewlineOnly) {
  const std::string key(kKey);
  EXPECT_EQ(without_line_end(key + "\n"), kKey);
  EXPECT_EQ(without_line_end(key + "\r\n"), kKey);
  EXPECT_EQ(without_line_end(kKey), kKey);
  EXPECT_EQ(without_line_end(key + "\n\n"), key + "\n");
  EXPECT_FALSE(validate_cephx_key(without_line_end(" " + key + "\n")).ok());
}

TEST(CephxKey, RejectsARaw16ByteSecretWithoutHeader) {
  auto status = validate_cephx_key("R//appdqz4NP4Bxcc5XWrg==");
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().message,
            "the key is 24 characters long; a cephx key (`ceph auth get-key client.<id>`) is 40");
}

TEST(CephxKey, RejectsEmptyAndNonBase64) {
  EXPECT_EQ(validate_cephx_key("").error().message, "the key is empty");
  std::string with_comma(kKey);
  with_comma[5] = ',';
  EXPECT_FALSE(validate_cephx_key(with_comma).ok());
  std::string with_newline(kKey);
  with_newline[39] = '\n';
  EXPECT_FALSE(validate_cephx_key(with_newline).ok());
}

TEST(CephxKey, RejectsNonCanonicalPaddingBits) {
  std::string key(kKey);
  key[37] = 'x';  // 'w' -> 'x' sets bits that the padding drops
  EXPECT_EQ(validate_cephx_key(key).error().message, "the key is not canonical base64");
}

TEST(CephxKey, RejectsAWrongTypeField) {
  // Type 2 instead of 1: "AQ" -> "Ag".
  std::string key(kKey);
  key[1] = 'g';
  EXPECT_EQ(validate_cephx_key(key).error().message,
            "the key does not hold an AES cephx secret (wrong type or length field)");
}

TEST(CephxKey, NeverEchoesTheKey) {
  std::string key(kKey);
  key[1] = 'g';
  EXPECT_EQ(validate_cephx_key(key).error().message.find(key.substr(0, 8)), std::string::npos);
}

}  // namespace
}  // namespace cephx
