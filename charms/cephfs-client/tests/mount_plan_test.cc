#include "mount_plan.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace cephfs_client {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr const char* kKey = "AQAPdQldX264KBAAOyaxen/y0XBl1qxlGPTabw==";

ClientConfig config() { return *parse_client_config({{"mountpoint", "/srv/data"}}); }

charms::storage_libs::v0::CephFSShareInfo share() {
  return {"abcdefg", "ceph-fs", "/", {"10.143.60.15:6789", "10.143.60.16:6789"}};
}

TEST(MountPlan, KernelPlanUsesTheNewDeviceSyntaxAndASecretFile) {
  auto plan = make_mount_plan(config(), MountMethod::kKernel, share(), {"ceph-fs-client", kKey},
                              "cephfs-client", 3);
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  EXPECT_EQ(plan->source(), "ceph-fs-client@abcdefg.ceph-fs=/");
  EXPECT_THAT(plan->mount_options(),
              ElementsAre("mon_addr=10.143.60.15:6789/10.143.60.16:6789",
                          "secretfile=/etc/ceph/cephfs-client/cephfs-client.3.secret", "exec",
                          "suid", "dev", "rw", "_netdev"));
}

TEST(MountPlan, RoundTripsThroughJsonWithoutTheKey) {
  auto plan = make_mount_plan(config(), MountMethod::kFuse, share(), {"u", kKey}, "c", 1);
  ASSERT_TRUE(plan.ok());
  EXPECT_THAT(plan->to_json().dump(), ::testing::Not(HasSubstr(kKey)));
  auto back = MountPlan::from_json(plan->to_json());
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, *plan);
}

TEST(MountPlan, CorruptStoredRecordIsAnError) {
  EXPECT_EQ(MountPlan::from_json({{"mountpoint", 3}}).error().code, ops::ErrorCode::kCorruptState);
}

TEST(MountPlan, NormalisesMonitors) {
  EXPECT_EQ(*normalise_monitor("10.0.0.1:6789"), "10.0.0.1:6789");
  EXPECT_EQ(*normalise_monitor("[::1]:6789"), "[::1]:6789");
  EXPECT_EQ(*normalise_monitor("mon.example.com:6789"), "mon.example.com:6789");
  EXPECT_EQ(*normalise_monitor("[v2:10.0.0.1:3300/0,v1:10.0.0.1:6789/0]"), "10.0.0.1:6789");
  EXPECT_EQ(*normalise_monitor("[v2:10.0.0.1:3300/0]"), "10.0.0.1:3300");
  EXPECT_FALSE(normalise_monitor("10.0.0.1:6789,10.0.0.2:6789").ok());
  EXPECT_FALSE(normalise_monitor("10.0.0.1").ok());
  EXPECT_FALSE(normalise_monitor("").ok());
}

TEST(MountPlan, KeepsTypedMonitorAddressesForCephFuseOnly) {
  const std::string vector = "[v2:127.0.0.1:40001/0,v1:127.0.0.1:40002/0]";
  EXPECT_EQ(*normalise_monitor(vector, MountMethod::kFuse), vector);
  EXPECT_EQ(*normalise_monitor(vector, MountMethod::kKernel), "127.0.0.1:40002");
  EXPECT_EQ(*normalise_monitor("v1:127.0.0.1:40002", MountMethod::kFuse), "v1:127.0.0.1:40002");
  EXPECT_EQ(*normalise_monitor("v2:127.0.0.1:40001", MountMethod::kKernel), "127.0.0.1:40001");
  EXPECT_EQ(*normalise_monitor("10.0.0.1:6789", MountMethod::kFuse), "10.0.0.1:6789");
  EXPECT_FALSE(normalise_monitor("v1:10.0.0.1", MountMethod::kFuse).ok());
  EXPECT_FALSE(normalise_monitor("[v2:10.0.0.1:3300 mon_host=x]", MountMethod::kFuse).ok());
  EXPECT_FALSE(normalise_monitor("v3:10.0.0.1:6789", MountMethod::kFuse).ok());

  auto typed = share();
  typed.monitor_hosts = {vector, "[v2:127.0.0.2:3300/0,v1:127.0.0.2:6789/0]"};
  auto fuse = make_mount_plan(config(), MountMethod::kFuse, typed, {"u", kKey}, "app", 2);
  ASSERT_TRUE(fuse.ok()) << fuse.error().message;
  EXPECT_THAT(fuse->monitors, ElementsAre(vector, "[v2:127.0.0.2:3300/0,v1:127.0.0.2:6789/0]"));
  EXPECT_EQ(fuse->log_file(), "/var/log/ceph/app.2.ceph-fuse.log");
  auto kernel = make_mount_plan(config(), MountMethod::kKernel, typed, {"u", kKey}, "app", 2);
  ASSERT_TRUE(kernel.ok());
  EXPECT_THAT(kernel->mount_options(),
              ::testing::Contains("mon_addr=127.0.0.1:40002/127.0.0.2:6789"));
}

TEST(MountPlan, RejectsOptionInjectionInThePath) {
  auto bad = share();
  for (const char* path : {"/a,secret=x", "/a%i", "/a b", "/a\"b", "/a\\b"}) {
    bad.path = path;
    auto plan = make_mount_plan(config(), MountMethod::kKernel, bad, {"u", kKey}, "c", 1);
    EXPECT_FALSE(plan.ok()) << path;
  }
}

TEST(MountPlan, ErrorsNeverContainTheKey) {
  std::string key(kKey);
  key[1] = 'g';
  auto plan = make_mount_plan(config(), MountMethod::kKernel, share(), {"u", key}, "c", 1);
  ASSERT_FALSE(plan.ok());
  EXPECT_THAT(plan.error().message, ::testing::Not(HasSubstr(key.substr(0, 10))));
}

}  // namespace
}  // namespace cephfs_client
