// The URI layer beyond cases.json: encode/decode round trips over every printable ASCII byte and
// some UTF-8, Python's unquote of invalid UTF-8, the redaction of a plain key in messages, and
// Python's int() forms in host ports.
#include "charms/filesystem_client/v0/filesystem_info_uri.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace charms::filesystem_client::v0 {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string printable_ascii() {
  std::string all;
  for (char c = 0x20; c < 0x7f; ++c) all += c;
  return all;
}

TEST(FilesystemInfoUri, EveryPrintableByteAndUtf8RoundTrips) {
  const std::string text = printable_ascii() + "\xc3\xbc\xe8\xb7\xaf\xf0\x9f\x98\x80";
  UriParts parts{.scheme = "cephfs",
                 .hosts = {"h1:1", "[::1]:2", text},
                 .user = text,
                 .path = "/" + text,
                 .options = {{"fsid", text}, {"name", "a b+c"}, {"k" + text, "v"}}};
  // A ',' inside a host is indistinguishable from the separator (as in Python).
  std::erase(parts.hosts[2], ',');
  auto uri = encode_uri(parts);
  ASSERT_TRUE(uri.ok()) << uri.error().message;
  auto back = decode_uri(*uri);
  ASSERT_TRUE(back.ok()) << back.error().message;
  // The hosts are lower-cased before the first '%' (Python's hostname); the encoded list starts
  // with "h1%3A", so nothing after it is.
  EXPECT_EQ(*back, parts);
}

TEST(FilesystemInfoUri, InvalidUtf8AfterDecodingBecomesReplacementCharacters) {
  EXPECT_EQ(percent_decode("%FF"), "\xEF\xBF\xBD");
  EXPECT_EQ(percent_decode("a%E8%B7b"),
            "a\xEF\xBF\xBD"
            "b");                               // one U+FFFD per maximal subpart
  EXPECT_EQ(percent_decode("%zz%4"), "%zz%4");  // invalid escapes are kept
  EXPECT_EQ(percent_decode("%C3%BC"), "\xC3\xBC");
}

TEST(FilesystemInfoUri, MessagesNeverQuoteAPlainKey) {
  auto parts = decode_uri("cephfs://u@h/p?fsid=f&auth=plain%3ASECRETKEY&name=n");
  ASSERT_FALSE(parts.ok());
  EXPECT_THAT(parts.error().message, HasSubstr("auth=<redacted>&name=n"));
  EXPECT_THAT(parts.error().message, Not(HasSubstr("SECRETKEY")));
  auto secret = decode_uri("cephfs://u@h/p?auth=secret%3Axyz");
  ASSERT_FALSE(secret.ok());
  EXPECT_THAT(secret.error().message, HasSubstr("auth=secret%3Axyz"));
}

TEST(FilesystemInfoUri, PortsAreWhatPythonsIntAccepts) {
  EXPECT_EQ(parse_hostinfo("h:+7")->port, 7);
  EXPECT_EQ(parse_hostinfo("h:1_000")->port, 1000);
  EXPECT_EQ(parse_hostinfo("h:007 ")->port, 7);
  EXPECT_FALSE(parse_hostinfo("h:1__0").ok());
  EXPECT_FALSE(parse_hostinfo("h:_1").ok());
  EXPECT_FALSE(parse_hostinfo("h:99999999999999999999").ok());
  EXPECT_FALSE(parse_hostinfo("[::1]:").ok());
}

TEST(FilesystemInfoUri, SchemeAndHostsAreLowerCasedLikePython) {
  auto parts = decode_uri("NFS://(NFS.Example%2CB)/P");
  ASSERT_TRUE(parts.ok()) << parts.error().message;
  EXPECT_EQ(parts->scheme, "nfs");
  EXPECT_EQ(parts->hosts, (std::vector<std::string>{"nfs.example", "B"}));
  EXPECT_EQ(parts->path, "/P");
}

TEST(FilesystemInfoUri, ControlWhitespaceIsStrippedLikeUrlsplit) {
  auto parts = decode_uri("  nfs://(h)/a\tb\n ");
  ASSERT_TRUE(parts.ok()) << parts.error().message;
  EXPECT_EQ(parts->path, "/ab");
}

}  // namespace
}  // namespace charms::filesystem_client::v0
