#include "user_secret_commands.h"

#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "user_secrets.h"

namespace juju_sim {

using nlohmann::json;

namespace {

// Option storage shared by the callbacks (CLI11 keeps pointers into it until parsing is over).
struct UserSecretArgs {
  std::string secret;  // NAME, or NAME|ID
  std::vector<std::string> content;
  std::vector<std::string> apps;
  std::string info, new_name, yaml_file;
};

void add_content_options(CLI::App* command, UserSecretArgs& args) {
  command->add_option("content", args.content,
                      "key=value, key#base64=value, or key#file=PATH (keeps the value off argv)");
  command->add_option("--file", args.yaml_file, "a YAML file of key: value pairs");
}

}  // namespace

void add_user_secret_commands(CLI::App& app, const std::function<Database&()>& open) {
  auto args = std::make_shared<UserSecretArgs>();
  const std::string group = "User secrets (juju add-secret & co, Juju 3.3+)";

  auto* add = app.add_subcommand("add-secret", "add a model-owned user secret; prints its URI");
  add->group(group);
  add->add_option("name", args->secret, "secret name (unique in the model)")->required();
  add_content_options(add, *args);
  add->add_option("--info", args->info, "the secret description");
  add->footer(
      "Then `grant-secret NAME APP` and pass the URI in a `type: secret` config option. Units of "
      "granted applications read it with secret-get (others: `permission denied`); "
      "update-secret queues secret-changed on units tracking an older revision; charms cannot "
      "change it.");
  add->callback([args, open] {
    Database& db = open();
    json content = user_secret_content(args->content, args->yaml_file);
    Transaction tx(db);
    std::string xid = add_user_secret(db, args->secret, content, args->info);
    tx.commit();
    std::cout << "secret:" << xid << "\n";
  });

  auto* update = app.add_subcommand(
      "update-secret", "new content (a new revision), description or name of a user secret");
  update->group(group);
  update->add_option("secret", args->secret, "secret name or ID")->required();
  add_content_options(update, *args);
  auto* info = update->add_option("--info", args->info, "the secret description");
  auto* name = update->add_option("--name", args->new_name, "the new secret name");
  update->callback([args, open, info, name] {
    Database& db = open();
    std::optional<json> content;
    if (!args->content.empty() || !args->yaml_file.empty()) {
      content = user_secret_content(args->content, args->yaml_file);
    }
    Transaction tx(db);
    std::string xid = resolve_user_secret(db, args->secret);
    update_user_secret(db, xid, content,
                       info->count() ? std::optional<std::string>(args->info) : std::nullopt,
                       name->count() ? std::optional<std::string>(args->new_name) : std::nullopt);
    tx.commit();
  });

  auto* grant = app.add_subcommand("grant-secret", "let applications read a user secret");
  grant->group(group);
  grant->add_option("secret", args->secret, "secret name or ID")->required();
  grant->add_option("applications", args->apps, "APP[,APP...]")->required()->delimiter(',');
  grant->callback([args, open] {
    Database& db = open();
    Transaction tx(db);
    grant_user_secret(db, resolve_user_secret(db, args->secret), args->apps);
    tx.commit();
  });

  auto* revoke = app.add_subcommand("revoke-secret", "take back applications' read access");
  revoke->group(group);
  revoke->add_option("secret", args->secret, "secret name or ID")->required();
  revoke->add_option("applications", args->apps, "APP[,APP...]")->required()->delimiter(',');
  revoke->callback([args, open] {
    Database& db = open();
    Transaction tx(db);
    revoke_user_secret(db, resolve_user_secret(db, args->secret), args->apps);
    tx.commit();
  });

  auto* remove = app.add_subcommand("remove-secret", "remove a user secret and all revisions");
  remove->group(group);
  remove->add_option("secret", args->secret, "secret name or ID")->required();
  remove->callback([args, open] {
    Database& db = open();
    Transaction tx(db);
    remove_user_secret(db, resolve_user_secret(db, args->secret));
    tx.commit();
  });
}

}  // namespace juju_sim
