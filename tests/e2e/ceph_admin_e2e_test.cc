// The Ceph admin interface against a real cluster, and what its keys allow through real
// ceph-fuse mounts and rados: provision, isolate, revoke, a second file system.
//
// Needs: STORAGE_LIBS_CEPH_CONF (a cluster from scripts/ceph-dev-cluster, started with
// --second-fs cephfs2 or STORAGE_LIBS_CEPH_SECOND_FS naming another fs), root, ceph-fuse, rados.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "ceph_test_support.h"
#include "cephfs/ceph_admin.h"

namespace cephfs::e2e {
namespace {

using std::chrono::seconds;
using ::testing::AnyOf;
using ::testing::Contains;
using ::testing::HasSubstr;

constexpr auto kCommandLimit = seconds(30);

// Names no other run uses: pid + counter.
std::string unique(const std::string& prefix) {
  static std::atomic<int> counter{0};
  return prefix + "-" + std::to_string(getpid()) + "-" + std::to_string(counter++);
}

class CephAdminE2e : public ::testing::Test {
 protected:
  void SetUp() override {
    conf_ = env_or("STORAGE_LIBS_CEPH_CONF");
    ASSERT_FALSE(conf_.empty())
        << "STORAGE_LIBS_CEPH_CONF is not set. The e2e tests need a running Ceph cluster: "
           "scripts/ceph-dev-cluster start /tmp/sl-ceph --second-fs cephfs2 && export "
           "STORAGE_LIBS_CEPH_CONF=/tmp/sl-ceph/ceph.conf (scripts/test does both).";
    ASSERT_EQ(geteuid(), 0u) << "the e2e tests mount with ceph-fuse, which needs root";
    auto admin = connect_ceph_admin({.conf_file = conf_});
    ASSERT_TRUE(admin.ok()) << "cannot connect to the cluster of " << conf_ << ": "
                            << admin.error().message;
    admin_ = std::move(*admin);
    auto monitors = admin_->monitor_addresses();
    ASSERT_TRUE(monitors.ok()) << monitors.error().message;
    mon_host_ = to_mon_host(*monitors);
  }

  void TearDown() override {
    if (!admin_) return;
    for (const auto& client : clients_) {
      EXPECT_TRUE(admin_->revoke_client(client).ok()) << "cleanup of client." << client;
    }
    for (const auto& subvolume : subvolumes_) {
      auto status = admin_->remove_subvolume(subvolume);
      EXPECT_TRUE(status.ok()) << (status.ok() ? "" : status.error().message);
    }
  }

  // A subvolume with a client authorized for it, remembered for cleanup.
  struct Share {
    Subvolume subvolume;
    std::string client_id;
    std::string key;
  };
  Share provision(const std::string& fs_name, const std::string& name) {
    Share share;
    SubvolumeId id{fs_name, unique(name), ""};
    auto subvolume = admin_->create_subvolume({.id = id, .size_bytes = 64 << 20});
    EXPECT_TRUE(subvolume.ok()) << subvolume.error().message;
    if (!subvolume.ok()) return share;
    subvolumes_.push_back(id);
    share.subvolume = *subvolume;
    share.client_id = unique("e2e-" + name);
    auto key = admin_->authorize_client(id, share.client_id, Access::kReadWrite);
    EXPECT_TRUE(key.ok()) << key.error().message;
    if (!key.ok()) return share;
    clients_.push_back(share.client_id);
    share.key = key->key;
    return share;
  }

  std::string keyring_for(const Share& share) {
    std::string path = dir_.path() + "/" + unique("keyring");
    write_keyring(path, share.client_id, share.key);
    return path;
  }

  std::unique_ptr<FuseMount> mount(const Share& share, const std::string& keyring,
                                   const std::string& path) {
    return std::make_unique<FuseMount>(FuseMount::Options{
        .mon_host = mon_host_,
        .client_id = share.client_id,
        .keyring_file = keyring,
        .fs_name = share.subvolume.id.fs_name,
        .path = path,
        .mountpoint = dir_.path() + "/" + unique("mnt"),
    });
  }

