// HelloCharm: the sample charm of the C++ ops runtime (see examples/sample-charm/charmcraft.yaml).
//
//  - config-changed / start: blocked "name is not set" until `name` is set, then active.
//  - greeting-relation-joined/changed (provider side): the leader publishes
//    {"greeting": "<greeting> from <name>"} in its app bag; deferred until `name` is set.
//  - greeter-relation-changed (requirer side): shows the received greeting in the unit status and
//    acknowledges it in its own unit bag ("ack"); counts greetings in stored state.
//  - action greet(who): returns {"message": "<greeting>, <who>!"}.
#pragma once

#include "ops/charm.h"
#include "ops/stored_state.h"

namespace hello {

class HelloCharm : public ops::CharmBase {
 public:
  explicit HelloCharm(ops::Framework& framework);

  void on_config_changed(ops::EventBase& event);
  void on_greeting_relation(ops::RelationEvent& event);
  void on_greeter_changed(ops::RelationChangedEvent& event);
  void on_greet_action(ops::ActionEvent& event);

 private:
  // Publishes the greeting on every greeting relation; false when `name` is not set yet.
  bool publish();

  ops::StoredState stored_{*this};
};

}  // namespace hello
