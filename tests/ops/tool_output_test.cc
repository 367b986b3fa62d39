// The parsers of hook-tool output (src/ops/tool_output.h) on output a real tool never prints:
// each gives kInvalidOutput and never throws. The first cases were found by fuzzing
// (fuzz/hook_tool_output_fuzz.cc, docs/reliability.md).
#include "tool_output.h"

#include <gtest/gtest.h>

namespace ops::internal {
namespace {

TEST(ToolOutput, ANumberTooLargeForADoubleIsInvalidOutputNotACrash) {
  // nlohmann-json throws out_of_range (not parse_error) for 1e999.
  auto config = parse_config_get(R"({"size": 1e999})");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.error().code, ErrorCode::kInvalidOutput);
  auto action = parse_action_get("1e999");
  ASSERT_FALSE(action.ok());
  EXPECT_EQ(action.error().code, ErrorCode::kInvalidOutput);
}

TEST(ToolOutput, WellFormedOutputParses) {
  auto bag = parse_relation_get(R"({"key": "value"})");
  ASSERT_TRUE(bag.ok());
  EXPECT_EQ(bag->at("key"), "value");
  auto ids = parse_relation_ids(R"(["db:1", "db:7"])");
  ASSERT_TRUE(ids.ok());
  EXPECT_EQ(*ids, (std::vector<int>{1, 7}));
}

TEST(ToolOutput, SecretContentIsNeverQuotedInTheError) {
  auto content = parse_secret_get(R"({"key": ["AQAPdQldX264KBAAOyaxen/y0XBl1qxlGPTabw=="]})");
  ASSERT_FALSE(content.ok());
  EXPECT_EQ(content.error().code, ErrorCode::kInvalidOutput);
  EXPECT_EQ(content.error().message.find("AQAPdQld"), std::string::npos);
}

}  // namespace
}  // namespace ops::internal
