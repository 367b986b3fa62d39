// Per-event cost of the two CephFS charms: every hook of cephfs-server-proxy (proxy mode and
// provisioning mode without a reachable Ceph) and of cephfs-client (its test build
// cephfs-client-sim-dispatch, which mounts on a simulated machine) runs as a real process, as
// Juju spawns `dispatch`, against bench-fake-hook-tool (bench/fake_hook_tool.cc: one JSON model
// shared by both applications). For each event it reports
//   - wall time spawn-to-exit, p50 / p99;
//   - framework overhead inside the process: the dispatcher's wall time minus the time spent in
//     hook-tool processes (OPS_CPP_PROFILE_FILE, written by ops::dispatch_main), p50 / p99;
//   - overhead from outside: wall minus hook-tool time (adds exec, loader, static init);
//   - peak RSS of the charm process itself (getrusage(RUSAGE_SELF) in the profile; wait4's
//     figure would include the hook tools it waited for);
//   - hook-tool calls, and the Python charms' count where it was measured (issue #7).
// A scenario is a chain of hooks on one model: the setup hooks run once (really, both charms),
// then the model (world file, both units' state files, the simulated machine) is snapshotted and
// restored before every timed run, so each run does the same work.
//
// Events that talk to Ceph in provisioning mode use monitor-hosts 127.0.0.1:<a closed port> and
// ceph-timeout 1: their time is the client library giving up, not the framework, and is reported
// as such. Never a non-loopback address.
//
// Environment: BENCH_ITERATIONS (default 60) scales the number of timed runs per event;
// BENCH_TOOL_CALLS_FILE, when set, receives the tool calls of each event (one line each).
#include <benchmark/benchmark.h>
#include <netinet/in.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

constexpr const char* kProxyApp = "cephfs-server-proxy";
constexpr const char* kClientApp = "cephfs-client";
constexpr const char* kProxyUnit = "cephfs-server-proxy/0";
constexpr const char* kClientUnit = "cephfs-client/0";
constexpr const char* kUserSecret = "secret:cr8vcqgpc9t8oet2fdlg";
constexpr const char* kKey = "AQAPdQldX264KBAAOyaxen/y0XBl1qxlGPTabw==";

const std::vector<std::string> kTools = {
    "relation-ids",  "relation-list",   "relation-get", "relation-set", "is-leader",
    "config-get",    "status-get",      "status-set",   "juju-log",     "application-version-set",
    "action-get",    "action-set",      "action-log",   "action-fail",  "secret-add",
    "secret-get",    "secret-info-get", "secret-set",   "secret-grant", "secret-revoke",
    "secret-remove", "secret-ids",      "open-port",    "close-port"};

enum class Charm { kProxy, kClient };

struct Hook {
  Charm charm = Charm::kProxy;
  std::string dispatch_path;  // "hooks/<name>" or "actions/<name>"
  std::map<std::string, std::string> env;
};

struct Scenario {
  std::string name{};
  json world{};
  std::vector<Hook> setup{};
  Hook hook{};
  int iterations = 60;  // before BENCH_ITERATIONS scaling
  std::optional<int> python_calls{};
  bool may_fail = false;  // action-fail or an expected blocked hook exit code
  bool talks_to_ceph = false;
};

// ---- the model -------------------------------------------------------------------------------

json relation(const std::string& endpoint, int id, json units) {
  return {
      {"endpoint", endpoint}, {"id", id}, {"units", std::move(units)}, {"data", json::object()}};
}

json share_relation() {
  return relation(
      "cephfs-share", 1,
      {{kProxyApp, json::array({kProxyUnit})}, {kClientApp, json::array({kClientUnit})}});
}

json proxy_config() {
  return {{"fsid", "354ca7c4-f10d-11ee-93f8-1f85f87b7845"},
          {"sharepoint", "ceph-fs:/"},
          {"monitor-hosts", "10.5.0.80:6789 10.5.2.23:6789"},
          {"auth-secret", kUserSecret},
          {"filesystem", ""},
          {"subvolume-group", "cephfs-share"},
          {"subvolume-size", ""},
          {"delete-data-on-revoke", false},
          {"ceph-timeout", 10}};
}

// A port on 127.0.0.1 that nothing listens on (bound and closed again).
int closed_loopback_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), len);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

json provisioning_config(const fs::path& keyring) {
  json config = proxy_config();
  config.erase("fsid");
  config.erase("sharepoint");
  config.erase("auth-secret");
  config["admin-keyring"] = keyring.string();
  config["monitor-hosts"] = "127.0.0.1:" + std::to_string(closed_loopback_port());
  config["ceph-timeout"] = 1;
  return config;
}

