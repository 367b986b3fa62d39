// The whole story on a real cluster: the packed cephfs-server-proxy and cephfs-client charms run
// under juju-sim as root, the proxy provisions a subvolume and a cephx client per relation, the
// client mounts it with ceph-fuse, and the tests write and read through the real mountpoint.
// Then: isolation between two client apps, revocation when a relation is removed, credential
// rotation, the proxy's static (Python-compatible) mode, and a share on a second file system.
//
// Needs: STORAGE_LIBS_CEPH_CONF (scripts/ceph-dev-cluster start DIR --second-fs cephfs2), root,
// ceph-fuse. Mountpoints live in a directory of their own, never under the model directory that
// the fixture deletes, and every mount is undone before anything is removed.
#include "charms_e2e_fixture.h"
#include "secret_scan.h"

namespace cephfs::e2e {
namespace {

TEST_F(CharmsE2e, TheClientMountsItsProvisionedSubvolumeAndWritesAndReadsAFile) {
  deploy_provisioner("proxy");
  const std::string mountpoint = deploy_client("client");
  relate("proxy", "client");
  ok({"settle"});

  EXPECT_EQ(unit_status("proxy/0")["current"], "active") << unit_status("proxy/0");
  const json client = unit_status("client/0");
  ASSERT_EQ(client["current"], "active") << client;
  EXPECT_THAT(client["message"].get<std::string>(), HasSubstr("at " + mountpoint));
  ASSERT_TRUE(is_ceph_fuse_mount(mountpoint));
  EXPECT_TRUE(write_and_read(mountpoint, "hello.txt", "hello through the charms\n"));

  const json info = mount_info("client/0");
  EXPECT_THAT(info.dump(), HasSubstr("/volumes/" + group_ + "/"));
  EXPECT_THAT(info.dump(), Not(HasSubstr(ini_value(client_keyring("client"), "key"))));

  const fs::path keyring = client_keyring("client");
  ASSERT_FALSE(keyring.empty());
  struct stat st {};
  ASSERT_EQ(::stat(keyring.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(st.st_uid, 0u);
}

TEST_F(CharmsE2e, ASecondClientGetsItsOwnSubvolumeAndKeyAndCannotReachTheFirst) {
  deploy_provisioner("proxy");
  const std::string mount_a = deploy_client("client-a");
  const std::string mount_b = deploy_client("client-b");
  relate("proxy", "client-a");
  relate("proxy", "client-b");
  ok({"settle"});
  ASSERT_TRUE(is_ceph_fuse_mount(mount_a)) << unit_status("client-a/0");
  ASSERT_TRUE(is_ceph_fuse_mount(mount_b)) << unit_status("client-b/0");
  ASSERT_TRUE(write_and_read(mount_a, "a.txt", "a's data\n"));
  ASSERT_TRUE(write_and_read(mount_b, "b.txt", "b's data\n"));

  const std::string user_a = user_of(client_keyring("client-a"));
  const std::string user_b = user_of(client_keyring("client-b"));
  ASSERT_FALSE(user_a.empty());
  EXPECT_NE(user_a, user_b);
  EXPECT_NE(share_path("client-a/0"), share_path("client-b/0"));
  EXPECT_FALSE(fs::exists(mount_a + "/b.txt"));
  EXPECT_FALSE(fs::exists(mount_b + "/a.txt"));

  // b's key cannot mount a's subvolume (the path in a's share_info).
  const std::string share_a = share_path("client-a/0");
  const std::string keyring_b = copy_keyring(client_keyring("client-b"));
  auto intruder = fuse_mount(user_b, keyring_b, "cephfs", share_a);
  EXPECT_FALSE(intruder->mounted()) << "client." << user_b << " mounted " << share_a;
}

TEST_F(CharmsE2e, RemovingARelationRevokesItsKeyWhileTheOtherClientKeepsWorking) {
  deploy_provisioner("proxy");
  const std::string mount_a = deploy_client("client-a");
  const std::string mount_b = deploy_client("client-b");
  relate("proxy", "client-a");
  relate("proxy", "client-b");
  ok({"settle"});
  ASSERT_TRUE(is_ceph_fuse_mount(mount_a)) << unit_status("client-a/0");
  ASSERT_TRUE(is_ceph_fuse_mount(mount_b)) << unit_status("client-b/0");

  // A mount of our own with a's key and path, to watch it lose access.
  const fs::path keyring_a = client_keyring("client-a");
  const std::string user_a = user_of(keyring_a);
  const std::string key_copy = copy_keyring(keyring_a);
  const std::string path_a = share_path("client-a/0");
  auto watcher = fuse_mount(user_a, key_copy, "cephfs", path_a);
  ASSERT_TRUE(watcher->mounted()) << watcher->output();
  ASSERT_TRUE(write_and_read(watcher->mountpoint(), "before.txt", "before\n"));

  remove_relation("proxy", "client-a");

  EXPECT_FALSE(is_ceph_fuse_mount(mount_a)) << "the client charm did not unmount";
  EXPECT_FALSE(fs::exists(keyring_a)) << "the client charm left its keyring behind";
  bool lost = false;
  const auto deadline = std::chrono::steady_clock::now() + seconds(20);
  for (int i = 0; !lost && std::chrono::steady_clock::now() < deadline; ++i) {
    const RunResult touch =
        run({"touch", watcher->mountpoint() + "/after-" + std::to_string(i)}, seconds(10));
    lost = touch.exit_code != 0;
    if (!lost) std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  EXPECT_TRUE(lost) << "client." << user_a << " could still write after the relation was removed";
  auto again = fuse_mount(user_a, key_copy, "cephfs", path_a);
  EXPECT_FALSE(again->mounted());
  EXPECT_THAT(again->output(), HasSubstr("Permission denied"));
  EXPECT_FALSE(admin_->client_key(user_a).ok()) << "client." << user_a << " still exists";

  ASSERT_TRUE(is_ceph_fuse_mount(mount_b));
  EXPECT_TRUE(write_and_read(mount_b, "still.txt", "b still works\n"));
}

TEST_F(CharmsE2e, RotatingCredentialsRemountsTheClientWithTheNewKey) {
  deploy_provisioner("proxy");
  const std::string mountpoint = deploy_client("client");
  relate("proxy", "client");
  ok({"settle"});
  ASSERT_TRUE(is_ceph_fuse_mount(mountpoint)) << unit_status("client/0");
  const fs::path keyring = client_keyring("client");
  const std::string old_key = ini_value(keyring, "key");
  const std::string old_copy = copy_keyring(keyring);
  const std::string user = user_of(keyring);
  ASSERT_TRUE(write_and_read(mountpoint, "before.txt", "before rotation\n"));

  ok({"run", "proxy/0", "rotate-credentials"});
  ok({"settle"});

  const std::string new_key = ini_value(client_keyring("client"), "key");
  EXPECT_FALSE(new_key.empty());
  EXPECT_NE(new_key, old_key);
  ASSERT_TRUE(is_ceph_fuse_mount(mountpoint)) << unit_status("client/0");
  std::string content;
  EXPECT_TRUE(read_file(mountpoint + "/before.txt", content));
  EXPECT_EQ(content, "before rotation\n");
  EXPECT_TRUE(write_and_read(mountpoint, "after.txt", "after rotation\n"));

  const std::string path = share_path("client/0");
  auto stale = fuse_mount(user, old_copy, "cephfs", path);
  EXPECT_FALSE(stale->mounted()) << "the old key still mounts";
}

TEST_F(CharmsE2e, TheProxyModeServesAStaticShareFromConfig) {
  // An operator's share: a subvolume and a client made outside Juju.
  const SubvolumeId id{"cephfs", "static-" + group_, ""};
  auto subvolume = admin_->create_subvolume({.id = id, .size_bytes = {}});
  ASSERT_TRUE(subvolume.ok()) << subvolume.error().message;
  extra_subvolumes_.push_back(id);
  const std::string user = "static-" + group_;
  auto key = admin_->authorize_client(id, user, Access::kReadWrite);
  ASSERT_TRUE(key.ok()) << key.error().message;
  extra_clients_.push_back(user);
  auto fsid = admin_->fsid();
  ASSERT_TRUE(fsid.ok());

  ok({"deploy", "proxy", proxy_charm(), "--config", "fsid=" + *fsid,
      "sharepoint=cephfs:" + subvolume->path, "monitor-hosts=" + mon_host_,
      "auth-info=" + user + ":" + key->key});
  const std::string mountpoint = deploy_client("client");
  relate("proxy", "client");
  ok({"settle"});
  EXPECT_EQ(unit_status("proxy/0"),
            json::parse(R"({"current":"active","message":"Exporting share"})"));
  ASSERT_TRUE(is_ceph_fuse_mount(mountpoint)) << unit_status("client/0");
  EXPECT_TRUE(write_and_read(mountpoint, "static.txt", "static share\n"));
}

TEST_F(CharmsE2e, AShareOnTheSecondFileSystemReachesCephFuseWithItsFsName) {
  const std::string second = env_or("STORAGE_LIBS_CEPH_SECOND_FS", "cephfs2");
  deploy_provisioner("proxy", second);
  const std::string mountpoint = deploy_client("client");
  relate("proxy", "client");
  ok({"settle"});
  ASSERT_TRUE(is_ceph_fuse_mount(mountpoint)) << unit_status("client/0");
  ASSERT_TRUE(write_and_read(mountpoint, "fs2.txt", "on the second fs\n"));

  // The admin sees the file on the second file system, at the published path.
  const std::string path = share_path("client/0");
  auto admin_view = fuse_mount("admin", admin_keyring_, second, path);
  ASSERT_TRUE(admin_view->mounted()) << admin_view->output();
  std::string content;
  EXPECT_TRUE(read_file(admin_view->mountpoint() + "/fs2.txt", content));
  EXPECT_EQ(content, "on the second fs\n");
}

// Secret hygiene in provisioning mode (docs/reliability.md): the keys Ceph issues, unknown before
// the run and read afterwards with the admin connection, and their rotation, never reach an argv
// (hook tools, from juju-sim's raw argv log; the command line and environment of every process
// while mounted, ceph-fuse included), the trace, a status, a juju-log line, an action result, the
// juju-sim database outside its secret store, or a file other than a 0600 file of root
// (SecretScanner, tools/juju-sim/tests/secret_scan.h). Mountpoints under /mnt; the charms'
// temporary files (TMPDIR) under the scanned test directory.
class SecretHygieneE2e : public CharmsE2e {
 protected:
  void SetUp() override {
    CharmsE2e::SetUp();
    if (HasFatalFailure()) return;
    ::mkdir("/mnt", 0755);  // root's, 0755: the client refuses user-writable trees like /tmp
    char pattern[] = "/mnt/sl-e2e-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr) << "cannot create a mount root under /mnt";
    mount_root_ = pattern;
    raw_argv_log_ = dir_ + "/raw-argv.log";
    tmp_dir_ = dir_ + "/tmp";
    fs::create_directories(tmp_dir_);
    if (const char* tmpdir = std::getenv("TMPDIR")) saved_tmpdir_ = tmpdir;
    ::setenv("TMPDIR", tmp_dir_.c_str(), 1);
    ::setenv("JUJU_SIM_RAW_ARGV_LOG", raw_argv_log_.c_str(), 1);
  }

  void TearDown() override {
    CharmsE2e::TearDown();
    ::unsetenv("JUJU_SIM_RAW_ARGV_LOG");
    if (saved_tmpdir_) {
      ::setenv("TMPDIR", saved_tmpdir_->c_str(), 1);
    } else {
      ::unsetenv("TMPDIR");
    }
  }

  // Runs the CLI, expecting success, and keeps what it printed for the scan.
  std::string run_cli(const std::vector<std::string>& args) {
    const CliResult result = sim(args);
    EXPECT_EQ(result.exit_code, 0) << "juju-sim " << args[0] << ": " << result.err;
    cli_text_ += result.out + result.err;
    return result.out;
  }

  // The key files of `app` in the client's key directory, checking that the directory is 0700
  // and owned by root, and each of them 0600 owned by root.
  std::vector<std::string> checked_key_files(const std::string& app, const std::string& when) {
    std::vector<std::string> names;
    const fs::path dir = "/etc/ceph/cephfs-client";
    struct stat st {};
    if (::lstat(dir.c_str(), &st) != 0) return names;
    EXPECT_EQ(st.st_mode & 07777, 0700U) << dir << " " << when;
    EXPECT_EQ(st.st_uid, 0U) << dir << " " << when;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      const std::string name = entry.path().filename().string();
      if (!name.starts_with(app + ".")) continue;
      names.push_back(name);
      EXPECT_EQ(::lstat(entry.path().c_str(), &st), 0);
      EXPECT_EQ(st.st_mode & 07777, 0600U) << entry.path() << " " << when;
      EXPECT_EQ(st.st_uid, 0U) << entry.path() << " " << when;
    }
    return names;
  }

  // Pids of the processes whose command line mentions `text`.
  static std::vector<std::string> processes_mentioning(const std::string& text) {
    std::vector<std::string> pids;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator("/proc", ec)) {
      const std::string cmdline = read_text(entry.path().string() + "/cmdline");
      if (cmdline.find(text) != std::string::npos) pids.push_back(entry.path().filename());
    }
    return pids;
  }

  // Checks the command line and environment of every running process for `keys` now; the
  // findings are kept for the final report.
  void scan_processes_now(const std::vector<std::string>& keys, const std::string& when) {
    SecretScanner scan(needles(keys));
    const int processes = scan.scan_processes();
    EXPECT_GT(processes, 1);
    RecordProperty("processes_scanned_" + std::to_string(++checkpoints_), processes);
    for (const auto& finding : scan.findings()) process_findings_.push_back(when + ": " + finding);
  }

  std::vector<std::string> needles(const std::vector<std::string>& keys) const {
    std::vector<std::string> all;
    for (const auto& key : keys) {
      for (auto& needle : cephx_key_needles(key)) all.push_back(std::move(needle));
    }
    return all;
  }

  std::string raw_argv_log_;
  std::string tmp_dir_;
  std::optional<std::string> saved_tmpdir_;
  std::string cli_text_;
  std::vector<std::string> process_findings_;
  int checkpoints_ = 0;
};

TEST_F(SecretHygieneE2e, IssuedAndRotatedKeysStayInTheSecretStoreAnd0600Files) {
  const std::string proxy = "hygiene-proxy";
  const std::string client = "hygiene-client";
  deploy_provisioner(proxy);
  const std::string mountpoint = deploy_client(client);
  ASSERT_THAT(mountpoint, StartsWith("/mnt/sl-e2e-"));
  relate(proxy, client);
  run_cli({"settle"});
  // A manager that is still busy right after the cluster started may answer without data; the
  // proxy then waits for a later hook. A config change is that later hook (bounded).
  for (int retry = 1; retry <= 3 && !is_ceph_fuse_mount(mountpoint); ++retry) {
    run_cli({"config", proxy, "ceph-timeout=" + std::to_string(30 + retry)});
    run_cli({"settle"});
  }
  ASSERT_TRUE(is_ceph_fuse_mount(mountpoint))
      << unit_status(client + "/0") << " " << unit_status(proxy + "/0");
  ASSERT_TRUE(write_and_read(mountpoint, "hygiene.txt", "mounted\n"));

  // The key Ceph issued, read after the fact with the admin connection.
  const std::string user = user_of(client_keyring(client));
  ASSERT_FALSE(user.empty());
  auto issued = admin_->client_key(user);
  ASSERT_TRUE(issued.ok()) << issued.error().message;
  const std::string old_key = issued->key;
  ASSERT_EQ(ini_value(client_keyring(client), "key"), old_key);
  EXPECT_THAT(checked_key_files(client, "while mounted"), Not(::testing::IsEmpty()));
  // The ceph-fuse daemon is running: its argv is in the process scan.
  EXPECT_THAT(processes_mentioning(mountpoint), Not(::testing::IsEmpty()));
  scan_processes_now({old_key}, "while mounted");
  run_cli({"run", client + "/0", "mount-info"});

  run_cli({"run", proxy + "/0", "rotate-credentials"});
  run_cli({"settle"});
  auto rotated = admin_->client_key(user);
  ASSERT_TRUE(rotated.ok()) << rotated.error().message;
  const std::string new_key = rotated->key;
  ASSERT_NE(new_key, old_key);
  ASSERT_EQ(ini_value(client_keyring(client), "key"), new_key) << unit_status(client + "/0");
  ASSERT_TRUE(is_ceph_fuse_mount(mountpoint)) << unit_status(client + "/0");
  EXPECT_THAT(checked_key_files(client, "after rotation"), Not(::testing::IsEmpty()));
  scan_processes_now({old_key, new_key}, "after rotation");
  run_cli({"run", client + "/0", "mount-info"});

  remove_relation(proxy, client);
  EXPECT_THAT(checked_key_files(client, "after remove-relation"), ::testing::IsEmpty());

  // Both keys, and the admin key the proxy provisions with, everywhere.
  const std::string admin_key = ini_value(provisioner_keyring_, "key");
  ASSERT_FALSE(admin_key.empty()) << "no key in " << provisioner_keyring_;
  SecretScanner scan(needles({old_key, new_key, admin_key}));
  const long tool_calls =
      scan.scan_reports([this](const std::vector<std::string>& args) { return run_cli(args); });
  scan.scan_text("cli output (settle, action results, reports)", cli_text_);
  const int records = scan.scan_raw_argv_log(raw_argv_log_);
  EXPECT_EQ(records, tool_calls);
  RecordProperty("hook_tool_calls_scanned", records);
  scan.scan_database(model_ + "/state.db");
  scan.scan_files(dir_);
  for (const char* place :
       {"/etc/ceph/cephfs-client", "/etc/fstab", "/etc/systemd/system", "/var/log/ceph"}) {
    if (fs::exists(place)) scan.scan_files(place);
  }
  // The issued key did reach the places it belongs (the secret store of state.db, a 0600 file).
  EXPECT_GE(scan.allowed_files(), 1);
  std::vector<std::string> findings = scan.findings();
  findings.insert(findings.end(), process_findings_.begin(), process_findings_.end());
  EXPECT_THAT(findings, ::testing::IsEmpty());
}

}  // namespace
}  // namespace cephfs::e2e
