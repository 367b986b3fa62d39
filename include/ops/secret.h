// Secret: a Juju secret as seen by this unit, with the names and call patterns of Python ops
// (docs/reference/juju-charm-contract.md §4.4).
//
// Contract:
//  - Content is cached on the object after the first get_content(); peek_content() is never cached.
//  - get_content(refresh=true) moves this unit's tracked revision to the latest (committed with the
//    hook by Juju).
//  - Management calls (set_content, grant, revoke, remove_*, get_info) are for the owner only; on
//  an
//    app-owned secret only the leader may make them. Juju's refusal surfaces as ModelError or
//    SecretNotFoundError.
//  - Content keys must match ^[a-z](-?[a-z0-9]){2,}$ and content must not be empty
//    (std::invalid_argument otherwise). Values never appear in argv, logs or error messages.
//
// Example:
//   auto secret = model.app().add_secret({{"username", "u"}, {"key", k}}, "auth_info");
//   secret.grant(*relation);
//   auto content = model.get_secret(id).get_content(/*refresh=*/true);
#pragma once

#include <optional>
#include <string>

#include "ops/backend.h"

namespace ops {

class Model;
class Relation;
class Unit;

class Secret {
 public:
  Secret(Model& model, std::optional<std::string> id, std::optional<std::string> label,
         std::optional<SecretContent> content = std::nullopt,
         SecretOwner owner = SecretOwner::kApplication);

  // The canonical id (secret://<model-uuid>/<xid> or as Juju printed it), if known.
  const std::optional<std::string>& id() const { return id_; }
  // The part after the last '/' or 'secret:'.
  std::optional<std::string> unique_identifier() const;
  const std::optional<std::string>& label() const { return label_; }

  const SecretContent& get_content(bool refresh = false);
  SecretContent peek_content();
  SecretInfo get_info();
  // get_info(), but std::nullopt where get_info() throws SecretNotFoundError (no such secret, or
  // not visible to this unit); other errors still throw. For "find or create" paths that run in
  // ordinary hooks: no exception is thrown, and a thrown exception costs a charm process about a
  // quarter MiB of resident unwind tables (docs/benchmarks.md).
  std::optional<SecretInfo> find_info();

  void set_content(const SecretContent& content);
  void set_info(const SecretMetadata& meta);
  void grant(const Relation& relation, const std::optional<std::string>& unit = std::nullopt);
  void revoke(const Relation& relation, const std::optional<std::string>& unit = std::nullopt);
  void remove_revision(int revision);
  void remove_all_revisions();

  // Validates content as ops does; throws std::invalid_argument naming the bad keys (not values).
  static void validate_content(const SecretContent& content);
  // SecretId::canonical (secret:<x> and secret://... stay, a bare <x> becomes
  // secret://<model_uuid>/<x>); text that is no secret id is returned unchanged.
  static std::string canonicalize_id(const std::string& id, const std::string& model_uuid);

 private:
  std::string require_id();
  Result<SecretInfo> lookup_info();

  Model& model_;
  std::optional<std::string> id_;
  std::optional<std::string> label_;
  std::optional<SecretContent> content_;
  // Sent as secret-set --owner; Juju validates and ignores it, ops always passes it.
  SecretOwner owner_;
};

}  // namespace ops