json world(json proxy_cfg, json client_cfg, bool leader = true) {
  return {{"leader", leader},
          {"configs", {{kProxyApp, std::move(proxy_cfg)}, {kClientApp, std::move(client_cfg)}}},
          {"relations",
           json::array({share_relation(), relation("proxy", 0, {{kProxyApp, {kProxyUnit}}}),
                        relation("peers", 2, {{kClientApp, {kClientUnit}}})})},
          {"secrets", json::array({{{"id", kUserSecret},
                                    {"owner", ""},
                                    {"revision", 1},
                                    {"content", {{"username", "ceph-client"}, {"key", kKey}}}}})},
          {"action", json::object()}};
}

// ---- hooks -----------------------------------------------------------------------------------

Hook hook(Charm charm, const std::string& name) { return {charm, "hooks/" + name, {}}; }

Hook relation_hook(Charm charm, const std::string& endpoint, int id, const std::string& suffix,
                   bool with_remote_unit = true) {
  const bool peer = endpoint != "cephfs-share";
  const std::string self_app = charm == Charm::kProxy ? kProxyApp : kClientApp;
  const std::string remote_app =
      peer ? self_app : (charm == Charm::kProxy ? kClientApp : kProxyApp);
  const std::string remote_unit = remote_app + "/" + (peer ? "1" : "0");
  Hook h = hook(charm, endpoint + "-relation-" + suffix);
  h.env = {{"JUJU_RELATION", endpoint},
           {"JUJU_RELATION_ID", endpoint + ":" + std::to_string(id)},
           {"JUJU_REMOTE_APP", remote_app}};
  if (with_remote_unit && suffix != "created" && suffix != "broken")
    h.env["JUJU_REMOTE_UNIT"] = remote_unit;
  if (suffix == "departed") h.env["JUJU_DEPARTING_UNIT"] = remote_unit;
  return h;
}

Hook secret_hook(Charm charm, const std::string& suffix, const std::string& id,
                 const std::string& label = "", int revision = 0) {
  Hook h = hook(charm, "secret-" + suffix);
  h.env = {{"JUJU_SECRET_ID", id}, {"JUJU_SECRET_LABEL", label}};
  if (revision > 0) h.env["JUJU_SECRET_REVISION"] = std::to_string(revision);
  return h;
}

Hook action(Charm charm, const std::string& name) {
  return {charm, "actions/" + name, {{"JUJU_ACTION_NAME", name}, {"JUJU_ACTION_UUID", "1"}}};
}

// ---- running ---------------------------------------------------------------------------------

struct Sample {
  double wall_ms = 0;
  double inside_ms = 0;
  double outside_ms = 0;
  long rss_kib = 0;
  int tool_calls = 0;
  int exit_code = 0;
};

class Model {
 public:
  Model(const fs::path& root, const json& world) : root_(root) {
    fs::remove_all(root_);
    // charm = <root>/model/units/<app>/charm: the sim client's machine is charm/../machine.
    for (const char* app : {kProxyApp, kClientApp}) fs::create_directories(charm_dir(app));
    // The metadata files of a packed charm, the compiled .ops-cpp-meta.json included.
    for (const char* file : {"charmcraft.yaml", ".ops-cpp-meta.json"}) {
      fs::copy_file(fs::path(PROXY_CHARM_DIR) / file, charm_dir(kProxyApp) / file);
      fs::copy_file(fs::path(CLIENT_CHARM_DIR) / file, charm_dir(kClientApp) / file);
    }
    fs::create_directories(tools_dir());
    for (const auto& tool : kTools) fs::create_symlink(FAKE_HOOK_TOOL, tools_dir() / tool);
    std::ofstream(world_file()) << world.dump();
  }
  ~Model() { fs::remove_all(root_); }

  fs::path model_dir() const { return root_ / "model"; }
  fs::path charm_dir(const std::string& app) const { return model_dir() / "units" / app / "charm"; }
  fs::path tools_dir() const { return root_ / "tools"; }
  fs::path world_file() const { return model_dir() / "world.json"; }

  void snapshot() {
    fs::remove_all(root_ / "snapshot");
    fs::copy(model_dir(), root_ / "snapshot", fs::copy_options::recursive);
  }
  void restore() {
    fs::remove_all(model_dir());
    fs::copy(root_ / "snapshot", model_dir(), fs::copy_options::recursive);
  }

