// Secret hygiene, end to end under juju-sim: the whole story of a cephx key (a user secret holding
// a marker key -> the proxy publishes it -> the client mounts with it -> the key is rotated -> the
// relation is removed), then a search for the marker keys in everything the run left behind:
//  - juju-sim's trace (every hook-tool argv, stdin and output, every hook's environment), status,
//    show-unit, the secret listing;
//  - every table of the juju-sim state database except the secret store (secrets,
//    secret_revisions, secret_grants, secret_consumers): bags, juju-log lines, statuses, queued
//    hooks, staged operations, unit state, actions...;
//  - every file under the test's directory: the model (charm dirs, unit dirs, the simulated
//    machines' roots with their commands.log, key files, mount units, fstab).
// A marker may appear only in the secret store and in files of mode 0600 owned by the running
// user (root in CI). Anything else fails with the place it was found. A self-check plants a marker
// to prove the scanner finds it.
#include <fmt/format.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "sim_fixture.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr const char* kFsid = "354ca7c4-f10d-11ee-93f8-1f85f87b7845";
// Valid cephx keys (type 1, length 16, canonical base64) whose text says what they are.
constexpr const char* kMarkerKey = "AQAMHYGIENE1MRAASecretHygieneMarker1Qg==";
constexpr const char* kRotatedMarkerKey = "AQAMHYGIENE2MRAASecretHygieneMarker2Qg==";
// What the scanner looks for: both keys whole, and their distinctive middle, which also catches a
// key cut in pieces or wrapped in other text.
const std::vector<std::string> kNeedles = {kMarkerKey, kRotatedMarkerKey, "SecretHygieneMarker",
                                           "HYGIENE1MRAA", "HYGIENE2MRAA"};
// The juju-sim tables that make up its secret store.
const std::set<std::string> kSecretStoreTables = {"secrets", "secret_revisions", "secret_grants",
                                                  "secret_consumers"};

std::string read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Every marker occurrence in `text`, as "<where>: <needle>".
void scan_text(const std::string& where, const std::string& text,
               std::vector<std::string>& findings) {
  for (const auto& needle : kNeedles) {
    if (text.find(needle) != std::string::npos) findings.push_back(where + ": " + needle);
  }
}

// Every regular file under `root` that holds a marker and is not a 0600 file of this user.
// `allowed` counts the files that hold a marker and are 0600 files of this user.
void scan_files(const fs::path& root, std::vector<std::string>& findings, int* allowed = nullptr) {
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root, fs::directory_options::none, ec);
       it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) break;
    if (it->is_symlink() || !it->is_regular_file()) continue;
    const std::string text = read(it->path());
    std::vector<std::string> here;
    scan_text(it->path().string(), text, here);
    if (here.empty()) continue;
    struct stat st {};
    if (::lstat(it->path().c_str(), &st) != 0) continue;
    if ((st.st_mode & 07777) == 0600 && st.st_uid == ::geteuid()) {
      if (allowed != nullptr) ++*allowed;
      continue;
    }
    for (auto& finding : here) {
      findings.push_back(
          fmt::format("{} (mode {:o}, uid {})", finding, st.st_mode & 07777, st.st_uid));
    }
  }
}

// Every row of every table of the juju-sim database outside the secret store.
void scan_database(const fs::path& db_path, std::vector<std::string>& findings) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    findings.push_back("cannot open " + db_path.string());
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
  for (const auto& table : tables) {
    if (kSecretStoreTables.contains(table)) continue;
    const std::string sql = "SELECT * FROM \"" + table + "\"";
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) continue;
    int row = 0;
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      ++row;
      for (int column = 0; column < sqlite3_column_count(stmt); ++column) {
        const auto* bytes = static_cast<const char*>(sqlite3_column_blob(stmt, column));
        if (bytes == nullptr) continue;
        const std::string value(bytes, static_cast<size_t>(sqlite3_column_bytes(stmt, column)));
        scan_text(fmt::format("state.db table {} row {} column {}", table, row,
                              sqlite3_column_name(stmt, column)),
                  value, findings);
      }
    }
    sqlite3_finalize(stmt);
  }
  sqlite3_close(db);
}

