#include "sqlite_database.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include "sim_error.h"

namespace juju_sim {
namespace {

std::string locked_message(sqlite3* db) {
  const char* file = db ? sqlite3_db_filename(db, "main") : nullptr;
  return fmt::format(
      "the model state {} is locked by another process (another juju-sim command or a hook "
      "still writing); nothing was changed: try again when it has finished",
      file ? file : "");
}

[[noreturn]] void fail(sqlite3* db, const std::string& what) {
  if (db && (sqlite3_errcode(db) == SQLITE_BUSY || sqlite3_errcode(db) == SQLITE_LOCKED)) {
    throw usage_error(locked_message(db));
  }
  throw usage_error(fmt::format("state database: {}: {}", what, db ? sqlite3_errmsg(db) : "?"));
}

}  // namespace

Statement::Statement(sqlite3* db, sqlite3_stmt* stmt, std::string_view sql, bool* in_use)
    : db_(db), stmt_(stmt), sql_(sql), in_use_(in_use) {}

Statement::Statement(Statement&& other) noexcept
    : db_(other.db_), stmt_(other.stmt_), sql_(other.sql_), in_use_(other.in_use_) {
  other.stmt_ = nullptr;
  other.in_use_ = nullptr;
}

Statement::~Statement() {
  if (stmt_ == nullptr) return;
  if (in_use_ != nullptr) {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    *in_use_ = false;
  } else {
    sqlite3_finalize(stmt_);
  }
}

Statement& Statement::bind(int index, std::string_view value) {
  if (sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()),
                        SQLITE_TRANSIENT) != SQLITE_OK) {
    fail(db_, "bind in " + std::string(sql_));
  }
  return *this;
}

Statement& Statement::bind(int index, std::int64_t value) {
  if (sqlite3_bind_int64(stmt_, index, value) != SQLITE_OK)
    fail(db_, "bind in " + std::string(sql_));
  return *this;
}

Statement& Statement::bind_null(int index) {
  if (sqlite3_bind_null(stmt_, index) != SQLITE_OK) fail(db_, "bind in " + std::string(sql_));
  return *this;
}

bool Statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  fail(db_, std::string(sql_));
}

void Statement::run() {
  while (step()) {
  }
}

std::string Statement::text(int column) const {
  const unsigned char* value = sqlite3_column_text(stmt_, column);
  if (value == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(value),
                     static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
}

std::int64_t Statement::integer(int column) const { return sqlite3_column_int64(stmt_, column); }

bool Statement::is_null(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

Database::Database(const std::string& path, bool create) : path_(path) {
  int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);
  if (sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
    std::string message = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    throw usage_error(fmt::format("cannot open state database {}: {}", path, message));
  }
  sqlite3_busy_timeout(db_, 5000);
  // Fails with "file is not a database" right here for a corrupt file. The destructor does not
  // run when the constructor throws, so close the connection here.
  try {
    exec("PRAGMA foreign_keys = ON; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;");
  } catch (...) {
    sqlite3_close(db_);
    db_ = nullptr;
    throw;
  }
}

Database::~Database() {
  for (auto& [sql, cached] : cache_) sqlite3_finalize(cached.stmt);
  sqlite3_close(db_);
}

void Database::set_busy_timeout(std::chrono::milliseconds timeout) {
  sqlite3_busy_timeout(db_, static_cast<int>(timeout.count()));
}

Statement Database::prepare(std::string_view sql) {
  auto [slot, inserted] = cache_.try_emplace(std::string(sql));
  CachedStatement& cached = slot->second;
  if (!cached.in_use) {
    if (cached.stmt == nullptr &&
        sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                           &cached.stmt, nullptr) != SQLITE_OK) {
      cache_.erase(slot);
      fail(db_, std::string(sql));
    }
    cached.in_use = true;
    return Statement(db_, cached.stmt, slot->first, &cached.in_use);
  }
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr) !=
      SQLITE_OK) {
    fail(db_, std::string(sql));
  }
  return Statement(db_, stmt, slot->first);
}

void Database::exec(std::string_view sql) {
  std::string copy(sql);
  char* error = nullptr;
  if (sqlite3_exec(db_, copy.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    std::string message = error ? error : sqlite3_errmsg(db_);
    sqlite3_free(error);
    int code = sqlite3_errcode(db_);
    if (code == SQLITE_BUSY || code == SQLITE_LOCKED) throw usage_error(locked_message(db_));
    throw usage_error(fmt::format("state database {}: {}", path_, message));
  }
}

std::int64_t Database::last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }
int Database::changes() const { return sqlite3_changes(db_); }

std::optional<std::string> Database::query_text(std::string_view sql, std::string_view arg) {
  Statement stmt = prepare(sql);
  if (!arg.empty()) stmt.bind(1, arg);
  if (!stmt.step() || stmt.is_null(0)) return std::nullopt;
  return stmt.text(0);
}

std::int64_t Database::query_int(std::string_view sql, std::int64_t fallback) {
  Statement stmt = prepare(sql);
  if (!stmt.step() || stmt.is_null(0)) return fallback;
  return stmt.integer(0);
}

Transaction::Transaction(Database& db, bool immediate) : db_(db) {
  db_.exec(immediate ? "BEGIN IMMEDIATE" : "BEGIN");
}

Transaction::~Transaction() {
  if (open_) {
    try {
      db_.exec("ROLLBACK");
    } catch (const SimError&) {
      // Nothing useful to do in a destructor; the connection is closed soon after.
    }
  }
}

void Transaction::commit() {
  db_.exec("COMMIT");
  open_ = false;
}

void Transaction::rollback() {
  db_.exec("ROLLBACK");
  open_ = false;
}

}  // namespace juju_sim
