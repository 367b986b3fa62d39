// Fault injection over every event of both charms: each event is first run fault-free (learning
// its N hook-tool calls, M commands and C Ceph admin calls, and the state and machine it ends
// in), then run again once per injection point: hook-tool call k = 1..N failing (non-zero exit,
// garbage output, timeout; see ops/testing/fault_injecting_backend.h), command k = 1..M of the
// client's SystemMountManager failing (non-zero exit with nothing done; timeout after the command
// did its work), Ceph admin call k = 1..C of the provisioning proxy failing (unavailable with
// nothing done; timeout after the call took effect). For every injection point, either
//  - the hook fails (the Context throws UncaughtCharmError, as ops::main exits 1): Juju keeps the
//    model as it was before the hook (the Context commits nothing of a failed run), and the retry
//    of the same event without the fault, on the machine as the failed attempt left it, ends in
//    exactly the fault-free State and machine; or
//  - the fault changed nothing (a failed juju-log, a garbage-printing tool whose output is
//    ignored): State and machine equal the fault-free ones; or
//  - the charm handled it: a non-active status with a message, and re-running the event without
//    the fault converges to exactly the fault-free State and machine.
//
// The client also runs against the production SystemMountManager on a temporary root directory
// (a SimulatedMachine, cephfs-client/tests/simulated_machine.h), with and without systemd and with
// the kernel and the FUSE client. There, after every failed or handled hook, the machine the
// fault left (L) must hold this invariant, with B the machine before the hook, E the fault-free
// machine after it, P the mount plan in the stored state Juju keeps (the input State's after a
// failed hook, the output State's after a handled one) and P' the plan of the fault-free output:
//  1. Nothing half-made: every path of L is in B or E with the same type, mode, owner and the
//     content it has in B or in E; every line of /etc/fstab and /proc/self/mountinfo is a line of
//     B or E (no temporary file, no partly rewritten file, no other key).
//  2. No stray record: every key, ceph.conf and created-mountpoint file, mount unit, enable link
//     and marked fstab entry belongs to P or P' (the retry adopts P', nothing else will ever
//     remove a file of neither).
//  3. No mount without a record: every CephFS mount belongs to P or P', has its persistent record
//     (systemd: the charm's unit file and its enable link; else the charm's marked fstab entry)
//     and the key file it was mounted with.
//  4. No record without a mount unless the kept stored state expects it: a unit or fstab entry
//     with nothing mounted belongs to P, and the next update-status, run from the kept State on
//     L, mounts it.
//  5. A key change not yet mounted is recorded: a fault between writing a new key file and a
//     successful mount may leave "<key file>.remount-pending" (0600, belonging to P or P'), the
//     record that makes the retry or the next update-status remount; rule 1 allows it.
// Then the retry (or re-run) without the fault must end in exactly E: every path, type, mode,
// owner and content of the root compared. Machine descriptions never hold a key: a cephx key in
// a file shows as the name of the test constant or as an FNV-1a hash.
//
// The count of injection points per charm, event and fault source is printed at the end
// (docs/reliability.md).
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "cephfs/testing/fake_ceph_admin.h"
#include "charms/storage_libs/v0/cephfs_share_wire.h"
#include "client_charm.h"
#include "fake_mount_manager.h"
#include "ops/testing/context.h"
#include "ops/testing/fault_injecting_backend.h"
#include "proxy_charm.h"
#include "simulated_machine.h"
#include "system_mount_manager.h"

namespace {

namespace fs = std::filesystem;
namespace v0 = charms::storage_libs::v0;
using cephfs_client::testing::SimulatedMachine;
using ops::testing::ActionFailed;
using ops::testing::Context;
using ops::testing::ContextOptions;
using ops::testing::Event;
using ops::testing::FaultInjector;
using ops::testing::FaultKind;
using ops::testing::Relation;
using ops::testing::Secret;
using ops::testing::State;
using ops::testing::UncaughtCharmError;

constexpr const char* kFsid = "354ca7c4-f10d-11ee-93f8-1f85f87b7845";
constexpr const char* kKey = "AQAPdQldX264KBAAOyaxen/y0XBl1qxlGPTabw==";
constexpr const char* kNewKey = "AQCTuApkAAAAABAAeT0CXUQtH2SMDaUd2WBXlQ==";
constexpr const char* kThirdKey = "AQAgD1BnAAAAABAAQUJDREVGR0hJSktMTU5PUA==";

// Every cephx-key-shaped run of text ("AQ", 38 base64 characters, "==") replaced by the name of
// the test constant it is, or by its hash: failure messages never show a key.
std::string redact(const std::string& text) {
  constexpr std::size_t kLength = 40;  // 28 bytes in base64
  auto base64 = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '+' || c == '/';
  };
  std::string out;
  std::size_t i = 0;
  for (std::size_t at = text.find("AQ"); at != std::string::npos && at + kLength <= text.size();
       at = text.find("AQ", at + 1)) {
    bool key = text.compare(at + kLength - 2, 2, "==") == 0;
    for (std::size_t k = at + 2; key && k < at + kLength - 2; ++k) key = base64(text[k]);
    if (!key || at < i) continue;
    const std::string found = text.substr(at, kLength);
    out.append(text, i, at - i);
    out += found == kKey        ? "<key kKey>"
           : found == kNewKey   ? "<key kNewKey>"
           : found == kThirdKey ? "<key kThirdKey>"
                                : "<key fnv1a:" + SimulatedMachine::hash(found) + ">";
    i = at + kLength;
  }
  out.append(text, i, std::string::npos);
  return out;
}

// The lines only in `expected` (-) and only in `actual` (+), keys redacted.
std::string line_diff(const std::string& expected, const std::string& actual) {
  auto lines = [](const std::string& text) {
    std::multiset<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.insert(line);
    return out;
  };
  const auto a = lines(expected);
  const auto b = lines(actual);
  std::string out;
  for (const auto& line : a) {
    if (a.count(line) > b.count(line)) out += "\n  - " + redact(line);
  }
  for (const auto& line : b) {
    if (b.count(line) > a.count(line)) out += "\n  + " + redact(line);
  }
  return out;
}

// ---- fault sources -----------------------------------------------------------------------------

// One kind of thing a hook does that can fail: hook-tool calls, commands, Ceph admin calls. Each
// run of the Context counts its calls from 1; arm(k, kind) makes call k of the following runs
// fail until disarm().
class FaultSource {
 public:
  virtual ~FaultSource() = default;
  virtual std::string name() const = 0;  // "hook tools", "commands", "ceph admin"
  virtual std::vector<std::string> kinds() const = 0;
  virtual void arm(int call, int kind) = 0;
  virtual void disarm() = 0;
  // The calls of the current (or last) run, in order, e.g. "relation-set", "umount /srv/data".
  virtual std::vector<std::string> calls() const = 0;
  // The call that failed in the last run, if one did.
  virtual std::optional<int> fired() const = 0;
  // A new run (hook) begins: calls are counted from 1 again.
  virtual void begin_run() {}
};

constexpr FaultKind kKinds[] = {FaultKind::kExitNonZero, FaultKind::kGarbageOutput,
                                FaultKind::kTimeout};

