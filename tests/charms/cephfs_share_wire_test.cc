// Exact-string tests pin the bytes the Python library LIBPATCH 2 writes (protocol reference
// sections 2.2-2.5, conformance cases req-03/req-04).
#include "charms/storage_libs/v0/cephfs_share_wire.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace charms::storage_libs::v0 {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

// Fixture values of canonical/storage-libs tests/unit/test_cephfs_interfaces.py.
const CephFSShareInfo kShareInfo{"123456789-0abc-defg-hijk-lmnopqrstuvw",
                                 "filesystem",
                                 "/data",
                                 {"192.168.1.1:6789", "192.168.1.2:6789", "192.168.1.3:6789"}};
const CephFSAuthInfo kAuthInfo{"user", "R//appdqz4NP4Bxcc5XWrg=="};
constexpr std::string_view kKey = "R//appdqz4NP4Bxcc5XWrg==";

constexpr std::string_view kShareInfoJson =
    R"({"fsid": "123456789-0abc-defg-hijk-lmnopqrstuvw", "name": "filesystem", "path": "/data", )"
    R"("monitor_hosts": ["192.168.1.1:6789", "192.168.1.2:6789", "192.168.1.3:6789"]})";
constexpr std::string_view kPlainAuth =
    R"(plain:{"username": "user", "key": "R//appdqz4NP4Bxcc5XWrg=="})";

// Asserts that `result` failed with the given wire code and returns its message.
template <class T>
std::string expect_wire_error(const ops::Result<T>& result, std::string_view code) {
  EXPECT_FALSE(result.ok());
  if (result.ok()) return {};
  EXPECT_EQ(wire_error_code(result.error()), code) << result.error().message;
  return result.error().message;
}

// ---- share_info -----------------------------------------------------------------------------

TEST(ShareInfoWire, EncodesTheUpstreamFixtureByteForByte) {
  auto encoded = encode_share_info(kShareInfo);
  ASSERT_TRUE(encoded.ok()) << encoded.error().message;
  EXPECT_EQ(*encoded, kShareInfoJson);
}

TEST(ShareInfoWire, EncodesAnEmptyMonitorListAsAnEmptyArray) {
  auto encoded = encode_share_info({"f", "n", "/", {}});
  ASSERT_TRUE(encoded.ok());
  EXPECT_EQ(*encoded, R"({"fsid": "f", "name": "n", "path": "/", "monitor_hosts": []})");
}

TEST(ShareInfoWire, EscapesFieldsLikePython) {
  auto encoded = encode_share_info({"f\"", "n\\", "/d\u00e9j\u00e0/\U0001F600", {"a\tb"}});
  ASSERT_TRUE(encoded.ok());
  EXPECT_EQ(*encoded, R"({"fsid": "f\"", "name": "n\\", "path": "/d\u00e9j\u00e0/\ud83d\ude00", )"
                      R"("monitor_hosts": ["a\tb"]})");
}

TEST(ShareInfoWire, RefusesToEncodeInvalidUtf8) {
  auto encoded = encode_share_info({"f", "n", "/\xff", {}});
  expect_wire_error(encoded, kInvalidEncoding);
  EXPECT_EQ(encoded.error().code, ops::ErrorCode::kInvalidArgument);
}

TEST(ShareInfoWire, DecodesTheUpstreamFixture) {
  auto decoded = decode_share_info(kShareInfoJson);
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  ASSERT_TRUE(decoded->has_value());
  EXPECT_EQ(**decoded, kShareInfo);
}

TEST(ShareInfoWire, DecodesAnEmptyValueAsAbsent) {
  auto decoded = decode_share_info("");
  ASSERT_TRUE(decoded.ok());
  EXPECT_FALSE(decoded->has_value());
}

TEST(ShareInfoWire, DecodesKeysInAnyOrderWithAnyWhitespaceAndEscapes) {
  auto decoded = decode_share_info(
      " {\"monitor_hosts\":[\"h:1\"],\n\"path\":\"\\/d\\u00e9\",\"name\":\"n\",\"fsid\":\"f\"} ");
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(**decoded, (CephFSShareInfo{"f", "n", "/d\u00e9", {"h:1"}}));
}

