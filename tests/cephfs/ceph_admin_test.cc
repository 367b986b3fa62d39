// The parts of the real CephAdmin that need no cluster: option checks, a missing librados, and
// to_mon_host. The cluster-facing behaviour is in tests/e2e/ceph_admin_e2e_test.cc.
#include "cephfs/ceph_admin.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace cephfs {
namespace {

using ::testing::HasSubstr;

TEST(ConnectCephAdmin, ReportsUnavailableWhenLibradosIsMissing) {
  ConnectOptions options{.mon_host = "v2:127.0.0.1:3300", .key = "AQAsecret=="};
  options.librados_path = "librados-not-installed.so.2";
  auto admin = connect_ceph_admin(options);
  ASSERT_FALSE(admin.ok());
  EXPECT_EQ(admin.error().code, ops::ErrorCode::kUnavailable);
  EXPECT_THAT(admin.error().message, HasSubstr("librados-not-installed.so.2"));
  EXPECT_THAT(admin.error().message, HasSubstr("librados2"));
  EXPECT_THAT(admin.error().message, ::testing::Not(HasSubstr("AQAsecret")));
}

TEST(ConnectCephAdmin, RejectsOptionsWithoutMonitors) {
  auto admin = connect_ceph_admin({.key = "AQAsecret=="});
  ASSERT_FALSE(admin.ok());
  EXPECT_EQ(admin.error().code, ops::ErrorCode::kInvalidArgument);
  EXPECT_THAT(admin.error().message, HasSubstr("mon_host"));
}

TEST(ConnectCephAdmin, RejectsABareEntityId) {
  auto admin = connect_ceph_admin({.mon_host = "v2:127.0.0.1:3300", .entity = "admin"});
  ASSERT_FALSE(admin.ok());
  EXPECT_THAT(admin.error().message, HasSubstr("client.admin"));
}

TEST(ConnectCephAdmin, RejectsATimeoutBelowOneSecond) {
  auto admin =
      connect_ceph_admin({.mon_host = "v2:127.0.0.1:3300", .timeout = std::chrono::seconds(0)});
  ASSERT_FALSE(admin.ok());
  EXPECT_EQ(admin.error().code, ops::ErrorCode::kInvalidArgument);
}

TEST(ToMonHost, ListsEachMonitorAsABracketedAddressVector) {
  EXPECT_EQ(to_mon_host({{"v2:10.0.0.1:3300", "v1:10.0.0.1:6789"}, {"v2:10.0.0.2:3300", ""}}),
            "[v2:10.0.0.1:3300,v1:10.0.0.1:6789] [v2:10.0.0.2:3300]");
  EXPECT_EQ(to_mon_host({{"", "v1:10.0.0.3:6789"}, {"", ""}}), "[v1:10.0.0.3:6789]");
  EXPECT_EQ(to_mon_host({}), "");
}

}  // namespace
}  // namespace cephfs