class HookToolFaults : public FaultSource {
 public:
  explicit HookToolFaults(FaultInjector& injector) : injector_(injector) {}
  std::string name() const override { return "hook tools"; }
  std::vector<std::string> kinds() const override {
    std::vector<std::string> out;
    for (const FaultKind kind : kKinds) out.emplace_back(to_string(kind));
    return out;
  }
  void arm(int call, int kind) override { injector_.arm(call, kKinds[kind]); }
  void disarm() override { injector_.disarm(); }
  std::vector<std::string> calls() const override { return injector_.tools(); }
  std::optional<int> fired() const override {
    if (!injector_.fired()) return std::nullopt;
    return injector_.fired()->call;
  }

 private:
  FaultInjector& injector_;
};

// Counts the calls of one run and fails the armed one. kind 0: an error, nothing done; kind 1:
// the call does its work, then the caller sees a timeout (the harsher case).
class CountingFaults : public FaultSource {
 public:
  std::vector<std::string> calls() const override { return calls_; }
  std::optional<int> fired() const override { return fired_; }
  void arm(int call, int kind) override { armed_ = {call, kind}; }
  void disarm() override { armed_.reset(); }
  void begin_run() override {
    calls_.clear();
    fired_.reset();
  }

 protected:
  // Counts `call`; returns which armed kind fails it, if any.
  std::optional<int> next(std::string call) {
    calls_.push_back(std::move(call));
    if (!armed_ || armed_->first != static_cast<int>(calls_.size())) return std::nullopt;
    fired_ = static_cast<int>(calls_.size());
    return armed_->second;
  }

 private:
  std::vector<std::string> calls_;
  std::optional<std::pair<int, int>> armed_;
  std::optional<int> fired_;
};

// The CommandRunner of a SystemMountManager over a SimulatedMachine, failing command k.
class CommandFaults : public CountingFaults {
 public:
  explicit CommandFaults(SimulatedMachine& machine) : machine_(machine) {}
  std::string name() const override { return "commands"; }
  std::vector<std::string> kinds() const override {
    return {"command-fails", "command-times-out-after-its-work"};
  }
  cephfs_client::CommandRunner runner() {
    return [this](const std::vector<std::string>& argv, std::chrono::seconds timeout) {
      return run(argv, timeout);
    };
  }

 private:
  ops::Status run(const std::vector<std::string>& argv, std::chrono::seconds timeout) {
    std::string line;
    for (const auto& a : argv) line += (line.empty() ? "" : " ") + a;
    const auto kind = next(line);
    if (!kind) return machine_.run(argv, timeout);
    if (*kind == 0) {
      return ops::Error{ops::ErrorCode::kIoError,
                        line + " failed (exit 1): injected fault: the command failed"};
    }
    (void)machine_.run(argv, timeout);
    return ops::Error{
        ops::ErrorCode::kTimeout,
        line + " did not finish within " + std::to_string(timeout.count()) + " s and was killed"};
  }

  SimulatedMachine& machine_;
};

// Ceph admin calls of a provisioning proxy (connecting included), failing call k.
class CephAdminFaults : public CountingFaults {
 public:
  std::string name() const override { return "ceph admin"; }
  std::vector<std::string> kinds() const override {
    return {"ceph-unavailable", "ceph-times-out-after-the-change"};
  }
  // Runs `call` (one call into the FakeCephAdmin) under the armed fault.
  template <class R, class Call>
  R call(const std::string& method, Call&& forward) {
    const auto kind = next(method);
    if (!kind) return forward();
    if (*kind == 0) {
      return ops::Error{ops::ErrorCode::kUnavailable, method + ": injected fault: mon down"};
    }
    (void)forward();
    return ops::Error{ops::ErrorCode::kTimeout, method + ": injected fault: timed out"};
  }
};

// A CephAdmin over a FakeCephAdmin it does not own whose every call goes through CephAdminFaults.
class FaultingCephAdmin : public cephfs::CephAdmin {
 public:
  FaultingCephAdmin(cephfs::testing::FakeCephAdmin& fake, CephAdminFaults& faults)
      : fake_(fake), faults_(faults) {}
  ops::Result<std::string> fsid() override {
    return faults_.call<ops::Result<std::string>>("fsid", [&] { return fake_.fsid(); });
  }
  ops::Result<std::vector<cephfs::MonitorAddrvec>> monitor_addresses() override {
    return faults_.call<ops::Result<std::vector<cephfs::MonitorAddrvec>>>(
        "monitor_addresses", [&] { return fake_.monitor_addresses(); });
  }
  ops::Result<std::vector<std::string>> list_volumes() override {
    return faults_.call<ops::Result<std::vector<std::string>>>(
        "list_volumes", [&] { return fake_.list_volumes(); });
  }
  ops::Result<cephfs::Subvolume> create_subvolume(
      const cephfs::SubvolumeRequest& request) override {
    return faults_.call<ops::Result<cephfs::Subvolume>>(
        "create_subvolume", [&] { return fake_.create_subvolume(request); });
  }
  ops::Result<cephfs::Subvolume> subvolume_info(const cephfs::SubvolumeId& id) override {
    return faults_.call<ops::Result<cephfs::Subvolume>>("subvolume_info",
                                                        [&] { return fake_.subvolume_info(id); });
  }
  ops::Result<std::string> subvolume_path(const cephfs::SubvolumeId& id) override {
    return faults_.call<ops::Result<std::string>>("subvolume_path",
                                                  [&] { return fake_.subvolume_path(id); });
  }
  ops::Status remove_subvolume(const cephfs::SubvolumeId& id) override {
    return faults_.call<ops::Status>("remove_subvolume",
                                     [&] { return fake_.remove_subvolume(id); });
  }
  ops::Result<cephfs::ClientKey> authorize_client(const cephfs::SubvolumeId& subvolume,
                                                  const std::string& client_id,
                                                  cephfs::Access access) override {
    return faults_.call<ops::Result<cephfs::ClientKey>>(
        "authorize_client", [&] { return fake_.authorize_client(subvolume, client_id, access); });
  }
  ops::Result<cephfs::ClientKey> client_key(const std::string& client_id) override {
    return faults_.call<ops::Result<cephfs::ClientKey>>(
        "client_key", [&] { return fake_.client_key(client_id); });
  }
  ops::Status remove_client(const std::string& client_id) override {
    return faults_.call<ops::Status>("remove_client",
                                     [&] { return fake_.remove_client(client_id); });
  }
  ops::Result<int> evict_client(const std::string& client_id) override {
    return faults_.call<ops::Result<int>>("evict_client",
                                          [&] { return fake_.evict_client(client_id); });
  }
  ops::Result<std::optional<std::string>> owner_mark(const std::string& fs_name,
                                                     const std::string& object) override {
    return faults_.call<ops::Result<std::optional<std::string>>>(
        "owner_mark", [&] { return fake_.owner_mark(fs_name, object); });
  }
  ops::Result<bool> claim_owner_mark(const std::string& fs_name, const std::string& object,
                                     const std::string& content) override {
    return faults_.call<ops::Result<bool>>(
        "claim_owner_mark", [&] { return fake_.claim_owner_mark(fs_name, object, content); });
  }
  ops::Status remove_owner_mark(const std::string& fs_name, const std::string& object) override {
    return faults_.call<ops::Status>("remove_owner_mark",
                                     [&] { return fake_.remove_owner_mark(fs_name, object); });
  }