TEST(ShareInfoWire, RoundTripsThroughEncodeAndDecode) {
  const CephFSShareInfo share{"f", "n\u00e9", "/\U0001F600\n", {"[v2:1.2.3.4:3300/0]", ""}};
  auto encoded = encode_share_info(share);
  ASSERT_TRUE(encoded.ok());
  auto decoded = decode_share_info(*encoded);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(**decoded, share);
}

TEST(ShareInfoWire, RejectsTextThatIsNotJson) {
  auto decoded = decode_share_info("{not json");
  auto message = expect_wire_error(decoded, kInvalidShareInfo);
  EXPECT_EQ(decoded.error().code, ops::ErrorCode::kInvalidData);
  EXPECT_THAT(message, HasSubstr("not valid JSON"));
  EXPECT_THAT(message, HasSubstr("fsid, name, path"));
}

TEST(ShareInfoWire, RejectsALeadingByteOrderMarkLikePython) {
  expect_wire_error(decode_share_info("\xEF\xBB\xBF" + std::string(kShareInfoJson)),
                    kInvalidShareInfo);
}

TEST(ShareInfoWire, RejectsJsonThatIsNotAnObject) {
  auto message = expect_wire_error(decode_share_info(R"(["f", "n"])"), kInvalidShareInfo);
  EXPECT_THAT(message, HasSubstr("is an array, not a JSON object"));
}

TEST(ShareInfoWire, RejectsAMissingKey) {
  auto message = expect_wire_error(
      decode_share_info(R"({"fsid": "f", "name": "n", "path": "/data"})"), kInvalidShareInfo);
  EXPECT_THAT(message, HasSubstr("lacks the key monitor_hosts"));
}

TEST(ShareInfoWire, RejectsAnExtraKeyAndNamesIt) {
  auto message = expect_wire_error(
      decode_share_info(
          R"({"fsid": "f", "name": "n", "path": "/", "monitor_hosts": [], "extra": 1})"),
      kInvalidShareInfo);
  EXPECT_THAT(message, HasSubstr("unexpected key \"extra\""));
}

TEST(ShareInfoWire, RejectsAStringMonitorHostsInsteadOfSplittingIt) {
  auto message = expect_wire_error(
      decode_share_info(
          R"({"fsid": "f", "name": "n", "path": "/", "monitor_hosts": "10.0.0.1:6789"})"),
      kInvalidShareInfo);
  EXPECT_THAT(message, HasSubstr("monitor_hosts is a string, not an array"));
}

TEST(ShareInfoWire, RejectsFieldsOfTheWrongType) {
  expect_wire_error(
      decode_share_info(R"({"fsid": 1, "name": "n", "path": "/", "monitor_hosts": []})"),
      kInvalidShareInfo);
  expect_wire_error(
      decode_share_info(R"({"fsid": "f", "name": null, "path": "/", "monitor_hosts": []})"),
      kInvalidShareInfo);
  auto message = expect_wire_error(
      decode_share_info(R"({"fsid": "f", "name": "n", "path": "/", "monitor_hosts": ["a", 2]})"),
      kInvalidShareInfo);
  EXPECT_THAT(message, HasSubstr("monitor_hosts[1] is a number"));
}

TEST(ShareInfoWire, RejectsANumberBeyondDoubleRangeWithoutThrowing) {
  auto message = expect_wire_error(
      decode_share_info(R"({"fsid": 1e400, "name": "n", "path": "/", "monitor_hosts": []})"),
      kInvalidShareInfo);
  EXPECT_THAT(message, HasSubstr("number is out of range"));
  expect_wire_error(decode_cache(R"({"a": -1e400})"), kInvalidCache);
}

// ---- auth -----------------------------------------------------------------------------------