class SecretHygiene : public SimTest {
 protected:
  // A 0600 file holding `value`; returns "<key>#file=<path>" for add-secret/update-secret.
  std::string secret_file_arg(const std::string& name, const std::string& key,
                              const std::string& value) {
    const fs::path path = fs::path(dir_) / "user-secrets" / name;
    fs::create_directories(path.parent_path());
    std::ofstream(path) << value;
    ::chmod(path.c_str(), 0600);
    return key + "#file=" + path.string();
  }

  fs::path machine(const std::string& unit) {
    std::string flat = unit;
    flat[flat.find('/')] = '-';
    return fs::path(model_) / "units" / flat / "machine";
  }
  json unit_status(const std::string& unit) {
    const std::string app = unit.substr(0, unit.find('/'));
    return status()["applications"][app]["units"][unit]["workload-status"];
  }
  // The client's key material on its machine (kernel secret file or ceph-fuse keyring).
  std::string client_key_files(const std::string& unit) {
    std::string all;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(machine(unit) / "etc/ceph/cephfs-client", ec)) {
      all += read(entry.path());
    }
    return all;
  }

  // Everything the CLI reports, plus the database and the files; the marker findings.
  std::vector<std::string> scan_everything() {
    std::vector<std::string> findings;
    scan_text("trace --format json", ok({"trace", "--format", "json"}), findings);
    scan_text("trace", ok({"trace"}), findings);
    scan_text("status --format json", ok({"status", "--format", "json"}), findings);
    scan_text("secrets", ok({"secrets"}), findings);
    for (const char* unit : {"proxy/0", "client/0", "ubuntu/0"}) {
      scan_text(std::string("show-unit ") + unit, ok({"show-unit", unit}), findings);
    }
    scan_text("cli output", cli_text_, findings);
    scan_database(fs::path(model_) / "state.db", findings);
    int allowed = 0;
    scan_files(dir_, findings, &allowed);
    // The scan reaches the places that do hold the key: at least the state database (its secret
    // store) and the 0600 files the user secrets were added from.
    EXPECT_GE(allowed, 3) << "the file scan found no marker where one must be";
    return findings;
  }

  // Runs the CLI, expecting success, and keeps what it printed for the scan.
  std::string run(const std::vector<std::string>& args) {
    CliResult result = sim(args);
    EXPECT_EQ(result.exit_code, 0) << args[0] << ": " << result.err;
    cli_text_ += result.out + result.err;
    return result.out;
  }

  // The whole story; `systemd`: the client machine runs systemd (mount units), else ceph-fuse
  // run directly and /etc/fstab.
  void run_story(bool systemd) {
    fs::create_directories(model_);
    if (systemd) {
      std::ofstream(fs::path(model_) / "sim-machine-systemd") << "";
      std::ofstream(fs::path(model_) / "sim-machine-kernel-ceph") << "";
    } else {
      std::ofstream(fs::path(model_) / "sim-machine-no-systemd") << "";
    }
    std::string uri =
        run({"add-secret", "cephfs-auth", secret_file_arg("username", "username", "ceph-client"),
             secret_file_arg("key1", "key", kMarkerKey)});
    while (!uri.empty() && (uri.back() == '\n' || uri.back() == ' ')) uri.pop_back();
    ASSERT_THAT(uri, ::testing::StartsWith("secret:"));

    run({"deploy", "ubuntu", write_charm("ubuntu", "", {})});
    run({"deploy", "proxy", PROXY_CHARM_FILE, "--config", std::string("fsid=") + kFsid,
         "sharepoint=ceph-fs:/", "monitor-hosts=10.5.0.80:6789 10.5.2.23:6789",
         "auth-secret=" + uri});
    run({"grant-secret", "cephfs-auth", "proxy"});
    run({"deploy", "client", CLIENT_SIM_CHARM_DIR, "--config", "mountpoint=/srv/data"});
    run({"relate", "ubuntu:juju-info", "client:juju-info"});
    run({"relate", "proxy:cephfs-share", "client:cephfs-share"});
    run({"settle"});
    ASSERT_EQ(unit_status("proxy/0")["current"], "active") << unit_status("proxy/0");
    ASSERT_EQ(unit_status("client/0")["message"], "mounted ceph-fs:/ at /srv/data")
        << unit_status("client/0");
    // The key did travel: the client's key file holds it.
    ASSERT_THAT(client_key_files("client/0"), HasSubstr(kMarkerKey));

    // update-secret replaces the whole content, as Juju's does.
    run({"update-secret", "cephfs-auth", secret_file_arg("username", "username", "ceph-client"),
         secret_file_arg("key2", "key", kRotatedMarkerKey)});
    run({"settle"});
    ASSERT_THAT(client_key_files("client/0"), HasSubstr(kRotatedMarkerKey));
    ASSERT_EQ(unit_status("client/0")["current"], "active") << unit_status("client/0");

    run({"remove-relation", "proxy:cephfs-share", "client:cephfs-share"});
    run({"settle"});
    ASSERT_EQ(unit_status("client/0")["current"], "waiting") << unit_status("client/0");

    const std::vector<std::string> findings = scan_everything();
    EXPECT_THAT(findings, IsEmpty());
  }

  std::string cli_text_;
};

