// StateDocument and StateStore: where the framework keeps deferred events and StoredState data
// between hook processes (docs/reference/juju-charm-contract.md §6.3).
//
// File format (JSON, one document, UTF-8), file <JUJU_CHARM_DIR>/.ops-cpp-state.json, mode 0600:
//   {"format": 1,
//    "event_count": 17,
//    "snapshots": {"charm/on/config_changed[17]": {...}, "charm/StoredStateData[_stored]": {...}},
//    "notices": [["charm/on/config_changed[17]", "charm", "config_changed/0"], ...]}
//
// Contract: save() writes a temp file in the same directory, fsyncs it and renames it over the old
// one, so a crash leaves either the old or the new document, never a mix. load() of a missing file
// gives an empty document; of a corrupt one, kCorruptState naming the file (the file is left as is
// for the operator to inspect or remove).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ops/result.h"

namespace ops {

struct Notice {
  std::string event_path;
  std::string observer_path;
  std::string method;
  friend bool operator==(const Notice&, const Notice&) = default;
};

struct StateDocument {
  long long event_count = 0;
  nlohmann::json snapshots = nlohmann::json::object();
  std::vector<Notice> notices;

  nlohmann::json to_json() const;
  static Result<StateDocument> from_json(const nlohmann::json& doc);
  friend bool operator==(const StateDocument&, const StateDocument&) = default;
};

// True when `after` must be written over `before`: its snapshots or notices differ. A document
// that differs only in event_count need not be saved (dispatch then skips the temp file, fsync
// and rename): every handle a saved document refers to is numbered at or below its own
// event_count, so numbering the next hook's events on from the saved count cannot reuse the
// handle of anything persisted. Handles of events that left no notice may repeat across hooks.
bool needs_save(const StateDocument& before, const StateDocument& after);

class StateStore {
 public:
  virtual ~StateStore() = default;
  virtual Result<StateDocument> load() = 0;
  virtual Status save(const StateDocument& doc) = 0;
};

// The JSON file store described above.
class JsonFileStateStore : public StateStore {
 public:
  explicit JsonFileStateStore(std::string path) : path_(std::move(path)) {}
  Result<StateDocument> load() override;
  Status save(const StateDocument& doc) override;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Keeps the document in memory (tests, the Scenario-style Context).
class MemoryStateStore : public StateStore {
 public:
  explicit MemoryStateStore(StateDocument doc = {}) : doc_(std::move(doc)) {}
  Result<StateDocument> load() override { return doc_; }
  Status save(const StateDocument& doc) override {
    doc_ = doc;
    return {};
  }
  const StateDocument& document() const { return doc_; }

 private:
  StateDocument doc_;
};

}  // namespace ops