TEST(AuthWire, ParsesASecretIdAsAReferenceToTheWholeValue) {
  auto parsed = parse_auth("secret:cr8vcqgpc9t8oet2fdlg");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(std::get<AuthSecretReference>(**parsed).secret_id, "secret:cr8vcqgpc9t8oet2fdlg");

  auto qualified = parse_auth("secret://6e7c3f0e-1c2b-4f0e-8c3d-2f1b0a9e8d7c/cr8vcqgpc9t8oet2fdlg");
  ASSERT_TRUE(qualified.ok());
  EXPECT_EQ(std::get<AuthSecretReference>(**qualified).secret_id,
            "secret://6e7c3f0e-1c2b-4f0e-8c3d-2f1b0a9e8d7c/cr8vcqgpc9t8oet2fdlg");
}

TEST(AuthWire, ParsesPlainJsonCredentials) {
  auto parsed = parse_auth(kPlainAuth);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(std::get<CephFSAuthInfo>(**parsed), kAuthInfo);
}

TEST(AuthWire, ParsesAnEmptyValueAsAbsent) {
  auto parsed = parse_auth("");
  ASSERT_TRUE(parsed.ok());
  EXPECT_FALSE(parsed->has_value());
}

TEST(AuthWire, ReportsAuthWithoutKindWithPythonsWarningText) {
  auto parsed = parse_auth("garbage");
  EXPECT_EQ(expect_wire_error(parsed, kInvalidAuthFormat),
            "invalid-auth-format: Could not get the kind of auth info");
  EXPECT_EQ(wire_error_detail(parsed.error()), kAuthWithoutKindWarning);
  EXPECT_EQ(parsed.error().code, ops::ErrorCode::kInvalidData);
}

TEST(AuthWire, ReportsAnUnknownKindWithPythonsWarningText) {
  for (std::string_view value : {"scheme:/path", "Secret:abc", "PLAIN:{}", ":x", "plain :{}"}) {
    auto parsed = parse_auth(value);
    EXPECT_EQ(expect_wire_error(parsed, kUnknownAuthKind),
              "unknown-auth-kind: Invalid kind for auth info.")
        << value;
  }
}

TEST(AuthWire, RejectsPlainAuthThatIsNotJsonWithoutEchoingIt) {
  auto message =
      expect_wire_error(parse_auth("plain:R//appdqz4NP4Bxcc5XWrg=="), kInvalidAuthContent);
  EXPECT_THAT(message, Not(HasSubstr(std::string(kKey))));
  EXPECT_THAT(message, Not(HasSubstr("R//")));
}

TEST(AuthWire, RejectsPlainAuthWithAMissingKey) {
  auto message =
      expect_wire_error(parse_auth(R"(plain:{"username": "user"})"), kInvalidAuthContent);
  EXPECT_THAT(message, HasSubstr("lacks key"));
}

TEST(AuthWire, RejectsPlainAuthWithExtraFieldsWithoutNamingThem) {
  auto message = expect_wire_error(
      parse_auth(R"(plain:{"username": "u", "key": "k", "R//appdqz4NP4Bxcc5XWrg==": "x"})"),
      kInvalidAuthContent);
  EXPECT_THAT(message, HasSubstr("1 unexpected field"));
  EXPECT_THAT(message, Not(HasSubstr(std::string(kKey))));
}

TEST(AuthWire, RejectsPlainAuthWithNonStringFieldsOrANonObject) {
  expect_wire_error(parse_auth(R"(plain:{"username": "u", "key": 5})"), kInvalidAuthContent);
  expect_wire_error(parse_auth(R"(plain:["user", "key"])"), kInvalidAuthContent);
  expect_wire_error(parse_auth("plain:"), kInvalidAuthContent);
}

TEST(AuthWire, EncodesPlainAuthLikeTheUpstreamTests) {
  auto encoded = encode_plain_auth(kAuthInfo);
  ASSERT_TRUE(encoded.ok());
  EXPECT_EQ(*encoded, kPlainAuth);
}

TEST(AuthWire, ConvertsCredentialsToAndFromSecretContent) {
  const auto content = auth_info_to_secret_content(kAuthInfo);
  EXPECT_EQ(content,
            (std::map<std::string, std::string>{{"username", "user"}, {"key", std::string(kKey)}}));
  auto back = auth_info_from_secret_content(content);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, kAuthInfo);
}

