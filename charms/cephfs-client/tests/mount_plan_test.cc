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

std::vector<std::string> texts(const std::vector<cephfs::MonitorAddress>& monitors) {
  std::vector<std::string> out;
  for (const auto& monitor : monitors) out.push_back(monitor.str());
  return out;
}

TEST(MountPlan, KernelUsesOneHostPortPerMonitor) {
  auto monitors = share();
  monitors.monitor_hosts = {"10.0.0.1:6789",        "[::1]:6789",
                            "mon.example.com:6789", "[v2:10.0.0.1:3300/0,v1:10.0.0.1:6789/0]",
                            "[v2:10.0.0.2:3300/0]", "v2:10.0.0.3:3300"};
  auto plan = make_mount_plan(config(), MountMethod::kKernel, monitors, {"u", kKey}, "c", 1);
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  EXPECT_EQ(plan->kernel_mon_addr(),
            "10.0.0.1:6789/[::1]:6789/mon.example.com:6789/10.0.0.1:6789/10.0.0.2:3300/"
            "10.0.0.3:3300");
}

TEST(MountPlan, KeepsTypedMonitorAddressesForCephFuseOnly) {
  const std::string vector = "[v2:127.0.0.1:40001/0,v1:127.0.0.1:40002/0]";
  auto typed = share();
  typed.monitor_hosts = {vector, "[v2:127.0.0.2:3300/0,v1:127.0.0.2:6789/0]"};
  auto fuse = make_mount_plan(config(), MountMethod::kFuse, typed, {"u", kKey}, "app", 2);
  ASSERT_TRUE(fuse.ok()) << fuse.error().message;
  EXPECT_THAT(texts(fuse->monitors),
              ElementsAre(vector, "[v2:127.0.0.2:3300/0,v1:127.0.0.2:6789/0]"));
  EXPECT_EQ(fuse->conf_mon_host(), vector + ",[v2:127.0.0.2:3300/0,v1:127.0.0.2:6789/0]");
  EXPECT_EQ(fuse->log_file(), "/var/log/ceph/app.2.ceph-fuse.log");
  auto kernel = make_mount_plan(config(), MountMethod::kKernel, typed, {"u", kKey}, "app", 2);
  ASSERT_TRUE(kernel.ok());
  EXPECT_THAT(kernel->mount_options(),
              ::testing::Contains("mon_addr=127.0.0.1:40002/127.0.0.2:6789"));
}

TEST(MountPlan, RefusesMonitorsThatCouldInjectIntoAFileOrOptions) {
  // Each was (or could be) a way from share_info into the unit's Options= or ceph.conf's
  // mon_host: the NUL one passed the old IPv6 check, which handed c_str() to inet_pton.
  using namespace std::string_literals;
  const std::string nul_unit = "[::1\0\n[Unit]\nFailureAction=reboot-force]:6789"s;
  const std::string nul_conf = "[v1:[::1\0]:6789\n\tlog_file = /etc/shadow]"s;
  for (const std::string& monitor :
       {nul_unit, nul_conf, std::string("10.0.0.1:6789\nlog_file=/x"),
        std::string("10.0.0.1:6789,10.0.0.2:6789"), std::string("[v2:10.0.0.1:3300 mon_host=x]"),
        std::string("v3:10.0.0.1:6789"), std::string("v1:10.0.0.1"), std::string("10.0.0.1"),
        std::string("")}) {
    for (auto method : {MountMethod::kKernel, MountMethod::kFuse}) {
      auto bad = share();
      bad.monitor_hosts = {monitor};
      auto plan = make_mount_plan(config(), method, bad, {"u", kKey}, "c", 1);
      EXPECT_FALSE(plan.ok()) << "accepted " << cephfs::quote_untrusted(monitor) << " for "
                              << to_string(method);
    }
  }
}

TEST(MountPlan, RefusesDotSegmentsInThePath) {
  for (const char* path : {"/..", "/a/../b", "/./a", "/a/."}) {
    auto bad = share();
    bad.path = path;
    EXPECT_FALSE(make_mount_plan(config(), MountMethod::kFuse, bad, {"u", kKey}, "c", 1).ok())
        << path;
  }
}

TEST(MountPlan, StoredRecordIsRevalidated) {
  auto plan = make_mount_plan(config(), MountMethod::kFuse, share(), {"u", kKey}, "c", 1);
  ASSERT_TRUE(plan.ok());
  for (const char* field : {"fsid", "fs_name", "path", "user"}) {
    auto record = plan->to_json();
    record[field] = "x\ny";
    auto back = MountPlan::from_json(record);
    ASSERT_FALSE(back.ok()) << field;
    EXPECT_EQ(back.error().code, ops::ErrorCode::kCorruptState);
    EXPECT_THAT(back.error().message, ::testing::Not(HasSubstr("\n")));
  }
  auto record = plan->to_json();
  record["monitors"] = {"10.0.0.1:6789\n[x]"};
  EXPECT_FALSE(MountPlan::from_json(record).ok());
  record = plan->to_json();
  record["mountpoint"] = "/etc/x";
  EXPECT_FALSE(MountPlan::from_json(record).ok());
}

TEST(MountPlan, RejectsOptionInjectionInThePath) {
  auto bad = share();
  for (const char* path : {"/a,secret=x", "/a%i", "/a b", "/a\"b", "/a\\b", "/a#b", "/$HOME"}) {
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