TEST_F(SecretHygiene, ScannerFindsAPlantedMarkerOutsideA0600File) {
  const fs::path root = fs::path(dir_) / "planted";
  fs::create_directories(root / "sub");
  std::ofstream(root / "sub" / "leaky.log") << "mounted with key " << kMarkerKey << "\n";
  std::ofstream(root / "kept.secret") << kMarkerKey;
  ::chmod((root / "kept.secret").c_str(), 0600);
  std::ofstream(root / "piece.txt") << "...SecretHygieneMarker2...";
  std::ofstream(root / "clean.txt") << "AQAPdQldX264KBAAOyaxen/y0XBl1qxlGPTabw==";
  std::vector<std::string> findings;
  scan_files(root, findings);
  // leaky.log: the whole key and two of its pieces; piece.txt: one piece; kept.secret is 0600.
  auto count = [&](const std::string& name) {
    return std::count_if(findings.begin(), findings.end(),
                         [&](const std::string& f) { return f.find(name) != std::string::npos; });
  };
  EXPECT_EQ(findings.size(), 4U) << ::testing::PrintToString(findings);
  EXPECT_EQ(count("leaky.log"), 3);
  EXPECT_EQ(count("piece.txt"), 1);
  EXPECT_EQ(count("kept.secret"), 0);
  int allowed = 0;
  findings.clear();
  scan_files(root, findings, &allowed);
  EXPECT_EQ(allowed, 1);  // kept.secret
  EXPECT_EQ(count("clean.txt"), 0);

  std::vector<std::string> text_findings;
  scan_text("a status", std::string("blocked: bad key ") + kRotatedMarkerKey, text_findings);
  EXPECT_THAT(text_findings, ::testing::Contains(HasSubstr("a status: AQAMHYGIENE2")));
}

TEST_F(SecretHygiene, ScannerFindsAMarkerInTheDatabaseOutsideTheSecretStore) {
  ok({"deploy", "ubuntu", write_charm("ubuntu", "", {})});
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((fs::path(model_) / "state.db").c_str(), &db), SQLITE_OK);
  const std::string insert =
      std::string("INSERT INTO model(key, value) VALUES ('planted', '") + kMarkerKey + "')";
  ASSERT_EQ(sqlite3_exec(db, insert.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  std::vector<std::string> findings;
  scan_database(fs::path(model_) / "state.db", findings);
  EXPECT_THAT(findings, ::testing::Contains(HasSubstr("state.db table model row")));
}

TEST_F(SecretHygiene, MarkerKeyStaysInTheSecretStoreAnd0600FilesOnSystemdMachines) {
  run_story(/*systemd=*/true);
}

TEST_F(SecretHygiene, MarkerKeyStaysInTheSecretStoreAnd0600FilesWithCephFuse) {
  run_story(/*systemd=*/false);
}

}  // namespace