TEST(AuthWire, RejectsSecretContentWithMissingOrExtraFields) {
  expect_wire_error(auth_info_from_secret_content({{"username", "u"}}), kInvalidAuthContent);
  auto message = expect_wire_error(
      auth_info_from_secret_content({{"username", "u"}, {"key", "k"}, {"other", "secretvalue"}}),
      kInvalidAuthContent);
  EXPECT_THAT(message, Not(HasSubstr("secretvalue")));
  EXPECT_THAT(message, Not(HasSubstr("other")));
}

// ---- cache ----------------------------------------------------------------------------------

const Databag kRemoteBagReq03{{"auth", "secret:cr8vcqgpc9t8oet2fdlg"},
                              {"auth-rev", "1"},
                              {"share_info", std::string(kShareInfoJson)}};

// The cache string of conformance case req-03 (and of protocol reference section 2.5).
constexpr std::string_view kCacheReq03 =
    R"({"auth": "secret:cr8vcqgpc9t8oet2fdlg", "auth-rev": "1", "share_info": )"
    R"("{\"fsid\": \"123456789-0abc-defg-hijk-lmnopqrstuvw\", \"name\": \"filesystem\", )"
    R"(\"path\": \"/data\", \"monitor_hosts\": [\"192.168.1.1:6789\", \"192.168.1.2:6789\", )"
    R"(\"192.168.1.3:6789\"]}"})";

TEST(CacheWire, EncodesTheCacheOfReq03ByteForByte) {
  auto encoded = encode_cache(kRemoteBagReq03);
  ASSERT_TRUE(encoded.ok());
  EXPECT_EQ(*encoded, kCacheReq03);
}

TEST(CacheWire, EncodesThePlainAuthCacheOfReq04ByteForByte) {
  auto encoded = encode_cache(
      Databag{{"auth", std::string(kPlainAuth)}, {"share_info", std::string(kShareInfoJson)}});
  ASSERT_TRUE(encoded.ok());
  EXPECT_EQ(*encoded,
            R"({"auth": "plain:{\"username\": \"user\", \"key\": \"R//appdqz4NP4Bxcc5XWrg==\"}", )"
            R"("share_info": "{\"fsid\": \"123456789-0abc-defg-hijk-lmnopqrstuvw\", )"
            R"(\"name\": \"filesystem\", \"path\": \"/data\", \"monitor_hosts\": )"
            R"([\"192.168.1.1:6789\", \"192.168.1.2:6789\", \"192.168.1.3:6789\"]}"})");
}

TEST(CacheWire, LeavesOutTheRemoteCacheKey) {
  auto encoded = encode_cache(Databag{{"cache", "{}"}, {"name", "/data"}});
  ASSERT_TRUE(encoded.ok());
  EXPECT_EQ(*encoded, R"({"name": "/data"})");
}

TEST(CacheWire, KeepsTheDeliveredKeyOrder) {
  // The ops test harness delivers insertion order rather than Juju's sorted order.
  auto encoded =
      encode_cache(DatabagEntries{{"share_info", "s"}, {"auth", "a"}, {"auth-rev", "1"}});
  ASSERT_TRUE(encoded.ok());
  EXPECT_EQ(*encoded, R"({"share_info": "s", "auth": "a", "auth-rev": "1"})");
}

TEST(CacheWire, EncodesAnEmptyBagAsAnEmptyObject) {
  auto encoded = encode_cache(Databag{});
  ASSERT_TRUE(encoded.ok());
  EXPECT_EQ(*encoded, "{}");
}

TEST(CacheWire, DecodesACacheWrittenByPythonInAnyKeyOrder) {
  auto decoded = decode_cache(R"({"share_info": "s", "auth": "a\u00e9", "auth-rev": "1"})");
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(*decoded, (Databag{{"auth", "a\u00e9"}, {"auth-rev", "1"}, {"share_info", "s"}}));
}

