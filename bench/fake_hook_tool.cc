// bench-fake-hook-tool: a minimal stand-in for Juju's hook tools, for the per-event benchmarks
// (bench/charm_events_bench.cc). One binary; the tool is chosen by argv[0]'s file name, so the
// benchmark puts symlinks named relation-get, config-get, ... to it on the charm's PATH.
//
// Contract: the model lives in one JSON file, $BENCH_WORLD:
//   {"leader": bool, "configs": {<app>: {...}}, "action": {...params},
//    "relations": [{"endpoint": e, "id": n, "units": {<app>: [<unit>...], <other app>: [...]},
//                   "data": {<unit or app name>: {key: value}}}],
//    "secrets": [{"id": "secret:<xid>", "label": l, "owner": "app"|"unit"|"",
//                 "revision": n, "content": {key: value}}]}
// Reading tools answer from it in the format ProcessBackend parses (--format=json); writing
// tools (relation-set, secret-add/-set/-remove) write it back, so that a chain of hooks sees what
// the earlier ones wrote (the benchmark restores a snapshot before each timed run). status-set,
// juju-log, action-set and the like only succeed. A relation has the same id and endpoint name on
// both sides (true of cephfs-share); the remote application is the one in "units" that is not
// the calling unit's (a peer relation lists only its own application). When $BENCH_TOOL_LOG is set,
// each call appends
// "<tool> <args>" to it (argument values after key#file= are not copied). Errors: exit 1 and a
// message on stderr in Juju's wording where ProcessBackend looks at it ("relation not found",
// "secret not found"). Not a model of Juju's permissions: any unit may read and write anything.
#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "ops/secret_id.h"

