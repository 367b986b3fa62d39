#include "secret_scan.h"

#include <dirent.h>
#include <fmt/format.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace {

namespace fs = std::filesystem;

std::string read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Standard base64 without padding checks; an invalid character ends the output.
std::string base64_decode(std::string_view text) {
  static constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  unsigned bits = 0;
  int count = 0;
  for (const char c : text) {
    if (c == '=') break;
    const auto value = kAlphabet.find(c);
    if (value == std::string_view::npos) break;
    bits = (bits << 6) | static_cast<unsigned>(value);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out += static_cast<char>((bits >> count) & 0xff);
    }
  }
  return out;
}

// How a finding names a needle: enough to tell which key, never the whole of it.
std::string label(const std::string& needle) {
  const bool printable = std::all_of(needle.begin(), needle.end(), [](char c) {
    return static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) < 0x7f;
  });
  if (!printable) return fmt::format("<{} raw secret bytes>", needle.size());
  return needle.substr(0, 12);
}

}  // namespace

std::vector<std::string> cephx_key_needles(const std::string& key) {
  std::vector<std::string> needles = {key};
  if (key.size() >= 38) {
    for (const std::size_t start : {std::size_t{4}, std::size_t{14}, std::size_t{26}}) {
      needles.push_back(key.substr(start, 12));
    }
  }
  // A cephx key: type (2 bytes), creation time (8), secret length (2), then the secret.
  const std::string bytes = base64_decode(key);
  if (bytes.size() == 28) needles.push_back(bytes.substr(12));
  return needles;
}

SecretScanner::SecretScanner(std::vector<std::string> needles) : needles_(std::move(needles)) {}

bool SecretScanner::found_in(const std::string& where, std::string_view text) {
  bool found = false;
  for (const auto& needle : needles_) {
    if (text.find(needle) != std::string_view::npos) {
      findings_.push_back(where + ": " + label(needle));
      found = true;
    }
  }
  return found;
}

void SecretScanner::scan_text(const std::string& where, std::string_view text) {
  found_in(where, text);
}

void SecretScanner::scan_files(const fs::path& root) {
  auto scan_one = [this](const fs::path& path) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return;
    const std::string text = read(path);
    const bool allowed = (st.st_mode & 07777) == 0600 && st.st_uid == ::geteuid();
    SecretScanner here(needles_);
    if (!here.found_in(path.string(), text)) return;
    if (allowed) {
      ++allowed_files_;
      return;
    }
    for (const auto& finding : here.findings_) {
      findings_.push_back(
          fmt::format("{} (mode {:o}, uid {})", finding, st.st_mode & 07777, st.st_uid));
    }
  };
  std::error_code ec;
  if (!fs::is_directory(fs::symlink_status(root, ec))) {
    scan_one(root);
    return;
  }
  for (auto it = fs::recursive_directory_iterator(root, fs::directory_options::none, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    scan_one(it->path());
  }
  if (ec) findings_.push_back("cannot walk " + root.string() + ": " + ec.message());
}

void SecretScanner::scan_database(const fs::path& db_path) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    findings_.push_back("cannot open " + db_path.string());
    sqlite3_close(db);
    return;
  }
  std::vector<std::string> tables;
  sqlite3_stmt* stmt = nullptr;
  sqlite3_prepare_v2(db, "SELECT name FROM sqlite_master WHERE type = 'table'", -1, &stmt, nullptr);
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    tables.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)));
  }
  sqlite3_finalize(stmt);
  if (tables.empty()) findings_.push_back("no table in " + db_path.string());
  for (const auto& table : tables) {
    if (kJujuSimSecretStoreTables.contains(table)) continue;
    const std::string sql = "SELECT * FROM \"" + table + "\"";
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
      findings_.push_back("cannot read table " + table + " of " + db_path.string());
      continue;
    }
    int row = 0;
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      ++row;
      for (int column = 0; column < sqlite3_column_count(stmt); ++column) {
        const auto* bytes = static_cast<const char*>(sqlite3_column_blob(stmt, column));
        if (bytes == nullptr) continue;
        found_in(fmt::format("state.db table {} row {} column {}", table, row,
                             sqlite3_column_name(stmt, column)),
                 std::string_view(bytes, static_cast<size_t>(sqlite3_column_bytes(stmt, column))));
      }
    }
    sqlite3_finalize(stmt);
  }
  sqlite3_close(db);
}

