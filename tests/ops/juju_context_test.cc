#include "ops/juju_context.h"

#include <gtest/gtest.h>

namespace ops {
namespace {

TEST(JujuContext, ReadsRelationHookEnvironment) {
  auto ctx = JujuContext::from_map({{"JUJU_CHARM_DIR", "/var/lib/juju/agents/unit-a-0/charm"},
                                    {"JUJU_DISPATCH_PATH", "hooks/db-relation-changed"},
                                    {"JUJU_UNIT_NAME", "a/0"},
                                    {"JUJU_RELATION", "db"},
                                    {"JUJU_RELATION_ID", "db:7"},
                                    {"JUJU_REMOTE_UNIT", "b/3"},
                                    {"JUJU_REMOTE_APP", "b"},
                                    {"JUJU_MODEL_UUID", "uuid"},
                                    {"JUJU_VERSION", "3.4.6"}});
  EXPECT_EQ(ctx.charm_dir, "/var/lib/juju/agents/unit-a-0/charm");
  EXPECT_EQ(ctx.relation_id, 7);
  EXPECT_EQ(ctx.remote_unit, "b/3");
  EXPECT_EQ(ctx.remote_app, "b");
  EXPECT_EQ(ctx.app_name(), "a");
  EXPECT_FALSE(ctx.debug);
}

TEST(JujuContext, AcceptsBareRelationIdOfOldAgents) {
  auto ctx = JujuContext::from_map({{"JUJU_RELATION_ID", "12"}});
  EXPECT_EQ(ctx.relation_id, 12);
}

TEST(JujuContext, RejectsNonNumericRelationId) {
  auto ctx = JujuContext::from_map({{"JUJU_RELATION_ID", "db:x"}});
  EXPECT_FALSE(ctx.relation_id.has_value());
}

TEST(JujuContext, DerivesRemoteAppFromRemoteUnitWhenEmpty) {
  auto ctx = JujuContext::from_map({{"JUJU_REMOTE_UNIT", "ceph/2"}, {"JUJU_REMOTE_APP", ""}});
  EXPECT_EQ(ctx.remote_app, "ceph");
}

TEST(JujuContext, ReadsSecretRevisionAndDebugFlag) {
  auto ctx = JujuContext::from_map(
      {{"JUJU_SECRET_ID", "secret:abc"}, {"JUJU_SECRET_REVISION", "4"}, {"JUJU_DEBUG", "1"}});
  EXPECT_EQ(ctx.secret_id, "secret:abc");
  EXPECT_EQ(ctx.secret_revision, 4);
  EXPECT_TRUE(ctx.debug);
}

TEST(JujuContext, FallsBackToLegacyCharmDir) {
  auto ctx = JujuContext::from_map({{"CHARM_DIR", "/legacy"}});
  EXPECT_EQ(ctx.charm_dir, "/legacy");
}

}  // namespace
}  // namespace ops
