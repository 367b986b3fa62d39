#include "charms/filesystem_client/v0/filesystem_info.h"

#include <utility>
#include <variant>

#include "cephfs/share_fields.h"
#include "ops/errors.h"
#include "ops/log.h"
#include "ops/model.h"
#include "ops/secret.h"
#include "ops/secret_id.h"

namespace charms::filesystem_client::v0 {
namespace {

constexpr std::string_view kKeyField = "key";

ops::Error from_model_error(const ops::ModelError& e, const std::string& doing) {
  ops::ErrorCode code = ops::ErrorCode::kModelError;
  if (dynamic_cast<const ops::SecretNotFoundError*>(&e) != nullptr) {
    code = ops::ErrorCode::kSecretNotFound;
  } else if (dynamic_cast<const ops::RelationDataAccessError*>(&e) != nullptr) {
    code = ops::ErrorCode::kPermissionDenied;
  } else if (dynamic_cast<const ops::RelationNotFoundError*>(&e) != nullptr) {
    code = ops::ErrorCode::kRelationNotFound;
  }
  return ops::Error{code, doing + ": " + e.what()};
}

// The part of a secret id Juju keys by: "secret://<uuid>/<xid>" and "secret:<xid>" -> <xid>.
std::string_view secret_xid(std::string_view id) {
  if (id.starts_with("secret://")) return id.substr(id.rfind('/') + 1);
  if (id.starts_with("secret:")) return id.substr(7);
  return id;
}

// The `auth` option of a URI when it names a secret.
std::optional<std::string> secret_id_of(std::string_view uri) {
  auto parts = decode_uri(uri);
  if (!parts) return std::nullopt;
  auto auth = parts->option("auth");
  if (!auth || !auth->starts_with("secret:")) return std::nullopt;
  return auth;
}

ops::Application* remote_app(ops::Relation& relation, ops::Application* from_event) {
  return from_event != nullptr ? from_event : relation.app();
}

ops::Result<std::optional<std::string>> read_endpoint(ops::Relation& relation,
                                                      ops::Application* app) {
  try {
    ops::Application* remote = remote_app(relation, app);
    if (remote == nullptr) return std::optional<std::string>{};
    auto value = relation.data[*remote].get(kEndpointKey);
    if (value && value->empty()) value.reset();
    return value;
  } catch (const ops::ModelError& e) {
    return from_model_error(e, "cannot read `endpoint` of relation " + relation.to_string());
  }
}

// Reads {"key": ...} of the secret named by `auth`: secret-get <id>, then --refresh to track the
// newest revision, as the Python requirer does.
SecretKeyReader secret_reader(ops::Model& model, const ops::Relation& relation) {
  const std::string where = "relation " + relation.to_string();
  return [&model, where](const std::string& id) -> ops::Result<std::string> {
    ops::SecretContent content;
    try {
      ops::Secret secret = model.get_secret(id);
      content = secret.get_content(/*refresh=*/true);
    } catch (const ops::SecretNotFoundError&) {
      return ops::Error{ops::ErrorCode::kSecretNotFound,
                        "the secret " + cephfs::quote_untrusted(id) + " named by `auth` in " +
                            where +
                            " is not visible to this unit (not granted, removed, or a wrong id); "
                            "the provider must grant it"};
    } catch (const ops::ModelError& e) {
      if (e.code() == ops::ErrorCode::kInvalidArgument) {
        return ops::Error{
            ops::ErrorCode::kInvalidData,
            "Juju refused the secret id named by `auth` in " + where + " as malformed"};
      }
      return from_model_error(e, "cannot read the secret named by `auth` in " + where);
    }
    auto key = content.find(std::string(kKeyField));
    if (key == content.end()) {
      return ops::Error{ops::ErrorCode::kInvalidData,
                        "the secret named by `auth` in " + where + " has no `key` field"};
    }
    return key->second;
  };
}

ops::Result<FilesystemInfo> typed_info(ops::Model& model, ops::Relation& relation,
                                       const std::string& uri) {
  return info_from_uri(uri, secret_reader(model, relation));
}

}  // namespace

// ---- events ------------------------------------------------------------------------------------

ops::Result<std::optional<std::string>> FilesystemEvent::uri() const {
  if (relation == nullptr) return std::optional<std::string>{};
  return read_endpoint(*relation, app);
}

ops::Result<FilesystemInfo> FilesystemEvent::info() const {
  auto value = uri();
  if (!value) return value.error();
  if (!value->has_value()) {
    return ops::Error{ops::ErrorCode::kInvalidData,
                      "relation " + (relation != nullptr ? relation->to_string() : "?") +
                          " has no `endpoint`: the provider has not published a file system yet"};
  }
  return typed_info(model(), *relation, **value);
}

// ---- FilesystemRequires ------------------------------------------------------------------------

FilesystemRequires::FilesystemRequires(ops::CharmBase& charm, std::string endpoint)
    : Object(charm, "FilesystemRequires", endpoint), charm_(charm), endpoint_(std::move(endpoint)) {
  auto& framework = charm.framework();
  framework.observe(charm.on.relation_changed(endpoint_), this,
                    &FilesystemRequires::on_relation_changed);
  framework.observe(charm.on.relation_broken(endpoint_), this,
                    &FilesystemRequires::on_relation_broken);
}

void FilesystemRequires::on_relation_changed(ops::RelationChangedEvent& event) {
  if (event.relation == nullptr) return;
  auto uri = read_endpoint(*event.relation, event.app);
  if (uri && !uri->has_value()) return;  // nothing published yet
  // An unreadable bag still emits: the handler gets the error from info() and can report it.
  ops::log::debug("Emitting mount_filesystem from {}-relation-changed", endpoint_);
  on.mount_filesystem.emit(event.relation, event.app, event.unit);
}

void FilesystemRequires::on_relation_broken(ops::RelationBrokenEvent& event) {
  ops::log::debug("Emitting umount_filesystem from {}-relation-broken", endpoint_);
  on.umount_filesystem.emit(event.relation, event.app, event.unit);
}

std::vector<Endpoint> FilesystemRequires::endpoints() const {
  std::vector<Endpoint> out;
  ops::Model& model = charm_.model();
  for (ops::Relation* relation : model.relations[endpoint_]) {
    auto uri = read_endpoint(*relation, nullptr);
    if (!uri) {
      out.push_back(Endpoint{relation->id, "", uri.error()});
      continue;
    }
    if (!uri->has_value()) continue;
    out.push_back(Endpoint{relation->id, **uri, typed_info(model, *relation, **uri)});
  }
  return out;
}

// ---- FilesystemProvides ------------------------------------------------------------------------

FilesystemProvides::FilesystemProvides(ops::CharmBase& charm, std::string endpoint,
                                       std::string peer_endpoint)
    : Object(charm, "FilesystemProvides", endpoint),
      charm_(charm),
      endpoint_(std::move(endpoint)),
      peer_endpoint_(std::move(peer_endpoint)) {
  charm.framework().observe(charm.on.relation_joined(endpoint_), this,
                            &FilesystemProvides::on_relation_joined);
}

std::optional<std::string> FilesystemProvides::stored_endpoint() const {
  ops::Model& model = charm_.model();
  ops::Relation* peers = model.get_relation(peer_endpoint_);
  if (peers == nullptr) return std::nullopt;
  auto value = peers->data[model.app()].get(kEndpointKey);
  if (value && value->empty()) return std::nullopt;
  return value;
}

ops::Result<std::string> FilesystemProvides::uri_for(const FilesystemInfo& info,
                                                     const std::string& label,
                                                     const std::optional<std::string>& stored_uri,
                                                     std::optional<std::string>& secret_id) {
  return std::visit(
      [&](const auto& typed) -> ops::Result<std::string> {
        using T = std::decay_t<decltype(typed)>;
        if constexpr (std::is_same_v<T, CephfsInfo>) {
          // Validate before the key reaches the secret.
          if (auto valid = validate(typed); !valid) return valid.error();
          auto secret = store_key(label, typed.key, stored_uri);
          if (!secret) return secret.error();
          secret_id = secret->id;
          return to_uri(typed, secret->id, secret->revision);
        } else {
          return to_uri(typed);
        }
      },
      info);
}

ops::Status FilesystemProvides::set_info(const FilesystemInfo& info) {
  ops::Model& model = charm_.model();
  try {
    if (!model.unit().is_leader()) {
      ops::log::info("set_info ignored: {} is not the leader", model.unit().name);
      return {};
    }
    std::optional<std::string> secret_id;
    auto uri = uri_for(info, std::string(kAuthSecretLabel), stored_endpoint(), secret_id);
    if (!uri) return uri.error();

    if (ops::Relation* peers = model.get_relation(peer_endpoint_)) {
      peers->data[model.app()].update({{std::string(kEndpointKey), *uri}});
    } else {
      ops::log::warning(
          "No {} relation yet: the endpoint is published to the current relations only and "
          "will not reach relations that join later until set_info is called again",
          peer_endpoint_);
    }
    for (ops::Relation* relation : model.relations[endpoint_]) {
      if (auto published = publish(*relation, *uri, secret_id); !published) return published;
    }
  } catch (const ops::ModelError& e) {
    return from_model_error(e, "cannot publish the file system info");
  }
  return {};
}

std::string FilesystemProvides::auth_secret_label(int relation_id) {
  return std::string(kAuthSecretLabel) + "-" + std::to_string(relation_id);
}

ops::Status FilesystemProvides::set_info(int relation_id, const FilesystemInfo& info) {
  ops::Model& model = charm_.model();
  try {
    if (!model.unit().is_leader()) {
      ops::log::info("set_info ignored: {} is not the leader", model.unit().name);
      return {};
    }
    ops::Relation* relation = model.get_relation(endpoint_, relation_id);  // or throws
    std::optional<std::string> stored = relation->data[model.app()].get(kEndpointKey);
    std::optional<std::string> secret_id;
    auto uri = uri_for(info, auth_secret_label(relation_id), stored, secret_id);
    if (!uri) return uri.error();
    return publish(*relation, *uri, secret_id);
  } catch (const ops::ModelError& e) {
    return from_model_error(
        e, "cannot publish the file system info to relation " + std::to_string(relation_id));
  }
}

ops::Status FilesystemProvides::remove_info(int relation_id) {
  ops::Model& model = charm_.model();
  try {
    if (!model.unit().is_leader()) return {};
    ops::Secret secret(model, std::nullopt, auth_secret_label(relation_id));
    auto existing = secret.find_info();
    if (!existing) return {};
    ops::Secret(model, existing->id, std::nullopt).remove_all_revisions();
    revision_set_in_this_hook_.erase(std::string(secret_xid(existing->id)));
  } catch (const ops::ModelError& e) {
    return from_model_error(
        e, "cannot remove the key secret of relation " + std::to_string(relation_id));
  }
  return {};
}

ops::Status FilesystemProvides::clear_stored_endpoint() {
  ops::Model& model = charm_.model();
  try {
    if (!model.unit().is_leader()) return {};
    ops::Relation* peers = model.get_relation(peer_endpoint_);
    if (peers == nullptr) return {};
    auto& bag = peers->data[model.app()];
    if (bag.contains(std::string(kEndpointKey))) bag.erase(std::string(kEndpointKey));
  } catch (const ops::ModelError& e) {
    return from_model_error(e, "cannot clear the stored endpoint");
  }
  return {};
}

// A key's secret: created on first use, updated only when the key differs. Its id is the one
// secret-add printed, kept in the published URI (Juju 3 prints secret://<model-uuid>/<xid>).
ops::Result<FilesystemProvides::PublishedSecret> FilesystemProvides::store_key(
    const std::string& label, const std::string& key,
    const std::optional<std::string>& stored_uri) {
  ops::Model& model = charm_.model();
  const ops::SecretContent content{{std::string(kKeyField), key}};
  // The id goes into the URI as it is: one a broken or hostile tool printed is never published
  // (the hook fails instead, so Juju discards it and runs it again).
  auto invalid_id = [&label](const char* tool) {
    return ops::Error{
        ops::ErrorCode::kModelError,
        std::string(tool) + " gave no valid secret id for the secret labelled `" + label + "`"};
  };
  auto existing = ops::Secret(model, std::nullopt, label).find_info();
  if (!existing) {
    ops::Secret created =
        model.app().add_secret(content, label, std::string(kAuthSecretDescription));
    if (!created.id() || !ops::SecretId::is_valid(*created.id())) return invalid_id("secret-add");
    revision_set_in_this_hook_[std::string(secret_xid(*created.id()))] = 1;
    return PublishedSecret{*created.id(), 1};
  }
  if (!ops::SecretId::is_valid(existing->id)) return invalid_id("secret-info-get");

  // The id as printed when the secret was created, if the stored URI still names it.
  std::string id = existing->id;
  if (stored_uri) {
    if (auto stored_id = secret_id_of(*stored_uri);
        stored_id && secret_xid(*stored_id) == secret_xid(existing->id)) {
      id = *stored_id;
    }
  }
  ops::Secret secret(model, id, std::nullopt);
  const std::string xid(secret_xid(id));
  auto set_before = revision_set_in_this_hook_.find(xid);
  const bool pending =
      set_before != revision_set_in_this_hook_.end() && set_before->second > existing->revision;
  int revision = pending ? set_before->second : existing->revision;
  if (secret.peek_content() != content) {
    secret.set_content(content);
    // The first change of a hook is reported + 1 in both revision models; a later one in the same
    // hook coalesces into the same revision under a controller.
    if (!pending) revision = existing->revision + 1;
    revision_set_in_this_hook_[xid] = revision;
  }
  return PublishedSecret{id, revision};
}

ops::Status FilesystemProvides::publish(ops::Relation& relation, const std::string& uri,
                                        const std::optional<std::string>& secret_id) {
  ops::Model& model = charm_.model();
  if (secret_id) ops::Secret(model, *secret_id, std::nullopt).grant(relation);
  relation.data[model.app()].update({{std::string(kEndpointKey), uri}});
  return {};
}

void FilesystemProvides::on_relation_joined(ops::RelationJoinedEvent& event) {
  if (event.relation == nullptr || !charm_.model().unit().is_leader()) return;
  auto stored = stored_endpoint();
  if (!stored) {
    ops::log::debug("No endpoint stored yet; relation {} gets one when set_info is called",
                    event.relation->to_string());
    return;
  }
  (void)publish(*event.relation, *stored, secret_id_of(*stored));
}

}  // namespace charms::filesystem_client::v0
