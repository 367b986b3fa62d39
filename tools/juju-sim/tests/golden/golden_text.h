// Text helpers shared by the golden replay test and its puppet charm.
//
// The golden traces (/work/shared/conformance/golden) were recorded by another fake Juju: unit
// addresses and secret ids differ from juju-sim's. These helpers make the two comparable:
// - mask_addresses() replaces every dotted IPv4 address by "<ip>" (addresses are not compared);
// - SecretIdMap remembers which juju-sim secret id stands for which golden one, learnt when the
//   puppet replays `secret-add`, and rewrites text in either direction. It lives in a small JSON
//   file shared by all units of a replay, so every unit translates the same way.
#pragma once

#include <map>
#include <string>

namespace juju_sim::golden {

std::string mask_addresses(const std::string& text);

// The bare id at the end of a secret URI (`secret://<uuid>/<id>`, `secret:<id>` or `<id>`),
// without a trailing newline.
std::string secret_id_of(const std::string& uri);

class SecretIdMap {
 public:
  // Loads `path` when it exists; an absent file is an empty map.
  explicit SecretIdMap(std::string path);

  void learn(const std::string& golden_id, const std::string& actual_id);
  void save() const;

  // Replaces every known golden id by its juju-sim id (to_actual) or the reverse (to_golden).
  std::string to_actual(const std::string& text) const;
  std::string to_golden(const std::string& text) const;

 private:
  std::string path_;
  std::map<std::string, std::string> golden_to_actual_;
};

}  // namespace juju_sim::golden