  // rados as the share's client, e.g. {"-p", pool, "-N", ns, "ls"}.
  RunResult rados_as(const Share& share, const std::string& keyring,
                     const std::vector<std::string>& args) {
    std::vector<std::string> argv = {
        "rados", "--no-mon-config",           "-c",        "/dev/null", "-m", mon_host_,
        "-n",    "client." + share.client_id, "--keyring", keyring};
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv, kCommandLimit);
  }

  std::string conf_;
  std::string mon_host_;
  std::unique_ptr<CephAdmin> admin_;
  std::vector<std::string> clients_;
  std::vector<SubvolumeId> subvolumes_;
  TempDir dir_;
};

TEST_F(CephAdminE2e, ReportsTheFsidTypedMonitorAddressesAndVolumes) {
  auto fsid = admin_->fsid();
  ASSERT_TRUE(fsid.ok()) << fsid.error().message;
  EXPECT_EQ(*fsid, ini_value(conf_, "fsid"));
  auto monitors = admin_->monitor_addresses();
  ASSERT_TRUE(monitors.ok());
  ASSERT_EQ(monitors->size(), 1u);
  EXPECT_THAT(monitors->at(0).v2, ::testing::StartsWith("v2:127.0.0.1:"));
  EXPECT_THAT(monitors->at(0).v1, ::testing::StartsWith("v1:127.0.0.1:"));
  auto volumes = admin_->list_volumes();
  ASSERT_TRUE(volumes.ok()) << volumes.error().message;
  EXPECT_THAT(*volumes, Contains("cephfs"));
}

TEST_F(CephAdminE2e, ConnectsWithTheAdminKeyHeldInMemory) {
  std::string key = ini_value(ini_value(conf_, "keyring"), "key");
  ASSERT_FALSE(key.empty());
  auto admin = connect_ceph_admin({.mon_host = mon_host_, .key = key});
  ASSERT_TRUE(admin.ok()) << admin.error().message;
  auto fsid = (*admin)->fsid();
  ASSERT_TRUE(fsid.ok());
  EXPECT_EQ(*fsid, ini_value(conf_, "fsid"));
}

TEST_F(CephAdminE2e, AWrongAdminKeyIsPermissionDeniedAtOnce) {
  std::string key = ini_value(ini_value(conf_, "keyring"), "key");
  ASSERT_GT(key.size(), 30u);
  key[30] = key[30] == 'A' ? 'B' : 'A';  // a valid key shape with another secret
  auto start = std::chrono::steady_clock::now();
  auto admin = connect_ceph_admin({.mon_host = mon_host_, .key = key, .timeout = seconds(20)});
  ASSERT_FALSE(admin.ok());
  EXPECT_EQ(admin.error().code, ops::ErrorCode::kPermissionDenied) << admin.error().message;
  EXPECT_THAT(admin.error().message, ::testing::Not(HasSubstr(key)));
  EXPECT_LT(std::chrono::steady_clock::now() - start, seconds(10));
}

TEST_F(CephAdminE2e, CephDownIsUnavailableWithinTheTimeout) {
  // A port nothing listens on: the mon's v2 port + 1 is not guaranteed free, so probe one.
  RunResult probe = run({"/usr/bin/python3", "-c",
                         "import socket; s=socket.socket(); s.bind(('127.0.0.1',0)); "
                         "print(s.getsockname()[1])"},
                        kCommandLimit);
  ASSERT_EQ(probe.exit_code, 0) << probe.output;
  std::string port = probe.output.substr(0, probe.output.find('\n'));
  auto start = std::chrono::steady_clock::now();
  std::string key = ini_value(ini_value(conf_, "keyring"), "key");
  auto admin =
      connect_ceph_admin({.mon_host = "v2:127.0.0.1:" + port, .key = key, .timeout = seconds(2)});
  ASSERT_FALSE(admin.ok());
  EXPECT_EQ(admin.error().code, ops::ErrorCode::kUnavailable) << admin.error().message;
  EXPECT_THAT(admin.error().message, HasSubstr("cannot reach Ceph"));
  EXPECT_LT(std::chrono::steady_clock::now() - start, seconds(15));
}

TEST_F(CephAdminE2e, OwnerMarksAreClaimedExactlyOnceAndRemoved) {
  const std::string object = unique("client:e2e-mark");
  auto absent = admin_->owner_mark("cephfs", object);
  ASSERT_TRUE(absent.ok()) << absent.error().message;
  EXPECT_EQ(*absent, std::nullopt);
  auto first = admin_->claim_owner_mark("cephfs", object, R"({"owner":"a"})");
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_TRUE(*first);
  auto second = admin_->claim_owner_mark("cephfs", object, R"({"owner":"b"})");
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_FALSE(*second);  // exclusive: the first claim stands
  auto read = admin_->owner_mark("cephfs", object);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(*read, std::optional<std::string>(R"({"owner":"a"})"));
  // Per file system: the other one's metadata pool does not have it.
  const std::string second_fs = env_or("STORAGE_LIBS_CEPH_SECOND_FS", "cephfs2");
  auto elsewhere = admin_->owner_mark(second_fs, object);
  ASSERT_TRUE(elsewhere.ok()) << elsewhere.error().message;
  EXPECT_EQ(*elsewhere, std::nullopt);
  // In the namespace cephfs-share.owners of the metadata pool, where rados lists it.
  RunResult listed = run(
      {"rados", "-c", conf_, "-p", "cephfs.meta", "-N", kOwnerMarkNamespace, "ls"}, kCommandLimit);
  EXPECT_THAT(listed.output, HasSubstr(object));
  ASSERT_TRUE(admin_->remove_owner_mark("cephfs", object).ok());
  ASSERT_TRUE(admin_->remove_owner_mark("cephfs", object).ok());  // absent is success
  auto gone = admin_->owner_mark("cephfs", object);
  ASSERT_TRUE(gone.ok());
  EXPECT_EQ(*gone, std::nullopt);
  auto bad = admin_->owner_mark("cephfs", "a/b");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ops::ErrorCode::kInvalidArgument);
  auto no_fs = admin_->owner_mark("no-such-fs", object);
  ASSERT_FALSE(no_fs.ok());
  EXPECT_EQ(no_fs.error().code, ops::ErrorCode::kInvalidArgument) << no_fs.error().message;
}

