#include "mount_manager.h"

#include "ops/log.h"

namespace cephfs_client {

ops::Status unmount_and_clean_up(MountManager& mounts, const MountPlan& plan) {
  if (auto done = mounts.unmount(plan); !done) return done;
  if (auto removed = mounts.remove_credentials(plan); !removed) {
    ops::log::warning("{}", removed.error().message);
  }
  if (auto removed = mounts.remove_created_mountpoint(plan.mountpoint); !removed) {
    ops::log::warning("{}", removed.error().message);
  }
  ops::log::info("Unmounted {} from {}", plan.share(), plan.mountpoint);
  return {};
}

std::optional<MountPlan> recorded_plan(const nlohmann::json& stored) {
  if (stored.is_null()) return std::nullopt;
  auto plan = MountPlan::from_json(stored);
  if (!plan) {
    ops::log::warning("{}", plan.error().message);
    return std::nullopt;
  }
  return std::move(*plan);
}

}  // namespace cephfs_client