namespace {

using json = nlohmann::json;

std::string env(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr ? value : "";
}

int fail(const std::string& message) {
  std::fprintf(stderr, "ERROR %s\n", message.c_str());
  return 1;
}

std::string slurp(std::istream& in) {
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The value after `flag`, or "".
std::string option(const std::vector<std::string>& args, const std::string& flag) {
  for (std::size_t i = 0; i + 1 < args.size(); ++i) {
    if (args[i] == flag) return args[i + 1];
  }
  return "";
}

bool has(const std::vector<std::string>& args, const std::string& flag) {
  for (const auto& a : args) {
    if (a == flag) return true;
  }
  return false;
}

// The first argument that is not a flag nor a flag's value (flags with values listed).
std::string positional(const std::vector<std::string>& args) {
  static const std::vector<std::string> with_value = {"-r",         "--label",  "--description",
                                                      "--expire",   "--rotate", "--owner",
                                                      "--relation", "--unit",   "--revision"};
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--" && i + 1 < args.size()) return args[i + 1];
    if (a.starts_with("-")) {
      for (const auto& f : with_value) {
        if (a == f) ++i;
      }
      continue;
    }
    return a;
  }
  return "";
}

std::string xid(const std::string& id) {
  return std::string(ops::SecretId::unique_identifier_of(id).value_or(id));
}

json* find_relation(json& world, const std::string& arg) {  // "<endpoint>:<id>"
  const auto colon = arg.rfind(':');
  const int id = colon == std::string::npos ? -1 : std::atoi(arg.c_str() + colon + 1);
  for (auto& r : world["relations"]) {
    if (r.value("id", -2) == id) return &r;
  }
  return nullptr;
}

json* find_secret(json& world, const std::string& id, const std::string& label) {
  for (auto& s : world["secrets"]) {
    if (!id.empty() && xid(s.value("id", "")) == xid(id)) return &s;
    if (id.empty() && !label.empty() && s.value("label", "") == label) return &s;
  }
  return nullptr;
}

// key#file=path arguments -> content.
json file_content(const std::vector<std::string>& args) {
  json content = json::object();
  for (const auto& a : args) {
    const auto mark = a.find("#file=");
    if (mark == std::string::npos) continue;
    std::ifstream in(a.substr(mark + 6));
    content[a.substr(0, mark)] = slurp(in);
  }
  return content;
}

int run(const std::string& tool, const std::vector<std::string>& args) {
  const std::string world_path = env("BENCH_WORLD");
  std::ifstream world_in(world_path);
  if (!world_in) return fail("BENCH_WORLD not readable: " + world_path);
  json world = json::parse(world_in);
  const std::string unit = env("JUJU_UNIT_NAME");
  const std::string app = unit.substr(0, unit.find('/'));
  bool changed = false;

  if (tool == "is-leader") {
    std::cout << (world.value("leader", false) ? "true" : "false") << "\n";
  } else if (tool == "config-get") {
    const json& configs = world["configs"];
    std::cout << (configs.contains(app) ? configs[app] : json::object()).dump() << "\n";
  } else if (tool == "action-get") {
    std::cout << world.value("action", json::object()).dump() << "\n";
  } else if (tool == "relation-ids") {
    json ids = json::array();
    const std::string endpoint = positional(args);
    for (const auto& r : world["relations"]) {
      if (r.value("endpoint", "") == endpoint && r["units"].contains(app))
        ids.push_back(endpoint + ":" + std::to_string(r.value("id", 0)));
    }
    std::cout << ids.dump() << "\n";
  } else if (tool == "relation-list" || tool == "relation-get" || tool == "relation-set") {
    json* r = find_relation(world, option(args, "-r"));
    if (r == nullptr) return fail("relation not found");
    if (tool == "relation-list") {
      std::string remote = app;
      json units = json::array();
      for (const auto& [name, members] : (*r)["units"].items()) {
        if (name != app || (*r)["units"].size() == 1) remote = name;
      }
      for (const auto& u : (*r)["units"][remote]) {
        if (u != unit) units.push_back(u);
      }
      std::cout << (has(args, "--app") ? json(remote) : units).dump() << "\n";
    } else if (tool == "relation-get") {
      const std::string member = args.back();
      json& data = (*r)["data"];
      std::cout << (data.contains(member) ? data[member] : json::object()).dump() << "\n";
    } else {
      json& bag = (*r)["data"][has(args, "--app") ? app : unit];
      if (bag.is_null()) bag = json::object();
      const json input = json::parse(slurp(std::cin));
      for (const auto& [key, value] : input.items()) {
        if (value.get<std::string>().empty()) {
          bag.erase(key);
        } else {
          bag[key] = value;
        }
      }
      changed = true;
    }
  } else if (tool == "status-get") {
    const json unit_status = {{"status", "unknown"}, {"message", ""}, {"status-data", {}}};
    std::cout << (has(args, "--application=true")
                      ? json{{"application-status", unit_status}, {"units", json::object()}}
                      : unit_status)
                     .dump()
              << "\n";
  } else if (tool == "secret-get" || tool == "secret-info-get") {
    json* s = find_secret(world, positional(args), option(args, "--label"));
    if (s == nullptr) return fail("secret not found");
    if (tool == "secret-get") {
      std::cout << (*s)["content"].dump() << "\n";
    } else {
      json info = {{"revision", s->value("revision", 1)}, {"owner", s->value("owner", "")}};
      if (s->contains("label")) info["label"] = (*s)["label"];
      std::cout << json{{xid((*s)["id"]), info}}.dump() << "\n";
    }
  } else if (tool == "secret-ids") {
    json ids = json::array();
    for (const auto& s : world["secrets"]) {
      if (!s.value("owner", "").empty()) ids.push_back(s["id"]);
    }
    std::cout << ids.dump() << "\n";
  } else if (tool == "secret-add") {
    // As Juju 3 prints it: secret://<model-uuid>/<xid>.
    const char* uuid = std::getenv("JUJU_MODEL_UUID");
    const std::string id = fmt::format("secret://{}/bench{}0000000000000000",
                                       uuid != nullptr && *uuid != '\0' ? uuid : "bench-model",
                                       world["secrets"].size());
    json secret = {{"id", id},
                   {"owner", option(args, "--owner")},
                   {"revision", 1},
                   {"content", file_content(args)}};
    if (const auto label = option(args, "--label"); !label.empty()) secret["label"] = label;
    world["secrets"].push_back(secret);
    std::cout << id << "\n";
    changed = true;
  } else if (tool == "secret-set" || tool == "secret-remove") {
    json* s = find_secret(world, positional(args), "");
    if (s == nullptr) return fail("secret not found");
    if (tool == "secret-remove") {
      auto& all = world["secrets"];
      for (auto it = all.begin(); it != all.end(); ++it) {
        if (&*it == s) {
          all.erase(it);
          break;
        }
      }
    } else {
      if (json content = file_content(args); !content.empty()) {
        (*s)["content"] = content;
        (*s)["revision"] = s->value("revision", 1) + 1;
      }
      if (const auto label = option(args, "--label"); !label.empty()) (*s)["label"] = label;
    }
    changed = true;
  } else if (tool == "secret-grant" || tool == "secret-revoke" || tool == "status-set" ||
             tool == "juju-log" || tool == "application-version-set" || tool == "action-set" ||
             tool == "action-log" || tool == "action-fail" || tool == "open-port" ||
             tool == "close-port") {
    // accepted, no effect on the world
  } else {
    return fail(tool + ": not implemented by bench-fake-hook-tool");
  }
  if (changed) {
    const std::string tmp = world_path + ".tmp";
    std::ofstream(tmp, std::ios::trunc) << world.dump();
    std::rename(tmp.c_str(), world_path.c_str());
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string tool = argv[0];
  if (const auto slash = tool.rfind('/'); slash != std::string::npos) tool = tool.substr(slash + 1);
  std::vector<std::string> args(argv + 1, argv + argc);
  if (const std::string log = env("BENCH_TOOL_LOG"); !log.empty()) {
    std::string line = tool;
    for (const auto& a : args) {
      const auto mark = a.find("#file=");
      line += " " + (mark == std::string::npos ? a : a.substr(0, mark) + "#file=...");
    }
    std::ofstream(log, std::ios::app) << line << "\n";
  }
  try {
    return run(tool, args);
  } catch (const std::exception& e) {
    return fail(tool + ": " + e.what());
  }
}
