// Both charms as whole processes under juju-sim: the packed cephfs-server-proxy .charm and the
// cephfs-client built against a simulated machine (cephfs-client/tests/sim_dispatch_main.cc:
// production charm and SystemMountManager, fake root and recorded commands). Deploy, relate,
// settle; then key rotation, scaling, unit removal and relation removal, on machines that run
// systemd (mount units) and on machines that do not (ceph-fuse run directly, /etc/fstab).
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "sim_fixture.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kFsid = "354ca7c4-f10d-11ee-93f8-1f85f87b7845";
constexpr const char* kKey = "AQAPdQldX264KBAAOyaxen/y0XBl1qxlGPTabw==";
constexpr const char* kNewKey = "AQCTuApkAAAAABAAeT0CXUQtH2SMDaUd2WBXlQ==";

std::string read(const fs::path& path) {
  std::ifstream in(path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

class CephFSCharms : public SimTest {
 protected:
  // Machines made from now on run systemd (a sim-machine-systemd file in the model directory,
  // read by sim_dispatch_main.cc); `kernel_ceph` also gives them a kernel CephFS client.
  void machines_run_systemd(bool kernel_ceph = true) {
    fs::create_directories(model_);
    std::ofstream(fs::path(model_) / "sim-machine-systemd") << "";
    if (kernel_ceph) std::ofstream(fs::path(model_) / "sim-machine-kernel-ceph") << "";
  }

  void deploy_and_relate(int principal_units = 1) {
    if (!fs::exists(fs::path(model_) / "sim-machine-no-systemd")) machines_run_systemd();
    ok({"deploy", "ubuntu", write_charm("ubuntu", "", {}), "-n", std::to_string(principal_units)});
    ok({"deploy", "proxy", PROXY_CHARM_FILE, "--config", std::string("fsid=") + kFsid,
        "sharepoint=ceph-fs:/", "monitor-hosts=10.5.0.80:6789 10.5.2.23:6789",
        std::string("auth-info=ceph-client:") + kKey});
    ok({"deploy", "client", CLIENT_SIM_CHARM_DIR, "--config", "mountpoint=/srv/data"});
    ok({"relate", "ubuntu:juju-info", "client:juju-info"});
    ok({"relate", "proxy:cephfs-share", "client:cephfs-share"});
    ok({"settle"});
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
  std::string mountinfo(const std::string& unit) {
    return read(machine(unit) / "proc/self/mountinfo");
  }
  std::string commands(const std::string& unit) { return read(machine(unit) / "commands.log"); }
  // The unit's kernel key file (there is one cephfs-share relation): "client.<id>.secret".
  fs::path key_file(const std::string& unit) {
    const fs::path dir = machine(unit) / "etc/ceph/cephfs-client";
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      if (entry.path().extension() == ".secret") return entry.path();
    }
    return dir / "client.none.secret";
  }
};

TEST_F(CephFSCharms, ClientMountsTheProxysShareWithAKeyFile) {
  deploy_and_relate();
  EXPECT_EQ(unit_status("proxy/0"),
            json::parse(R"({"current": "active", "message": "Exporting share"})"));
  EXPECT_EQ(unit_status("client/0"),
            json::parse(R"({"current": "active", "message": "mounted ceph-fs:/ at /srv/data"})"));
  const fs::path key = key_file("client/0");
  EXPECT_EQ(key.filename().string().rfind("client.", 0), 0u) << key;
  EXPECT_EQ(read(key), std::string(kKey) + "\n");
  struct stat st {};
  ASSERT_EQ(::stat(key.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  EXPECT_THAT(mountinfo("client/0"),
              HasSubstr(std::string(" /srv/data rw - ceph ceph-client@") + kFsid +
                        ".ceph-fs=/ mon_addr=10.5.0.80:6789/10.5.2.23:6789,secretfile=/etc/ceph/"
                        "cephfs-client/" +
                        key.filename().string() + ",exec,suid,dev,rw,_netdev"));
  EXPECT_THAT(commands("client/0"), HasSubstr("systemctl start srv-data.mount"));
  EXPECT_THAT(commands("client/0"), Not(HasSubstr(kKey)));
  // Apart from the proxy's own config (auth-info; auth-secret avoids even that), the key is in
  // no hook-tool argv, input or output: not in relation data, logs or statuses.
  for (const auto& entry : trace()) {
    if (entry.value("name", "") == "config-get") continue;
    EXPECT_THAT(entry.dump(), Not(HasSubstr(kKey))) << entry.value("name", "");
  }
}

// `auth` is the secret id exactly as secret-add printed it (Juju 3: secret://<model-uuid>/<xid>),
// byte for byte what the Python library publishes in the golden trace relate_1x1, where the
// same model uuid is used; only the xid, which Juju picks, may differ.
TEST_F(CephFSCharms, AuthIsTheSecretIdExactlyAsSecretAddPrintedIt) {
  deploy_and_relate();
  // The cephfs_share secret (label auth_info); the filesystem_info one is labelled `auth`.
  std::vector<json> adds;
  for (const auto& add : tool_calls("proxy/0", "secret-add")) {
    if (add["argv"].dump().find("\"auth_info\"") != std::string::npos) adds.push_back(add);
  }
  ASSERT_EQ(adds.size(), 1u);
  std::string printed = adds[0].value("stdout", "");
  ASSERT_TRUE(printed.ends_with("\n")) << printed;
  printed.pop_back();
  std::string auth;
  for (int id = 0; id < 8 && auth.empty(); ++id) {  // two peer relations come first
    const CliResult shown = sim({"show-relation", std::to_string(id)});
    if (shown.exit_code != 0) continue;
    const json bags = json::parse(shown.out)["application-data"];
    auth = bags.value("proxy", json::object()).value("auth", "");
  }
  EXPECT_EQ(auth, printed);

  const json golden = json::parse(read(fs::path(GOLDEN_DIR) / "relate_1x1.json"));
  const std::string golden_printed = [&] {
    for (const auto& hook : golden["hooks"]) {
      for (const auto& call : hook["tool_calls"]) {
        if (call["tool"] == "secret-add") return call["stdout"].get<std::string>();
      }
    }
    return std::string();
  }();
  ASSERT_FALSE(golden_printed.empty());
  const std::string golden_auth =
      golden["final_state"]["relations"]["0"]["app_bags"]["cephfs-server"]["data"]["auth"];
  EXPECT_EQ(golden_auth + "\n", golden_printed);  // the Python library: auth = what was printed
  const std::string golden_xid = golden_auth.substr(golden_auth.rfind('/') + 1);
  const std::string our_xid = auth.substr(auth.rfind('/') + 1);
  EXPECT_EQ(golden_auth.substr(0, golden_auth.size() - golden_xid.size()) + our_xid, auth);
}

TEST_F(CephFSCharms, RotatedKeyOnTheProxyRemountsTheClient) {
  deploy_and_relate();
  ok({"config", "proxy", std::string("auth-info=ceph-client:") + kNewKey});
  ok({"settle"});
  EXPECT_EQ(read(key_file("client/0")), std::string(kNewKey) + "\n");
  EXPECT_THAT(commands("client/0"), HasSubstr("systemctl restart srv-data.mount"));
  EXPECT_EQ(unit_status("client/0")["current"], "active");
}

TEST_F(CephFSCharms, EveryClientUnitMountsAndARemovedUnitOnlyUnmountsItself) {
  deploy_and_relate(3);
  for (const char* unit : {"client/0", "client/1", "client/2"}) {
    EXPECT_EQ(unit_status(unit)["message"], "mounted ceph-fs:/ at /srv/data") << unit;
    EXPECT_THAT(mountinfo(unit), HasSubstr(" /srv/data rw - ceph ")) << unit;
  }
  ok({"remove-unit", "ubuntu/1"});
  ok({"settle"});
  EXPECT_FALSE(status()["applications"]["client"]["units"].contains("client/1"));
  EXPECT_THAT(hooks_run("client/1"), ::testing::Contains("client/1 stop"));
  ASSERT_TRUE(fs::exists(machine("client/1") / "commands.log"));
  EXPECT_THAT(commands("client/1"), HasSubstr("systemctl disable --now srv-data.mount"));
  EXPECT_THAT(mountinfo("client/1"), Not(HasSubstr("/srv/data")));
  EXPECT_FALSE(fs::exists(key_file("client/1")));
  for (const char* unit : {"client/0", "client/2"}) {
    EXPECT_THAT(commands(unit), Not(HasSubstr("disable"))) << unit;
  }
  for (const char* unit : {"client/0", "client/2"}) {
    EXPECT_THAT(mountinfo(unit), HasSubstr(" /srv/data rw - ceph ")) << unit;
    EXPECT_EQ(unit_status(unit)["current"], "active") << unit;
  }
}

TEST_F(CephFSCharms, RemovingTheRelationUnmountsAndRemovesTheKeyFile) {
  deploy_and_relate();
  const fs::path key = key_file("client/0");
  ASSERT_TRUE(fs::exists(key));
  ok({"remove-relation", "proxy:cephfs-share", "client:cephfs-share"});
  ok({"settle"});
  EXPECT_THAT(mountinfo("client/0"), Not(HasSubstr("/srv/data")));
  EXPECT_FALSE(fs::exists(key));
  EXPECT_FALSE(fs::exists(machine("client/0") / "etc/systemd/system/srv-data.mount"));
  EXPECT_EQ(
      unit_status("client/0"),
      json::parse(R"({"current": "waiting", "message": "waiting for cephfs-share relation"})"));
}

TEST_F(CephFSCharms, ProxyWithoutConfigAnswersAsSoonAsItIsConfigured) {
  ok({"deploy", "ubuntu", write_charm("ubuntu", "", {})});
  ok({"deploy", "proxy", PROXY_CHARM_FILE});
  ok({"deploy", "client", CLIENT_SIM_CHARM_DIR, "--config", "mountpoint=/srv/data"});
  ok({"relate", "ubuntu", "client"});
  ok({"relate", "proxy", "client:cephfs-share"});
  ok({"settle"});
  EXPECT_EQ(unit_status("proxy/0")["message"],
            "Missing config keys fsid, sharepoint, monitor-hosts, auth-info");
  EXPECT_EQ(unit_status("client/0")["message"], "waiting for share data from proxy");
  ok({"config", "proxy", std::string("fsid=") + kFsid, "sharepoint=ceph-fs:/",
      "monitor-hosts=10.5.0.80:6789", std::string("auth-info=ceph-client:") + kKey});
  ok({"settle"});
  EXPECT_EQ(unit_status("client/0")["message"], "mounted ceph-fs:/ at /srv/data");
}

TEST_F(CephFSCharms, WithoutSystemdTheClientRunsCephFuseAndRecordsTheMountInFstab) {
  fs::create_directories(model_);
  std::ofstream(fs::path(model_) / "sim-machine-no-systemd") << "";
  deploy_and_relate();
  EXPECT_EQ(unit_status("client/0"),
            json::parse(R"({"current": "active", "message": "mounted ceph-fs:/ at /srv/data"})"));
  const std::string log = commands("client/0");
  EXPECT_THAT(log, Not(HasSubstr("systemctl")));
  EXPECT_THAT(log, HasSubstr("apt-get install -y -q --no-install-recommends ceph-fuse\n"));
  const fs::path dir = machine("client/0") / "etc/ceph/cephfs-client";
  std::string stem;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() == ".keyring") stem = entry.path().stem().string();
  }
  ASSERT_FALSE(stem.empty());
  const std::string conf = "/etc/ceph/cephfs-client/" + stem + ".conf";
  const std::string keyring = "/etc/ceph/cephfs-client/" + stem + ".keyring";
  EXPECT_THAT(log, HasSubstr("ceph-fuse -c " + conf + " -n client.ceph-client -k " + keyring +
                             " --client_fs ceph-fs -r / --client_mount_timeout=30 --log-file "
                             "/var/log/ceph/" +
                             stem + ".ceph-fuse.log -o exec,suid,dev,rw /srv/data\n"));
  EXPECT_THAT(log, Not(HasSubstr(kKey)));
  EXPECT_EQ(read(dir / (stem + ".keyring")),
            std::string("[client.ceph-client]\n\tkey = ") + kKey + "\n");
  EXPECT_EQ(read(dir / (stem + ".conf")), std::string("[global]\n\tfsid = ") + kFsid +
                                              "\n\tmon_host = 10.5.0.80:6789,10.5.2.23:6789\n");
  for (const auto& file : {dir, dir / (stem + ".keyring"), dir / (stem + ".conf")}) {
    struct stat st {};
    ASSERT_EQ(::stat(file.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, fs::is_directory(file) ? 0700u : 0600u) << file;
  }
  EXPECT_THAT(mountinfo("client/0"), HasSubstr(" /srv/data rw - fuse.ceph-fuse ceph-fuse "));
  EXPECT_THAT(read(machine("client/0") / "etc/fstab"),
              HasSubstr("# cephfs-client charm: /srv/data (written by the charm; do not edit)\n"
                        "none /srv/data fuse.ceph ceph.id=ceph-client,ceph.conf=" +
                        conf + ",ceph.keyring=" + keyring +
                        ",ceph.client_fs=ceph-fs,ceph.client_mountpoint=/,exec,suid,dev,rw,"
                        "_netdev 0 0\n"));
  EXPECT_FALSE(fs::exists(machine("client/0") / "etc/systemd"));

  // Key rotation: unmount, then ceph-fuse again with the new keyring.
  ok({"config", "proxy", std::string("auth-info=ceph-client:") + kNewKey});
  ok({"settle"});
  EXPECT_EQ(read(dir / (stem + ".keyring")),
            std::string("[client.ceph-client]\n\tkey = ") + kNewKey + "\n");
  const std::string after = commands("client/0").substr(log.size());
  EXPECT_THAT(after, HasSubstr("umount /srv/data\nceph-fuse -c "));
  EXPECT_EQ(unit_status("client/0")["current"], "active");

  ok({"remove-relation", "proxy:cephfs-share", "client:cephfs-share"});
  ok({"settle"});
  EXPECT_THAT(mountinfo("client/0"), Not(HasSubstr("/srv/data")));
  EXPECT_THAT(read(machine("client/0") / "etc/fstab"), Not(HasSubstr("/srv/data")));
  EXPECT_FALSE(fs::exists(dir / (stem + ".keyring")));
}

// The filesystem_info generation: the packed proxy's `filesystem` endpoint related to a shell
// charm that reads `endpoint` and secret-gets the id named by `auth`, as filesystem-client does.
// With the configuration of the upstream golden trace fs_relate_1x1, the URI is the trace's bytes
// but for the secret id, which is whatever secret-add printed here.
TEST_F(CephFSCharms, FilesystemEndpointPublishesTheGoldenUriAndTheSecretHoldsTheKey) {
  const std::string golden_key = "AQDZ8hRr4yzsDBAAO8Li+G+1ywNtjrhSvdFqNQ==";
  ok({"deploy", "proxy", PROXY_CHARM_FILE, "--config", "fsid=8d549b01-bea7-4ba5-9b58-77bfa35076cf",
      "sharepoint=cephfs:/volumes/shared",
      "monitor-hosts=192.168.1.1:6789 192.168.1.2:6789 192.168.1.3:6789",
      "auth-info=fsuser:" + golden_key});
  // juju-sim redacts secret-get's output in its trace, so the charm compares the key itself.
  const std::string record =
      "ep=$(relation-get --app endpoint \"$JUJU_REMOTE_APP\")\n"
      "[ -n \"$ep\" ] || exit 0\n"
      "id=$(printf '%s' \"$ep\" | sed -n 's/.*[?&]auth=\\([^&]*\\).*/\\1/p' | "
      "sed 's/%3A/:/g; s/%2F/\\//g')\n"
      "if [ \"$(secret-get \"$id\" key)\" = '" +
      golden_key + "' ]; then status-set active key-ok; else status-set blocked key-differs; fi\n";
  ok({"deploy", "fsrec",
      write_charm("fsrec", "requires:\n  filesystem: {interface: filesystem_info, limit: 1}\n",
                  {{"filesystem-relation-changed", record}})});
  ok({"relate", "proxy:filesystem", "fsrec:filesystem"});
  ok({"settle"});
  EXPECT_EQ(unit_status("proxy/0"),
            json::parse(R"({"current": "active", "message": "Exporting share"})"));

  const auto adds = tool_calls("proxy/0", "secret-add");
  ASSERT_EQ(adds.size(), 1u);  // no cephfs-share relation: only the `auth` secret
  std::string printed = adds[0].value("stdout", "");
  ASSERT_TRUE(printed.ends_with("\n")) << printed;
  printed.pop_back();
  std::string encoded;
  for (char c : printed) encoded += c == ':' ? "%3A" : c == '/' ? "%2F" : std::string(1, c);

  const json golden = json::parse(read(fs::path(FS_GOLDEN_DIR) / "fs_relate_1x1.json"));
  const std::string golden_uri = golden["final_state"]["relations"]["0"]["app_bags"]
                                       ["cephfs-server-proxy"]["data"]["endpoint"];
  const std::string golden_auth =
      "secret%3A%2F%2Fb1f9a3c2-5d4e-4f60-8a7b-9c0d1e2f3a4b%2Ffakejuju000000000001";
  std::string expected = golden_uri;
  ASSERT_NE(expected.find(golden_auth), std::string::npos) << expected;
  expected.replace(expected.find(golden_auth), golden_auth.size(), encoded);

  const auto gets = tool_calls("fsrec/0", "relation-get");
  ASSERT_FALSE(gets.empty());
  EXPECT_EQ(gets.back().value("stdout", ""), expected + "\n");
  const auto secret_gets = tool_calls("fsrec/0", "secret-get");
  ASSERT_FALSE(secret_gets.empty());
  EXPECT_EQ(secret_gets.back().value("exit", -1), 0) << secret_gets.back().dump();
  EXPECT_EQ(unit_status("fsrec/0"), json::parse(R"({"current": "active", "message": "key-ok"})"));
}

}  // namespace
