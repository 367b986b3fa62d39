#include "ops/secret.h"

#include <stdexcept>

#include "ops/errors.h"
#include "ops/model.h"
#include "ops/secret_id.h"
#include "ops/secret_key.h"

namespace ops {

Secret::Secret(Model& model, std::optional<std::string> id, std::optional<std::string> label,
               std::optional<SecretContent> content, SecretOwner owner)
    : model_(model),
      id_(std::move(id)),
      label_(std::move(label)),
      content_(std::move(content)),
      owner_(owner) {}

std::string Secret::canonicalize_id(const std::string& id, const std::string& model_uuid) {
  // An id that is not one is left as given: Juju refuses it (kInvalidArgument) at first use.
  auto parsed = SecretId::parse(id);
  return parsed ? parsed->canonical(model_uuid) : id;
}

std::optional<std::string> Secret::unique_identifier() const {
  if (!id_) return std::nullopt;
  return std::string(SecretId::unique_identifier_of(*id_).value_or(*id_));
}

void Secret::validate_content(const SecretContent& content) {
  if (content.empty()) throw std::invalid_argument("Secret content must not be empty");
  std::string bad;
  for (const auto& [key, value] : content) {
    if (!is_valid_secret_key(key)) bad += (bad.empty() ? "" : ", ") + key;
  }
  if (!bad.empty()) {
    throw std::invalid_argument("Invalid secret keys: [" + bad +
                                "]. Keys should be lowercase letters and digits, at least 3 "
                                "characters long, start with a letter, and not start or end "
                                "with a hyphen.");
  }
}

std::string Secret::require_id() {
  if (!id_) {
    if (!label_) throw std::logic_error("secret has neither id nor label");
    auto info = unwrap(model_.backend().secret_info_get(std::nullopt, label_));
    id_ = canonicalize_id(info.id, model_.uuid());
  }
  return *id_;
}

const SecretContent& Secret::get_content(bool refresh) {
  if (!content_ || refresh) {
    content_ = unwrap(model_.backend().secret_get(id_, label_, refresh, /*peek=*/false));
  }
  return *content_;
}

SecretContent Secret::peek_content() {
  return unwrap(model_.backend().secret_get(id_, label_, /*refresh=*/false, /*peek=*/true));
}

Result<SecretInfo> Secret::lookup_info() {
  // ops never passes both: the id when it has one, else the label.
  auto result = id_ ? model_.backend().secret_info_get(id_, std::nullopt)
                    : model_.backend().secret_info_get(std::nullopt, label_);
  if (!result) return result;
  if (!result->id.empty()) result->id = canonicalize_id(result->id, model_.uuid());
  if (!id_ && !result->id.empty()) id_ = result->id;
  return result;
}

SecretInfo Secret::get_info() { return unwrap(lookup_info()); }

std::optional<SecretInfo> Secret::find_info() {
  auto result = lookup_info();
  if (!result && result.error().code == ErrorCode::kSecretNotFound) return std::nullopt;
  return unwrap(std::move(result));
}

void Secret::set_content(const SecretContent& content) {
  validate_content(content);
  const std::string id = require_id();
  SecretMetadata meta;
  meta.label = label_;
  unwrap(model_.backend().secret_set(id, content, meta, owner_));
  content_.reset();  // the new revision is read back only on request
}

void Secret::set_info(const SecretMetadata& meta) {
  const std::string id = require_id();
  unwrap(model_.backend().secret_set(id, std::nullopt, meta, owner_));
  if (meta.label) label_ = meta.label;
}

void Secret::grant(const Relation& relation, const std::optional<std::string>& unit) {
  unwrap(model_.backend().secret_grant(require_id(), relation.id, unit));
}

void Secret::revoke(const Relation& relation, const std::optional<std::string>& unit) {
  unwrap(model_.backend().secret_revoke(require_id(), relation.id, unit));
}

void Secret::remove_revision(int revision) {
  unwrap(model_.backend().secret_remove(require_id(), revision));
}

void Secret::remove_all_revisions() {
  unwrap(model_.backend().secret_remove(require_id(), std::nullopt));
}

}  // namespace ops
