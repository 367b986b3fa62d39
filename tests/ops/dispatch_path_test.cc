#include <gtest/gtest.h>

#include "ops/main.h"

namespace ops {
namespace {

using Kind = DispatchTarget::Kind;

TEST(DispatchPath, LifecycleHooksAreRecognised) {
  for (const char* hook : {"install", "start", "stop", "remove", "config-changed", "upgrade-charm",
                           "update-status", "leader-elected", "leader-settings-changed"}) {
    auto target = parse_dispatch_path(std::string("hooks/") + hook);
    ASSERT_TRUE(target.ok()) << hook;
    EXPECT_EQ(target->kind, Kind::kLifecycle) << hook;
    EXPECT_EQ(target->name, hook);
  }
}

TEST(DispatchPath, RelationHookSplitsEndpointWithHyphens) {
  auto target = parse_dispatch_path("hooks/cephfs-share-relation-departed");
  ASSERT_TRUE(target.ok());
  EXPECT_EQ(target->kind, Kind::kRelation);
  EXPECT_EQ(target->endpoint, "cephfs-share");
  EXPECT_EQ(target->suffix, "departed");
}

TEST(DispatchPath, SecretHooksAreRecognised) {
  for (const char* suffix : {"changed", "rotate", "remove", "expired"}) {
    auto target = parse_dispatch_path(std::string("hooks/secret-") + suffix);
    ASSERT_TRUE(target.ok());
    EXPECT_EQ(target->kind, Kind::kSecret);
    EXPECT_EQ(target->suffix, suffix);
  }
}

TEST(DispatchPath, ActionsKeepTheirName) {
  auto target = parse_dispatch_path("actions/mount-info");
  ASSERT_TRUE(target.ok());
  EXPECT_EQ(target->kind, Kind::kAction);
  EXPECT_EQ(target->name, "mount-info");
}

TEST(DispatchPath, UnmodelledHooksAreIgnoredNotErrors) {
  for (const char* hook :
       {"hooks/data-storage-attached", "hooks/collect-metrics", "hooks/workload-pebble-ready"}) {
    auto target = parse_dispatch_path(hook);
    ASSERT_TRUE(target.ok()) << hook;
    EXPECT_EQ(target->kind, Kind::kIgnored) << hook;
  }
}

TEST(DispatchPath, MalformedPathsAreClearErrors) {
  for (const char* path : {"", "install", "hooks/", "actions/", "hooks/a/b", "bin/install"}) {
    auto target = parse_dispatch_path(path);
    ASSERT_FALSE(target.ok()) << path;
    EXPECT_EQ(target.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(target.error().message.find("JUJU_DISPATCH_PATH"), std::string::npos) << path;
  }
}

TEST(DispatchPath, BareRelationSuffixIsNotARelationHook) {
  auto target = parse_dispatch_path("hooks/-relation-changed");
  ASSERT_TRUE(target.ok());
  EXPECT_EQ(target->kind, Kind::kIgnored);
}

}  // namespace
}  // namespace ops
