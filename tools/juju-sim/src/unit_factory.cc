#include "unit_factory.h"

#include <fmt/format.h>

#include <filesystem>

#include "model_store.h"

namespace juju_sim {

namespace fs = std::filesystem;

std::string create_unit(Database& db, const ModelPaths& paths, const std::string& app,
                        const std::string& principal) {
  std::int64_t number = std::stoll(app_text(db, app, "next_unit"));
  std::string name = fmt::format("{}/{}", app, number);
  db.prepare("UPDATE apps SET next_unit = ? WHERE name = ?").bind(1, number + 1).bind(2, app).run();
  std::string machine = principal.empty() ? std::to_string(next_counter(db, "next_machine"))
                                          : require_unit(db, principal).machine;
  std::string charm_dir = paths.unit_charm_dir(name);
  std::error_code ec;
  fs::remove_all(paths.unit_dir(name), ec);
  fs::create_directories(paths.unit_dir(name));
  fs::copy(app_text(db, app, "charm_dir"), charm_dir,
           fs::copy_options::recursive | fs::copy_options::copy_symlinks);

  db.prepare(
        "INSERT INTO units(name, app, seq, machine, principal, charm_dir) "
        "VALUES (?, ?, ?, ?, ?, ?)")
      .bind(1, name)
      .bind(2, app)
      .bind(3, next_counter(db, "next_unit_seq"))
      .bind(4, machine)
      .bind(5, principal)
      .bind(6, charm_dir)
      .run();
  bool leader = !db.query_text("SELECT leader FROM apps WHERE name = ?", app).has_value();
  if (leader)
    db.prepare("UPDATE apps SET leader = ? WHERE name = ?").bind(1, name).bind(2, app).run();
  enqueue_hook(db, name, "install");
  enqueue_hook(db, name, leader ? "leader-elected" : "leader-settings-changed");
  enqueue_hook(db, name, "config-changed");
  enqueue_hook(db, name, "start");

  for (const RelationInfo& relation : relations_of_app(db, app)) {
    if (relation.life != "alive") continue;
    const std::string& other = relation.remote_app_of(app);
    bool other_is_subordinate = !relation.is_peer() && app_text(db, other, "subordinate") == "1";
    if (relation.is_container() && !principal.empty() && other != app &&
        other != require_unit(db, principal).app) {
      continue;  // a subordinate only joins container relations with its own principal
    }
    add_relation_unit(db, relation.id, name);
    if (relation.is_container() && other_is_subordinate && principal.empty()) {
      std::string sub = create_unit(db, paths, other, name);
      add_relation_unit(db, relation.id, sub);
    }
  }
  return name;
}

}  // namespace juju_sim
