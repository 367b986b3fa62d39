// FakeMountManager: a MountManager that changes nothing on the machine and records every call,
// for the charm's state-transition tests. It keeps a model of the machine (credential files,
// mounts, directories) so that idempotency and remounts can be asserted, and can be told to
// fail a step.
//
// Example:
//   auto fake = std::make_shared<FakeState>();
//   ... Context factory: std::make_unique<ClientCharm>(f, std::make_unique<FakeMountManager>(fake))
//   EXPECT_EQ(fake->mounts.at("/srv/data").source(), "user@fsid.cephfs=/");
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "mount_manager.h"

namespace cephfs_client {

struct FakeState {
  // The machine.
  bool kernel_usable = true;
  std::string persistence = "systemd unit srv-data.mount";  // what persistent_record says
  std::map<std::string, std::string> credential_files;      // path -> key written
  std::map<std::string, MountPlan> mounts;  // mountpoint -> plan (persisted + mounted)
  std::map<std::string, MountedFilesystem> foreign_mounts;  // mounted by someone else
  std::set<std::string> directories;
  std::set<std::string> non_empty_directories;
  // The machine's record of the directories the charm created (SystemMountManager's marker
  // files): it survives a failed hook, as files do.
  std::set<std::string> created_mountpoints;
  // Failure injection: the named step returns kIoError with this text.
  std::map<std::string, std::string> failures;
  // What was called, e.g. "mount /srv/data remount=0", "unmount /srv/data".
  std::vector<std::string> calls;
  std::set<MountMethod> installed;
};

class FakeMountManager : public MountManager {
 public:
  explicit FakeMountManager(std::shared_ptr<FakeState> state) : state_(std::move(state)) {}

  bool kernel_client_usable() override { return state_->kernel_usable; }

  ops::Status install_tools(MountMethod method) override {
    state_->calls.push_back("install_tools " + std::string(to_string(method)));
    if (auto f = fail("install_tools")) return *f;
    state_->installed.insert(method);
    return {};
  }
  ops::Result<bool> write_credentials(const MountPlan& plan, std::string_view key) override {
    state_->calls.push_back("write_credentials " + plan.key_file);
    if (auto f = fail("write_credentials")) return *f;
    auto& file = state_->credential_files[plan.key_file];
    const bool changed = file != key;
    file = std::string(key);
    return changed;
  }
  ops::Status remove_credentials(const MountPlan& plan) override {
    state_->calls.push_back("remove_credentials " + plan.key_file);
    state_->credential_files.erase(plan.key_file);
    return {};
  }
  ops::Result<bool> create_mountpoint(const std::string& mountpoint) override {
    state_->calls.push_back("create_mountpoint " + mountpoint);
    if (auto f = fail("create_mountpoint")) return *f;
    if (state_->directories.contains(mountpoint)) {
      return state_->created_mountpoints.contains(mountpoint);
    }
    state_->created_mountpoints.insert(mountpoint);  // the record first, as on a real machine
    state_->directories.insert(mountpoint);
    return true;
  }
  ops::Status remove_created_mountpoint(const std::string& mountpoint) override {
    state_->calls.push_back("remove_created_mountpoint " + mountpoint);
    if (!state_->created_mountpoints.contains(mountpoint)) return {};
    if (!state_->non_empty_directories.contains(mountpoint)) state_->directories.erase(mountpoint);
    state_->created_mountpoints.erase(mountpoint);
    return {};
  }
  ops::Status mount(const MountPlan& plan, bool remount) override {
    state_->calls.push_back("mount " + plan.mountpoint + " remount=" + (remount ? "1" : "0"));
    if (auto f = fail("mount")) return *f;
    state_->mounts.insert_or_assign(plan.mountpoint, plan);
    return {};
  }
  ops::Status unmount(const MountPlan& plan) override {
    state_->calls.push_back("unmount " + plan.mountpoint);
    if (auto f = fail("unmount")) return *f;
    state_->mounts.erase(plan.mountpoint);
    return {};
  }
  std::optional<std::string> persistent_record(const MountPlan& plan) override {
    if (!state_->mounts.contains(plan.mountpoint)) return std::nullopt;
    return state_->persistence;
  }
  ops::Result<std::optional<MountedFilesystem>> find_mount(const std::string& mountpoint) override {
    if (auto it = state_->mounts.find(mountpoint); it != state_->mounts.end()) {
      return std::optional<MountedFilesystem>(
          MountedFilesystem{it->second.source(), it->second.fs_type(), "rw"});
    }
    if (auto it = state_->foreign_mounts.find(mountpoint); it != state_->foreign_mounts.end()) {
      return std::optional<MountedFilesystem>(it->second);
    }
    return std::optional<MountedFilesystem>();
  }

 private:
  std::optional<ops::Error> fail(const std::string& step) {
    auto it = state_->failures.find(step);
    if (it == state_->failures.end()) return std::nullopt;
    return ops::Error{ops::ErrorCode::kIoError, it->second};
  }
  std::shared_ptr<FakeState> state_;
};

}  // namespace cephfs_client
