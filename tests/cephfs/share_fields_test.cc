#include "cephfs/share_fields.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace cephfs {
namespace {

using namespace std::string_literals;
using ::testing::HasSubstr;
using ::testing::Not;

TEST(MonitorAddress, AcceptsEveryFormCephPublishes) {
  for (std::string_view text :
       {"10.0.0.1:6789", "mon1:6789", "mon1.example.com.:3300", "[2001:db8::1]:3300",
        "[::ffff:10.0.0.1]:6789", "v1:10.0.0.1:6789", "v2:[::1]:3300/0", "any:10.0.0.1:6789/7",
        "[v2:10.0.0.1:3300/0,v1:10.0.0.1:6789/0]", "[v1:10.0.0.1:6789]"}) {
    auto parsed = MonitorAddress::parse(text);
    ASSERT_TRUE(parsed.ok()) << text << ": " << parsed.error().message;
    EXPECT_EQ(parsed->str(), text);
  }
}

TEST(MonitorAddress, KernelFormPrefersV1ThenAnyThenV2WithoutNonce) {
  EXPECT_EQ(MonitorAddress::parse("[v2:10.0.0.1:3300/0,v1:10.0.0.1:6789/0]")->kernel_form(),
            "10.0.0.1:6789");
  EXPECT_EQ(MonitorAddress::parse("[v2:10.0.0.1:3300/0,any:10.0.0.1:6790/3]")->kernel_form(),
            "10.0.0.1:6790");
  EXPECT_EQ(MonitorAddress::parse("[v2:[::1]:3300/0]")->kernel_form(), "[::1]:3300");
  EXPECT_EQ(MonitorAddress::parse("v1:10.0.0.1:6789/0")->kernel_form(), "10.0.0.1:6789");
  EXPECT_EQ(MonitorAddress::parse("mon1:6789")->kernel_form(), "mon1:6789");
  EXPECT_TRUE(MonitorAddress::parse("v1:10.0.0.1:6789")->typed());
  EXPECT_FALSE(MonitorAddress::parse("10.0.0.1:6789")->typed());
}

// The regression of issue 15: the IPv6 check stopped at the NUL (c_str() into inet_pton), so
// what followed reached the unit file and ceph.conf.
TEST(MonitorAddress, RefusesAnEmbeddedNulAndWhateverFollowsIt) {
  for (const std::string& text :
       {"[::1\0\n[Unit]\nFailureAction=reboot-force]:6789"s, "[::1\0]:6789"s, "[v2:[::1\0x]:3300]"s,
        "10.0.0.1\0:6789"s, "10.0.0.1:6789\0"s, "mon1\0.evil:6789"s}) {
    auto parsed = MonitorAddress::parse(text);
    EXPECT_FALSE(parsed.ok()) << quote_untrusted(text);
    if (!parsed.ok()) {
      EXPECT_THAT(parsed.error().message, HasSubstr("\\x00"));
      EXPECT_THAT(parsed.error().message, Not(HasSubstr("\n")));
    }
  }
}

TEST(MonitorAddress, RefusesSeparatorsAndBadParts) {
  for (std::string_view text : {"",
                                "10.0.0.1",
                                "10.0.0.1:0",
                                "10.0.0.1:65536",
                                "10.0.0.1:6789,10.0.0.2:6789",
                                "10.0.0.1:6789 ",
                                " 10.0.0.1:6789",
                                "10.0.0.1:6789\n",
                                "mon_1:6789",
                                "-mon:6789",
                                "2001:db8::1:6789",
                                "[10.0.0.1]:6789",
                                "[]",
                                "[10.0.0.1:6789]",
                                "[v3:10.0.0.1:3300]",
                                "[v2:mon1:3300]",
                                "[v2:10.0.0.1:3300/]",
                                "[v2:10.0.0.1:3300/4294967296]",
                                "[v2:10.0.0.1:3300,]",
                                "v1:mon1:6789",
                                "v1:10.0.0.1",
                                "[v2:10.0.0.1:3300 mon_host=x]",
                                "10.0.0.1:6789;x",
                                "$host:6789",
                                "[::1%eth0]:6789"}) {
    EXPECT_FALSE(MonitorAddress::parse(text).ok()) << quote_untrusted(text);
  }
  std::string huge = "[";
  for (int i = 0; i < 17; ++i) huge += (i ? "," : "") + std::string("v1:10.0.0.1:6789");
  EXPECT_FALSE(MonitorAddress::parse(huge + "]").ok());
}

TEST(SharePath, AcceptsAbsoluteCleanPaths) {
  for (std::string_view text : {"/", "/volumes/_nogroup/x/uuid", "/a.b/..c/c..", "/caf\xc3\xa9"}) {
    EXPECT_TRUE(SharePath::parse(text).ok()) << text;
  }
}

TEST(SharePath, RefusesRelativeDotSegmentsControlBytesAndBadUtf8) {
  for (const std::string& text : {""s, "data"s, "/a/../b"s, "/.."s, "/."s, "/a/./b"s, "/a/.."s,
                                  "/a b"s, "/a\tb"s, "/a\nb"s, "/a\0b"s, "/a\x7f"s, "/\xff"s,
                                  "/\xc0\xaf"s, "/\xed\xa0\x80"s, "/" + std::string(4096, 'a')}) {
    EXPECT_FALSE(SharePath::parse(text).ok()) << quote_untrusted(text);
  }
}

TEST(NamesAndIds, OneGrammarEach) {
  EXPECT_TRUE(Fsid::parse("354ca7c4-f10d-11ee-93f8-1f85f87b7845").ok());
  EXPECT_TRUE(Fsid::parse("123456789-0abc-defg-hijk-lmnopqrstuvw").ok());  // upstream fixture
  for (const std::string& text : {""s, "a b"s, "a\0b"s, "a.b"s, std::string(65, 'a')}) {
    EXPECT_FALSE(Fsid::parse(text).ok()) << quote_untrusted(text);
  }
  EXPECT_TRUE(CephFsName::parse("ceph-fs").ok());
  EXPECT_TRUE(CephxUser::parse("cephfs-share.x_1").ok());
  for (const std::string& text : {""s, "-o"s, ".."s, ".x"s, "fs,rw"s, "a\0"s, "a]"s, "a b"s}) {
    EXPECT_FALSE(CephFsName::parse(text).ok()) << quote_untrusted(text);
    EXPECT_FALSE(CephxUser::parse(text).ok()) << quote_untrusted(text);
  }
  EXPECT_FALSE(CephFsName::parse(std::string(256, 'a')).ok());
}

TEST(NamesAndIds, MessagesNameTheFieldAndEscapeTheValue) {
  auto parsed = CephxUser::parse("al\nice", "auth.username");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().code, ops::ErrorCode::kInvalidArgument);
  EXPECT_THAT(parsed.error().message, HasSubstr("auth.username \"al\\x0aice\""));
}

TEST(QuoteUntrusted, EscapesEverythingButPrintableAsciiAndCuts) {
  EXPECT_EQ(quote_untrusted("a\"b\\c\x01\xff"), R"("a\x22b\x5cc\x01\xff")");
  EXPECT_EQ(quote_untrusted(std::string(70, 'x'), 4), "\"xxxx...\"");
}

TEST(Utf8, StrictDecoder) {
  EXPECT_TRUE(is_valid_utf8("ascii \xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"));
  for (const std::string& text : {"\x80"s, "\xc3"s, "\xc0\x80"s, "\xe0\x80\x80"s, "\xed\xa0\x80"s,
                                  "\xf4\x90\x80\x80"s, "\xf5\x80\x80\x80"s}) {
    EXPECT_FALSE(is_valid_utf8(text)) << quote_untrusted(text);
  }
}

}  // namespace
}  // namespace cephfs
