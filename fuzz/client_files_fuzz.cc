// libFuzzer target over the whole path from a provider's data to the files cephfs-client writes
// as root: `share_info`, `auth`, the credentials secret's content and the client's options go
// through the library (decode_share_info, parse_auth, auth_info_from_secret_content), the
// client's configuration (parse_client_config), the mount plan (make_mount_plan, both methods)
// and every renderer (unit, fstab entry, ceph.conf, keyring, secret file) and the direct mount
// argv. For every input it asserts:
//  - a rejection is an error value with a non-empty message without control bytes (statuses and
//    logs are one line) and without the key;
//  - an accepted plan renders every file; each parses back (tests/file_parsers.h, read the way
//    systemd, Ceph and mount read them) to exactly the intended key -> value map, with one fstab
//    entry whose options are exactly the plan's; no rendered byte is a control byte other than
//    '\n' and '\t'; the key is only in the keyring / secret file; the stored record round-trips.
//
// Input: fields separated by the byte 0x1e (record separator):
//   share_info \x1e auth \x1e secret content (JSON object of strings) \x1e mountpoint \x1e flags
// Missing trailing fields are empty; an empty mountpoint means "/srv/data". Seeds:
// fuzz/corpus/client_files/ (fuzz/seed_corpus.py), including the NUL-in-IPv6 regression.
#include <cstddef>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "charms/storage_libs/v0/cephfs_share_wire.h"
#include "client_config.h"
#include "file_parsers.h"
#include "mount_files.h"
#include "mount_plan.h"
#include "system_mount_manager.h"

namespace {

namespace v0 = charms::storage_libs::v0;
using cephfs_client::testing::KeyValues;

void check(bool condition) {
  if (!condition) __builtin_trap();
}

std::vector<std::string_view> split_fields(std::string_view input) {
  std::vector<std::string_view> fields;
  while (fields.size() < 4) {
    const std::size_t separator = input.find('\x1e');
    if (separator == std::string_view::npos) break;
    fields.push_back(input.substr(0, separator));
    input.remove_prefix(separator + 1);
  }
  fields.push_back(input);
  fields.resize(5);
  return fields;
}

bool one_line(std::string_view message) {
  for (char c : message) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) return false;
  }
  return !message.empty();
}

// A rejection: a clear one-line message that does not leak the key. `elsewhere` is what the
// message may legitimately quote (the other fields): a key that is also one of them is no leak.
void check_rejection(const ops::Error& error, std::string_view key,
                     std::string_view elsewhere = {}) {
  check(one_line(error.message));
  if (key.size() >= 8 && elsewhere.find(key) == std::string_view::npos) {
    check(error.message.find(key) == std::string::npos);
  }
}

bool only_text_bytes(std::string_view text) {
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if ((byte < 0x20 && c != '\n' && c != '\t') || byte == 0x7f) return false;
  }
  return true;
}

std::string joined(const std::vector<std::string>& options) {
  std::string out;
  for (const auto& option : options) out += (out.empty() ? "" : ",") + option;
  return out;
}

