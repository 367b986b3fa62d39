#include "ops/state_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace ops {
namespace {

constexpr int kFormat = 1;

Error io_error(const std::string& what, const std::string& path) {
  return Error{ErrorCode::kIoError, what + " " + path + ": " + std::strerror(errno)};
}

}  // namespace

nlohmann::json StateDocument::to_json() const {
  nlohmann::json notices_json = nlohmann::json::array();
  for (const auto& n : notices) {
    notices_json.push_back({n.event_path, n.observer_path, n.method});
  }
  return {{"format", kFormat},
          {"event_count", event_count},
          {"snapshots", snapshots},
          {"notices", notices_json}};
}

Result<StateDocument> StateDocument::from_json(const nlohmann::json& doc) {
  auto bad = [](const std::string& what) {
    return Error{ErrorCode::kCorruptState, "state document: " + what};
  };
  if (!doc.is_object()) return bad("not a JSON object");
  // find, not value(): value() throws on a "format" that is not a number.
  const auto format = doc.find("format");
  if (format == doc.end() || !format->is_number_integer() || format->get<long long>() != kFormat) {
    return bad("unknown format (expected 1)");
  }
  StateDocument out;
  auto count = doc.find("event_count");
  if (count == doc.end() || !count->is_number_integer()) return bad("event_count missing");
  out.event_count = count->get<long long>();
  auto snapshots = doc.find("snapshots");
  if (snapshots == doc.end() || !snapshots->is_object()) return bad("snapshots missing");
  out.snapshots = *snapshots;
  auto notices = doc.find("notices");
  if (notices == doc.end() || !notices->is_array()) return bad("notices missing");
  for (const auto& n : *notices) {
    if (!n.is_array() || n.size() != 3 || !n[0].is_string() || !n[1].is_string() ||
        !n[2].is_string()) {
      return bad("a notice is not [event_path, observer_path, method]");
    }
    out.notices.push_back(
        {n[0].get<std::string>(), n[1].get<std::string>(), n[2].get<std::string>()});
  }
  return out;
}

bool needs_save(const StateDocument& before, const StateDocument& after) {
  return before.snapshots != after.snapshots || before.notices != after.notices;
}

Result<StateDocument> JsonFileStateStore::load() {
  std::ifstream in(path_, std::ios::binary);
  if (!in) {
    if (errno == ENOENT) return StateDocument{};
    return io_error("cannot read state file", path_);
  }
  std::ostringstream text;
  text << in.rdbuf();
  auto doc = nlohmann::json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    return Error{ErrorCode::kCorruptState,
                 "state file " + path_ +
                     " is not valid JSON; move it aside to start with empty state (deferred "
                     "events and stored state in it are lost)"};
  }
  auto parsed = StateDocument::from_json(doc);
  if (!parsed) {
    return Error{ErrorCode::kCorruptState, "state file " + path_ + ": " + parsed.error().message +
                                               "; move it aside to start with empty state"};
  }
  return parsed;
}

Status JsonFileStateStore::save(const StateDocument& doc) {
  const std::string text = doc.to_json().dump();
  const std::string tmp = path_ + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return io_error("cannot create", tmp);
  std::size_t written = 0;
  while (written < text.size()) {
    ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      auto err = io_error("cannot write", tmp);
      ::close(fd);
      ::unlink(tmp.c_str());
      return err;
    }
    written += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) {
    auto err = io_error("cannot fsync", tmp);
    ::close(fd);
    ::unlink(tmp.c_str());
    return err;
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path_.c_str()) != 0) {
    auto err = io_error("cannot rename state file into", path_);
    ::unlink(tmp.c_str());
    return err;
  }
  return {};
}

}  // namespace ops
