// The opt-in raw argv log (JUJU_SIM_RAW_ARGV_LOG, tool/tool_trace.h): every hook-tool call's exact
// argv, unredacted, in a 0600 file, for the secret scans the redacted trace would blind.
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "sim_fixture.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

std::string read(const fs::path& path) {
  std::ifstream in(path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

class RawArgvLog : public SimTest {
 protected:
  void SetUp() override {
    SimTest::SetUp();
    log_ = dir_ + "/raw-argv.log";
  }
  void TearDown() override {
    ::unsetenv("JUJU_SIM_RAW_ARGV_LOG");
    SimTest::TearDown();
  }

  // A charm whose install hook passes secret content inline (the form the trace redacts), makes
  // an ordinary call, and a call that fails.
  void deploy_and_settle() {
    ok({"deploy", "app",
        write_charm("app", "",
                    {{"install",
                      "secret-add --label auth key=s3cr3t-inline user=admin\n"
                      "status-set active 'all good'\n"
                      "relation-get -r nosuch:9 - app/0 || true\n"}})});
    ok({"settle"});
  }

  std::vector<json> records() {
    std::vector<json> out;
    std::istringstream lines(read(log_));
    for (std::string line; std::getline(lines, line);) out.push_back(json::parse(line));
    return out;
  }

  std::string log_;
};

TEST_F(RawArgvLog, HoldsEveryToolCallsExactArgvWhereTheTraceRedacts) {
  ::setenv("JUJU_SIM_RAW_ARGV_LOG", log_.c_str(), 1);
  deploy_and_settle();

  const std::vector<json> logged = records();
  ASSERT_EQ(logged.size(), 3U) << read(log_);
  EXPECT_EQ(logged[0]["unit"], "app/0");
  EXPECT_THAT(logged[0]["context"].get<std::string>(), HasSubstr("install"));
  // argv[0] as the shell passed it.
  EXPECT_EQ(logged[0]["argv"],
            json({"secret-add", "--label", "auth", "key=s3cr3t-inline", "user=admin"}));
  EXPECT_EQ(logged[1]["argv"], json({"status-set", "active", "all good"}));
  // A call the tool rejects is logged too.
  EXPECT_EQ(logged[2]["argv"][1], "-r");

  // The trace still redacts, for humans.
  EXPECT_THAT(ok({"trace", "--format", "json"}), Not(HasSubstr("s3cr3t-inline")));
  EXPECT_THAT(ok({"trace", "--format", "json"}), HasSubstr("key=<redacted>"));

  struct stat st {};
  ASSERT_EQ(::stat(log_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600U);
  EXPECT_EQ(st.st_uid, ::geteuid());
}

TEST_F(RawArgvLog, IsNeitherWrittenNorPassedToHooksUnlessAsked) {
  deploy_and_settle();
  EXPECT_FALSE(fs::exists(log_));
  for (const json& row : trace()) {
    if (row["kind"] == "hook") {
      EXPECT_FALSE(row["env"].contains("JUJUSIM_RAW_ARGV_LOG")) << row;
    }
  }
}

TEST_F(RawArgvLog, AToolFailsRatherThanSkipTheLogWhenItIsNotA0600File) {
  std::ofstream(log_) << "";
  ::chmod(log_.c_str(), 0644);
  ::setenv("JUJU_SIM_RAW_ARGV_LOG", log_.c_str(), 1);
  ok({"deploy", "app",
      write_charm("app", "",
                  {{"install",
                    "status-set active hi 2> \"$JUJU_CHARM_DIR/../err.txt\"\n"
                    "echo $? > \"$JUJU_CHARM_DIR/../rc.txt\"\n"}})});
  ok({"settle"});
  const fs::path unit_dir = fs::path(model_) / "units" / "app-0";
  EXPECT_EQ(read(unit_dir / "rc.txt"), "1\n");
  EXPECT_THAT(read(unit_dir / "err.txt"),
              HasSubstr("ERROR cannot write the raw argv log " + log_ +
                        " (JUJUSIM_RAW_ARGV_LOG): it must be a regular file of mode 0600"));
  EXPECT_EQ(read(log_), "");
}

}  // namespace