void check_files(const cephfs_client::MountPlan& plan, const std::string& key) {
  using namespace cephfs_client;
  auto unit = render_mount_unit(plan);
  auto fstab = render_fstab_entry(plan);
  check(unit.ok() && fstab.ok());
  check(only_text_bytes(*unit) && only_text_bytes(*fstab));
  check(unit->find(key) == std::string::npos && fstab->find(key) == std::string::npos);
  const KeyValues unit_fields = {
      {"Unit/Description", "CephFS share " + plan.share() + " (cephfs-client)"},
      {"Unit/After", "network-online.target"},
      {"Unit/Wants", "network-online.target"},
      {"Mount/What", plan.source()},
      {"Mount/Where", plan.mountpoint},
      {"Mount/Type", plan.fs_type()},
      {"Mount/Options", joined(plan.mount_options())},
      {"Install/WantedBy", "remote-fs.target"}};
  check(testing::parse_unit_file(*unit) == unit_fields);
  check(testing::split_options(unit_fields.at("Mount/Options")) == plan.mount_options());
  auto entries = testing::parse_fstab(*fstab);
  check(entries && entries->size() == 1);
  const std::vector<std::string> expected_entry = {
      plan.source(), plan.mountpoint, plan.fs_type(), joined(plan.mount_options()), "0", "0"};
  check(entries->front() == expected_entry);

  if (plan.method == MountMethod::kFuse) {
    auto conf = render_ceph_conf(plan);
    auto keyring = render_keyring(plan, key);
    check(conf.ok() && keyring.ok());
    check(only_text_bytes(*conf) && only_text_bytes(*keyring));
    check(conf->find(key) == std::string::npos);
    check(testing::parse_ceph_conf(*conf) ==
          KeyValues{{"global/fsid", plan.fsid.str()}, {"global/mon_host", plan.conf_mon_host()}});
    check(testing::parse_ceph_conf(*keyring) ==
          KeyValues{{"client." + plan.user.str() + "/key", key}});
  } else {
    auto secret = render_secret_file(key);
    check(secret.ok() && *secret == key + "\n");
  }
  for (const auto& argument : direct_mount_command(plan)) {
    check(one_line(argument) && argument.find(key) == std::string::npos);
  }
  auto stored = MountPlan::from_json(plan.to_json());
  check(stored.ok() && *stored == plan);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto fields = split_fields(std::string_view(reinterpret_cast<const char*>(data), size));

  auto share = v0::decode_share_info(fields[0]);
  if (!share) {
    check(v0::wire_error_code(share.error()) == v0::kInvalidShareInfo);
    check_rejection(share.error(), "");
    return 0;
  }
  auto auth_value = v0::parse_auth(fields[1]);
  if (!auth_value) {
    check_rejection(auth_value.error(), "");
    return 0;
  }
  if (!*share || !*auth_value) return 0;
  v0::CephFSAuthInfo auth;
  if (const auto* plain = std::get_if<v0::CephFSAuthInfo>(&**auth_value)) {
    auth = *plain;
  } else {
    // The secret's content as secret-get would deliver it: a JSON object of strings.
    const auto content = nlohmann::json::parse(fields[2], nullptr, /*allow_exceptions=*/false);
    if (!content.is_object()) return 0;
    std::map<std::string, std::string> values;
    for (const auto& [name, value] : content.items()) {
      if (!value.is_string()) return 0;
      values[name] = value.get<std::string>();
    }
    auto from_secret = v0::auth_info_from_secret_content(values);
    if (!from_secret) {
      check_rejection(from_secret.error(), "");
      return 0;
    }
    auth = *from_secret;
  }

  const std::string flags(fields[4]);
  nlohmann::json options = {
      {"mountpoint", fields[3].empty() ? std::string("/srv/data") : std::string(fields[3])}};
  for (std::size_t i = 0; i < flags.size() && i < 4; ++i) {
    static constexpr const char* kNames[] = {"noexec", "nosuid", "nodev", "read-only"};
    options[kNames[i]] = (flags[i] & 1) != 0;
  }
  auto config = cephfs_client::parse_client_config(options);
  if (!config) {
    check_rejection(config.error(), "");
    return 0;
  }
  for (auto method : {cephfs_client::MountMethod::kKernel, cephfs_client::MountMethod::kFuse}) {
    auto plan = cephfs_client::make_mount_plan(*config, method, **share, auth, "cephfs-client", 7);
    if (!plan) {
      // Differential: a key text that also shows with another key in its place is the message's
      // own words (or another field's), not a leak.
      v0::CephFSAuthInfo other = auth;
      other.key = "AQBzj2ZmAAAAABAAqKSvBUL2O/Hy2RRs4KeyVw==";
      auto with_other =
          cephfs_client::make_mount_plan(*config, method, **share, other, "cephfs-client", 7);
      const std::string others = std::string(fields[0]) + '\x1e' + auth.username + '\x1e' +
                                 std::string(fields[3]) + '\x1e' +
                                 (with_other ? std::string() : with_other.error().message);
      check_rejection(plan.error(), auth.key, others);
      continue;
    }
    check_files(*plan, auth.key);
  }
  return 0;
}
