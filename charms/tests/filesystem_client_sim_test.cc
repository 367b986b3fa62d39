// filesystem-client as a whole process under juju-sim: a shell principal that asks for a
// mountpoint over mount_info (relation-set of JSON-encoded values, as Relation.save writes), the
// C++ filesystem-client built against a simulated machine (filesystem-client/tests/
// sim_dispatch_main.cc: production charm and SystemMountManager, fake root, recorded commands)
// and a shell provider that publishes one filesystem_info endpoint URI.
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
// kKey, form-encoded as the auth option of the URI.
constexpr const char* kEncodedKey = "AQAPdQldX264KBAAOyaxen%2Fy0XBl1qxlGPTabw%3D%3D";

std::string read(const fs::path& path) {
  std::ifstream in(path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

class FilesystemClientSim : public SimTest {
 protected:
  // principal (asks for /srv/data, nosuid) + filesystem-client + a provider publishing `uri`.
  void deploy_and_relate(const std::string& uri) {
    ok({"deploy", "principal",
        write_charm("principal",
                    "requires:\n  mount:\n    interface: mount_info\n    scope: container\n",
                    {{"mount-relation-created",
                      "if [ \"$(is-leader)\" = True ]; then\n"
                      "  relation-set --app 'mountpoint=\"/srv/data\"' nosuid=true\n"
                      "fi\n"}})});
    ok({"deploy", "provider",
        write_charm("provider", "provides:\n  filesystem:\n    interface: filesystem_info\n",
                    {{"filesystem-relation-joined",
                      "if [ \"$(is-leader)\" = True ]; then\n"
                      "  relation-set --app 'endpoint=" +
                          uri +
                          "'\n"
                          "fi\n"}})});
    ok({"deploy", "fsclient", FS_CLIENT_SIM_CHARM_DIR});
    ok({"relate", "principal:mount", "fsclient:mount"});
    ok({"relate", "provider:filesystem", "fsclient:filesystem"});
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
  std::string commands(const std::string& unit) { return read(machine(unit) / "commands.log"); }
  // `mounted` in fsclient/0's bag of the mount relation.
  std::string reported_mounted() {
    for (int id = 0; id < 4; ++id) {
      const CliResult shown = sim({"show-relation", std::to_string(id)});
      if (shown.exit_code != 0) continue;
      const json relation = json::parse(shown.out);
      if (relation["endpoints"].dump().find("fsclient:mount") == std::string::npos) continue;
      return relation["unit-data"].value("fsclient/0", json::object()).value("mounted", "");
    }
    return "no mount relation";
  }
};

TEST_F(FilesystemClientSim, MountsAnNfsExportWhereThePrincipalAsksAndReportsIt) {
  deploy_and_relate("nfs://(10.1.2.3)/export");
  EXPECT_EQ(unit_status("fsclient/0"),
            json::parse(R"({"current": "active", "message": "Mounted filesystem at /srv/data"})"));
  EXPECT_THAT(commands("fsclient/0"),
              HasSubstr("mount -t nfs 10.1.2.3:/export /srv/data -o exec,nosuid,dev,rw\n"));
  EXPECT_THAT(read(machine("fsclient/0") / "proc/self/mountinfo"),
              HasSubstr(" /srv/data rw - nfs 10.1.2.3:/export "));
  EXPECT_EQ(reported_mounted(), "true");
}

TEST_F(FilesystemClientSim, MountsACephfsEndpointWithCephFuseAndTheKeyOnlyInA0600File) {
  deploy_and_relate(std::string("cephfs://ceph-client@(10.5.0.80%3A6789)/?fsid=") + kFsid +
                    "&name=ceph-fs&auth=plain%3A" + kEncodedKey);
  EXPECT_EQ(unit_status("fsclient/0"),
            json::parse(R"({"current": "active", "message": "Mounted filesystem at /srv/data"})"));
  EXPECT_THAT(commands("fsclient/0"), HasSubstr("ceph-fuse -c /etc/ceph/cephfs-client/"));
  EXPECT_THAT(commands("fsclient/0"), Not(HasSubstr(kKey)));
  fs::path keyring;
  std::error_code ec;
  for (const auto& entry :
       fs::directory_iterator(machine("fsclient/0") / "etc/ceph/cephfs-client", ec)) {
    if (entry.path().extension() == ".keyring") keyring = entry.path();
  }
  EXPECT_THAT(read(keyring), HasSubstr(std::string("key = ") + kKey));
  struct stat st {};
  ASSERT_EQ(::stat(keyring.c_str(), &st), 0) << keyring;
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  EXPECT_EQ(reported_mounted(), "true");
}

TEST_F(FilesystemClientSim, IsBlockedWithoutALustreClientAndReportsNotMounted) {
  deploy_and_relate("lustre://(10.0.0.1%40tcp)/?fs-name=lfs");
  const json shown = unit_status("fsclient/0");
  EXPECT_EQ(shown["current"], "blocked");
  EXPECT_THAT(shown["message"].get<std::string>(), HasSubstr("Lustre client is not installed"));
  EXPECT_THAT(commands("fsclient/0"), Not(HasSubstr("mount -t lustre")));
  EXPECT_EQ(reported_mounted(), "false");
}

TEST_F(FilesystemClientSim, MountsLustreWhereTheClientIsInstalled) {
  fs::create_directories(model_);
  std::ofstream(fs::path(model_) / "sim-machine-lustre") << "";
  deploy_and_relate("lustre://(10.0.0.1%40tcp%2C10.0.0.2%40tcp)/?fs-name=lfs");
  EXPECT_THAT(commands("fsclient/0"),
              HasSubstr("mount -t lustre 10.0.0.1@tcp:10.0.0.2@tcp:/lfs /srv/data -o "
                        "exec,nosuid,dev,rw\n"));
  EXPECT_EQ(reported_mounted(), "true");
}

}  // namespace
