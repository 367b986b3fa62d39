// Database / Statement: RAII wrappers over sqlite3* and sqlite3_stmt* (SQLite C API).
//
// Contract: a Database owns one connection, opened with a busy timeout so that a hook tool and
// the simulator can share the file. Every failing SQLite call throws SimError(2) whose message
// names the database file and SQLite's own text ("file is not a database"); a write lock held by
// another connection past the busy timeout gives "the model state <file> is locked by another
// process ...". So a corrupt or locked state file is a clear CLI error. Not thread-safe: one
// Database per thread. Transaction is a scope guard: it rolls back unless commit() was called.
//
// Example:
//   Database db(path);
//   Transaction tx(db);
//   db.prepare("INSERT INTO t(k, v) VALUES (?, ?)").bind(1, "k").bind(2, 3).run();
//   tx.commit();
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

struct sqlite3;
struct sqlite3_stmt;

namespace juju_sim {

class Statement {
 public:
  // `in_use` is the cache slot's flag when the statement is borrowed from the Database's cache
  // (reset, not finalized, on destruction); nullptr for a statement owned outright.
  Statement(sqlite3* db, sqlite3_stmt* stmt, std::string_view sql, bool* in_use = nullptr);
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  // Binds are 1-based, like sqlite3_bind_*.
  Statement& bind(int index, std::string_view value);
  Statement& bind(int index, const char* value) { return bind(index, std::string_view(value)); }
  Statement& bind(int index, const std::string& value) {
    return bind(index, std::string_view(value));
  }
  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
  Statement& bind_null(int index);
  Statement& bind(int index, const std::optional<std::string>& value) {
    return value ? bind(index, *value) : bind_null(index);
  }

  // Advances to the next row; false when done (sqlite3_step).
  bool step();
  // Runs a statement that returns no rows.
  void run();

  std::string text(int column) const;
  std::int64_t integer(int column) const;
  bool is_null(int column) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
  std::string_view sql_;
  bool* in_use_;
};

class Database {
 public:
  // Opens (and with `create`, creates) the file. Throws SimError(2) on failure.
  Database(const std::string& path, bool create);
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  ~Database();

  // How long a call waits for another connection's write lock before failing with the
  // "locked by another process" error (default 5 s).
  void set_busy_timeout(std::chrono::milliseconds timeout);

  // Statements are compiled once per connection and reused (a statement still in use when the
  // same SQL is prepared again, e.g. in a nested loop, gets a fresh one).
  Statement prepare(std::string_view sql);
  // Runs one or more statements without results (sqlite3_exec).
  void exec(std::string_view sql);
  std::int64_t last_insert_rowid() const;
  int changes() const;
  const std::string& path() const { return path_; }

  // Convenience: first column of the first row, or nullopt.
  std::optional<std::string> query_text(std::string_view sql, std::string_view arg = {});
  std::int64_t query_int(std::string_view sql, std::int64_t fallback = 0);

 private:
  struct CachedStatement {
    sqlite3_stmt* stmt = nullptr;
    bool in_use = false;
  };
  sqlite3* db_ = nullptr;
  std::string path_;
  // Keys own the SQL text that borrowed Statements point at; node-based, so addresses are stable.
  std::unordered_map<std::string, CachedStatement> cache_;
};

class Transaction {
 public:
  // `immediate` takes the write lock at once (BEGIN IMMEDIATE).
  explicit Transaction(Database& db, bool immediate = true);
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();
  void commit();
  void rollback();

 private:
  Database& db_;
  bool open_ = true;
};

}  // namespace juju_sim
