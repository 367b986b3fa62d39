// libFuzzer target over the cephfs_share wire parsers. Each input is read as a `share_info`, an
// `auth` and a `cache` value, and as a string for python_json_dumps. Besides crashes and
// sanitizer reports it checks properties that must hold for every input:
//  - parsers fail only with their own wire code, never by throwing;
//  - whatever decodes re-encodes without error and decodes to the same value (round trip);
//  - python_json_dumps either rejects the bytes as invalid UTF-8 or writes pure ASCII that a JSON
//    parser reads back as the same string.
// Seed corpus: fuzz/corpus/cephfs_wire/ (fuzz/seed_corpus.py builds it from the conformance cases).
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <variant>

#include "cephfs/share_fields.h"
#include "charms/storage_libs/v0/cephfs_share_validation.h"
#include "charms/storage_libs/v0/cephfs_share_wire.h"
#include "charms/storage_libs/v0/python_json.h"

namespace {

using namespace charms::storage_libs::v0;

void check(bool condition) {
  if (!condition) __builtin_trap();
}

bool one_line(std::string_view message) {
  for (char c : message) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) return false;
  }
  return !message.empty();
}

void fuzz_share_info(std::string_view input) {
  auto share = decode_share_info(input);
  if (!share.ok()) {
    check(wire_error_code(share.error()) == kInvalidShareInfo);
    return;
  }
  if (!share->has_value()) {
    check(input.empty());
    return;
  }
  auto encoded = encode_share_info(**share);
  check(encoded.ok());
  auto again = decode_share_info(*encoded);
  check(again.ok() && again->has_value() && **again == **share);
  // Validation agrees with the validated types, field by field, and a rejection is one line.
  const CephFSShareInfo& fields = **share;
  bool all_parse = cephfs::Fsid::parse(fields.fsid).ok() &&
                   cephfs::CephFsName::parse(fields.name).ok() &&
                   cephfs::SharePath::parse(fields.path).ok() && !fields.monitor_hosts.empty();
  for (const auto& monitor : fields.monitor_hosts) {
    all_parse = all_parse && cephfs::MonitorAddress::parse(monitor).ok();
  }
  auto status = validate_share_info(fields);
  check(status.ok() == all_parse);
  if (!status.ok()) {
    check(wire_error_code(status.error()) == kInvalidShareInfo);
    check(one_line(status.error().message));
  }
}

void fuzz_auth(std::string_view input) {
  auto auth = parse_auth(input);
  if (!auth.ok()) {
    const auto code = wire_error_code(auth.error());
    check(code == kInvalidAuthFormat || code == kUnknownAuthKind || code == kInvalidAuthContent ||
          code == kInvalidSecretId);
    check(code != kInvalidSecretId || !is_secret_uri(input));
    return;
  }
  if (!auth->has_value()) {
    check(input.empty());
    return;
  }
  if (const auto* reference = std::get_if<AuthSecretReference>(&**auth)) {
    check(reference->secret_id == input && is_secret_uri(input));
    return;
  }
  const auto& plain = std::get<CephFSAuthInfo>(**auth);
  auto encoded = encode_plain_auth(plain);
  check(encoded.ok());
  auto again = parse_auth(*encoded);
  check(again.ok() && again->has_value() && std::get<CephFSAuthInfo>(**again) == plain);
  auto from_secret = auth_info_from_secret_content(auth_info_to_secret_content(plain));
  check(from_secret.ok() && *from_secret == plain);
  auto status = validate_auth_info(plain);
  if (!status.ok()) {
    check(wire_error_code(status.error()) == kInvalidAuthInfo);
    check(one_line(status.error().message));
    if (plain.key.size() >= 8 && plain.username.find(plain.key) == std::string::npos) {
      check(status.error().message.find(plain.key) == std::string::npos);
    }
  } else {
    check(cephfs::CephxUser::parse(plain.username).ok());
  }
}

void fuzz_cache(std::string_view input) {
  auto cache = decode_cache(input);
  if (!cache.ok()) {
    check(wire_error_code(cache.error()) == kInvalidCache);
    return;
  }
  auto encoded = encode_cache(*cache);
  check(encoded.ok());
  auto again = decode_cache(*encoded);
  // encode_cache leaves out a `cache` key (the protocol's own key), so that is all that differs.
  auto expected = *cache;
  expected.erase(std::string(kCacheKey));
  check(again.ok() && *again == expected);
  const CacheDiff diff = diff_cache(*cache, *again);
  check(diff.added.empty() && diff.changed.empty());
  check(diff.deleted.size() == (cache->contains(std::string(kCacheKey)) ? 1u : 0u));
}

void fuzz_python_json(std::string_view input) {
  auto text = python_json_dumps(nlohmann::ordered_json(std::string(input)));
  if (!text.ok()) return;  // invalid UTF-8
  for (char c : *text) check(c >= 0x20 && c < 0x7F);
  check(nlohmann::json::parse(*text).get<std::string>() == input);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  fuzz_share_info(input);
  fuzz_auth(input);
  fuzz_cache(input);
  fuzz_python_json(input);
  return 0;
}