  Sample run(const Hook& h, const std::string& tool_log = "") {
    const bool proxy = h.charm == Charm::kProxy;
    const std::string app = proxy ? kProxyApp : kClientApp;
    const fs::path profile = root_ / "profile.json";
    fs::remove(profile);
    std::map<std::string, std::string> env = {
        {"PATH", tools_dir().string() + ":/usr/bin:/bin"},
        {"JUJU_CHARM_DIR", charm_dir(app).string()},
        {"JUJU_DISPATCH_PATH", h.dispatch_path},
        {"JUJU_HOOK_NAME", h.dispatch_path.substr(h.dispatch_path.find('/') + 1)},
        {"JUJU_UNIT_NAME", proxy ? kProxyUnit : kClientUnit},
        {"JUJU_MODEL_NAME", "bench"},
        {"JUJU_MODEL_UUID", "00000000-0000-4000-8000-000000000000"},
        {"JUJU_MACHINE_ID", "0"},
        {"JUJU_VERSION", "3.6.8"},
        {"BENCH_WORLD", world_file().string()},
        {"OPS_CPP_PROFILE_FILE", profile.string()},
    };
    if (!proxy) env["JUJU_PRINCIPAL_UNIT"] = "ubuntu/0";
    if (!tool_log.empty()) env["BENCH_TOOL_LOG"] = tool_log;
    for (const auto& [k, v] : h.env) env[k] = v;
    std::vector<std::string> items;
    for (const auto& [k, v] : env) items.push_back(k + "=" + v);
    std::vector<char*> envp;
    for (auto& e : items) envp.push_back(e.data());
    envp.push_back(nullptr);
    std::string path = proxy ? PROXY_DISPATCH : CLIENT_DISPATCH;
    char* argv[] = {path.data(), nullptr};

    const auto start = std::chrono::steady_clock::now();
    pid_t pid = 0;
    if (posix_spawn(&pid, path.c_str(), nullptr, nullptr, argv, envp.data()) != 0) {
      throw std::runtime_error("cannot spawn " + path);
    }
    int status = 0;
    struct rusage usage {};
    ::wait4(pid, &status, 0, &usage);
    const auto wall = std::chrono::steady_clock::now() - start;

    std::ifstream in(profile);
    if (!in) throw std::runtime_error(h.dispatch_path + ": no profile written");
    const json p = json::parse(in);
    const double tool_ms = p.at("tool_ns").get<double>() / 1e6;
    Sample s;
    s.wall_ms = std::chrono::duration<double, std::milli>(wall).count();
    s.inside_ms = p.at("wall_ns").get<double>() / 1e6 - tool_ms;
    s.outside_ms = s.wall_ms - tool_ms;
    s.rss_kib = p.value("maxrss_kib", static_cast<long>(usage.ru_maxrss));
    s.tool_calls = p.at("tool_calls").get<int>();
    s.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return s;
  }

 private:
  fs::path root_;
};

double percentile(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  return values[static_cast<std::size_t>(p * static_cast<double>(values.size() - 1))];
}

int iterations(int base) {
  const char* env = std::getenv("BENCH_ITERATIONS");
  const int scale = env != nullptr ? std::max(1, std::atoi(env)) : 60;
  return std::max(3, base * scale / 60);
}

void run_scenario(benchmark::State& state, const Scenario& sc) {
  Model model(fs::temp_directory_path() / ("charm-events-bench-" + std::to_string(::getpid())),
              sc.world);
  for (const auto& h : sc.setup) {
    const Sample s = model.run(h);
    if (s.exit_code != 0) {
      state.SkipWithError((sc.name + ": setup hook " + h.dispatch_path + " failed").c_str());
      return;
    }
  }
  model.snapshot();

  // One counting run with the tool log.
  const fs::path log =
      fs::temp_directory_path() / ("charm-events-calls-" + std::to_string(::getpid()));
  fs::remove(log);
  model.restore();
  const Sample counted = model.run(sc.hook, log.string());
  if (counted.exit_code != 0 && !sc.may_fail) {
    state.SkipWithError((sc.name + ": hook exited " + std::to_string(counted.exit_code)).c_str());
    return;
  }
  if (const char* out = std::getenv("BENCH_TOOL_CALLS_FILE"); out != nullptr && *out) {
    std::ifstream calls(log);
    std::ofstream o(out, std::ios::app);
    o << "== " << sc.name << " (" << counted.tool_calls << " calls)\n" << calls.rdbuf();
  }
  fs::remove(log);

  std::vector<double> wall, inside, outside;
  long rss = 0;
  for (auto _ : state) {
    state.PauseTiming();
    model.restore();
    state.ResumeTiming();
    const Sample s = model.run(sc.hook);
    state.SetIterationTime(s.wall_ms / 1e3);
    wall.push_back(s.wall_ms);
    inside.push_back(s.inside_ms);
    outside.push_back(s.outside_ms);
    rss = std::max(rss, s.rss_kib);
  }
  state.counters["wall_p50_ms"] = percentile(wall, 0.50);
  state.counters["wall_p99_ms"] = percentile(wall, 0.99);
  state.counters["fw_p50_ms"] = percentile(inside, 0.50);
  state.counters["fw_p99_ms"] = percentile(inside, 0.99);
  state.counters["fw_out_p50_ms"] = percentile(outside, 0.50);
  state.counters["rss_kib"] = static_cast<double>(rss);
  state.counters["tools"] = counted.tool_calls;
  state.counters["py_tools"] = sc.python_calls ? *sc.python_calls : 0;
  state.counters["exit"] = counted.exit_code;
}