TEST(CacheWire, RoundTripsTheReq03Cache) {
  auto decoded = decode_cache(kCacheReq03);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(*decoded, kRemoteBagReq03);
}

TEST(CacheWire, DecodesAnEmptyValueAsAnEmptyCache) {
  auto decoded = decode_cache("");
  ASSERT_TRUE(decoded.ok());
  EXPECT_THAT(*decoded, IsEmpty());
}

TEST(CacheWire, KeepsTheLastOfDuplicateKeysLikePython) {
  auto decoded = decode_cache(R"({"a": "1", "a": "2"})");
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(*decoded, (Databag{{"a", "2"}}));
}

TEST(CacheWire, RejectsACorruptCache) {
  auto message = expect_wire_error(decode_cache("not-json"), kInvalidCache);
  EXPECT_THAT(message, HasSubstr("not valid JSON"));
  EXPECT_THAT(expect_wire_error(decode_cache("[]"), kInvalidCache),
              HasSubstr("an array, not a JSON object"));
}

TEST(CacheWire, RejectsNonStringValuesWithoutEchoingThem) {
  auto message =
      expect_wire_error(decode_cache(R"({"auth": {"key": "R//secret"}})"), kInvalidCache);
  EXPECT_THAT(message, Not(HasSubstr("R//secret")));
  EXPECT_THAT(message, HasSubstr("an object where a string is expected"));
}

// ---- diff -----------------------------------------------------------------------------------

TEST(CacheDiff, MarksEveryKeyAddedAndChangedOnTheFirstRun) {
  auto diff = diff_cache({}, kRemoteBagReq03);
  EXPECT_THAT(diff.added, ElementsAre("auth", "auth-rev", "share_info"));
  EXPECT_EQ(diff.changed, diff.added);
  EXPECT_THAT(diff.deleted, IsEmpty());
}

TEST(CacheDiff, CountsModifiedValuesAsChangedButNotAdded) {
  Databag remote = kRemoteBagReq03;
  remote["auth-rev"] = "2";
  auto diff = diff_cache(kRemoteBagReq03, remote);
  EXPECT_THAT(diff.added, IsEmpty());
  EXPECT_THAT(diff.changed, ElementsAre("auth-rev"));
  EXPECT_THAT(diff.deleted, IsEmpty());
}

TEST(CacheDiff, ReportsDeletedKeys) {
  auto diff = diff_cache(kRemoteBagReq03, {{"auth", "secret:cr8vcqgpc9t8oet2fdlg"}});
  EXPECT_THAT(diff.deleted, ElementsAre("auth-rev", "share_info"));
  EXPECT_THAT(diff.changed, IsEmpty());
}

TEST(CacheDiff, IgnoresTheRemoteCacheKey) {
  auto diff = diff_cache({}, {{"cache", "{}"}, {"name", "/data"}});
  EXPECT_THAT(diff.added, ElementsAre("name"));
}

TEST(CacheDiff, IsEmptyWhenNothingChanged) {
  EXPECT_EQ(diff_cache(kRemoteBagReq03, kRemoteBagReq03), CacheDiff{});
}

// ---- errors ---------------------------------------------------------------------------------

TEST(WireError, SplitsCodeAndDetail) {
  const ops::Error error{ops::ErrorCode::kInvalidData, "invalid-share-info: share_info lacks x"};
  EXPECT_EQ(wire_error_code(error), kInvalidShareInfo);
  EXPECT_EQ(wire_error_detail(error), "share_info lacks x");
}

TEST(WireError, GivesNoCodeForOtherErrors) {
  const ops::Error error{ops::ErrorCode::kModelError, "relation-get failed: boom"};
  EXPECT_EQ(wire_error_code(error), "");
  EXPECT_EQ(wire_error_detail(error), "relation-get failed: boom");
}

}  // namespace
}  // namespace charms::storage_libs::v0
