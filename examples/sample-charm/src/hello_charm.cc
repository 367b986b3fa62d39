#include "hello_charm.h"

#include "ops/log.h"

namespace hello {

HelloCharm::HelloCharm(ops::Framework& framework) : CharmBase(framework) {
  stored_.set_default("greetings_received", 0);
  framework.observe(on.config_changed, this, &HelloCharm::on_config_changed);
  framework.observe(on.start, this, &HelloCharm::on_config_changed);
  framework.observe(on.relation_joined("greeting"), this, &HelloCharm::on_greeting_relation);
  framework.observe(on.relation_changed("greeting"), this, &HelloCharm::on_greeting_relation);
  framework.observe(on.relation_changed("greeter"), this, &HelloCharm::on_greeter_changed);
  framework.observe(on.action("greet"), this, &HelloCharm::on_greet_action);
}

bool HelloCharm::publish() {
  auto name = config().get<std::string>("name");
  if (!name || name->empty()) return false;
  if (!unit().is_leader()) return true;
  const std::string greeting = config().get<std::string>("greeting").value_or("hello");
  for (ops::Relation* relation : model().relations["greeting"]) {
    relation->data[app()].update({{"greeting", greeting + " from " + *name}});
  }
  return true;
}

void HelloCharm::on_config_changed(ops::EventBase& /*event*/) {
  if (!publish()) {
    unit().set_status(
        ops::BlockedStatus("name is not set: juju config " + app().name + " name=<who>"));
    return;
  }
  unit().set_status(ops::ActiveStatus());
}

void HelloCharm::on_greeting_relation(ops::RelationEvent& event) {
  if (!publish()) {
    ops::log::info("deferring {}: config option 'name' is not set", event.handle_path());
    event.defer();
  }
}

void HelloCharm::on_greeter_changed(ops::RelationChangedEvent& event) {
  if (event.app == nullptr) return;
  auto greeting = event.relation->data[*event.app].get("greeting");
  if (!greeting) {
    unit().set_status(ops::WaitingStatus("waiting for a greeting"));
    return;
  }
  auto& own = event.relation->data[unit()];
  if (own.get("ack") != greeting) {
    own.set("ack", *greeting);
    stored_["greetings_received"] = stored_["greetings_received"].get<int>() + 1;
  }
  unit().set_status(ops::ActiveStatus("received: " + *greeting));
}

void HelloCharm::on_greet_action(ops::ActionEvent& event) {
  const auto& params = event.params();
  auto who = params.value("who", std::string());
  if (who.empty()) {
    event.fail("parameter 'who' must not be empty");
    return;
  }
  const std::string greeting = config().get<std::string>("greeting").value_or("hello");
  event.set_results({{"message", greeting + ", " + who + "!"}});
}

}  // namespace hello
