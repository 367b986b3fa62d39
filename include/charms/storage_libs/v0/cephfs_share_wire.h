// The wire form of the cephfs_share interface (LIBPATCH 2): encoding and decoding of the databag
// values `share_info`, `auth` and `cache`, and the cache diff that decides which events fire.
// Pure functions: no Juju, no I/O, thread-safe.
//
// Encoders produce the exact bytes the Python library writes (json.dumps with default arguments;
// see python_json.h). Decoders accept everything a Python peer writes and reject, with an error
// value instead of an exception, what LIBPATCH 2 would crash on or silently misread.
//
// Errors: every error returned here is an ops::Error whose message reads "<wire code>: <detail>".
// wire_error_code() / wire_error_detail() split it. The wire codes are those of the conformance
// cases' `recommended` payloads plus five of our own:
//   invalid-share-info    share_info is not JSON, not an object, lacks or adds a key, or has a
//                         field of the wrong type (kInvalidData); also used by
//                         validate_share_info (kInvalidArgument)
//   invalid-auth-format   auth has no ':'  (detail: "Could not get the kind of auth info")
//   unknown-auth-kind     auth kind is not secret/plain  (detail: "Invalid kind for auth info.")
//   invalid-auth-content  plain: JSON or secret content is not exactly {username, key} of strings
//   invalid-cache         a cache value is not a JSON object of strings (ours)
//   invalid-auth-info     validate_auth_info rejected credentials to publish (ours)
//   invalid-encoding      a value to encode is not valid UTF-8 (ours; kInvalidArgument)
//   auth-secret-not-found the secret named by `auth` is not visible: not granted, removed or a
//                         wrong id (ours; kSecretNotFound; LIBPATCH 2 raises SecretNotFoundError)
//   relation-data-unavailable  a hook tool failed while reading the data (ours; kModelError)
//   invalid-secret-id     auth is "secret:..." but not a Juju secret URI (ours; kInvalidData:
//                         refused before any secret-get, so a hostile id never reaches argv)
// For the two auth-kind codes the detail is exactly the warning LIBPATCH 2 logs, so a requirer can
// log wire_error_detail() and produce the same log line as a Python charm. Messages never contain
// a cephx key, secret content or the text of an `auth` value (auth-secret-not-found names the
// secret id, which is not secret).
//
// Example (requirer, relation-changed):
//   auto old_cache = decode_cache(unit_bag["cache"]);        // on error: warn, treat as {}
//   auto diff = diff_cache(old_cache.value_or(Databag{}), remote_app_bag);
//   auto cache = encode_cache(remote_app_bag);               // write to own unit bag
//   auto share = decode_share_info(remote_app_bag["share_info"]);
//   if (!share) log_warning(share.error().message);
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "charms/storage_libs/v0/cephfs_share_types.h"
#include "ops/result.h"

