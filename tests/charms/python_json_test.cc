// Expected strings were produced by CPython 3's json.dumps with default arguments.
#include "charms/storage_libs/v0/python_json.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

namespace charms::storage_libs::v0 {
namespace {

using nlohmann::ordered_json;
using ::testing::HasSubstr;
using ::testing::Not;

std::string dumps(const ordered_json& value) {
  auto text = python_json_dumps(value);
  EXPECT_TRUE(text.ok()) << text.error().message;
  return text.ok() ? *text : std::string();
}

TEST(PythonJson, UsesPythonDefaultSeparators) {
  ordered_json value = {{"a", ordered_json::array({1, 2})}, {"b", "c"}};
  EXPECT_EQ(dumps(value), R"({"a": [1, 2], "b": "c"})");
}

TEST(PythonJson, KeepsObjectKeysInTheGivenOrder) {
  ordered_json value = ordered_json::object();
  value["zeta"] = "1";
  value["alpha"] = "2";
  value["mid"] = "3";
  EXPECT_EQ(dumps(value), R"({"zeta": "1", "alpha": "2", "mid": "3"})");
}

TEST(PythonJson, WritesEmptyAndNestedContainers) {
  ordered_json value = ordered_json::object();
  value["a"] = ordered_json::array({1, {{"b", nullptr}, {"c", true}}});
  value["d"] = ordered_json::object();
  value["e"] = ordered_json::array();
  EXPECT_EQ(dumps(value), R"({"a": [1, {"b": null, "c": true}], "d": {}, "e": []})");
  EXPECT_EQ(dumps(ordered_json::array()), "[]");
  EXPECT_EQ(dumps(ordered_json::object()), "{}");
}

TEST(PythonJson, WritesScalarsLikePython) {
  EXPECT_EQ(dumps(nullptr), "null");
  EXPECT_EQ(dumps(true), "true");
  EXPECT_EQ(dumps(false), "false");
  EXPECT_EQ(dumps(0), "0");
  EXPECT_EQ(dumps(-42), "-42");
  EXPECT_EQ(dumps(std::numeric_limits<std::uint64_t>::max()), "18446744073709551615");
  EXPECT_EQ(dumps(std::numeric_limits<std::int64_t>::min()), "-9223372036854775808");
  EXPECT_EQ(dumps(""), R"("")");
}

TEST(PythonJson, EscapesQuoteBackslashAndShortControlForms) {
  EXPECT_EQ(dumps("a\"b\\c\n\r\t\b\f"), R"("a\"b\\c\n\r\t\b\f")");
}

TEST(PythonJson, EscapesOtherControlCharactersAndDeleteAsLowercaseUnicode) {
  EXPECT_EQ(dumps(std::string("\x00\x01\x1f\x7f", 4)), R"("\u0000\u0001\u001f\u007f")");
}

TEST(PythonJson, LeavesSlashAndPrintableAsciiAlone) {
  EXPECT_EQ(dumps("/data/a b~!@#$%^&*()"), R"js("/data/a b~!@#$%^&*()")js");
}

TEST(PythonJson, EscapesNonAsciiLikeCpython) {
  EXPECT_EQ(dumps("\u00e9\u20ac\ufeff\u00ff"), R"("\u00e9\u20ac\ufeff\u00ff")");
}

TEST(PythonJson, EscapesCodePointsAboveBmpAsSurrogatePairs) {
  EXPECT_EQ(dumps("\U0001F600"), R"("\ud83d\ude00")");
  EXPECT_EQ(dumps("\U0010FFFF"), R"("\udbff\udfff")");
  EXPECT_EQ(dumps("\U00010000"), R"("\ud800\udc00")");
}

TEST(PythonJson, EscapesObjectKeysLikeValues) {
  ordered_json value = {{"k\u00e9\n", "v"}};
  EXPECT_EQ(dumps(value), R"({"k\u00e9\n": "v"})");
}

TEST(PythonJson, WritesFloatsLikePythonRepr) {
  EXPECT_EQ(dumps(1.0), "1.0");
  EXPECT_EQ(dumps(0.1), "0.1");
  EXPECT_EQ(dumps(0.5), "0.5");
  EXPECT_EQ(dumps(-0.0), "-0.0");
  EXPECT_EQ(dumps(1e15), "1000000000000000.0");
  EXPECT_EQ(dumps(1e16), "1e+16");
  EXPECT_EQ(dumps(1e22), "1e+22");
  EXPECT_EQ(dumps(1e100), "1e+100");
  EXPECT_EQ(dumps(1.5e300), "1.5e+300");
  EXPECT_EQ(dumps(12345678901234567890.0), "1.2345678901234567e+19");
  EXPECT_EQ(dumps(123456789.123), "123456789.123");
  EXPECT_EQ(dumps(0.0001), "0.0001");
  EXPECT_EQ(dumps(1e-5), "1e-05");
  EXPECT_EQ(dumps(2.5e-7), "2.5e-07");
  EXPECT_EQ(dumps(5e-324), "5e-324");
}

TEST(PythonJson, WritesNanAndInfinityLikePython) {
  EXPECT_EQ(dumps(std::nan("")), "NaN");
  EXPECT_EQ(dumps(std::numeric_limits<double>::infinity()), "Infinity");
  EXPECT_EQ(dumps(-std::numeric_limits<double>::infinity()), "-Infinity");
}

TEST(PythonJson, RejectsInvalidUtf8WithoutEchoingIt) {
  const std::string cases[] = {
      "ab\xff",              // never valid
      "ab\xc3",              // truncated
      "ab\xc0\xaf",          // overlong '/'
      "ab\xe0\x80\xaf",      // overlong '/'
      "ab\xed\xa0\x80",      // UTF-8-encoded surrogate U+D800
      "ab\xf4\x90\x80\x80",  // above U+10FFFF
      "ab\x80",              // lone continuation byte
  };
  for (const auto& text : cases) {
    auto result = python_json_dumps(ordered_json("secretsecret" + text));
    ASSERT_FALSE(result.ok()) << "accepted " << text.size() << " bytes";
    EXPECT_EQ(result.error().code, ops::ErrorCode::kInvalidArgument);
    EXPECT_THAT(result.error().message, HasSubstr("not valid UTF-8 at byte 14"));
    EXPECT_THAT(result.error().message, Not(HasSubstr("secret")));
  }
}

TEST(PythonJson, RejectsInvalidUtf8InObjectKeys) {
  ordered_json value = {{"\xff", "v"}};
  EXPECT_FALSE(python_json_dumps(value).ok());
}

TEST(PythonJson, RejectsBinaryValues) {
  auto result = python_json_dumps(ordered_json::binary({1, 2, 3}));
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(result.error().message, HasSubstr("binary"));
}

TEST(PythonJson, RejectsNestingDeeperThanTheLimit) {
  ordered_json shallow = ordered_json::array();
  for (int i = 0; i < kPythonJsonMaxDepth; ++i) shallow = ordered_json::array({shallow});
  EXPECT_TRUE(python_json_dumps(shallow).ok());
  ordered_json deep = ordered_json::array({shallow});
  auto result = python_json_dumps(deep);
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(result.error().message, HasSubstr("deeper than"));
}

}  // namespace
}  // namespace charms::storage_libs::v0