// ---- the scenarios ----------------------------------------------------------------------------

std::vector<Scenario> scenarios(const fs::path& keyring) {
  const json client_cfg = {{"mountpoint", "/srv/data"}, {"noexec", false},
                           {"nosuid", false},           {"nodev", false},
                           {"read-only", false},        {"mount-method", "auto"}};
  const json proxy_world = world(proxy_config(), client_cfg);
  // Credentials from the auth-info option, as the Python reference charm takes them (its config
  // holds the key): the configuration the Python counts were measured in.
  json auth_info_cfg = proxy_config();
  auth_info_cfg.erase("auth-secret");
  auth_info_cfg["auth-info"] = "ceph-client:AQAPdQldX264KBAAOyaxen/y0XBl1qxlGPTabw==";
  const json proxy_auth_info_world = world(auth_info_cfg, client_cfg);
  const json prov_world = world(provisioning_config(keyring), client_cfg);
  const json prov_follower = world(provisioning_config(keyring), client_cfg, /*leader=*/false);

  const Charm P = Charm::kProxy;
  const Charm C = Charm::kClient;
  // The client asks (joined: leader writes `name`); the proxy publishes (share_requested); the
  // client mounts (mount_share).
  const Hook client_joined = relation_hook(C, "cephfs-share", 1, "joined");
  const Hook proxy_changed = relation_hook(P, "cephfs-share", 1, "changed");
  const Hook client_changed = relation_hook(C, "cephfs-share", 1, "changed");
  const std::vector<Hook> published = {hook(P, "install"), hook(P, "config-changed"), client_joined,
                                       proxy_changed};
  std::vector<Hook> mounted = published;
  mounted.push_back(client_changed);

  std::vector<Scenario> out;
  auto add = [&](std::string name, const json& w, std::vector<Hook> setup, Hook h,
                 Scenario extra = {}) {
    extra.name = std::move(name);
    extra.world = w;
    extra.setup = std::move(setup);
    extra.hook = std::move(h);
    out.push_back(std::move(extra));
  };

  // cephfs-server-proxy, proxy mode.
  add("proxy/install", proxy_world, {}, hook(P, "install"));
  add("proxy/start", proxy_world, {hook(P, "install")}, hook(P, "start"));
  add("proxy/config-changed(no client yet)", proxy_world, {hook(P, "install")},
      hook(P, "config-changed"));
  add("proxy/config-changed(1 client)", proxy_world, published, hook(P, "config-changed"));
  add("proxy/leader-elected", proxy_world, published, hook(P, "leader-elected"));
  add("proxy/upgrade-charm", proxy_world, published, hook(P, "upgrade-charm"));
  add("proxy/update-status", proxy_world, published, hook(P, "update-status"));
  add("proxy/cephfs-share-relation-created", proxy_world, {hook(P, "install")},
      relation_hook(P, "cephfs-share", 1, "created"));
  add("proxy/cephfs-share-relation-joined", proxy_world, {hook(P, "install")},
      relation_hook(P, "cephfs-share", 1, "joined"));
  add("proxy/cephfs-share-relation-changed(share_requested+set_share)", proxy_world,
      {hook(P, "install"), hook(P, "config-changed"), client_joined}, proxy_changed,
      {.python_calls = 23});
  add("proxy/cephfs-share-relation-changed(share_requested+set_share, auth-info)",
      proxy_auth_info_world, {hook(P, "install"), hook(P, "config-changed"), client_joined},
      proxy_changed, {.python_calls = 23});
  add("proxy/cephfs-share-relation-changed(nothing)", proxy_world, published, proxy_changed,
      {.python_calls = 8});
  add("proxy/cephfs-share-relation-departed", proxy_world, published,
      relation_hook(P, "cephfs-share", 1, "departed"));
  add("proxy/cephfs-share-relation-broken", proxy_world, published,
      relation_hook(P, "cephfs-share", 1, "broken"));
  add("proxy/proxy-relation-changed(peer)", proxy_world, published,
      relation_hook(P, "proxy", 0, "changed"));
  add("proxy/secret-changed(auth-secret)", proxy_world, published,
      secret_hook(P, "changed", kUserSecret));
  add("proxy/secret-remove(auth_info rev)", proxy_world, published,
      secret_hook(P, "remove", "secret:bench10000000000000000", "auth_info", 1));
  add("proxy/rotate-credentials(proxy mode: fails)", proxy_world, published,
      action(P, "rotate-credentials"), {.may_fail = true});
  add("proxy/stop", proxy_world, published, hook(P, "stop"));
  add("proxy/remove", proxy_world, published, hook(P, "remove"));

  // cephfs-server-proxy, provisioning mode, Ceph not needed or unreachable.
  add("prov/config-changed(follower)", prov_follower, {hook(P, "install")},
      hook(P, "config-changed"));
  add("prov/update-status(follower)", prov_follower, {hook(P, "install")},
      hook(P, "update-status"));
  add("prov/cephfs-share-relation-changed(nothing)", prov_world,
      {hook(P, "install"), client_joined, proxy_changed}, proxy_changed, {.python_calls = 8});
  add("prov/cephfs-share-relation-broken(follower)", prov_follower, {hook(P, "install")},
      relation_hook(P, "cephfs-share", 1, "broken"));
  add("prov/rotate-credentials(follower: fails)", prov_follower, {hook(P, "install")},
      action(P, "rotate-credentials"), {.may_fail = true});
  add("prov/update-status(Ceph unreachable, 1 s timeout)", prov_world, {hook(P, "install")},
      hook(P, "update-status"), {.iterations = 6, .talks_to_ceph = true});

  // cephfs-client (simulated machine).
  add("client/install", proxy_world, {}, hook(C, "install"));
  add("client/start", proxy_world, {hook(C, "install")}, hook(C, "start"));
  add("client/config-changed(no relation data)", proxy_world, {hook(C, "install")},
      hook(C, "config-changed"));
  add("client/config-changed(mounted)", proxy_world, mounted, hook(C, "config-changed"));
  add("client/leader-elected", proxy_world, mounted, hook(C, "leader-elected"));
  add("client/upgrade-charm", proxy_world, mounted, hook(C, "upgrade-charm"));
  add("client/update-status", proxy_world, mounted, hook(C, "update-status"));
  add("client/cephfs-share-relation-created", proxy_world, {hook(C, "install")},
      relation_hook(C, "cephfs-share", 1, "created"));
  add("client/cephfs-share-relation-joined(server_connected)", proxy_world, {hook(C, "install")},
      client_joined);
  add("client/cephfs-share-relation-changed(mount_share)", proxy_world, published, client_changed,
      {.python_calls = 14});
  add("client/cephfs-share-relation-changed(nothing)", proxy_world, mounted, client_changed,
      {.python_calls = 8});
  add("client/cephfs-share-relation-departed(umount_share)", proxy_world, mounted,
      relation_hook(C, "cephfs-share", 1, "departed"));
  add("client/cephfs-share-relation-broken", proxy_world, mounted,
      relation_hook(C, "cephfs-share", 1, "broken"));
  add("client/peers-relation-changed", proxy_world, mounted,
      relation_hook(C, "peers", 2, "changed"));
  add("client/secret-changed(credentials)", proxy_world, mounted,
      secret_hook(C, "changed", "secret:bench10000000000000000"));
  add("client/mount-info(action)", proxy_world, mounted, action(C, "mount-info"));
  add("client/stop", proxy_world, mounted, hook(C, "stop"));
  add("client/remove", proxy_world, mounted, hook(C, "remove"));
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  const fs::path keyring =
      fs::temp_directory_path() / ("charm-events-keyring-" + std::to_string(::getpid()));
  std::ofstream(keyring) << "[client.admin]\n\tkey = " << kKey << "\n";
  fs::permissions(keyring, fs::perms::owner_read | fs::perms::owner_write);
  static std::vector<Scenario> all = scenarios(keyring);
  for (const auto& sc : all) {
    benchmark::RegisterBenchmark(sc.name.c_str(),
                                 [&sc](benchmark::State& st) { run_scenario(st, sc); })
        ->Iterations(iterations(sc.iterations))
        ->UseManualTime()
        ->Unit(benchmark::kMillisecond);
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  fs::remove(keyring);
  return 0;
}
