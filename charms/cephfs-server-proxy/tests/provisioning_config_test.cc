// Tests of the provisioning-mode options (provisioning_config.h) and records (provision_record.h).
#include "provisioning_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "provision_record.h"

namespace cephfs_server_proxy {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kAdminKey = "AQAPdQldX264KBAAOyaxen/y0XBl1qxlGPTabw==";

nlohmann::json provisioning_options() {
  return {{"admin-secret", "secret:d1u2s3e4r5s6e7c8r9e0"},
          {"monitor-hosts", "10.0.0.1:6789  10.0.0.2:6789"},
          {"filesystem", ""},
          {"subvolume-group", "cephfs-share"},
          {"subvolume-size", ""},
          {"delete-data-on-revoke", false},
          {"ceph-timeout", 10}};
}

TEST(ProvisioningConfig, AdminSecretOrAdminKeyringSelectsProvisioningMode) {
  EXPECT_TRUE(is_provisioning_mode(provisioning_options()));
  EXPECT_TRUE(is_provisioning_mode({{"admin-keyring", "/etc/ceph/k"}}));
  EXPECT_FALSE(is_provisioning_mode({{"admin-secret", ""}, {"fsid", "x"}}));
  EXPECT_FALSE(is_provisioning_mode(nlohmann::json::object()));
}

TEST(ProvisioningConfig, ValidOptionsParse) {
  auto config = provisioning_options();
  config["subvolume-size"] = "10G";
  config["ceph-timeout"] = 30;
  config["delete-data-on-revoke"] = true;
  auto parsed = parse_provisioning_config(config);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->monitor_hosts, "10.0.0.1:6789 10.0.0.2:6789");
  EXPECT_EQ(parsed->subvolume_group, "cephfs-share");
  EXPECT_EQ(parsed->subvolume_size, 10ULL << 30);
  EXPECT_EQ(parsed->ceph_timeout, std::chrono::seconds(30));
  EXPECT_TRUE(parsed->delete_data_on_revoke);
  EXPECT_EQ(parsed->filesystem, "");
}

TEST(ProvisioningConfig, SizesTakeBytesOrAPowerOf1024Suffix) {
  EXPECT_EQ(*parse_size("1048576"), 1048576U);
  EXPECT_EQ(*parse_size("100M"), 100ULL << 20);
  EXPECT_EQ(*parse_size("2K"), 2048U);
  EXPECT_EQ(*parse_size("1T"), 1ULL << 40);
  for (const char* bad :
       {"", "0", "-1", "10X", "G", "1.5G", "10 G", "99999999999999999999", "20000000000T"}) {
    EXPECT_FALSE(parse_size(bad).ok()) << bad;
  }
}

TEST(ProvisioningConfig, EachInvalidOptionIsNamed) {
  const std::vector<std::tuple<std::string, nlohmann::json, std::string>> cases = {
      {"admin-secret", "ceph-admin", "admin-secret 'ceph-admin' invalid: expected a secret id"},
      {"monitor-hosts", "", "monitor-hosts invalid: provisioning mode needs"},
      {"monitor-hosts", "10.0.0.1", "monitor-hosts invalid: '10.0.0.1' is not"},
      {"filesystem", "../etc", "filesystem '../etc' invalid"},
      {"subvolume-group", "a/b", "subvolume-group 'a/b' invalid"},
      {"subvolume-group", "..", "subvolume-group '..' invalid"},
      {"subvolume-group", "_nogroup", "subvolume-group '_nogroup' invalid"},
      {"subvolume-size", "10X", "subvolume-size '10X' invalid: expected a number"},
      {"subvolume-size", "0", "subvolume-size '0' invalid: the size must be greater than 0"},
      {"ceph-timeout", 0, "ceph-timeout '0' invalid: expected whole seconds from 1 to 300"},
      {"ceph-timeout", 301, "ceph-timeout '301' invalid"},
      {"delete-data-on-revoke", "yes", "delete-data-on-revoke invalid: expected true or false"},
      {"fsid", "abc", "admin-secret set together with fsid: provisioning mode"},
      {"auth-secret", "secret:x", "admin-secret set together with auth-secret"},
      {"admin-keyring", "/etc/ceph/keyring", "admin-secret and admin-keyring are both set"},
  };
  for (const auto& [option, value, message] : cases) {
    auto config = provisioning_options();
    config[option] = value;
    auto parsed = parse_provisioning_config(config);
    ASSERT_FALSE(parsed.ok()) << option;
    EXPECT_THAT(parsed.error().message, HasSubstr(message)) << option;
  }
  auto config = provisioning_options();
  config.erase("admin-secret");
  config["admin-keyring"] = "ceph.keyring";
  auto parsed = parse_provisioning_config(config);
  ASSERT_FALSE(parsed.ok());
  EXPECT_THAT(parsed.error().message,
              HasSubstr("admin-keyring 'ceph.keyring' invalid: expected the absolute path"));
}

TEST(ProvisioningConfig, EmptyGroupIsCephsDefaultGroup) {
  auto config = provisioning_options();
  config["subvolume-group"] = "";
  auto parsed = parse_provisioning_config(config);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->subvolume_group, "");
}

TEST(AdminCredentials, KeyAndOptionalEntity) {
  auto plain = admin_credentials_from_secret({{"key", kAdminKey}});
  auto from_file = admin_credentials_from_secret({{"key", std::string(kAdminKey) + "\n"}});
  ASSERT_TRUE(from_file.ok());
  EXPECT_EQ(from_file->key, kAdminKey);
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->entity, "client.admin");
  EXPECT_EQ(plain->key, kAdminKey);
  auto other = admin_credentials_from_secret({{"key", kAdminKey}, {"entity", "client.ops"}});
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other->entity, "client.ops");
}

TEST(AdminCredentials, BadContentIsRefusedWithoutShowingTheKey) {
  const std::vector<std::pair<ops::SecretContent, std::string>> cases = {
      {{}, "admin-secret invalid: the secret has no `key`"},
      {{{"key", "AQAPdQldX264KBAAOyaxen"}}, "admin-secret invalid: key: "},
      {{{"key", kAdminKey}, {"entity", "admin"}}, "entity 'admin' is not client.<id>"},
      {{{"key", kAdminKey}, {"entity", "client.a b"}}, "is not client.<id>"},
      {{{"key", kAdminKey}, {"user", "x"}}, "unexpected key 'user'"},
  };
  for (const auto& [content, message] : cases) {
    auto parsed = admin_credentials_from_secret(content);
    ASSERT_FALSE(parsed.ok()) << message;
    EXPECT_THAT(parsed.error().message, HasSubstr(message));
    EXPECT_THAT(parsed.error().message, Not(HasSubstr("AQAPdQld")));
  }
}

TEST(ProvisionRecord, RoundTripsThroughThePeerBag) {
  ProvisionRecord record{.relation_id = 7,
                         .subvolume = {"cephfs", "app-data", "cephfs-share"},
                         .client_id = "proxy-7"};
  ops::Bag bag{{record_key(7), encode_record(record)},
               {"provisioned-8", "not json"},
               {"provisioned-x", "{}"},
               {"config", "{}"}};
  auto records = records_from_bag(bag);
  ASSERT_EQ(records.size(), 1U);
  EXPECT_EQ(records.at(7), record);
  EXPECT_EQ(record_key(7), "provisioned-7");
  EXPECT_FALSE(decode_record(1, R"({"fs":"a","group":"","subvolume":"","client":"c"})").ok());
}

}  // namespace
}  // namespace cephfs_server_proxy
