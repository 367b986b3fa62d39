// Secret hygiene, end to end under juju-sim: the whole story of a cephx key (a user secret holding
// a marker key -> the proxy publishes it -> the client mounts with it -> the key is rotated -> the
// relation is removed -> related again -> the client unit stops and is removed), then a search
// for the marker keys (tools/juju-sim/tests/secret_scan.h) in everything the run left behind:
//  - the exact argv of every child process the charms started: every hook-tool call, unredacted,
//    from juju-sim's raw argv log (JUJU_SIM_RAW_ARGV_LOG; the trace redacts inline secret content
//    and would hide a key put on a command line), and every command of the client's simulated
//    machine from its commands.log; a marker in any argv is a finding, whatever the file mode
//    (secret content legitimately travels as `key#file=<path>`: the path on argv, the key in a
//    0600 file). The log must hold exactly one record per tool call of the trace;
//  - juju-sim's trace (every hook-tool argv, stdin and output, every hook's environment), status,
//    show-unit, the secret listing, and everything the CLI printed;
//  - every table of the juju-sim state database except the secret store (secrets,
//    secret_revisions, secret_grants, secret_consumers): bags, juju-log lines, statuses, queued
//    hooks, staged operations, unit state, actions...;
//  - every file under the test's directory: the model (charm dirs, unit dirs, the simulated
//    machines' roots with their key files, mount units, fstab), where a marker may be only in a
//    file of mode 0600 owned by the running user (root in CI).
// The client's key directory (<machine>/etc/ceph/cephfs-client) is checked on the way: while it
// exists it is 0700 and owned by the running user, its files 0600 of that user; it holds the key
// while mounted and no file at all after `remove-relation` and after the client's `stop`.
// Self-checks plant markers in a file, a database row, the raw argv log (inline secret content the
// trace redacts), a commands.log and a running process's command line, and prove the scanner
// reports each, and does not report a 0600 file or a `key#file=` argument.
#include <fmt/format.h>
#include <signal.h>
#include <spawn.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "secret_scan.h"
#include "sim_fixture.h"

extern char** environ;

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;

constexpr const char* kFsid = "354ca7c4-f10d-11ee-93f8-1f85f87b7845";
// Valid cephx keys (type 1, length 16, canonical base64) whose text says what they are.
constexpr const char* kMarkerKey = "AQAMHYGIENE1MRAASecretHygieneMarker1Qg==";
constexpr const char* kRotatedMarkerKey = "AQAMHYGIENE2MRAASecretHygieneMarker2Qg==";
// What the scanner looks for: both keys whole, and their distinctive middle, which also catches a
// key cut in pieces or wrapped in other text.
const std::vector<std::string> kNeedles = {kMarkerKey, kRotatedMarkerKey, "SecretHygieneMarker",
                                           "HYGIENE1MRAA", "HYGIENE2MRAA"};

std::string read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

long count_of(const std::vector<std::string>& findings, const std::string& text) {
  return std::count_if(findings.begin(), findings.end(),
                       [&](const std::string& f) { return f.find(text) != std::string::npos; });
}