// The documented least-privilege entity does everything provisioning needs, and no more: it
// cannot read client.admin's key nor create a client outside its prefix.
TEST_F(CephAdminE2e, ALeastPrivilegeEntityCanDoEverythingProvisioningNeeds) {
  const std::string entity = "client." + unique("e2e-provisioner");
  const std::string prefix = "client." + unique("lp");
  const std::string keyring = dir_.path() + "/provisioner.keyring";
  const std::string second_fs = env_or("STORAGE_LIBS_CEPH_SECOND_FS", "cephfs2");
  ASSERT_NO_THROW(
      create_provisioner(conf_, entity, prefix, {"cephfs.meta", second_fs + ".meta"}, keyring));
  struct stat st {};
  ASSERT_EQ(::stat(keyring.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto connected = connect_ceph_admin(
      {.mon_host = mon_host_, .entity = entity, .keyring_file = keyring, .timeout = seconds(20)});
  ASSERT_TRUE(connected.ok()) << connected.error().message;
  CephAdmin& lp = **connected;
  EXPECT_TRUE(lp.fsid().ok());
  EXPECT_TRUE(lp.monitor_addresses().ok());
  auto volumes = lp.list_volumes();
  ASSERT_TRUE(volumes.ok()) << volumes.error().message;

  const std::string group = unique("e2e-lp-group");
  const SubvolumeId id{"cephfs", unique("lp-share"), group};
  const std::string client = prefix.substr(7) + ".r1";
  auto claimed = lp.claim_owner_mark("cephfs", "subvolume:" + group + ":" + id.name, "{}");
  ASSERT_TRUE(claimed.ok()) << claimed.error().message;
  auto subvolume = lp.create_subvolume({.id = id, .size_bytes = 64 << 20});
  ASSERT_TRUE(subvolume.ok()) << subvolume.error().message;
  subvolumes_.push_back(id);
  EXPECT_TRUE(lp.subvolume_path(id).ok());
  auto key = lp.authorize_client(id, client, Access::kReadWrite);
  ASSERT_TRUE(key.ok()) << key.error().message;
  clients_.push_back(client);
  auto again = lp.client_key(client);
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(again->key, key->key);

  auto outside = lp.authorize_client(id, unique("outside"), Access::kReadWrite);
  EXPECT_FALSE(outside.ok()) << "created a client outside " << prefix;

  // The client works: it mounts its subvolume.
  Share share{*subvolume, client, key->key};
  auto mounted = mount(share, keyring_for(share), subvolume->path);
  ASSERT_TRUE(mounted->mounted()) << mounted->output();
  auto evicted = lp.evict_client(client);
  ASSERT_TRUE(evicted.ok()) << evicted.error().message;
  EXPECT_GE(*evicted, 1);
  EXPECT_TRUE(lp.remove_client(client).ok());
  EXPECT_FALSE(admin_->client_key(client).ok());
  EXPECT_TRUE(lp.remove_subvolume(id).ok());
  EXPECT_TRUE(lp.remove_owner_mark("cephfs", "subvolume:" + group + ":" + id.name).ok());

  // And no more.
  auto admin_key = lp.client_key("admin");
  ASSERT_FALSE(admin_key.ok());
  EXPECT_EQ(admin_key.error().code, ops::ErrorCode::kPermissionDenied) << admin_key.error().message;
  (void)run({"ceph", "-c", conf_, "fs", "subvolumegroup", "rm", "cephfs", group}, kCommandLimit);
  (void)run({"ceph", "-c", conf_, "auth", "rm", entity}, kCommandLimit);
}

TEST_F(CephAdminE2e, RejectsEscapingNamesAndMissingFileSystems) {
  auto escaping = admin_->create_subvolume({.id = {"cephfs", "../etc", ""}, .size_bytes = {}});
  ASSERT_FALSE(escaping.ok());
  EXPECT_EQ(escaping.error().code, ops::ErrorCode::kInvalidArgument);
  auto missing =
      admin_->create_subvolume({.id = {"no-such-fs", unique("x"), ""}, .size_bytes = {}});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ops::ErrorCode::kInvalidArgument) << missing.error().message;
  EXPECT_THAT(missing.error().message, HasSubstr("no-such-fs"));
}

TEST_F(CephAdminE2e, AuthorizingIsIdempotentAndRefusesOtherCaps) {
  Share share = provision("cephfs", "idem");
  ASSERT_FALSE(share.key.empty());
  auto again = admin_->authorize_client(share.subvolume.id, share.client_id, Access::kReadWrite);
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(again->key, share.key);
  auto stored = admin_->client_key(share.client_id);
  ASSERT_TRUE(stored.ok()) << stored.error().message;
  EXPECT_EQ(stored->key, share.key);
  auto read_only = admin_->authorize_client(share.subvolume.id, share.client_id, Access::kReadOnly);
  ASSERT_FALSE(read_only.ok());
  EXPECT_EQ(read_only.error().code, ops::ErrorCode::kInvalidArgument);
  EXPECT_THAT(read_only.error().message, ::testing::Not(HasSubstr(share.key)));
  auto path = admin_->subvolume_path(share.subvolume.id);
  ASSERT_TRUE(path.ok());
  EXPECT_EQ(*path, share.subvolume.path);
  EXPECT_EQ(share.subvolume.size_bytes, std::uint64_t{64} << 20);
}

TEST_F(CephAdminE2e, AClientMountsItsSubvolumeAndWritesAndReadsAFile) {
  Share a = provision("cephfs", "a");
  ASSERT_FALSE(a.key.empty());
  std::string keyring = keyring_for(a);
  struct stat st {};
  ASSERT_EQ(stat(keyring.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  auto m = mount(a, keyring, a.subvolume.path);
  ASSERT_TRUE(m->mounted()) << m->output();
  ASSERT_TRUE(write_file_synced(m->mountpoint() + "/hello.txt", "hello from a\n"));
  std::string content;
  ASSERT_TRUE(read_file(m->mountpoint() + "/hello.txt", content));
  EXPECT_EQ(content, "hello from a\n");

  // The same client cannot mount the file system root.
  auto root = mount(a, keyring, "/");
  EXPECT_FALSE(root->mounted());
  EXPECT_THAT(root->output(),
              AnyOf(HasSubstr("Operation not permitted"), HasSubstr("Permission denied")));
}

TEST_F(CephAdminE2e, ASecondClientReachesNeitherTheFirstPathNorItsObjects) {
  Share a = provision("cephfs", "a");
  Share b = provision("cephfs", "b");
  ASSERT_FALSE(a.key.empty());
  ASSERT_FALSE(b.key.empty());
  ASSERT_NE(a.subvolume.pool_namespace, b.subvolume.pool_namespace);
  std::string keyring_a = keyring_for(a);
  std::string keyring_b = keyring_for(b);

  auto mount_a = mount(a, keyring_a, a.subvolume.path);
  ASSERT_TRUE(mount_a->mounted()) << mount_a->output();
  std::string file = mount_a->mountpoint() + "/secret.txt";
  ASSERT_TRUE(write_file_synced(file, "a's secret\n"));
  struct stat st {};
  ASSERT_EQ(stat(file.c_str(), &st), 0);
  char object[64];
  std::snprintf(object, sizeof(object), "%llx.00000000",
                static_cast<unsigned long long>(st.st_ino));

  // The object really is in a's namespace: a can read it through rados.
  const std::string& pool = a.subvolume.data_pool;
  RunResult own =
      rados_as(a, keyring_a, {"-p", pool, "-N", a.subvolume.pool_namespace, "get", object, "-"});
  ASSERT_EQ(own.exit_code, 0) << own.output;
  EXPECT_THAT(own.output, HasSubstr("a's secret"));

  // b can mount its own subvolume but not a's path.
  auto mount_b = mount(b, keyring_b, b.subvolume.path);
  ASSERT_TRUE(mount_b->mounted()) << mount_b->output();
  auto b_on_a = mount(b, keyring_b, a.subvolume.path);
  EXPECT_FALSE(b_on_a->mounted());
  EXPECT_THAT(b_on_a->output(),
              AnyOf(HasSubstr("Operation not permitted"), HasSubstr("Permission denied")));

  // b cannot read, list or write a's objects in the data pool.
  RunResult get =
      rados_as(b, keyring_b, {"-p", pool, "-N", a.subvolume.pool_namespace, "get", object, "-"});
  EXPECT_NE(get.exit_code, 0);
  EXPECT_THAT(get.output, HasSubstr("Operation not permitted"));
  EXPECT_THAT(get.output, ::testing::Not(HasSubstr("a's secret")));
  RunResult ls = rados_as(b, keyring_b, {"-p", pool, "-N", a.subvolume.pool_namespace, "ls"});
  EXPECT_NE(ls.exit_code, 0) << ls.output;
  RunResult put = rados_as(
      b, keyring_b, {"-p", pool, "-N", a.subvolume.pool_namespace, "put", object, "/dev/null"});
  EXPECT_NE(put.exit_code, 0) << put.output;
  RunResult no_namespace = rados_as(b, keyring_b, {"-p", pool, "get", object, "-"});
  EXPECT_NE(no_namespace.exit_code, 0);
  // Nothing b tried changed a's file.
  std::string content;
  ASSERT_TRUE(read_file(file, content));
  EXPECT_EQ(content, "a's secret\n");
}

TEST_F(CephAdminE2e, ARevokedClientLosesItsMountAndCannotMountAgainWhileOthersKeepWorking) {
  Share a = provision("cephfs", "a");
  Share b = provision("cephfs", "b");
  ASSERT_FALSE(a.key.empty());
  ASSERT_FALSE(b.key.empty());
  std::string keyring_a = keyring_for(a);
  std::string keyring_b = keyring_for(b);
  auto mount_a = mount(a, keyring_a, a.subvolume.path);
  auto mount_b = mount(b, keyring_b, b.subvolume.path);
  ASSERT_TRUE(mount_a->mounted()) << mount_a->output();
  ASSERT_TRUE(mount_b->mounted()) << mount_b->output();
  ASSERT_TRUE(write_file_synced(mount_a->mountpoint() + "/before.txt", "before\n"));

  auto revoked = admin_->revoke_client(a.client_id);
  ASSERT_TRUE(revoked.ok()) << revoked.error().message;

  // The existing mount stops working: creating a file fails (bounded, in a child process, so a
  // hung FUSE call cannot hang the test).
  bool lost = false;
  auto deadline = std::chrono::steady_clock::now() + seconds(20);
  for (int i = 0; !lost && std::chrono::steady_clock::now() < deadline; ++i) {
    RunResult touch =
        run({"touch", mount_a->mountpoint() + "/after-" + std::to_string(i)}, seconds(10));
    lost = touch.exit_code != 0;
    if (!lost) std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  EXPECT_TRUE(lost) << "client." << a.client_id << " could still write after revocation";
  RunResult cat = run({"cat", mount_a->mountpoint() + "/before.txt"}, seconds(10));
  EXPECT_NE(cat.exit_code, 0) << cat.output;

  // A fresh mount with the old key fails with a permission error, quickly.
  auto again = mount(a, keyring_a, a.subvolume.path);
  EXPECT_FALSE(again->mounted());
  EXPECT_THAT(again->output(), HasSubstr("Permission denied"));
  auto key = admin_->client_key(a.client_id);
  EXPECT_FALSE(key.ok());

  // b is untouched.
  ASSERT_TRUE(write_file_synced(mount_b->mountpoint() + "/still.txt", "b works\n"));
  std::string content;
  ASSERT_TRUE(read_file(mount_b->mountpoint() + "/still.txt", content));
  EXPECT_EQ(content, "b works\n");
}

TEST_F(CephAdminE2e, ASubvolumeOnTheSecondFileSystemMountsWithItsFsName) {
  std::string second = env_or("STORAGE_LIBS_CEPH_SECOND_FS", "cephfs2");
  auto volumes = admin_->list_volumes();
  ASSERT_TRUE(volumes.ok()) << volumes.error().message;
  ASSERT_THAT(*volumes, Contains(second))
      << "the cluster has no file system '" << second << "': start it with "
      << "scripts/ceph-dev-cluster start DIR --second-fs " << second;
  Share share = provision(second, "fs2");
  ASSERT_FALSE(share.key.empty());
  EXPECT_EQ(share.subvolume.data_pool, second + ".data");
  std::string keyring = keyring_for(share);
  auto m = mount(share, keyring, share.subvolume.path);
  ASSERT_TRUE(m->mounted()) << m->output();
  ASSERT_TRUE(write_file_synced(m->mountpoint() + "/on-fs2.txt", "second fs\n"));
  std::string content;
  ASSERT_TRUE(read_file(m->mountpoint() + "/on-fs2.txt", content));
  EXPECT_EQ(content, "second fs\n");

  // The same key on the default file system (the bug of mounters that drop the fs name) fails.
  Share wrong_fs = share;
  wrong_fs.subvolume.id.fs_name = "cephfs";
  auto on_default = mount(wrong_fs, keyring, share.subvolume.path);
  EXPECT_FALSE(on_default->mounted());
}

}  // namespace
}  // namespace cephfs::e2e