int SecretScanner::scan_raw_argv_log(const fs::path& log) {
  std::ifstream in(log, std::ios::binary);
  if (!in) {
    findings_.push_back("cannot read the raw argv log " + log.string());
    return 0;
  }
  int records = 0;
  int line_number = 0;
  for (std::string line; std::getline(in, line);) {
    ++line_number;
    const auto record = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (!record.is_object() || !record.contains("argv") || !record["argv"].is_array()) {
      findings_.push_back(
          fmt::format("{} line {}: not a raw argv record", log.string(), line_number));
      found_in(fmt::format("{} line {}", log.string(), line_number), line);
      continue;
    }
    ++records;
    const auto& argv = record["argv"];
    const std::string tool = argv.empty() || !argv[0].is_string()
                                 ? "?"
                                 : fs::path(argv[0].get<std::string>()).filename();
    for (std::size_t i = 0; i < argv.size(); ++i) {
      if (!argv[i].is_string()) continue;
      found_in(fmt::format("argv[{}] of hook tool {} ({}, {} line {})", i, tool,
                           record.value("context", "?"), log.filename().string(), line_number),
               argv[i].get<std::string>());
    }
  }
  return records;
}

int SecretScanner::scan_command_log(const fs::path& log) {
  std::ifstream in(log, std::ios::binary);
  if (!in) {
    findings_.push_back("cannot read the command log " + log.string());
    return 0;
  }
  int commands = 0;
  for (std::string line; std::getline(in, line);) {
    ++commands;
    found_in(fmt::format("argv of machine command {} ({} line {})", line.substr(0, line.find(' ')),
                         log.string(), commands),
             line);
  }
  return commands;
}

long SecretScanner::scan_reports(
    const std::function<std::string(const std::vector<std::string>&)>& cli) {
  const std::string trace_json = cli({"trace", "--format", "json"});
  scan_text("trace --format json", trace_json);
  scan_text("trace", cli({"trace"}));
  const std::string status_json = cli({"status", "--format", "json"});
  scan_text("status --format json", status_json);
  scan_text("secrets", cli({"secrets"}));
  const auto applications = nlohmann::json::parse(status_json)["applications"];
  for (const auto& [app, app_status] : applications.items()) {
    for (const auto& [unit, unit_status] : app_status["units"].items()) {
      scan_text("show-unit " + unit, cli({"show-unit", unit}));
    }
  }
  const auto rows = nlohmann::json::parse(trace_json);
  return std::count_if(rows.begin(), rows.end(),
                       [](const nlohmann::json& row) { return row["kind"] == "tool"; });
}

int SecretScanner::scan_processes() {
  int processes = 0;
  DIR* proc = ::opendir("/proc");
  if (proc == nullptr) {
    findings_.push_back("cannot list /proc");
    return 0;
  }
  while (const dirent* entry = ::readdir(proc)) {
    const std::string pid = entry->d_name;
    if (pid.empty() || !std::all_of(pid.begin(), pid.end(), ::isdigit)) continue;
    const fs::path dir = fs::path("/proc") / pid;
    // A process that exits meanwhile reads as empty.
    const std::string cmdline = read(dir / "cmdline");
    if (cmdline.empty()) continue;
    ++processes;
    std::string comm = read(dir / "comm");
    if (!comm.empty() && comm.back() == '\n') comm.pop_back();
    found_in(fmt::format("command line of running process {} ({})", pid, comm), cmdline);
    found_in(fmt::format("environment of running process {} ({})", pid, comm),
             read(dir / "environ"));
  }
  ::closedir(proc);
  return processes;
}
