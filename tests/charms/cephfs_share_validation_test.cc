#include "charms/storage_libs/v0/cephfs_share_validation.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "charms/storage_libs/v0/cephfs_share_wire.h"

namespace charms::storage_libs::v0 {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

// Library test fixture (canonical/storage-libs); its fsid is not a UUID but must pass.
const CephFSShareInfo kLibraryFixture{"123456789-0abc-defg-hijk-lmnopqrstuvw",
                                      "filesystem",
                                      "/data",
                                      {"192.168.1.1:6789", "192.168.1.2:6789", "192.168.1.3:6789"}};
// cephfs-server-proxy test fixture.
const CephFSShareInfo kProxyFixture{"354ca7c4-f10d-11ee-93f8-1f85f87b7845",
                                    "ceph-fs",
                                    "/",
                                    {"10.5.0.80:6789", "10.5.2.23:6789", "10.5.2.17:6789"}};

std::string share_error(const CephFSShareInfo& share) {
  auto status = validate_share_info(share);
  EXPECT_FALSE(status.ok());
  if (status.ok()) return {};
  EXPECT_EQ(status.error().code, ops::ErrorCode::kInvalidArgument);
  EXPECT_EQ(wire_error_code(status.error()), kInvalidShareInfo);
  return status.error().message;
}

CephFSShareInfo with_fsid(std::string fsid) {
  CephFSShareInfo share = kProxyFixture;
  share.fsid = std::move(fsid);
  return share;
}
CephFSShareInfo with_name(std::string name) {
  CephFSShareInfo share = kProxyFixture;
  share.name = std::move(name);
  return share;
}
CephFSShareInfo with_path(std::string path) {
  CephFSShareInfo share = kProxyFixture;
  share.path = std::move(path);
  return share;
}

TEST(ShareValidation, AcceptsTheUpstreamFixtures) {
  auto library = validate_share_info(kLibraryFixture);
  EXPECT_TRUE(library.ok()) << library.error().message;
  auto proxy = validate_share_info(kProxyFixture);
  EXPECT_TRUE(proxy.ok()) << proxy.error().message;
}

TEST(ShareValidation, RejectsAnFsidWithCharactersOutsideTheUuidAlphabet) {
  EXPECT_THAT(share_error(with_fsid("")), HasSubstr("fsid \"\" must be 1-64"));
  EXPECT_THAT(share_error(with_fsid("abc def")), HasSubstr("fsid \"abc def\""));
  EXPECT_THAT(share_error(with_fsid("abc.def")), HasSubstr("fsid"));
  EXPECT_THAT(share_error(with_fsid(std::string(65, 'a'))), HasSubstr("fsid"));
}

TEST(ShareValidation, RejectsAnEmptyOrUnusualFileSystemName) {
  EXPECT_THAT(share_error(with_name("")), HasSubstr("name \"\" must be 1-255"));
  EXPECT_THAT(share_error(with_name("fs,rw")), HasSubstr("name \"fs,rw\""));
  EXPECT_THAT(share_error(with_name("fs name")), HasSubstr("CephFS file system name"));
}

TEST(ShareValidation, RejectsARelativeOrInjectablePath) {
  EXPECT_THAT(share_error(with_path("")), HasSubstr("absolute path"));
  EXPECT_THAT(share_error(with_path("data")), HasSubstr("path \"data\""));
  EXPECT_THAT(share_error(with_path("/data /etc")), HasSubstr("whitespace"));
  EXPECT_THAT(share_error(with_path("/data\n/x")), HasSubstr("path \"/data\\x0a/x\""));
  EXPECT_THAT(share_error(with_path("/\xff")), HasSubstr("UTF-8"));
}

TEST(ShareValidation, AcceptsNonAsciiPaths) {
  auto status = validate_share_info(with_path("/donn\u00e9es"));
  EXPECT_TRUE(status.ok()) << status.error().message;
}

TEST(ShareValidation, RejectsAnEmptyMonitorList) {
  CephFSShareInfo share = kProxyFixture;
  share.monitor_hosts.clear();
  EXPECT_THAT(share_error(share), HasSubstr("monitor_hosts is empty"));
}

TEST(ShareValidation, NamesTheBadMonitorByIndex) {
  CephFSShareInfo share = kProxyFixture;
  share.monitor_hosts[1] = "10.5.2.23";
  EXPECT_THAT(share_error(share),
              AllOf(HasSubstr("monitor_hosts[1] \"10.5.2.23\""), HasSubstr("port is missing")));
}

TEST(ShareValidation, ListsEveryProblemAtOnce) {
  CephFSShareInfo share{"bad fsid", "", "rel", {}};
  EXPECT_THAT(share_error(share), AllOf(HasSubstr("fsid"), HasSubstr("name"), HasSubstr("path"),
                                        HasSubstr("monitor_hosts")));
}

TEST(MonitorHostValidation, AcceptsHostPortAndAddressVectors) {
  for (std::string_view host : {
           "10.0.0.1:6789",
           "mon1:6789",
           "mon1.example.com:3300",
           "mon1.example.com.:3300",
           "[2001:db8::1]:3300",
           "[::1]:6789",
           "[v2:10.0.0.1:3300/0,v1:10.0.0.1:6789/0]",
           "[v2:10.0.0.1:3300,v1:10.0.0.1:6789]",
           "[v1:10.0.0.1:6789]",
           "[any:10.0.0.1:6789/4294967295]",
           "[v2:[2001:db8::1]:3300/0,v1:[2001:db8::1]:6789/0]",
       }) {
    auto status = validate_monitor_host(host);
    EXPECT_TRUE(status.ok()) << host << ": " << status.error().message;
  }
}

TEST(MonitorHostValidation, RejectsAnythingElse) {
  for (std::string_view host : {
           "",
           "10.0.0.1",
           "10.0.0.1:",
           "10.0.0.1:0",
           "10.0.0.1:65536",
           "10.0.0.1:port",
           "10.0.0.1:+6789",
           ":6789",
           "999.1.1.1:6789",
           "10.0.0:6789",
           "2001:db8::1:6789",
           "[2001:db8::zz]:6789",
           "[10.0.0.1]:6789",
           "host name:6789",
           "-mon.example.com:6789",
           "mon_1:6789",
           "mon1:6789\n",
           "10.0.0.1:6789,10.0.0.2:6789",
           "[]",
           "[10.0.0.1:6789]",
           "[v3:10.0.0.1:3300]",
           "[v2:mon1:3300]",
           "[v2:10.0.0.1:3300/]",
           "[v2:10.0.0.1:3300/x]",
           "[v2:10.0.0.1:3300/4294967296]",
           "[v2:10.0.0.1:3300,]",
       }) {
    auto status = validate_monitor_host(host);
    EXPECT_FALSE(status.ok()) << "accepted " << host;
    if (!status.ok()) {
      EXPECT_EQ(wire_error_code(status.error()), kInvalidShareInfo);
    }
  }
}

TEST(MonitorHostValidation, ExplainsTheExpectedForms) {
  auto status = validate_monitor_host("2001:db8::1:6789");
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(status.error().message,
              AllOf(HasSubstr("<host>:<port>"), HasSubstr("IPv6 address must be in brackets")));
}

TEST(AuthValidation, AcceptsTheUpstreamFixtures) {
  EXPECT_TRUE(validate_auth_info({"user", "R//appdqz4NP4Bxcc5XWrg=="}).ok());
  EXPECT_TRUE(validate_auth_info({"ceph-client", "AQAPdQldX264KBAAOyaxen/y0XBl1qxlGPTabw=="}).ok());
}

TEST(AuthValidation, RejectsAnEmptyOrUnusualUsername) {
  for (std::string_view username : {"", "user name", "user,rw", "client:x"}) {
    auto status = validate_auth_info({std::string(username), "R//appdqz4NP4Bxcc5XWrg=="});
    ASSERT_FALSE(status.ok()) << username;
    EXPECT_EQ(wire_error_code(status.error()), kInvalidAuthInfo);
    EXPECT_THAT(status.error().message, HasSubstr("username"));
  }
}

TEST(AuthValidation, RejectsAKeyThatIsNotBase64WithoutRevealingIt) {
  for (std::string_view key : {"", "AQAP dQ==", "AQAPdQ=", "AQAP=dQ=", "====", "AQ,PdQ==",
                               "AQAPdQldX264KBAAOyaxen/y0XBl1qxlGPTabw===\n"}) {
    auto status = validate_auth_info({"user", std::string(key)});
    ASSERT_FALSE(status.ok()) << key;
    EXPECT_EQ(wire_error_code(status.error()), kInvalidAuthInfo);
    EXPECT_THAT(status.error().message, HasSubstr("is not base64"));
    if (!key.empty()) {
      EXPECT_THAT(status.error().message, Not(HasSubstr(std::string(key))));
    }
  }
}

}  // namespace
}  // namespace charms::storage_libs::v0