 private:
  cephfs::testing::FakeCephAdmin& fake_;
  CephAdminFaults& faults_;
};

// ---- machines ----------------------------------------------------------------------------------

// How the injection points of one event and fault source ended.
struct Tally {
  int calls = 0;     // calls of the fault-free run
  int points = 0;    // calls x fault kinds
  int failed = 0;    // hook failed; retry converged
  int absorbed = 0;  // nothing changed
  int handled = 0;   // charm set a non-active status; re-run converged
  // Of handled: the re-run alone did not converge, the update-status after it did (the charm
  // said it retries on update-status, or the library saw nothing new in the re-run).
  int via_update_status = 0;
};

// The part of the world outside the model that a hook may change: nothing for the proxy, the
// FakeMountManager's machine or a SimulatedMachine's root for the client, the FakeCephAdmin for a
// provisioning proxy.
class Machine {
 public:
  virtual ~Machine() = default;
  virtual void save() = 0;     // remember the current machine (before the hook)
  virtual void restore() = 0;  // go back to what save() remembered
  // A comparable description of the machine (never the key itself), one fact per line.
  virtual std::string describe() const = 0;
  // The fault-free run of the event just ended: the machine is the expected one.
  virtual void reached_fault_free_end() {}
  // After a failed (`kept` is the input State) or handled (`kept` is the output State) hook:
  // checks what the machine as the fault left it may hold.
  virtual void check_after_fault(const std::string& /*where*/, const State& /*kept*/,
                                 const State& /*expected*/) {}
};

class NoMachine : public Machine {
 public:
  void save() override {}
  void restore() override {}
  std::string describe() const override { return ""; }
};

class ClientMachine : public Machine {
 public:
  explicit ClientMachine(std::shared_ptr<cephfs_client::FakeState> fake) : fake_(std::move(fake)) {}
  void save() override { saved_ = *fake_; }
  void restore() override { *fake_ = saved_; }
  std::string describe() const override {
    nlohmann::json out;
    // Key files by name and a digest-free identity: which test key each one holds.
    for (const auto& [path, key] : fake_->credential_files) {
      out["credential_files"][path] = key == kKey ? "kKey" : key == kNewKey ? "kNewKey" : "other";
    }
    for (const auto& [mountpoint, plan] : fake_->mounts) {
      out["mounts"][mountpoint] = {{"source", plan.source()},
                                   {"fs_type", plan.fs_type()},
                                   {"key_file", plan.key_file},
                                   {"options", plan.mount_options()}};
    }
    out["directories"] = fake_->directories;
    for (const auto method : fake_->installed) {
      out["installed"].push_back(std::string(cephfs_client::to_string(method)));
    }
    return out.dump();
  }

 private:
  std::shared_ptr<cephfs_client::FakeState> fake_;
  cephfs_client::FakeState saved_;
};

// One path under a root directory.
struct Node {
  char type = 'f';  // 'd' directory, 'f' regular file, 'l' symbolic link, '?' anything else
  unsigned mode = 0;
  unsigned uid = 0;
  unsigned gid = 0;
  std::string content;  // a file's bytes or a link's target
  friend bool operator==(const Node&, const Node&) = default;
};
// Every path under a root, relative to it (e.g. "etc/fstab"), in lexicographic order (a directory
// before what it holds).
using Tree = std::map<std::string, Node>;

Tree scan(const fs::path& root) {
  Tree tree;
  const std::size_t prefix = root.string().size() + 1;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    const fs::path& path = entry.path();
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) continue;
    Node node;
    node.type = '?';
    node.mode = st.st_mode & 07777;
    node.uid = st.st_uid;
    node.gid = st.st_gid;
    if (S_ISDIR(st.st_mode)) {
      node.type = 'd';
    } else if (S_ISLNK(st.st_mode)) {
      node.type = 'l';
      node.content = fs::read_symlink(path).string();
    } else if (S_ISREG(st.st_mode)) {
      node.type = 'f';
      std::ifstream in(path, std::ios::binary);
      std::ostringstream bytes;
      bytes << in.rdbuf();
      node.content = bytes.str();
    }
    tree.emplace(path.string().substr(prefix), std::move(node));
  }
  return tree;
}

