#include "golden/golden_text.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <utility>

namespace juju_sim::golden {

namespace {

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  if (from.empty()) return text;
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

}  // namespace

std::string mask_addresses(const std::string& text) {
  static const std::regex ipv4(R"(\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b)");
  return std::regex_replace(text, ipv4, "<ip>");
}

std::string secret_id_of(const std::string& uri) {
  std::string id = uri;
  while (!id.empty() && (id.back() == '\n' || id.back() == ' ')) id.pop_back();
  if (auto slash = id.rfind('/'); slash != std::string::npos) return id.substr(slash + 1);
  if (auto colon = id.rfind(':'); colon != std::string::npos) return id.substr(colon + 1);
  return id;
}

SecretIdMap::SecretIdMap(std::string path) : path_(std::move(path)) {
  std::ifstream file(path_);
  if (!file) return;
  golden_to_actual_ = nlohmann::json::parse(file).get<std::map<std::string, std::string>>();
}

void SecretIdMap::learn(const std::string& golden_id, const std::string& actual_id) {
  golden_to_actual_[golden_id] = actual_id;
}

void SecretIdMap::save() const {
  std::ofstream(path_, std::ios::trunc) << nlohmann::json(golden_to_actual_).dump();
}

std::string SecretIdMap::to_actual(const std::string& text) const {
  std::string out = text;
  for (const auto& [golden_id, actual_id] : golden_to_actual_) {
    out = replace_all(out, golden_id, actual_id);
  }
  return out;
}

std::string SecretIdMap::to_golden(const std::string& text) const {
  std::string out = text;
  for (const auto& [golden_id, actual_id] : golden_to_actual_) {
    out = replace_all(out, actual_id, golden_id);
  }
  return out;
}

}  // namespace juju_sim::golden
