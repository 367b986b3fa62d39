#include "charms/filesystem_client/v0/mount_info.h"

#include <utility>

#include "cephfs/share_fields.h"
#include "charms/filesystem_client/v0/filesystem_info_types.h"
#include "ops/errors.h"
#include "ops/log.h"
#include "ops/model.h"

namespace charms::filesystem_client::v0 {
namespace {

constexpr std::string_view kMountpointKey = "mountpoint";

ops::Error from_model_error(const ops::ModelError& e, const std::string& doing) {
  return ops::Error{ops::ErrorCode::kModelError, doing + ": " + e.what()};
}

// Reads and validates the MountInfo in the remote application bag; nullopt without `mountpoint`.
ops::Result<std::optional<MountInfo>> read_mount_info(ops::Relation& relation,
                                                      ops::Application* app) {
  try {
    ops::Application* remote = app != nullptr ? app : relation.app();
    if (remote == nullptr || !relation.data[*remote].contains(kMountpointKey)) {
      return std::optional<MountInfo>{};
    }
    auto info = relation.load<MountInfo>(*remote);
    if (!info) return info.error();
    if (auto valid = validate(*info); !valid) {
      return ops::Error{ops::ErrorCode::kInvalidData,
                        "relation " + relation.to_string() + ": " + valid.error().message};
    }
    return std::optional<MountInfo>(std::move(*info));
  } catch (const ops::ModelError& e) {
    return from_model_error(e, "cannot read the mount info of relation " + relation.to_string());
  }
}

}  // namespace

void to_json(nlohmann::json& j, const MountInfo& info) {
  j = {{"mountpoint", info.mountpoint},
       {"noexec", info.noexec},
       {"nosuid", info.nosuid},
       {"nodev", info.nodev},
       {"read_only", info.read_only}};
}

void from_json(const nlohmann::json& j, MountInfo& info) {
  j.at("mountpoint").get_to(info.mountpoint);
  info.noexec = j.value("noexec", false);
  info.nosuid = j.value("nosuid", false);
  info.nodev = j.value("nodev", false);
  info.read_only = j.value("read_only", false);
}

ops::Status validate(const MountInfo& info) {
  return check_clean_path(info.mountpoint, "mountpoint");
}

ops::Result<MountInfo> MountRequestEvent::mount_info() const {
  if (relation == nullptr) {
    return ops::Error{ops::ErrorCode::kInvalidData, "the event has no relation"};
  }
  auto info = read_mount_info(*relation, app);
  if (!info) return info.error();
  if (!info->has_value()) {
    return ops::Error{ops::ErrorCode::kInvalidData,
                      "relation " + relation->to_string() + " has no `mountpoint` yet"};
  }
  return std::move(**info);
}

// ---- MountRequires -----------------------------------------------------------------------------

MountRequires::MountRequires(ops::CharmBase& charm, std::string endpoint)
    : Object(charm, "MountRequires", endpoint), charm_(charm), endpoint_(std::move(endpoint)) {
  auto& framework = charm.framework();
  framework.observe(charm.on.relation_created(endpoint_), this,
                    &MountRequires::on_relation_created);
  framework.observe(charm.on.relation_changed(endpoint_), this,
                    &MountRequires::on_relation_changed);
  framework.observe(charm.on.relation_broken(endpoint_), this, &MountRequires::on_relation_broken);
}

void MountRequires::on_relation_created(ops::RelationCreatedEvent& event) {
  if (!charm_.model().unit().is_leader()) return;
  on.mount_provider_connected.emit(event.relation, event.app, event.unit);
}

void MountRequires::on_relation_changed(ops::RelationChangedEvent& event) {
  if (event.relation == nullptr || event.unit == nullptr) return;
  const auto mounted = event.relation->data[*event.unit].get(kMountedKey);
  if (mounted == "true") {
    on.mounted_filesystem.emit(event.relation, event.app, event.unit);
  } else if (mounted == "false") {
    on.unmounted_filesystem.emit(event.relation, event.app, event.unit);
  } else if (mounted) {
    ops::log::warning("Ignoring `mounted` = {} from {}: expected \"true\" or \"false\"",
                      cephfs::quote_untrusted(*mounted), event.unit->name);
  }
}

void MountRequires::on_relation_broken(ops::RelationBrokenEvent& event) {
  if (!charm_.model().unit().is_leader()) return;
  on.mount_provider_disconnected.emit(event.relation, event.app, event.unit);
}

ops::Status MountRequires::set_mount_info(const MountInfo& info) {
  if (auto valid = validate(info); !valid) return valid;
  ops::Model& model = charm_.model();
  try {
    if (!model.unit().is_leader()) {
      ops::log::info("set_mount_info ignored: {} is not the leader", model.unit().name);
      return {};
    }
    for (ops::Relation* relation : model.relations[endpoint_]) relation->save(info, model.app());
  } catch (const ops::ModelError& e) {
    return from_model_error(e, "cannot write the mount info");
  }
  return {};
}

// ---- MountProvides -----------------------------------------------------------------------------

MountProvides::MountProvides(ops::CharmBase& charm, std::string endpoint)
    : Object(charm, "MountProvides", endpoint), charm_(charm), endpoint_(std::move(endpoint)) {
  charm.framework().observe(charm.on.relation_changed(endpoint_), this,
                            &MountProvides::on_relation_changed);
}

void MountProvides::on_relation_changed(ops::RelationChangedEvent& event) {
  if (event.relation == nullptr) return;
  ops::Application* remote = event.app != nullptr ? event.app : event.relation->app();
  if (remote == nullptr) return;
  if (event.relation->data[*remote].contains(kMountpointKey)) {
    on.mount_requested.emit(event.relation, event.app, event.unit);
  } else {
    on.mount_unrequested.emit(event.relation, event.app, event.unit);
  }
}

ops::Result<std::optional<MountInfo>> MountProvides::mount_info() const {
  ops::Relation* relation = nullptr;
  try {
    relation = charm_.model().get_relation(endpoint_);
  } catch (const ops::ModelError& e) {
    return from_model_error(e, "cannot find the " + endpoint_ + " relation");
  }
  if (relation == nullptr) return std::optional<MountInfo>{};
  return read_mount_info(*relation, nullptr);
}

ops::Status MountProvides::set_mount_status(bool mounted) {
  ops::Model& model = charm_.model();
  try {
    for (ops::Relation* relation : model.relations[endpoint_]) {
      relation->data[model.unit()].update({{std::string(kMountedKey), mounted ? "true" : "false"}});
    }
  } catch (const ops::ModelError& e) {
    return from_model_error(e, "cannot write `mounted`");
  }
  return {};
}

}  // namespace charms::filesystem_client::v0
