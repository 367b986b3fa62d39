#include "charms/storage_libs/v0/cephfs_interfaces.h"

#include <utility>
#include <variant>

#include "cephfs/share_fields.h"
#include "charms/storage_libs/v0/cephfs_share_validation.h"
#include "error_text.h"
#include "ops/errors.h"
#include "ops/log.h"
#include "ops/model.h"
#include "ops/secret.h"
#include "ops/secret_id.h"

namespace charms::storage_libs::v0 {
namespace {

// The key of revisions_set_in_this_hook_: a secret's <xid>, whichever form `id` has.
std::string revision_key(std::string_view id) {
  return std::string(ops::SecretId::unique_identifier_of(id).value_or(id));
}

std::string hook_of(const ops::RelationEvent& event, std::string_view suffix) {
  return (event.relation != nullptr ? event.relation->name : std::string("?")) + "-relation-" +
         std::string(suffix);
}

ops::Application* remote_app_of(const ops::RelationEvent& event) {
  if (event.relation == nullptr) return nullptr;
  return event.app != nullptr ? event.app : event.relation->app();
}

// One value of the remote application bag of the event's relation ("" when absent, when the
// relation is gone or when the remote application is unknown).
ops::Result<std::string> remote_app_value(const ops::RelationEvent& event, std::string_view key) {
  try {
    ops::Application* app = remote_app_of(event);
    if (app == nullptr) return std::string();
    return event.relation->data[*app].value_or_empty(key);
  } catch (const ops::ModelError& e) {
    return detail::make_wire_error(ops::ErrorCode::kModelError, kRelationDataUnavailable,
                                   "cannot read the remote application data of relation " +
                                       event.relation->to_string() + ": " + e.what());
  }
}

ops::Error to_error(const ops::ModelError& e, std::string_view doing) {
  ops::ErrorCode code = ops::ErrorCode::kModelError;
  if (dynamic_cast<const ops::RelationNotFoundError*>(&e) != nullptr) {
    code = ops::ErrorCode::kRelationNotFound;
  } else if (dynamic_cast<const ops::SecretNotFoundError*>(&e) != nullptr) {
    code = ops::ErrorCode::kSecretNotFound;
  } else if (dynamic_cast<const ops::RelationDataAccessError*>(&e) != nullptr) {
    code = ops::ErrorCode::kPermissionDenied;
  }
  return ops::Error{code, std::string(doing) + ": " + e.what()};
}

// secret-info-get --label <label>; nullopt when there is no such secret.
std::optional<ops::SecretInfo> find_owned_secret(ops::Model& model, std::string_view label) {
  // find_info(), not get_info() + catch: no exception on this ordinary path (docs/benchmarks.md).
  return ops::Secret(model, std::nullopt, std::string(label)).find_info();
}

}  // namespace

std::string per_relation_secret_label(int relation_id) {
  return std::string(kAuthInfoSecretLabel) + "-" + std::to_string(relation_id);
}

// ---- events ------------------------------------------------------------------------------------

ops::Result<std::optional<CephFSShareInfo>> MountEventBase::share_info() const {
  auto value = remote_app_value(*this, kShareInfoKey);
  if (!value) return value.error();
  return decode_share_info(*value);
}

ops::Result<std::optional<CephFSAuthInfo>> MountEventBase::auth_info() const {
  auto value = remote_app_value(*this, kAuthKey);
  if (!value) return value.error();
  auto parsed = parse_auth(*value);
  if (!parsed) {
    const std::string_view code = wire_error_code(parsed.error());
    if (code == kInvalidAuthFormat) ops::log::warning("{}", kAuthWithoutKindWarning);
    if (code == kUnknownAuthKind) ops::log::warning("{}", kUnknownAuthKindWarning);
    return parsed.error();
  }
  if (!parsed->has_value()) return std::optional<CephFSAuthInfo>{};
  if (const auto* plain = std::get_if<CephFSAuthInfo>(&**parsed)) {
    return std::optional<CephFSAuthInfo>(*plain);
  }
  const std::string& id = std::get<AuthSecretReference>(**parsed).secret_id;
  ops::SecretContent content;
  try {
    // A handle that reads on demand: one `secret-get <id> --refresh` (model.get_secret(id)
    // would first read the tracked revision, a second call whose result is thrown away).
    ops::Secret secret(model(), ops::Secret::canonicalize_id(id, model().uuid()), std::nullopt);
    content = secret.get_content(/*refresh=*/true);
  } catch (const ops::SecretNotFoundError& e) {
    return detail::make_wire_error(
        ops::ErrorCode::kSecretNotFound, kAuthSecretNotFound,
        "the secret " + cephfs::quote_untrusted(id) + " named by `auth` in relation " +
            relation->to_string() +
            " is not visible to this unit (not granted to this application, removed, or a "
            "wrong id); the provider must grant it");
  } catch (const ops::ModelError& e) {
    if (e.code() == ops::ErrorCode::kInvalidArgument) {
      // Juju refused the id itself (secret-get exited 2): bad remote data, not a failed tool.
      return detail::make_wire_error(ops::ErrorCode::kInvalidData, kInvalidSecretId,
                                     "Juju refused the secret id named by `auth` in relation " +
                                         relation->to_string() + " as malformed");
    }
    return detail::make_wire_error(ops::ErrorCode::kModelError, kRelationDataUnavailable,
                                   "cannot read the secret named by `auth` in relation " +
                                       relation->to_string() + ": " + e.what());
  }
  auto auth = auth_info_from_secret_content(content);
  if (!auth) return auth.error();
  return std::optional<CephFSAuthInfo>(std::move(*auth));
}

std::optional<std::string> ShareRequestedEvent::name() const {
  ops::Application* app = remote_app_of(*this);
  if (app == nullptr) return std::nullopt;
  return relation->data[*app].get(kNameKey);
}

// ---- CephFSInterfaceBase -----------------------------------------------------------------------

CephFSInterfaceBase::CephFSInterfaceBase(ops::CharmBase& charm, std::string_view kind,
                                         std::string endpoint)
    : Object(charm, kind, endpoint), charm_(charm), endpoint_(std::move(endpoint)) {}

std::vector<ops::Relation*> CephFSInterfaceBase::integrations() const {
  return model().relations[endpoint_];
}

std::map<int, Databag> CephFSInterfaceBase::fetch_data() const {
  std::map<int, Databag> data;
  for (ops::Relation* relation : integrations()) {
    ops::Application* app = relation->app();
    if (app == nullptr) continue;
    Databag bag = relation->data[*app].items();
    bag.erase(std::string(kCacheKey));
    data.emplace(relation->id, std::move(bag));
  }
  return data;
}

ops::Result<ops::Relation*> CephFSInterfaceBase::find_relation(int relation_id) const {
  try {
    return model().get_relation(endpoint_, relation_id);
  } catch (const ops::RelationNotFoundError&) {
    return ops::Error{ops::ErrorCode::kRelationNotFound,
                      "relation " + endpoint_ + ":" + std::to_string(relation_id) +
                          " not found: it is not a relation of endpoint '" + endpoint_ +
                          "' or it was removed; use the id of a relation from integrations() or "
                          "from the event"};
  } catch (const ops::ModelError& e) {
    return to_error(e, "cannot look up relation " + endpoint_ + ":" + std::to_string(relation_id));
  }
}

std::optional<CacheDiff> CephFSInterfaceBase::evaluate(ops::RelationEvent& event) const {
  ops::Application* app = remote_app_of(event);
  if (app == nullptr) {
    ops::log::debug("relation {} has no remote application; nothing to compare",
                    event.relation != nullptr ? event.relation->to_string() : "?");
    return std::nullopt;
  }
  ops::Relation& relation = *event.relation;
  ops::RelationDataContent& own = relation.data[model().unit()];

  Databag old_cache;
  auto decoded = decode_cache(own.value_or_empty(kCacheKey));
  if (decoded) {
    old_cache = std::move(*decoded);
  } else {
    // LIBPATCH 2 fails every later relation-changed here (quirk 11); start over instead.
    ops::log::warning(
        "The cache of relation {} in this unit's data is unreadable ({}); treating it as empty, "
        "so every key counts as added",
        relation.to_string(), decoded.error().message);
  }

  Databag remote = relation.data[*app].items();
  remote.erase(std::string(kCacheKey));
  CacheDiff diff = diff_cache(old_cache, remote);

  auto encoded = encode_cache(remote);
  if (encoded) {
    // An identical value is not sent again: Juju would not signal it to anyone.
    own.update({{std::string(kCacheKey), *encoded}});
  } else {
    ops::log::warning("Cannot write the cache of relation {}: {}", relation.to_string(),
                      encoded.error().message);
  }
  return diff;
}

// ---- CephFSRequires ----------------------------------------------------------------------------

CephFSRequires::CephFSRequires(ops::CharmBase& charm, std::string endpoint)
    : CephFSInterfaceBase(charm, "CephFSRequires", std::move(endpoint)) {
  auto& framework = charm.framework();
  framework.observe(charm.on.relation_joined(endpoint_), this, &CephFSRequires::on_relation_joined);
  framework.observe(charm.on.relation_changed(endpoint_), this,
                    &CephFSRequires::on_relation_changed);
  framework.observe(charm.on.relation_departed(endpoint_), this,
                    &CephFSRequires::on_relation_departed);
  framework.observe(charm.on.secret_changed, this, &CephFSRequires::on_secret_changed);
}

void CephFSRequires::on_relation_joined(ops::RelationJoinedEvent& event) {
  if (!model().unit().is_leader()) return;
  ops::log::debug("Emitting server_connected from {}", hook_of(event, "joined"));
  on.server_connected.emit(event.relation, event.app, event.unit);
}

void CephFSRequires::on_relation_changed(ops::RelationChangedEvent& event) {
  auto diff = evaluate(event);
  if (!diff) return;
  for (std::string_view key : {kShareInfoKey, kAuthKey, kAuthRevKey}) {
    if (diff->changed.contains(std::string(key))) {
      ops::log::debug("Emitting mount_share from {}", hook_of(event, "changed"));
      on.mount_share.emit(event.relation, event.app, event.unit);
      return;
    }
  }
}

void CephFSRequires::on_relation_departed(ops::RelationDepartedEvent& event) {
  ops::log::debug("Emitting umount_share from {}", hook_of(event, "departed"));
  on.umount_share.emit(event.relation, event.app, event.unit);
}

void CephFSRequires::on_secret_changed(ops::SecretChangedEvent& event) {
  // Not in LIBPATCH 2: under a real controller a Python provider publishes a stale auth-rev after
  // rotating the key (quirk 2), so the new revision is announced only by secret-changed.
  for (ops::Relation* relation : integrations()) {
    ops::Application* app = relation->app();
    if (app == nullptr) continue;
    auto parsed = parse_auth(relation->data[*app].value_or_empty(kAuthKey));
    if (!parsed || !parsed->has_value()) continue;
    const auto* reference = std::get_if<AuthSecretReference>(&**parsed);
    if (reference == nullptr || !ops::same_secret(reference->secret_id, event.id)) continue;
    ops::log::debug("Emitting mount_share for relation {} from secret-changed",
                    relation->to_string());
    on.mount_share.emit(relation, app, nullptr);
  }
}

ops::Status CephFSRequires::request_share(int relation_id, std::string_view name) {
  if (name.empty()) {
    return ops::Error{ops::ErrorCode::kInvalidArgument,
                      "request_share: the share name must not be empty (an empty value would "
                      "delete `name` from relation " +
                          endpoint_ + ":" + std::to_string(relation_id) + ")"};
  }
  if (!model().unit().is_leader()) {
    ops::log::info("request_share for relation {}:{} ignored: {} is not the leader", endpoint_,
                   relation_id, model().unit().name);
    return {};
  }
  auto relation = find_relation(relation_id);
  if (!relation) return relation.error();
  try {
    (*relation)->data[model().app()].update({{std::string(kNameKey), std::string(name)}});
  } catch (const ops::ModelError& e) {
    return to_error(e, "cannot write `name` to relation " + (*relation)->to_string());
  }
  return {};
}

// ---- CephFSProvides ----------------------------------------------------------------------------

CephFSProvides::CephFSProvides(ops::CharmBase& charm, std::string endpoint)
    : CephFSInterfaceBase(charm, "CephFSProvides", std::move(endpoint)) {
  auto& framework = charm.framework();
  framework.observe(charm.on.relation_changed(endpoint_), this,
                    &CephFSProvides::on_relation_changed);
  framework.observe(charm.on.relation_broken(endpoint_), this, &CephFSProvides::on_relation_broken);
  framework.observe(charm.on.secret_remove, this, &CephFSProvides::on_secret_remove);
}

void CephFSProvides::on_relation_changed(ops::RelationChangedEvent& event) {
  if (!model().unit().is_leader()) return;
  auto diff = evaluate(event);
  if (!diff || !diff->added.contains(std::string(kNameKey))) return;
  ops::log::debug("Emitting share_requested from {}", hook_of(event, "changed"));
  on.share_requested.emit(event.relation, event.app, event.unit);
}

void CephFSProvides::on_relation_broken(ops::RelationBrokenEvent& event) {
  // Not in LIBPATCH 2 (quirk 15): a relation's own secret has no other reader; remove it. The
  // shared `auth_info` secret stays for the other relations.
  if (event.relation == nullptr || !model().unit().is_leader()) return;
  auto own = find_owned_secret(model(), per_relation_secret_label(event.relation->id));
  if (!own) return;
  ops::log::info("Removing the credentials secret of broken relation {}",
                 event.relation->to_string());
  ops::Secret(model(), own->id, std::nullopt).remove_all_revisions();
}

void CephFSProvides::on_secret_remove(ops::SecretRemoveEvent& event) {
  // LIBPATCH 2 removes the revision of whatever secret the charm owns (quirk 14); only ours here.
  std::optional<std::string> label = event.label;
  if (!label) {
    try {
      label = event.secret().get_info().label;
    } catch (const ops::SecretNotFoundError&) {
      return;
    }
  }
  const std::string per_relation_prefix = std::string(kAuthInfoSecretLabel) + "-";
  if (!label || (*label != kAuthInfoSecretLabel && !label->starts_with(per_relation_prefix))) {
    return;
  }
  if (!model().unit().is_leader()) return;
  try {
    event.secret().remove_revision(event.revision);
  } catch (const ops::SecretNotFoundError&) {
    ops::log::debug("Revision {} of secret {} is already gone", event.revision, event.id);
  }
}

ops::Status CephFSProvides::set_share(int relation_id, const CephFSShareInfo& share_info,
                                      const CephFSAuthInfo& auth_info) {
  if (!model().unit().is_leader()) {
    ops::log::info("set_share for relation {}:{} ignored: {} is not the leader", endpoint_,
                   relation_id, model().unit().name);
    return {};
  }
  if (auto valid = validate_share_info(share_info); !valid) return valid.error();
  if (auto valid = validate_auth_info(auth_info); !valid) return valid.error();
  auto encoded = encode_share_info(share_info);
  if (!encoded) return encoded.error();
  auto relation = find_relation(relation_id);
  if (!relation) return relation.error();

  try {
    auto secret = store_credentials(**relation, auth_info);
    if (!secret) return secret.error();
    (*relation)->data[model().app()].update(
        {{std::string(kShareInfoKey), *encoded},
         {std::string(kAuthKey), secret->id},
         {std::string(kAuthRevKey), std::to_string(secret->revision)}});
  } catch (const ops::ModelError& e) {
    return to_error(e, "cannot publish the share on relation " + (*relation)->to_string());
  }
  return {};
}

// Which secret holds the relation's credentials, in this order:
//  1. `auth_info` does not exist: create it (LIBPATCH 2's secret, revision 1).
//  2. `auth_info` holds exactly these credentials: use it.
//  3. the relation already has its own secret `auth_info-<id>`: use it, updated if needed.
//  4. no other relation publishes `auth_info`: update it (key rotation of the only client).
//  5. otherwise another client reads `auth_info`: give this relation its own secret and take
//     away its access to `auth_info`, whose content may change for the others.
ops::Result<CephFSProvides::PublishedSecret> CephFSProvides::store_credentials(
    ops::Relation& relation, const CephFSAuthInfo& auth_info) {
  const ops::SecretContent content = auth_info_to_secret_content(auth_info);
  ops::Model& m = model();

  auto shared = find_owned_secret(m, kAuthInfoSecretLabel);
  if (!shared) {
    ops::Secret created = m.app().add_secret(content, std::string(kAuthInfoSecretLabel),
                                             std::string(kAuthInfoSecretDescription));
    created.grant(relation);
    // `auth` is the id exactly as secret-add printed it (Juju 3: secret://<model-uuid>/<xid>),
    // as LIBPATCH 2 publishes it; a consumer in another model needs the uuid to find it.
    const std::string& id = *created.id();
    revisions_set_in_this_hook_[revision_key(id)] = 1;
    return PublishedSecret{id, 1};
  }

  // Found by label: the id as ops canonicalises secret-info-get's key (secret://<uuid>/<xid>).
  ops::Secret shared_secret(m, shared->id, std::nullopt);
  if (shared_secret.peek_content() == content) {
    shared_secret.grant(relation);
    return PublishedSecret{shared->id, revision_to_publish(shared->id, shared->revision, false)};
  }

  auto own = find_owned_secret(m, per_relation_secret_label(relation.id));
  if (own) {
    ops::Secret own_secret(m, own->id, std::nullopt);
    const bool changed = own_secret.peek_content() != content;
    if (changed) own_secret.set_content(content);
    own_secret.grant(relation);
    return PublishedSecret{own->id, revision_to_publish(own->id, own->revision, changed)};
  }

  if (!shared_secret_used_elsewhere(shared->id, relation.id)) {
    shared_secret.set_content(content);
    shared_secret.grant(relation);
    return PublishedSecret{shared->id, revision_to_publish(shared->id, shared->revision, true)};
  }

  ops::log::info(
      "Relation {} gets credentials that differ from those of other relations; giving it its "
      "own secret",
      relation.to_string());
  ops::Secret created = m.app().add_secret(content, per_relation_secret_label(relation.id),
                                           std::string(kAuthInfoSecretDescription));
  created.grant(relation);
  const auto published_auth = relation.data[m.app()].value_or_empty(kAuthKey);
  if (ops::same_secret(published_auth, shared->id)) shared_secret.revoke(relation);
  const std::string& id = *created.id();
  revisions_set_in_this_hook_[revision_key(id)] = 1;
  return PublishedSecret{id, 1};
}

bool CephFSProvides::shared_secret_used_elsewhere(std::string_view secret_id,
                                                  int relation_id) const {
  for (ops::Relation* other : integrations()) {
    if (other->id == relation_id) continue;
    auto parsed = parse_auth(other->data[model().app()].value_or_empty(kAuthKey));
    if (!parsed || !parsed->has_value()) continue;
    const auto* reference = std::get_if<AuthSecretReference>(&**parsed);
    if (reference != nullptr && ops::same_secret(reference->secret_id, secret_id)) return true;
  }
  return false;
}

// Harness model: secret-info-get already reports every revision made in this hook, each
// secret-set makes one. Controller model: it reports the revision from before the hook and all
// secret-set calls of the hook become one revision at commit. Both agree on the first change of a
// hook (reported + 1); for later ones the remembered revision tells the two apart.
int CephFSProvides::revision_to_publish(const std::string& secret_id, int reported_revision,
                                        bool changed) {
  const std::string key = revision_key(secret_id);
  auto it = revisions_set_in_this_hook_.find(key);
  const bool pending = it != revisions_set_in_this_hook_.end() && it->second > reported_revision;
  if (!changed) return pending ? it->second : reported_revision;
  const int revision = pending ? it->second : reported_revision + 1;
  revisions_set_in_this_hook_[key] = revision;
  return revision;
}

}  // namespace charms::storage_libs::v0