// Makes the directory `root` hold exactly `tree` (paths, types, modes, owners, contents).
void rebuild(const fs::path& root, const Tree& tree) {
  for (const auto& entry : fs::directory_iterator(root)) fs::remove_all(entry.path());
  for (const auto& [relative, node] : tree) {
    const fs::path path = root / relative;
    if (node.type == 'd') {
      fs::create_directory(path);
    } else if (node.type == 'l') {
      fs::create_symlink(node.content, path);
    } else {
      std::ofstream(path, std::ios::binary) << node.content;
    }
    if (::geteuid() == 0) (void)::lchown(path.c_str(), node.uid, node.gid);
    if (node.type != 'l') fs::permissions(path, static_cast<fs::perms>(node.mode));
  }
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// One line per path ("<path> <type> <mode> <uid>:<gid>") and per line of each file
// ("<path>| <line>"), keys redacted.
std::string describe_tree(const Tree& tree) {
  std::string out;
  for (const auto& [path, node] : tree) {
    out += fmt::format("{} {} {:04o} {}:{}", path, node.type, node.mode, node.uid, node.gid);
    if (node.type == 'l') out += " -> " + node.content;
    out += "\n";
    if (node.type != 'f') continue;
    for (const auto& line : lines_of(redact(node.content))) out += path + "| " + line + "\n";
    if (!node.content.empty() && !node.content.ends_with('\n')) out += path + " (no newline)\n";
  }
  return out;
}

// The mount plan in a client State's stored state: only what the invariant needs.
struct StoredPlan {
  std::string mountpoint;
  // key file, ceph.conf, created-mountpoint and remount-pending records (absolute)
  std::set<std::string> files;
};

std::optional<StoredPlan> stored_plan(const State& state) {
  for (const auto& entry : state.stored_states) {
    if (!entry.content.is_object() || !entry.content.contains("mount")) continue;
    const nlohmann::json& mount = entry.content.at("mount");
    if (!mount.is_object()) return std::nullopt;
    StoredPlan plan;
    plan.mountpoint = mount.at("mountpoint").get<std::string>();
    for (const char* field : {"key_file", "conf_file"}) {
      const std::string file = mount.value(field, "");
      if (!file.empty()) plan.files.insert(file);
    }
    plan.files.insert(cephfs_client::created_mountpoint_marker(plan.mountpoint));
    if (auto full = cephfs_client::MountPlan::from_json(mount); full.ok()) {
      plan.files.insert(cephfs_client::remount_pending_marker(*full));
    }
    return plan;
  }
  return std::nullopt;
}

// What the records of a machine say (SystemMountManager's files and the SimulatedMachine's
// mount table).
struct MachineRecords {
  std::map<std::string, std::string> mounts;  // CephFS mountpoint -> key file it was mounted with
  std::map<std::string, std::string> mount_key_hashes;  // CephFS mountpoint -> hash of that key
  std::map<std::string, std::string> units;             // charm's unit file name -> its Where=
  std::set<std::string> enabled_units;                  // names with a link in a *.wants directory
  std::set<std::string> fstab_entries;                  // mountpoints of marked fstab entries
  std::set<std::string> credential_files;  // absolute paths under /etc/ceph/cephfs-client
};

MachineRecords records_of(const Tree& tree) {
  MachineRecords out;
  auto text = [&tree](const std::string& path) {
    auto it = tree.find(path);
    return it == tree.end() ? std::string() : it->second.content;
  };
  for (const auto& line : lines_of(text("proc/self/mountinfo"))) {
    std::istringstream fields(line);
    std::vector<std::string> before;
    std::string field, type, source, options;
    while (fields >> field && field != "-") before.push_back(field);
    fields >> type >> source >> options;
    if (before.size() < 5 || !(type == "ceph" || type.starts_with("fuse.ceph"))) continue;
    auto option = [&options](std::string_view name) {
      const auto at = options.find(name);
      if (at == std::string::npos) return std::string();
      const auto from = at + name.size();
      return options.substr(from, options.find(',', from) - from);
    };
    out.mounts[before[4]] = option("sim_keyfile=");
    out.mount_key_hashes[before[4]] = option("sim_keyhash=");
  }
  constexpr std::string_view kUnitDir = "etc/systemd/system/";
  constexpr std::string_view kCredentialDir = "etc/ceph/cephfs-client/";
  for (const auto& [path, node] : tree) {
    if (path.starts_with(kUnitDir) && path.ends_with(".mount")) {
      const std::string name = path.substr(path.rfind('/') + 1);
      if (path.substr(kUnitDir.size()).find('/') != std::string::npos) {
        if (node.type == 'l') out.enabled_units.insert(name);
      } else if (node.type == 'f' && node.content.starts_with("# Written by the cephfs-client")) {
        for (const auto& line : lines_of(node.content)) {
          if (line.starts_with("Where=")) out.units[name] = line.substr(6);
        }
      }
    }
    if (path.starts_with(kCredentialDir) && node.type != 'd') {
      out.credential_files.insert("/" + path);
    }
  }
  const auto fstab = lines_of(text("etc/fstab"));
  constexpr std::string_view kMarker = "# cephfs-client charm: ";
  for (std::size_t i = 0; i < fstab.size(); ++i) {
    if (!fstab[i].starts_with(kMarker)) continue;
    const std::string mountpoint =
        fstab[i].substr(kMarker.size(), fstab[i].find(" (written") - kMarker.size());
    std::istringstream entry(i + 1 < fstab.size() ? fstab[i + 1] : "");
    std::string device, where;
    entry >> device >> where;
    if (where == mountpoint) out.fstab_entries.insert(mountpoint);
  }
  return out;
}

// A fresh directory per test: /tmp/cephfs-client-fault-injection-<pid>/<name>, 0755 root (as a
// machine's / is), removed at the end.
class MachineRoot {
 public:
  explicit MachineRoot(const std::string& name)
      : parent_(fs::temp_directory_path() /
                ("cephfs-client-fault-injection-" + std::to_string(::getpid()))),
        path_(parent_ / name) {
    fs::remove_all(path_);
    fs::create_directories(path_);
    fs::permissions(parent_, static_cast<fs::perms>(0755));
    fs::permissions(path_, static_cast<fs::perms>(0755));
  }
  MachineRoot(const MachineRoot&) = delete;
  MachineRoot& operator=(const MachineRoot&) = delete;
  ~MachineRoot() {
    std::error_code ec;
    fs::remove_all(path_, ec);
    fs::remove(parent_, ec);  // only when empty: another test may still use it
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path parent_;
  fs::path path_;
};

// The SimulatedMachine a production SystemMountManager works on: the whole root directory.
class SystemMachine : public Machine {
 public:
  // `update_status`: runs update-status from a State on the current machine (the repair check
  // of the invariant's rule 4).
  SystemMachine(fs::path root, bool systemd, std::function<void(const State&)> update_status)
      : root_(std::move(root)), systemd_(systemd), update_status_(std::move(update_status)) {}

  void save() override { before_ = scan(root_); }
  void restore() override { rebuild(root_, before_); }
  std::string describe() const override { return describe_tree(scan(root_)); }
  void reached_fault_free_end() override { end_ = scan(root_); }

  // The invariant of the file comment.
  void check_after_fault(const std::string& where, const State& kept,
                         const State& expected) override {
    const Tree left = scan(root_);
    nothing_half_made(where, left);
    const MachineRecords records = records_of(left);
    const auto kept_plan = stored_plan(kept);
    const auto end_plan = stored_plan(expected);
    auto belongs = [&](const std::string& mountpoint) {
      return (kept_plan && kept_plan->mountpoint == mountpoint) ||
             (end_plan && end_plan->mountpoint == mountpoint);
    };
    auto unit_belongs = [&](const std::string& unit) {
      return (kept_plan && cephfs_client::mount_unit_name(kept_plan->mountpoint) == unit) ||
             (end_plan && cephfs_client::mount_unit_name(end_plan->mountpoint) == unit);
    };
    // 2. No stray record.
    for (const auto& file : records.credential_files) {
      EXPECT_TRUE((kept_plan && kept_plan->files.contains(file)) ||
                  (end_plan && end_plan->files.contains(file)))
          << where << ": " << file << " belongs to no mount the charm knows or will know";
    }
    for (const auto& [unit, mountpoint] : records.units) {
      EXPECT_TRUE(belongs(mountpoint)) << where << ": stray unit " << unit;
    }
    for (const auto& unit : records.enabled_units) {
      EXPECT_TRUE(unit_belongs(unit)) << where << ": stray enable link of " << unit;
    }
    for (const auto& mountpoint : records.fstab_entries) {
      EXPECT_TRUE(belongs(mountpoint)) << where << ": stray fstab entry for " << mountpoint;
    }
    // 3. No mount without a record.
    auto recorded = [&](const std::string& mountpoint) {
      if (systemd_) {
        const std::string unit = cephfs_client::mount_unit_name(mountpoint);
        return records.units.contains(unit) && records.enabled_units.contains(unit);
      }
      return records.fstab_entries.contains(mountpoint);
    };
    for (const auto& [mountpoint, key_file] : records.mounts) {
      EXPECT_TRUE(belongs(mountpoint)) << where << ": stray mount at " << mountpoint;
      EXPECT_TRUE(recorded(mountpoint))
          << where << ": " << mountpoint << " is mounted without a persistent record";
      EXPECT_TRUE(records.credential_files.contains(key_file))
          << where << ": " << mountpoint
          << " is mounted with a key file that is gone: " << key_file;
    }
    // 4. No record without a mount, unless the kept stored state expects it and update-status
    // mounts it.
    std::set<std::string> unmounted;
    for (const auto& [unit, mountpoint] : records.units) {
      if (!records.mounts.contains(mountpoint)) unmounted.insert(mountpoint);
    }
    for (const auto& mountpoint : records.fstab_entries) {
      if (!records.mounts.contains(mountpoint)) unmounted.insert(mountpoint);
    }
    for (const auto& mountpoint : unmounted) {
      if (!kept_plan || kept_plan->mountpoint != mountpoint) {
        ADD_FAILURE() << where << ": " << mountpoint
                      << " is recorded but not mounted, and the kept stored state does not "
                         "expect it mounted";
        continue;
      }
      ++repairs_;
      update_status_(kept);
      EXPECT_TRUE(records_of(scan(root_)).mounts.contains(mountpoint))
          << where << ": update-status did not mount " << mountpoint << " again";
      rebuild(root_, left);
    }
  }

  // How many times rule 4's update-status repair was exercised.
  int repairs() const { return repairs_; }

 private:
  // 1. Nothing half-made.
  void nothing_half_made(const std::string& where, const Tree& left) const {
    auto find = [](const Tree& tree, const std::string& path) -> const Node* {
      auto it = tree.find(path);
      return it == tree.end() ? nullptr : &it->second;
    };
    for (const auto& [path, node] : left) {
      const Node* before = find(before_, path);
      const Node* end = find(end_, path);
      if (path == "etc/fstab" || path == "proc/self/mountinfo") {
        auto same_file = [&node](const Node* other) {
          return other != nullptr && other->type == node.type && other->mode == node.mode &&
                 other->uid == node.uid && other->gid == node.gid;
        };
        EXPECT_TRUE(same_file(before) || same_file(end)) << where << ": " << path;
        std::set<std::string> known;
        for (const Node* other : {before, end}) {
          if (other == nullptr) continue;
          for (auto& line : lines_of(other->content)) known.insert(std::move(line));
        }
        for (const auto& line : lines_of(node.content)) {
          EXPECT_TRUE(known.contains(line))
              << where << ": " << path << " holds a line that is neither from before the hook nor "
              << "from the fault-free run: " << redact(line);
        }
        continue;
      }
      // Rule 5: the record that a key change still waits for its remount is what makes the retry
      // remount; it may be left by any fault between writing a new key and a successful mount.
      if (path.ends_with(".remount-pending") && node.type == 'f' && node.mode == 0600 &&
          node.content == "remount\n") {
        continue;
      }
      EXPECT_TRUE((before != nullptr && *before == node) || (end != nullptr && *end == node))
          << where << ": " << path
          << " is neither as before the hook nor as after the fault-free run:\n"
          << describe_tree(Tree{{path, node}});
    }
  }

  fs::path root_;
  bool systemd_;
  std::function<void(const State&)> update_status_;
  Tree before_;
  Tree end_;
  int repairs_ = 0;
};

// Lists what differs between two States, field by field (JSON patch), for failure messages.
std::string state_diff(const State& expected, const State& actual) {
  return redact(nlohmann::json::diff(nlohmann::json(expected), nlohmann::json(actual)).dump());
}

// Walks events through one charm's Context with each fault source armed at every call in turn.
template <class Charm>
class FaultWalk {
 public:
  // `normalize` maps a State or machine description (JSON text) to what must converge; the
  // default is the identity (exactly equal).
  FaultWalk(std::string charm, Context<Charm>& ctx, std::vector<FaultSource*> sources,
            Machine& machine, std::function<std::string(std::string)> normalize = {})
      : charm_(std::move(charm)),
        ctx_(ctx),
        sources_(std::move(sources)),
        machine_(machine),
        normalize_(std::move(normalize)) {}

  // Runs `event` on `in` fault-free and at every injection point; returns the fault-free output.
  State walk(const std::string& name, const Event& event, const State& in) {
    machine_.save();
    disarm();
    const State expected = run_or_fail(event, in, name + " (fault-free)");
    const std::string expected_machine = machine_.describe();
    machine_.reached_fault_free_end();
    std::vector<std::vector<std::string>> calls;
    for (FaultSource* source : sources_) calls.push_back(source->calls());

    for (std::size_t s = 0; s < sources_.size(); ++s) {
      FaultSource& source = *sources_[s];
      Tally& tally = tallies_[name][source.name()];
      tally.calls = static_cast<int>(calls[s].size());
      const auto kinds = source.kinds();
      for (std::size_t kind = 0; kind < kinds.size(); ++kind) {
        for (int k = 1; k <= tally.calls; ++k) {
          ++tally.points;
          const std::string where =
              fmt::format("{} {}: {} call {} of {} ({}) {}", charm_, name, source.name(), k,
                          tally.calls, redact(calls[s][k - 1]), kinds[kind]);
          machine_.restore();
          source.arm(k, static_cast<int>(kind));
          begin_runs();
          std::optional<State> out;
          std::string error;
          try {
            out = ctx_.run(event, in);
          } catch (const UncaughtCharmError& e) {
            error = e.what();
          } catch (const ActionFailed& e) {
            error = e.what();
          }
          source.disarm();
          if (source.fired() != k) {
            ADD_FAILURE() << where << ": the fault did not fire (the event makes other calls now)";
            continue;
          }
          for (const char* key : {kKey, kNewKey, kThirdKey}) {
            EXPECT_EQ(error.find(key), std::string::npos) << where << ": key in the error";
          }

          if (!out) {
            // Juju keeps `in` (nothing of the failed hook is committed) and retries the hook on
            // the machine as the failed attempt left it.
            ++tally.failed;
            machine_.check_after_fault(where + ", after the failed hook", in, expected);
            expect_converges(where + ", retried after the failed hook", event, in, expected,
                             expected_machine, tally, /*then_update_status=*/false);
          } else if (*out == expected && machine_.describe() == expected_machine) {
            ++tally.absorbed;
          } else {
            ++tally.handled;
            EXPECT_NE(out->unit_status.name, "active")
                << where << ": the hook succeeded with a changed outcome but an active status: "
                << state_diff(expected, *out);
            EXPECT_FALSE(out->unit_status.message.empty()) << where << ": status without a message";
            machine_.check_after_fault(where + ", after the handled fault", *out, expected);
            expect_converges(where + ", re-run after the handled fault", event, *out, expected,
                             expected_machine, tally, /*then_update_status=*/true);
          }
        }
      }
    }
    machine_.restore();
    (void)run_or_fail(event, in, name + " (fault-free, again)");
    const std::string again = machine_.describe();
    EXPECT_TRUE(again == expected_machine)
        << charm_ << " " << name
        << ": the fault-free run is not repeatable:" << line_diff(expected_machine, again);
    return expected;
  }

  void print_report() const {
    int total = 0;
    for (const auto& [name, by_source] : tallies_) {
      for (const auto& [source, tally] : by_source) {
        std::printf(
            "[fault-injection] %s %-28s %-10s calls %3d points %3d failed %3d absorbed %3d "
            "handled %3d (via update-status %3d)\n",
            charm_.c_str(), name.c_str(), source.c_str(), tally.calls, tally.points, tally.failed,
            tally.absorbed, tally.handled, tally.via_update_status);
        total += tally.points;
      }
    }
    std::printf("[fault-injection] %s total injection points %d\n", charm_.c_str(), total);
  }

  int total_points() const {
    int total = 0;
    for (const auto& [name, by_source] : tallies_) {
      for (const auto& [source, tally] : by_source) total += tally.points;
    }
    return total;
  }
  // The points of one fault source over all events.
  int points_of(const std::string& source) const {
    int total = 0;
    for (const auto& [name, by_source] : tallies_) {
      if (auto it = by_source.find(source); it != by_source.end()) total += it->second.points;
    }
    return total;
  }

 private:
  void disarm() {
    for (FaultSource* source : sources_) source->disarm();
  }

  void begin_runs() {
    for (FaultSource* source : sources_) source->begin_run();
  }

  State run_or_fail(const Event& event, const State& in, const std::string& where) {
    begin_runs();
    try {
      return ctx_.run(event, in);
    } catch (const std::exception& e) {
      ADD_FAILURE() << charm_ << " " << where << " failed: " << redact(e.what());
      return in;
    }
  }

  void expect_converges(const std::string& where, const Event& event, const State& from,
                        const State& expected, const std::string& expected_machine, Tally& tally,
                        bool then_update_status) {
    State again = run_or_fail(event, from, where);
    auto converged = [&] {
      return normalized(nlohmann::json(again).dump()) ==
                 normalized(nlohmann::json(expected).dump()) &&
             normalized(machine_.describe()) == normalized(expected_machine);
    };
    // A handled fault may be left for the next update-status, which Juju runs every few minutes.
    if (then_update_status && !converged()) {
      again = run_or_fail(ctx_.on.update_status(), again, where + ", then update-status");
      if (converged()) ++tally.via_update_status;
    }
    const std::string machine = normalized(machine_.describe());
    const std::string wanted = normalized(expected_machine);
    const std::string state = normalized(nlohmann::json(again).dump());
    const std::string wanted_state = normalized(nlohmann::json(expected).dump());
    if (machine == wanted && state == wanted_state) return;
    EXPECT_TRUE(state == wanted_state) << where << ": " << state_diff(expected, again);
    EXPECT_TRUE(machine == wanted)
        << where << ": the machine differs from the fault-free one:" << line_diff(wanted, machine);
  }

  std::string normalized(std::string text) const {
    return normalize_ ? normalize_(std::move(text)) : text;
  }

  std::string charm_;
  Context<Charm>& ctx_;
  std::vector<FaultSource*> sources_;
  Machine& machine_;
  std::function<std::string(std::string)> normalize_;
  // event -> fault source -> tally
  std::map<std::string, std::map<std::string, Tally>> tallies_;
};

// ---- cephfs-server-proxy (proxy mode) ----------------------------------------------------------

constexpr const char* kUserSecretId = "secret:d1u2s3e4r5s6e7c8r9e0";

TEST(FaultInjection, EveryCallOfEveryProxyEventFailsCleanlyOrIsHandled) {
  FaultInjector injector;
  auto ctx = Context<cephfs_server_proxy::ProxyCharm>::from_charm_dir(
      PROXY_CHARM_DIR, ContextOptions{.juju_debug = true, .wrap_backend = injector.wrapper()});
  NoMachine machine;
  HookToolFaults tools(injector);
  FaultWalk walk("cephfs-server-proxy", ctx, {&tools}, machine);

  State s{.config = {{"fsid", kFsid},
                     {"sharepoint", "ceph-fs:/"},
                     {"monitor-hosts", "10.5.0.80:6789 10.5.2.23:6789"},
                     {"auth-secret", kUserSecretId}},
          .relations = {Relation{.endpoint = "server-peers", .id = 90}},
          .secrets = {Secret{.id = kUserSecretId,
                             .tracked_content = {{"username", "ceph-client"}, {"key", kKey}}}},
          .leader = true};
  s = walk.walk("config-changed", ctx.on.config_changed(), s);
  ASSERT_EQ(s.unit_status, ops::ActiveStatus("Exporting share"));
  s = walk.walk("leader-elected", ctx.on.leader_elected(), s);
  s = walk.walk("upgrade-charm", ctx.on.upgrade_charm(), s);

  s.relations.push_back(Relation{.endpoint = "cephfs-share",
                                 .id = 1,
                                 .remote_app_name = "cephfs-client",
                                 .remote_units_data = {{0, {}}}});
  s = walk.walk("relation-created", ctx.on.relation_created(s.get_relation(1)), s);
  s = walk.walk("relation-joined", ctx.on.relation_joined(s.get_relation(1), 0), s);
  s.get_relation(1).remote_app_data = {{"name", "/srv/data"}};
  s = walk.walk("relation-changed", ctx.on.relation_changed(s.get_relation(1)), s);
  ASSERT_TRUE(s.get_relation(1).local_app_data.contains("share_info"));
  // The filesystem_info generation: the stored URI is copied on relation-joined.
  s.relations.push_back(Relation{.endpoint = "filesystem",
                                 .id = 2,
                                 .remote_app_name = "filesystem-client",
                                 .remote_units_data = {{0, {}}}});
  s = walk.walk("filesystem relation-joined", ctx.on.relation_joined(s.get_relation(2), 0), s);
  ASSERT_TRUE(s.get_relation(2).local_app_data.contains("endpoint"));

  s.get_secret(kUserSecretId).latest_content =
      ops::SecretContent{{"username", "ceph-client"}, {"key", kNewKey}};
  s = walk.walk("secret-changed", ctx.on.secret_changed(s.get_secret(kUserSecretId)), s);
  s = walk.walk("update-status", ctx.on.update_status(), s);
  s = walk.walk("relation-departed", ctx.on.relation_departed(s.get_relation(1), 0), s);
  s = walk.walk("relation-broken", ctx.on.relation_broken(s.get_relation(1)), s);
  s = walk.walk("filesystem relation-broken", ctx.on.relation_broken(s.get_relation(2)), s);

  walk.print_report();
  EXPECT_GT(walk.total_points(), 0);
}

// ---- cephfs-server-proxy (provisioning mode) ---------------------------------------------------

// The Ceph cluster a provisioning proxy changes: the FakeCephAdmin's subvolumes, clients and
// ownership marks.
class CephMachine : public Machine {
 public:
  explicit CephMachine(cephfs::testing::FakeCephAdmin& ceph) : ceph_(ceph) {}
  void save() override { saved_ = ceph_; }
  void restore() override { ceph_ = saved_; }
  std::string describe() const override {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [key, subvolume] : ceph_.subvolumes) out["subvolumes"].push_back(key);
    for (const auto& [id, client] : ceph_.clients) {
      out["clients"][id] = {{"key", client.key}, {"sessions", ceph_.sessions(id)}};
    }
    for (const auto& [key, content] : ceph_.marks) out["marks"][key] = content;
    return out.dump();
  }

 private:
  cephfs::testing::FakeCephAdmin& ceph_;
  cephfs::testing::FakeCephAdmin saved_;
};

constexpr const char* kAdminSecretId = "secret:a1d2m3i4n5s6e7c8r9e0";

TEST(FaultInjection, EveryCallOfEveryProvisioningProxyEventFailsCleanlyOrIsHandled) {
  using Admin = ops::Result<std::unique_ptr<cephfs::CephAdmin>>;
  cephfs::testing::FakeCephAdmin ceph;
  FaultInjector injector;
  CephAdminFaults ceph_faults;
  auto ctx = Context<cephfs_server_proxy::ProxyCharm>::from_charm_dir(
      PROXY_CHARM_DIR, ContextOptions{.juju_debug = true, .wrap_backend = injector.wrapper()},
      [&ceph, &ceph_faults](ops::Framework& framework) {
        return std::make_unique<cephfs_server_proxy::ProxyCharm>(
            framework, [&ceph, &ceph_faults](const cephfs::ConnectOptions&) -> Admin {
              // Connecting counts as a Ceph admin call too.
              return ceph_faults.call<Admin>("connect", [&ceph, &ceph_faults]() -> Admin {
                return std::unique_ptr<cephfs::CephAdmin>(new FaultingCephAdmin(ceph, ceph_faults));
              });
            });
      });
  CephMachine machine(ceph);
  HookToolFaults tools(injector);
  // A retried provisioning or rotation may hand out a different cephx key than the fault-free
  // run (the old one was removed in Ceph): keys are compared by shape, everything else exactly;
  // the fault-free chain checks that the published key is the one Ceph holds.
  const std::regex fake_key("AQDfakeKey[0-9]+==");
  FaultWalk walk(
      "cephfs-server-proxy(provisioning)", ctx, {&tools, &ceph_faults}, machine,
      [&fake_key](std::string text) { return std::regex_replace(text, fake_key, "<cephx key>"); });

  State s{.config = {{"admin-secret", kAdminSecretId}, {"monitor-hosts", "127.0.0.1:6789"}},
          .relations = {Relation{.endpoint = "proxy", .id = 100}},
          .secrets = {Secret{.id = kAdminSecretId, .tracked_content = {{"key", kKey}}}},
          .leader = true};
  s = walk.walk("config-changed", ctx.on.config_changed(), s);
  ASSERT_EQ(s.unit_status.name, "active") << s.unit_status.message;
  s = walk.walk("leader-elected", ctx.on.leader_elected(), s);
  s = walk.walk("upgrade-charm", ctx.on.upgrade_charm(), s);

  s.relations.push_back(Relation{.endpoint = "cephfs-share",
                                 .id = 1,
                                 .remote_app_name = "cephfs-client",
                                 .remote_units_data = {{0, {}}}});
  s = walk.walk("relation-created", ctx.on.relation_created(s.get_relation(1)), s);
  s = walk.walk("relation-joined", ctx.on.relation_joined(s.get_relation(1), 0), s);
  s.get_relation(1).remote_app_data = {{"name", "data"}};
  s = walk.walk("relation-changed", ctx.on.relation_changed(s.get_relation(1)), s);
  ASSERT_TRUE(s.get_relation(1).local_app_data.contains("share_info"));
  ASSERT_EQ(ceph.subvolumes.size(), 1U);

  auto published_key_is_cephs = [&ceph](const State& state) {
    const std::string& auth = state.get_relation(1).local_app_data.at("auth");
    ASSERT_EQ(ceph.clients.size(), 1U);
    EXPECT_EQ(state.get_secret(auth).effective_latest_content().at("key"),
              ceph.clients.begin()->second.key);
  };
  published_key_is_cephs(s);
  s = walk.walk("rotate-credentials action", ctx.on.action("rotate-credentials"), s);
  published_key_is_cephs(s);
  s.get_secret(kAdminSecretId).latest_content = ops::SecretContent{{"key", kNewKey}};
  s = walk.walk("secret-changed", ctx.on.secret_changed(s.get_secret(kAdminSecretId)), s);
  s = walk.walk("update-status", ctx.on.update_status(), s);
  // A filesystem relation: provisioned when it joins (its requirer sends nothing), revoked when
  // it is removed.
  s.relations.push_back(Relation{.endpoint = "filesystem",
                                 .id = 2,
                                 .remote_app_name = "filesystem-client",
                                 .remote_units_data = {{0, {}}}});
  s = walk.walk("filesystem relation-joined", ctx.on.relation_joined(s.get_relation(2), 0), s);
  ASSERT_TRUE(s.get_relation(2).local_app_data.contains("endpoint"));
  ASSERT_EQ(ceph.clients.size(), 2U);
  s = walk.walk("filesystem relation-broken", ctx.on.relation_broken(s.get_relation(2)), s);
  ASSERT_EQ(ceph.clients.size(), 1U);
  s = walk.walk("relation-departed", ctx.on.relation_departed(s.get_relation(1), 0), s);
  s = walk.walk("relation-broken", ctx.on.relation_broken(s.get_relation(1)), s);
  // The clients are revoked; the data stays (delete-data-on-revoke is false by default).
  EXPECT_TRUE(ceph.clients.empty());
  EXPECT_EQ(ceph.subvolumes.size(), 2U);

  walk.print_report();
  EXPECT_GT(walk.total_points(), 0);
  EXPECT_GT(walk.points_of("ceph admin"), 0);
}

// ---- cephfs-client ------------------------------------------------------------------------------

constexpr const char* kCredentialsId = "secret:cr8vcqgpc9t8oet2fdlg";

// The client's first events, walked: install, config-changed, and a provider unit joining.
template <class Walk, class Ctx>
State walk_client_to_joined(Walk& walk, Ctx& ctx) {
  State s{.config = {{"mountpoint", "/srv/data"}},
          .secrets = {Secret{.id = kCredentialsId,
                             .tracked_content = {{"username", "ceph-client"}, {"key", kKey}}}},
          .leader = true};
  s = walk.walk("install", ctx.on.install(), s);
  s = walk.walk("config-changed", ctx.on.config_changed(), s);
  s.relations.push_back(Relation{.endpoint = "cephfs-share",
                                 .id = 1,
                                 .remote_app_name = "cephfs-server-proxy",
                                 .remote_units_data = {{0, {}}}});
  return walk.walk("relation-joined", ctx.on.relation_joined(s.get_relation(1), 0), s);
}

TEST(FaultInjection, EveryCallOfEveryClientEventFailsCleanlyOrIsHandled) {
  auto fake = std::make_shared<cephfs_client::FakeState>();
  FaultInjector injector;
  auto ctx = Context<cephfs_client::ClientCharm>::from_charm_dir(
      CLIENT_CHARM_DIR, ContextOptions{.juju_debug = true, .wrap_backend = injector.wrapper()},
      [fake](ops::Framework& framework) {
        return std::make_unique<cephfs_client::ClientCharm>(
            framework, std::make_unique<cephfs_client::FakeMountManager>(fake));
      });
  ClientMachine machine(fake);
  HookToolFaults tools(injector);
  FaultWalk walk("cephfs-client", ctx, {&tools}, machine);

  State s = walk_client_to_joined(walk, ctx);
  ASSERT_EQ(s.get_relation(1).local_app_data, (ops::Bag{{"name", "/srv/data"}}));

  s.get_relation(1).remote_app_data = {
      {"share_info",
       *v0::encode_share_info({kFsid, "ceph-fs", "/", {"10.5.0.80:6789", "10.5.2.23:6789"}})},
      {"auth", kCredentialsId},
      {"auth-rev", "1"}};
  s = walk.walk("relation-changed", ctx.on.relation_changed(s.get_relation(1)), s);
  ASSERT_EQ(fake->mounts.size(), 1U);

  s.get_secret(kCredentialsId).latest_content =
      ops::SecretContent{{"username", "ceph-client"}, {"key", kNewKey}};
  s.get_relation(1).remote_app_data["auth-rev"] = "2";
  s = walk.walk("relation-changed (new key)", ctx.on.relation_changed(s.get_relation(1)), s);
  ASSERT_EQ(machine.describe().find("kNewKey") != std::string::npos, true);

  s = walk.walk("mount-info action", ctx.on.action("mount-info"), s);
  s = walk.walk("update-status", ctx.on.update_status(), s);
  s = walk.walk("relation-departed", ctx.on.relation_departed(s.get_relation(1), 0), s);
  EXPECT_TRUE(fake->mounts.empty());
  s = walk.walk("relation-broken", ctx.on.relation_broken(s.get_relation(1)), s);
  EXPECT_TRUE(fake->credential_files.empty());

  walk.print_report();
  EXPECT_GT(walk.total_points(), 0);
}

// ---- cephfs-client on a simulated machine ------------------------------------------------------

// Whether every CephFS mount of the machine was made with the key its key file holds now.
bool mounts_use_current_keys(const fs::path& root) {
  const Tree tree = scan(root);
  const MachineRecords records = records_of(tree);
  for (const auto& [mountpoint, key_file] : records.mounts) {
    auto file = tree.find(key_file.substr(1));
    if (file == tree.end() ||
        SimulatedMachine::hash(file->second.content) != records.mount_key_hashes.at(mountpoint)) {
      return false;
    }
  }
  return true;
}

struct MachineMode {
  const char* name;
  bool systemd;      // mount units; else ceph-fuse / mount -t ceph and /etc/fstab
  bool kernel_ceph;  // mount-method auto picks the kernel client; else ceph-fuse
};

// For test names and ctest: the mode's name, not the struct's bytes.
void PrintTo(const MachineMode& mode, std::ostream* out) { *out << mode.name; }

class ClientOnMachine : public ::testing::TestWithParam<MachineMode> {};

TEST_P(ClientOnMachine, EveryToolCallAndCommandFailsWithoutLeavingAnythingPartial) {
  const MachineMode mode = GetParam();
  MachineRoot root(mode.name);
  SimulatedMachine simulated(root.path());
  simulated.create(
      {.systemd = mode.systemd, .kernel_ceph = mode.kernel_ceph, .tools_installed = true});
  FaultInjector injector;
  CommandFaults commands(simulated);
  auto ctx = Context<cephfs_client::ClientCharm>::from_charm_dir(
      CLIENT_CHARM_DIR, ContextOptions{.juju_debug = true, .wrap_backend = injector.wrapper()},
      [&root, &commands](ops::Framework& framework) {
        return std::make_unique<cephfs_client::ClientCharm>(
            framework,
            std::make_unique<cephfs_client::SystemMountManager>(root.path(), commands.runner()));
      });
  SystemMachine machine(root.path(), mode.systemd, [&ctx](const State& kept) {
    try {
      (void)ctx.run(ctx.on.update_status(), kept);
    } catch (const std::exception& e) {
      ADD_FAILURE() << "update-status on the machine the fault left failed: " << redact(e.what());
    }
  });
  HookToolFaults tools(injector);
  FaultWalk walk(std::string("cephfs-client(") + mode.name + ")", ctx, {&tools, &commands}, machine,
                 /*normalize=*/{});
  auto records = [&root] { return records_of(scan(root.path())); };

  State s = walk_client_to_joined(walk, ctx);
  s.get_relation(1).remote_app_data = {
      {"share_info",
       *v0::encode_share_info({kFsid, "ceph-fs", "/", {"10.5.0.80:6789", "10.5.2.23:6789"}})},
      {"auth", kCredentialsId},
      {"auth-rev", "1"}};
  s = walk.walk("relation-changed", ctx.on.relation_changed(s.get_relation(1)), s);
  ASSERT_EQ(s.unit_status.name, "active") << s.unit_status.message;
  ASSERT_EQ(records().mounts.size(), 1U);
  EXPECT_EQ(records().mounts.begin()->first, "/srv/data");
  s = walk.walk("leader-elected", ctx.on.leader_elected(), s);
  s = walk.walk("upgrade-charm", ctx.on.upgrade_charm(), s);

  // The provider rotates the key and says so with auth-rev, then with a new revision only.
  s.get_secret(kCredentialsId).latest_content =
      ops::SecretContent{{"username", "ceph-client"}, {"key", kNewKey}};
  s.get_relation(1).remote_app_data["auth-rev"] = "2";
  s = walk.walk("relation-changed (new key)", ctx.on.relation_changed(s.get_relation(1)), s);
  EXPECT_NE(machine.describe().find("<key kNewKey>"), std::string::npos);
  EXPECT_TRUE(mounts_use_current_keys(root.path()));
  s.get_secret(kCredentialsId).latest_content =
      ops::SecretContent{{"username", "ceph-client"}, {"key", kThirdKey}};
  s = walk.walk("secret-changed", ctx.on.secret_changed(s.get_secret(kCredentialsId)), s);
  EXPECT_NE(machine.describe().find("<key kThirdKey>"), std::string::npos);
  EXPECT_EQ(machine.describe().find("<key kNewKey>"), std::string::npos);
  EXPECT_TRUE(mounts_use_current_keys(root.path()));

  s = walk.walk("mount-info action", ctx.on.action("mount-info"), s);
  s = walk.walk("update-status", ctx.on.update_status(), s);
  simulated.lose_mount("/srv/data");
  s = walk.walk("update-status (mount lost)", ctx.on.update_status(), s);
  ASSERT_EQ(records().mounts.size(), 1U);

  // Stop while mounted (a unit removed with its relation still there), then back to the mounted
  // machine for the relation's end.
  const Tree mounted = scan(root.path());
  (void)walk.walk("stop (mounted)", ctx.on.stop(), s);
  EXPECT_TRUE(records().mounts.empty());
  EXPECT_TRUE(records().credential_files.empty());
  EXPECT_TRUE(records().units.empty());
  EXPECT_TRUE(records().fstab_entries.empty());
  EXPECT_FALSE(fs::exists(root.path() / "srv/data"));
  rebuild(root.path(), mounted);

  s = walk.walk("relation-departed", ctx.on.relation_departed(s.get_relation(1), 0), s);
  EXPECT_TRUE(records().mounts.empty());
  s = walk.walk("relation-broken", ctx.on.relation_broken(s.get_relation(1)), s);
  EXPECT_TRUE(records().credential_files.empty());
  EXPECT_TRUE(records().units.empty());
  EXPECT_TRUE(records().enabled_units.empty());
  EXPECT_TRUE(records().fstab_entries.empty());
  s.relations.clear();
  s = walk.walk("stop", ctx.on.stop(), s);

  walk.print_report();
  std::printf("[fault-injection] cephfs-client(%s) update-status repairs checked %d\n", mode.name,
              machine.repairs());
  EXPECT_GT(walk.points_of("commands"), 0);
}

INSTANTIATE_TEST_SUITE_P(FaultInjection, ClientOnMachine,
                         ::testing::Values(MachineMode{"DirectFuse", false, false},
                                           MachineMode{"DirectKernel", false, true},
                                           MachineMode{"SystemdKernel", true, true},
                                           MachineMode{"SystemdFuse", true, false}),
                         [](const ::testing::TestParamInfo<MachineMode>& info) {
                           return std::string(info.param.name);
                         });

}  // namespace
