#include "proxy_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace cephfs_server_proxy {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kKey = "AQAPdQldX264KBAAOyaxen/y0XBl1qxlGPTabw==";

nlohmann::json valid() {
  return {{"fsid", "354ca7c4-f10d-11ee-93f8-1f85f87b7845"},
          {"sharepoint", "ceph-fs:/"},
          {"monitor-hosts", "10.5.0.80:6789 10.5.2.23:6789\t10.5.2.17:6789"},
          {"auth-info", std::string("ceph-client:") + kKey}};
}

TEST(ProxyConfig, ParsesThePythonCharmsTestConfiguration) {
  auto config = parse_proxy_config(valid());
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->share_info.name, "ceph-fs");
  EXPECT_EQ(config->share_info.path, "/");
  EXPECT_THAT(config->share_info.monitor_hosts,
              ElementsAre("10.5.0.80:6789", "10.5.2.23:6789", "10.5.2.17:6789"));
  EXPECT_EQ(config->auth_info->username, "ceph-client");
  EXPECT_EQ(config->auth_info->key, kKey);
  EXPECT_FALSE(config->auth_secret_id.has_value());
}

TEST(ProxyConfig, SplitsTheSharepointAtTheFirstColon) {
  auto json = valid();
  json["sharepoint"] = "cephfs:/a:b";
  auto config = parse_proxy_config(json);
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(config->share_info.path, "/a:b");
}

TEST(ProxyConfig, AuthSecretTakesPrecedenceOverAuthInfo) {
  auto json = valid();
  json["auth-secret"] = "secret:cr8vcqgpc9t8oet2fdlg";
  auto config = parse_proxy_config(json);
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(config->auth_secret_id, "secret:cr8vcqgpc9t8oet2fdlg");
  EXPECT_FALSE(config->auth_info.has_value());
  EXPECT_TRUE(config->auth_info_ignored);
}

TEST(ProxyConfig, AuthSecretAloneIsEnough) {
  auto json = valid();
  json.erase("auth-info");
  json["auth-secret"] = "secret:cr8vcqgpc9t8oet2fdlg";
  EXPECT_TRUE(parse_proxy_config(json).ok());
}

TEST(ProxyConfig, ReportsSeveralProblemsAtOnce) {
  auto json = valid();
  json["fsid"] = "a b";
  json["sharepoint"] = "cephfs";
  auto config = parse_proxy_config(json);
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.error().message,
            "fsid 'a b' invalid: expected the cluster fsid (`ceph fsid`), 1-64 characters of 0-9 "
            "a-z A-Z -; sharepoint 'cephfs' invalid: expected <file system name>:<absolute "
            "path>, e.g. cephfs:/");
}

TEST(ProxyConfig, NeverShowsTheAuthInfoValue) {
  auto json = valid();
  json["auth-info"] = kKey;  // the key alone, no user
  auto config = parse_proxy_config(json);
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.error().message, "auth-info invalid: expected <cephx user>:<cephx key>");
}

TEST(ProxyConfig, SecretContentMustBeUsernameAndKey) {
  EXPECT_TRUE(auth_info_from_secret({{"username", "u"}, {"key", kKey}}).ok());
  // A secret made from a key file (key#file=...) that ends with a newline.
  auto from_file = auth_info_from_secret({{"username", "u"}, {"key", std::string(kKey) + "\n"}});
  ASSERT_TRUE(from_file.ok());
  EXPECT_EQ(from_file->key, kKey);
  EXPECT_EQ(auth_info_from_secret({{"user", "u"}, {"key", kKey}}).error().message,
            "auth-secret invalid: the secret must hold exactly the keys username and key (juju "
            "add-secret <name> username=<cephx user> key=<cephx key>)");
  auto bad_key = auth_info_from_secret({{"username", "u"}, {"key", "R//appdqz4NP4Bxcc5XWrg=="}});
  ASSERT_FALSE(bad_key.ok());
  EXPECT_THAT(bad_key.error().message, HasSubstr("auth-secret invalid: key: the key is 24"));
  EXPECT_THAT(bad_key.error().message, Not(HasSubstr("R//app")));
}

}  // namespace
}  // namespace cephfs_server_proxy