namespace charms::storage_libs::v0 {

// Databag keys of the protocol (section 2 of the protocol reference).
inline constexpr std::string_view kNameKey = "name";             // requirer app bag
inline constexpr std::string_view kShareInfoKey = "share_info";  // provider app bag
inline constexpr std::string_view kAuthKey = "auth";             // provider app bag
inline constexpr std::string_view kAuthRevKey = "auth-rev";      // provider app bag
inline constexpr std::string_view kCacheKey = "cache";           // each writer's own unit bag

// Wire error codes (see the file comment).
inline constexpr std::string_view kInvalidShareInfo = "invalid-share-info";
inline constexpr std::string_view kInvalidAuthFormat = "invalid-auth-format";
inline constexpr std::string_view kUnknownAuthKind = "unknown-auth-kind";
inline constexpr std::string_view kInvalidAuthContent = "invalid-auth-content";
inline constexpr std::string_view kInvalidCache = "invalid-cache";
inline constexpr std::string_view kInvalidAuthInfo = "invalid-auth-info";
inline constexpr std::string_view kInvalidEncoding = "invalid-encoding";
inline constexpr std::string_view kAuthSecretNotFound = "auth-secret-not-found";
inline constexpr std::string_view kRelationDataUnavailable = "relation-data-unavailable";
inline constexpr std::string_view kInvalidSecretId = "invalid-secret-id";

// The warnings LIBPATCH 2 logs for a malformed `auth` (protocol reference, section 4).
inline constexpr std::string_view kAuthWithoutKindWarning = "Could not get the kind of auth info";
inline constexpr std::string_view kUnknownAuthKindWarning = "Invalid kind for auth info.";

// The wire code of an error returned by this library ("" when the message has no known code).
std::string_view wire_error_code(const ops::Error& error);
// The message without its "<wire code>: " prefix (the whole message when there is none).
std::string_view wire_error_detail(const ops::Error& error);

// A databag as the ops runtime delivers it (ops::Bag): keys in sorted byte order, which is the
// order Juju's `relation-get --format=json` returns them in.
using Databag = std::map<std::string, std::string>;
// A databag's entries in an explicit order, for writers that must reproduce another order.
using DatabagEntries = std::vector<std::pair<std::string, std::string>>;

// ---- share_info ----------------------------------------------------------------------------

// json.dumps(asdict(share_info)): keys fsid, name, path, monitor_hosts in that order.
// Fails (invalid-encoding) only when a field is not valid UTF-8.
ops::Result<std::string> encode_share_info(const CephFSShareInfo& share_info);

// Parses a `share_info` value. Empty (Juju's "absent") gives nullopt. Anything but a JSON object
// with exactly the keys fsid, name, path (strings) and monitor_hosts (array of strings) is
// invalid-share-info. Deliberately stricter than LIBPATCH 2, which passes non-string fields
// through and turns a string monitor_hosts into a list of characters (conformance req-16).
// No checks on the field contents: see validate_share_info.
ops::Result<std::optional<CephFSShareInfo>> decode_share_info(std::string_view value);

// ---- auth -----------------------------------------------------------------------------------

// `auth` = "secret:<id>": the credentials are in a Juju secret. secret_id is the whole auth value
// (e.g. "secret:cr8vcqgpc9t8oet2fdlg" or "secret://<model-uuid>/<id>"), which is what LIBPATCH 2
// passes to model.get_secret(id=...).
struct AuthSecretReference {
  std::string secret_id;

  friend bool operator==(const AuthSecretReference&, const AuthSecretReference&) = default;
};

// Whether `value` is a Juju secret URI: "secret:<id>" or "secret://<source uuid>/<id>" as
// ops::SecretId parses them.
bool is_secret_uri(std::string_view value);

// What an `auth` value names: a secret to resolve, or credentials given inline ("plain:").
using AuthValue = std::variant<AuthSecretReference, CephFSAuthInfo>;

// Parses an `auth` value, splitting at the first ':'. Empty gives nullopt. Errors:
// invalid-auth-format (no ':'), unknown-auth-kind (kind not exactly "secret" or "plain"),
// invalid-secret-id (secret: but not is_secret_uri), invalid-auth-content (plain: followed by
// anything but {"username": str, "key": str}).
ops::Result<std::optional<AuthValue>> parse_auth(std::string_view value);

// "plain:" + json.dumps({"username": ..., "key": ...}). Fails only on invalid UTF-8.
ops::Result<std::string> encode_plain_auth(const CephFSAuthInfo& auth_info);

// The secret content LIBPATCH 2 stores for credentials: {"username": ..., "key": ...}.
std::map<std::string, std::string> auth_info_to_secret_content(const CephFSAuthInfo& auth_info);
// Reads credentials from secret content; anything but exactly username and key is
// invalid-auth-content (LIBPATCH 2 raises TypeError there).
ops::Result<CephFSAuthInfo> auth_info_from_secret_content(
    const std::map<std::string, std::string>& content);

// ---- cache and diff -------------------------------------------------------------------------

// json.dumps of the remote application bag without its `cache` key, keys in the given order.
// Fails (invalid-encoding) only on invalid UTF-8.
ops::Result<std::string> encode_cache(const Databag& remote_app_bag);
ops::Result<std::string> encode_cache(const DatabagEntries& remote_app_bag);

// Parses a cache this unit (C++ or Python) wrote earlier. Empty gives {}. Anything but a JSON
// object of string values is invalid-cache; LIBPATCH 2 fails every later relation-changed there
// (quirk 11), the recommended handling is to log a warning and use {}. With duplicate keys the
// last value wins, as in Python.
ops::Result<Databag> decode_cache(std::string_view value);

// Section 5 of the protocol reference: the remote bag (without `cache`) against the old cache.
struct CacheDiff {
  std::set<std::string> added;    // in the remote bag, not in the cache
  std::set<std::string> changed;  // added, plus keys in both whose values differ
  std::set<std::string> deleted;  // in the cache, not in the remote bag

  friend bool operator==(const CacheDiff&, const CacheDiff&) = default;
};
CacheDiff diff_cache(const Databag& old_cache, const Databag& remote_app_bag);

}  // namespace charms::storage_libs::v0
