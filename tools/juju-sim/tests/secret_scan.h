// SecretScanner: searches what a juju-sim run left behind for secret values ("needles"), for the
// secret-hygiene tests (charms/tests/secret_hygiene_test.cc under juju-sim, and the provisioning
// story on a real cluster in tests/e2e/charms_e2e_test.cc).
//
// What counts as a finding, by kind of place:
//  - text (CLI output, status, trace, show-unit, action results): any needle;
//  - an argv (the raw argv log of hook tools, a simulated machine's commands.log, the command
//    line and environment of every running process): any needle, whatever the file's mode: an
//    argv is visible to every local user in `ps`, and no legitimate argv holds a key (secret
//    content travels as `key#file=<path>`, the path on argv and the content in a 0600 file);
//  - a file: a needle in anything but a regular file of mode 0600 owned by the running user;
//  - the juju-sim state database: a needle in any table except the secret store.
// Each finding reads "<place>: <needle>", the needle shown only by its first 12 characters (enough
// to tell which key, not enough to use it). Not thread-safe; one scanner per scan.
//
//   SecretScanner scan(cephx_key_needles(key));
//   scan.scan_database(model + "/state.db");
//   scan.scan_files(dir);
//   EXPECT_THAT(scan.findings(), IsEmpty());
#pragma once

#include <filesystem>
#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

// The juju-sim tables that make up its secret store: the one place a key may be in the database.
inline const std::set<std::string> kJujuSimSecretStoreTables = {
    "secrets", "secret_revisions", "secret_grants", "secret_consumers"};

// What to look for, for one cephx key: the key, three overlapping 12-character pieces of it
// (a key cut, wrapped or quoted), and the 16 raw secret bytes it encodes (a binary copy).
std::vector<std::string> cephx_key_needles(const std::string& key);

class SecretScanner {
 public:
  explicit SecretScanner(std::vector<std::string> needles);

  // `text` seen in `where` (a report, a status, an action result...).
  void scan_text(const std::string& where, std::string_view text);
  // What juju-sim reports about a model: `trace` (JSON and text), `status --format json`,
  // `secrets` and `show-unit` of every unit, each through `cli` (which runs juju-sim with those
  // arguments and returns its stdout). Returns the number of hook-tool calls in the trace, so a
  // caller can check that the raw argv log holds every one.
  long scan_reports(const std::function<std::string(const std::vector<std::string>&)>& cli);
  // Every regular file under `root` (or `root` itself); symlinks are not followed. A needle is
  // allowed only in a 0600 file of the running user, and counted in allowed_files().
  void scan_files(const std::filesystem::path& root);
  // Every row of every table of a juju-sim state database except the secret store.
  void scan_database(const std::filesystem::path& db_path);
  // The raw argv log of juju-sim's hook tools (JUJU_SIM_RAW_ARGV_LOG, JSON lines); every argv
  // element is checked. Returns the number of records; a line that is not a record is a finding.
  int scan_raw_argv_log(const std::filesystem::path& log);
  // A simulated machine's commands.log (one command per line, its argv joined by spaces).
  // Returns the number of commands.
  int scan_command_log(const std::filesystem::path& log);
  // /proc/<pid>/cmdline and /proc/<pid>/environ of every process now running. Returns the number
  // of processes whose command line could be read.
  int scan_processes();

  const std::vector<std::string>& findings() const { return findings_; }
  // Files that hold a needle and are 0600 files of the running user.
  int allowed_files() const { return allowed_files_; }

 private:
  bool found_in(const std::string& where, std::string_view text);

  std::vector<std::string> needles_;
  std::vector<std::string> findings_;
  int allowed_files_ = 0;
};
