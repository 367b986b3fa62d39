// SecretId: the one parser of Juju secret ids, used by the runtime, the libraries, the charms,
// juju-sim and the bench tools (docs/reference/juju-charm-contract.md §4.4).
//
// Juju names a secret three ways, all the same secret:
//   secret://<source model uuid>/<xid>   what `secret-add` prints under Juju 3
//   secret:<xid>                         the short form (Juju 2.9 / older ops)
//   <xid>                                the keys of `secret-info-get` output
// Contract:
//  - parse() accepts exactly these forms: <xid> is 1-64 of [0-9a-z] (Juju's own ids are 20), the
//    source 1-64 of [0-9a-zA-Z-]. Anything else (spaces, '/', '..', control bytes, empty parts)
//    is an error, so a hostile id never reaches a hook tool's argv.
//  - str() is the text exactly as parsed: an id is published and passed on as Juju printed it,
//    never rebuilt.
//  - Two ids are equal when their unique identifiers (<xid>) are equal.
//  - canonical(model_uuid) is what Python ops makes of an id (Secret._canonicalize_id): the two
//    `secret:` forms unchanged, a bare <xid> becomes secret://<model_uuid>/<xid> (secret:<xid>
//    when the model uuid is unknown).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "ops/result.h"

namespace ops {

class SecretId {
 public:
  static Result<SecretId> parse(std::string_view text);
  // Whether parse() would accept `text` (no message built).
  static bool is_valid(std::string_view text);
  // The <xid> of `text` (a view into it), or nullopt when parse() would refuse it.
  static std::optional<std::string_view> unique_identifier_of(std::string_view text);

  const std::string& str() const { return text_; }
  // The <xid>.
  std::string_view unique_identifier() const;
  // The source model uuid of the secret://<uuid>/<xid> form.
  std::optional<std::string_view> model_uuid() const;
  std::string canonical(std::string_view model_uuid) const;

  friend bool operator==(const SecretId& a, const SecretId& b) {
    return a.unique_identifier() == b.unique_identifier();
  }

 private:
  SecretId(std::string text, std::size_t xid_offset, std::size_t uuid_offset, std::size_t uuid_size)
      : text_(std::move(text)),
        xid_offset_(xid_offset),
        uuid_offset_(uuid_offset),
        uuid_size_(uuid_size) {}

  std::string text_;
  std::size_t xid_offset_;
  std::size_t uuid_offset_;
  std::size_t uuid_size_;  // 0: no source model uuid
};

// Whether `a` and `b` name the same secret: both parse and have the same <xid>. For comparing
// stored or remote strings without keeping the parsed ids.
bool same_secret(std::string_view a, std::string_view b);

}  // namespace ops