class SecretHygiene : public SimTest {
 protected:
  void SetUp() override {
    SimTest::SetUp();
    raw_argv_log_ = dir_ + "/raw-argv.log";
    ::setenv("JUJU_SIM_RAW_ARGV_LOG", raw_argv_log_.c_str(), 1);
  }
  void TearDown() override {
    ::unsetenv("JUJU_SIM_RAW_ARGV_LOG");
    SimTest::TearDown();
  }

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
  fs::path key_dir(const std::string& unit) { return machine(unit) / "etc/ceph/cephfs-client"; }
  // The client's key material on its machine (kernel secret file or ceph-fuse keyring).
  std::string client_key_files(const std::string& unit) {
    std::string all;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(key_dir(unit), ec)) all += read(entry.path());
    return all;
  }
  // The names of the files in the client's key directory, checking on the way that the directory
  // (if it exists) is 0700 and owned by the running user, and each file 0600 of that user.
  std::vector<std::string> checked_key_files(const std::string& unit, const std::string& when) {
    std::vector<std::string> names;
    struct stat st {};
    if (::lstat(key_dir(unit).c_str(), &st) != 0) return names;
    EXPECT_TRUE(S_ISDIR(st.st_mode)) << key_dir(unit) << " " << when;
    EXPECT_EQ(st.st_mode & 07777, 0700U) << key_dir(unit) << " " << when;
    EXPECT_EQ(st.st_uid, ::geteuid()) << key_dir(unit) << " " << when;
    for (const auto& entry : fs::directory_iterator(key_dir(unit))) {
      names.push_back(entry.path().filename().string());
      EXPECT_EQ(::lstat(entry.path().c_str(), &st), 0);
      EXPECT_TRUE(S_ISREG(st.st_mode)) << entry.path() << " " << when;
      EXPECT_EQ(st.st_mode & 07777, 0600U) << entry.path() << " " << when;
      EXPECT_EQ(st.st_uid, ::geteuid()) << entry.path() << " " << when;
    }
    return names;
  }

  // Everything the CLI reports, the argv of every child process, the database and the files; the
  // marker findings.
  std::vector<std::string> scan_everything() {
    SecretScanner scan(kNeedles);
    const long tool_calls =
        scan.scan_reports([this](const std::vector<std::string>& args) { return run(args); });
    scan.scan_text("cli output", cli_text_);

    // Every tool call of the trace is in the raw argv log, so nothing escapes the argv scan.
    EXPECT_EQ(scan.scan_raw_argv_log(raw_argv_log_), tool_calls);
    EXPECT_GT(tool_calls, 50);
    RecordProperty("hook_tool_calls_scanned", static_cast<int>(tool_calls));
    const fs::path commands = machine("client/0") / "commands.log";
    const int command_count = scan.scan_command_log(commands);
    EXPECT_GE(command_count, 2) << read(commands);
    RecordProperty("machine_commands_scanned", command_count);
    // The mount commands themselves: ceph-fuse/mount/umount name the mountpoint, systemctl its
    // unit.
    EXPECT_THAT(read(commands),
                ::testing::AnyOf(HasSubstr(" /srv/data"), HasSubstr(" srv-data.mount")))
        << "the machine's mount commands";
    scan.scan_processes();

    scan.scan_database(fs::path(model_) / "state.db");
    scan.scan_files(dir_);
    // The scan reaches the places that do hold the key: at least the state database (its secret
    // store) and the 0600 files the user secrets were added from.
    EXPECT_GE(scan.allowed_files(), 3) << "the file scan found no marker where one must be";
    return scan.findings();
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
    EXPECT_THAT(checked_key_files("client/0", "while mounted"), Not(IsEmpty()));

    // update-secret replaces the whole content, as Juju's does.
    run({"update-secret", "cephfs-auth", secret_file_arg("username", "username", "ceph-client"),
         secret_file_arg("key2", "key", kRotatedMarkerKey)});
    run({"settle"});
    ASSERT_THAT(client_key_files("client/0"), HasSubstr(kRotatedMarkerKey));
    ASSERT_EQ(unit_status("client/0")["current"], "active") << unit_status("client/0");
    EXPECT_THAT(checked_key_files("client/0", "after rotation"), Not(IsEmpty()));

    run({"remove-relation", "proxy:cephfs-share", "client:cephfs-share"});
    run({"settle"});
    ASSERT_EQ(unit_status("client/0")["current"], "waiting") << unit_status("client/0");
    EXPECT_THAT(checked_key_files("client/0", "after remove-relation"), IsEmpty());

    // Related again, then the client unit goes away (removing its principal relation runs its
    // stop and remove hooks): it must not leave the key behind either.
    run({"relate", "proxy:cephfs-share", "client:cephfs-share"});
    run({"settle"});
    ASSERT_EQ(unit_status("client/0")["message"], "mounted ceph-fs:/ at /srv/data")
        << unit_status("client/0");
    ASSERT_THAT(client_key_files("client/0"), HasSubstr(kRotatedMarkerKey));
    run({"remove-relation", "ubuntu:juju-info", "client:juju-info"});
    run({"settle"});
    EXPECT_THAT(hooks_run("client/0"), Contains("client/0 stop"));
    EXPECT_FALSE(status()["applications"]["client"]["units"].contains("client/0"));
    EXPECT_THAT(checked_key_files("client/0", "after stop"), IsEmpty());
    EXPECT_TRUE(fs::exists(key_dir("client/0"))) << "the story never checked the directory";

    const std::vector<std::string> findings = scan_everything();
    EXPECT_THAT(findings, IsEmpty());
  }

  std::string raw_argv_log_;
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
  SecretScanner scan(kNeedles);
  scan.scan_files(root);
  // leaky.log: the whole key and two of its pieces; piece.txt: one piece; kept.secret is 0600.
  const auto& findings = scan.findings();
  EXPECT_EQ(findings.size(), 4U) << ::testing::PrintToString(findings);
  EXPECT_EQ(count_of(findings, "leaky.log"), 3);
  EXPECT_EQ(count_of(findings, "piece.txt"), 1);
  EXPECT_EQ(count_of(findings, "kept.secret"), 0);
  EXPECT_EQ(count_of(findings, "clean.txt"), 0);
  EXPECT_EQ(scan.allowed_files(), 1);  // kept.secret
  // A finding names the key by its first 12 characters only.
  EXPECT_EQ(count_of(findings, kMarkerKey), 0);

  SecretScanner text_scan(kNeedles);
  text_scan.scan_text("a status", std::string("blocked: bad key ") + kRotatedMarkerKey);
  EXPECT_THAT(text_scan.findings(), Contains(HasSubstr("a status: AQAMHYGIENE2")));
}

