// Provisioning at scale on the dev cluster (docs/benchmarks.md, "Provisioning at scale"): one
// provisioning proxy and N client applications, each asking for a share. The charm runs in
// process (ops::testing::Context) with the real Ceph admin (librados/libcephfs), so every number
// includes the Ceph round-trips: per relation two ownership-mark reads and claims (RADOS), the
// subvolume (mgr: group, create, info), the client (mon: auth get, auth get-or-create) and the
// publication (relation data and secret, in memory here; a few hook-tool calls under Juju).
//
// Two ways in which Juju delivers the requests, both measured:
//   one hook   the N requests are answered by one config-changed (one connection);
//   N hooks    one relation-changed per relation (a connection per hook, as under Juju).
// Then every relation is removed (revocation, delete-data-on-revoke) and Ceph is left clean.
//
// Usage: STORAGE_LIBS_CEPH_CONF=/tmp/sl-ceph/ceph.conf provisioning_scale_bench [N...]
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "cephfs/ceph_admin.h"
#include "ops/testing/context.h"
#include "proxy_charm.h"

namespace {

using Clock = std::chrono::steady_clock;
using cephfs_server_proxy::ProxyCharm;
using ops::testing::Context;
using ops::testing::Relation;
using ops::testing::State;

constexpr int kPeerId = 100000;

std::string ini_value(const std::string& path, const std::string& key) {
  std::ifstream file(path);
  for (std::string line; std::getline(file, line);) {
    auto start = line.find_first_not_of(" \t");
    if (start == std::string::npos || line.compare(start, key.size(), key) != 0) continue;
    auto eq = line.find('=', start);
    if (eq == std::string::npos) continue;
    auto value = line.substr(eq + 1);
    value.erase(0, value.find_first_not_of(" \t"));
    return value;
  }
  return "";
}

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

long peak_rss_kib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

struct Result {
  int n = 0;
  double one_hook_ms = 0;
  double n_hooks_ms = 0;
  double revoke_ms = 0;
};

State base_state(const std::string& mon_host, const std::string& keyring, int n,
                 const std::string& group) {
  State state{.config = {{"admin-keyring", keyring},
                         {"monitor-hosts", mon_host},
                         {"subvolume-group", group},
                         {"filesystem", "cephfs"},
                         {"delete-data-on-revoke", true}},
              .leader = true};
  for (int i = 1; i <= n; ++i) {
    state.relations.push_back(Relation{.endpoint = "cephfs-share",
                                       .id = i,
                                       .remote_app_name = "client-" + std::to_string(i),
                                       .remote_app_data = {{"name", "data"}}});
  }
  state.relations.push_back(Relation{.endpoint = "proxy", .id = kPeerId});
  return state;
}

// Removes every cephfs-share relation, one relation-broken each; returns the time.
double revoke_all(Context<ProxyCharm>& ctx, State& state, int n) {
  auto start = Clock::now();
  for (int i = 1; i <= n; ++i) {
    state = ctx.run(ctx.on.relation_broken(state.get_relation(i)), state);
    std::erase_if(state.relations, [i](const Relation& r) { return r.id == i; });
  }
  return ms_since(start);
}

bool all_provisioned(const State& state, int n) {
  if (state.unit_status.name != "active") {
    std::fprintf(stderr, "status: %s: %s\n", state.unit_status.name.c_str(),
                 state.unit_status.message.c_str());
    return false;
  }
  for (int i = 1; i <= n; ++i) {
    if (!state.get_relation(i).local_app_data.contains("share_info")) return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  const char* conf = std::getenv("STORAGE_LIBS_CEPH_CONF");
  if (conf == nullptr) {
    std::fprintf(stderr, "set STORAGE_LIBS_CEPH_CONF to a dev cluster's ceph.conf\n");
    return 2;
  }
  const std::string keyring = ini_value(conf, "keyring");
  auto admin = cephfs::connect_ceph_admin({.conf_file = conf});
  if (!admin) {
    std::fprintf(stderr, "cannot connect: %s\n", admin.error().message.c_str());
    return 1;
  }
  auto monitors = (*admin)->monitor_addresses();
  if (!monitors) return 1;
  const std::string mon_host = cephfs::to_mon_host(*monitors);

  std::vector<int> sizes;
  for (int i = 1; i < argc; ++i) sizes.push_back(std::atoi(argv[i]));
  if (sizes.empty()) sizes = {10, 50, 200};

  auto ctx = Context<ProxyCharm>::from_charm_dir(PROXY_CHARM_DIR);
  std::vector<Result> results;
  for (int n : sizes) {
    Result result{.n = n};
    const std::string group = "bench-" + std::to_string(getpid()) + "-" + std::to_string(n);
    // One hook answers every request.
    State state = base_state(mon_host, keyring, n, group + "a");
    auto start = Clock::now();
    state = ctx.run(ctx.on.config_changed(), state);
    result.one_hook_ms = ms_since(start);
    if (!all_provisioned(state, n)) return 1;
    revoke_all(ctx, state, n);
    // One hook per request: the relations arrive one by one.
    const State full = base_state(mon_host, keyring, n, group + "b");
    state = full;
    std::erase_if(state.relations, [](const Relation& r) { return r.endpoint == "cephfs-share"; });
    state = ctx.run(ctx.on.update_status(), state);  // the configuration, nothing to provision
    start = Clock::now();
    for (int i = 1; i <= n; ++i) {
      state.relations.push_back(full.get_relation(i));
      state = ctx.run(ctx.on.relation_changed(state.get_relation(i), 0), state);
    }
    result.n_hooks_ms = ms_since(start);
    if (!all_provisioned(state, n)) return 1;
    result.revoke_ms = revoke_all(ctx, state, n);
    for (const char* suffix : {"a", "b"}) {
      const std::string rm = std::string("ceph -c ") + conf + " fs subvolumegroup rm cephfs " +
                             group + suffix + " >/dev/null 2>&1";
      (void)std::system(rm.c_str());
    }
    results.push_back(result);
    std::fprintf(stderr, "N=%d done\n", n);
  }

  std::printf(
      "| N | one hook: total | ms/relation | N hooks: total | ms/relation | hooks/s | "
      "revoke: ms/relation |\n|---|---|---|---|---|---|---|\n");
  for (const auto& r : results) {
    std::printf("| %d | %.0f ms | %.0f | %.0f ms | %.0f | %.1f | %.0f |\n", r.n, r.one_hook_ms,
                r.one_hook_ms / r.n, r.n_hooks_ms, r.n_hooks_ms / r.n, r.n * 1000.0 / r.n_hooks_ms,
                r.revoke_ms / r.n);
  }
  std::printf("\npeak RSS of the benchmark process (charm in process, librados loaded): %ld KiB\n",
              peak_rss_kib());
  return 0;
}
