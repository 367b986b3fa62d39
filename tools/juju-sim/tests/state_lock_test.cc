// A model state file locked by another process: a clear error, exit 2, nothing changed.
#include <sqlite3.h>

#include <filesystem>

#include "sim_fixture.h"

namespace {

using nlohmann::json;
using ::testing::HasSubstr;

// Holds the state file's write lock (an open write transaction) for its lifetime, like another
// juju-sim command in the middle of its work.
class WriteLock {
 public:
  explicit WriteLock(const std::string& path) {
    if (sqlite3_open(path.c_str(), &db_) == SQLITE_OK) {
      held_ = sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK;
    }
  }
  WriteLock(const WriteLock&) = delete;
  WriteLock& operator=(const WriteLock&) = delete;
  ~WriteLock() {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    sqlite3_close(db_);
  }
  bool held() const { return held_; }

 private:
  sqlite3* db_ = nullptr;
  bool held_ = false;
};

class StateLock : public SimTest {};

TEST_F(StateLock, WriteWhileAnotherProcessWritesFailsClearlyAndChangesNothing) {
  std::string charm = write_charm("app", "", {});
  {
    WriteLock lock(model_ + "/state.db");
    ASSERT_TRUE(lock.held());
    CliResult result = sim({"--lock-timeout", "0.2", "deploy", "app", charm});
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_THAT(result.err, HasSubstr("is locked by another process"));
    EXPECT_THAT(result.err, HasSubstr(model_ + "/state.db"));
    // Readers are not blocked by a writer (WAL).
    EXPECT_EQ(sim({"status", "--format", "json"}).exit_code, 0);
  }
  EXPECT_TRUE(status()["applications"].empty());
  EXPECT_FALSE(std::filesystem::exists(model_ + "/charms/app"));
  ok({"deploy", "app", charm});  // works once the lock is gone
  EXPECT_TRUE(status()["applications"].contains("app"));
}

TEST_F(StateLock, SettleWaitsForTheLockUpToTheTimeout) {
  ok({"deploy", "app", write_charm("app", "", {})});
  WriteLock lock(model_ + "/state.db");
  ASSERT_TRUE(lock.held());
  CliResult result = sim({"--lock-timeout", "0.2", "settle"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr("is locked by another process"));
}

}  // namespace