TEST_F(SecretHygiene, ScannerFindsAMarkerInTheDatabaseOutsideTheSecretStore) {
  ok({"deploy", "ubuntu", write_charm("ubuntu", "", {})});
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((fs::path(model_) / "state.db").c_str(), &db), SQLITE_OK);
  const std::string insert =
      std::string("INSERT INTO model(key, value) VALUES ('planted', '") + kMarkerKey + "')";
  ASSERT_EQ(sqlite3_exec(db, insert.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  SecretScanner scan(kNeedles);
  scan.scan_database(fs::path(model_) / "state.db");
  EXPECT_THAT(scan.findings(), Contains(HasSubstr("state.db table model row")));
}

// The blind spot the raw argv log closes: a charm that passes a key inline to secret-add. The trace
// shows `key=<redacted>`; the raw argv log shows the key, and the scanner reports it. The same
// key passed the legitimate way (`key#file=<0600 file>`) is not a finding.
TEST_F(SecretHygiene, ScannerFindsAMarkerPlantedInTheRawArgvLogThatTheTraceRedacts) {
  const std::string file_arg = secret_file_arg("planted-key", "key", kRotatedMarkerKey);
  ok({"deploy", "leaky",
      write_charm("leaky", "",
                  {{"install", fmt::format("secret-add --label inline key={}\n"
                                           "secret-add --label from-file {}\n",
                                           kMarkerKey, file_arg)}})});
  ok({"settle"});

  SecretScanner trace_scan(kNeedles);
  trace_scan.scan_text("trace", ok({"trace", "--format", "json"}));
  EXPECT_THAT(trace_scan.findings(), IsEmpty()) << "the trace should redact; see tool_trace.h";

  SecretScanner scan(kNeedles);
  EXPECT_EQ(scan.scan_raw_argv_log(raw_argv_log_), 2);
  // The whole key and its two pieces, all in argv[3] of the first secret-add; nothing else.
  EXPECT_THAT(scan.findings(), SizeIs(3)) << ::testing::PrintToString(scan.findings());
  EXPECT_EQ(count_of(scan.findings(), "argv[3] of hook tool secret-add (leaky/0-install"), 3)
      << ::testing::PrintToString(scan.findings());
  // The raw argv log is 0600, so a file scan alone would allow it: it is scanned as argv.
  SecretScanner file_scan(kNeedles);
  file_scan.scan_files(raw_argv_log_);
  EXPECT_THAT(file_scan.findings(), IsEmpty());
  EXPECT_EQ(file_scan.allowed_files(), 1);
}

TEST_F(SecretHygiene, ScannerFindsAMarkerInAMachineCommandAndARunningProcess) {
  const fs::path log = fs::path(dir_) / "commands.log";
  std::ofstream(log) << "systemctl daemon-reload\nmount -t ceph a:/ /srv -o secret=" << kMarkerKey
                     << "\n";
  ::chmod(log.c_str(), 0600);  // an argv is a finding whatever the file's mode
  SecretScanner scan(kNeedles);
  EXPECT_EQ(scan.scan_command_log(log), 2);
  EXPECT_EQ(count_of(scan.findings(), "argv of machine command mount"), 3)
      << ::testing::PrintToString(scan.findings());

  // A process whose argv holds the key (as its argv[0]), as `ps` would show it to any user. No
  // shell: a grandchild would outlive the kill and hold ctest's output pipe.
  std::vector<std::string> args = {kRotatedMarkerKey, "30"};
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  ASSERT_EQ(::posix_spawnp(&pid, "sleep", nullptr, nullptr, argv.data(), environ), 0);
  // posix_spawn returns once the child has replaced its memory, which is before the kernel has
  // set up the new argv: /proc/<pid>/cmdline can read empty for a moment. Wait for it (bounded).
  const fs::path cmdline = fs::path("/proc") / std::to_string(pid) / "cmdline";
  for (int i = 0; i < 200 && read(cmdline).empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  SecretScanner process_scan(kNeedles);
  EXPECT_GT(process_scan.scan_processes(), 1);
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
  EXPECT_THAT(process_scan.findings(),
              Contains(HasSubstr(fmt::format("command line of running process {} (sleep)", pid))));
}

TEST_F(SecretHygiene, CephxKeyNeedlesCatchTheKeyItsPiecesAndItsRawSecretBytes) {
  const std::string key = "AQAPdQldX264KBAAOyaxen/y0XBl1qxlGPTabw==";
  const std::vector<std::string> needles = cephx_key_needles(key);
  ASSERT_THAT(needles, SizeIs(5));
  EXPECT_EQ(needles[0], key);
  EXPECT_EQ(needles[4].size(), 16U);
  const fs::path root = fs::path(dir_) / "binary";
  fs::create_directories(root);
  std::ofstream(root / "core", std::ios::binary) << "\x7f"
                                                    "ELF...."
                                                 << needles[4] << "....";
  std::ofstream(root / "wrapped.txt") << "key = AQAPdQldX264KBAAOya\n  xen/y0XBl1qxlGPTabw==\n";
  SecretScanner scan(needles);
  scan.scan_files(root);
  EXPECT_THAT(scan.findings(), Contains(HasSubstr("core: <16 raw secret bytes>")));
  EXPECT_THAT(scan.findings(), Contains(HasSubstr("wrapped.txt")));
}

TEST_F(SecretHygiene, MarkerKeyStaysInTheSecretStoreAnd0600FilesOnSystemdMachines) {
  run_story(/*systemd=*/true);
}

TEST_F(SecretHygiene, MarkerKeyStaysInTheSecretStoreAnd0600FilesWithCephFuse) {
  run_story(/*systemd=*/false);
}

}  // namespace
