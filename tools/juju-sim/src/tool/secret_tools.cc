#include "tool/secret_tools.h"

#include <fmt/format.h>

#include <set>

#include "secret_store.h"
#include "sim_error.h"
#include "staged_ops.h"

namespace juju_sim {

using nlohmann::json;

namespace {

const std::set<std::string> kRotatePolicies = {"never",   "hourly",    "daily", "weekly",
                                               "monthly", "quarterly", "yearly"};

std::vector<FlagSpec> metadata_flags() {
  return {{{"label"}, true},  {{"description"}, true}, {{"expire"}, true},
          {{"rotate"}, true}, {{"owner"}, true},       {{"file"}, true}};
}

json metadata_from(const ToolArgs& args) {
  json out = json::object();
  for (const char* field : {"label", "description", "expire", "rotate"}) {
    if (args.has(field)) out[field] = args.value(field);
  }
  if (out.contains("rotate") && !kRotatePolicies.count(out["rotate"])) {
    throw usage_error(
        fmt::format("invalid rotate policy \"{}\"", out["rotate"].get<std::string>()));
  }
  std::string owner = args.value("owner", "application");
  if (owner != "application" && owner != "unit") {
    throw usage_error(fmt::format("secret owner \"{}\" not valid", owner));
  }
  return out;
}

json content_from(const std::vector<std::string>& items, size_t first) {
  json content = json::object();
  for (size_t i = first; i < items.size(); ++i) parse_secret_content_arg(items[i], content);
  return content;
}

// The secret a management call names, checked for ownership and leadership.
SecretInfo managed_secret(ToolContext& ctx, const std::string& xid) {
  auto secret = find_secret(*ctx.db, xid);
  if (!secret || !owns_secret(*secret, ctx.unit)) {
    throw runtime_error(fmt::format("secret \"{}\" not found", xid));
  }
  if (secret->owner_kind == "application" && !is_leader(*ctx.db, ctx.unit.name)) {
    throw runtime_error("permission denied");
  }
  return *secret;
}

std::string xid_from(ToolContext& ctx, const ToolArgs& args, bool label_allowed) {
  if (!args.positional().empty()) return parse_secret_ref(args.positional()[0]);
  if (label_allowed && args.has("label")) {
    auto xid = secret_by_label(*ctx.db, ctx.unit, args.value("label"));
    if (!xid)
      throw runtime_error(fmt::format("secret with label \"{}\" not found", args.value("label")));
    return *xid;
  }
  throw usage_error("missing secret URI");
}

}  // namespace

void secret_add_tool(ToolContext& ctx, const std::vector<std::string>& argv) {
  ToolArgs args(argv, metadata_flags());
  json fields = metadata_from(args);
  json content = content_from(args.positional(), 0);
  if (content.empty()) throw usage_error("missing secret value or filename");
  std::string owner_kind = args.value("owner", "application") == "unit" ? "unit" : "application";
  if (owner_kind == "application" && !is_leader(*ctx.db, ctx.unit.name)) {
    throw runtime_error("permission denied");
  }
  std::string label = fields.value("label", "");
  if (!label.empty()) {
    OverlayView view(*ctx.db, ctx.context_id);
    if (secret_by_label(*ctx.db, ctx.unit, label)) {
      throw runtime_error(fmt::format("secret with label \"{}\" already exists", label));
    }
  }
  std::string xid = fmt::format("jujusim{:013d}", next_counter(*ctx.db, "next_secret") + 1);
  json op = {{"op", "secret-add"},
             {"xid", xid},
             {"owner_kind", owner_kind},
             {"owner", owner_kind == "unit" ? ctx.unit.name : ctx.unit.app},
             {"content", content}};
  op.update(fields);
  stage_op(*ctx.db, ctx.context_id, op);
  ctx.out = secret_uri(*ctx.db, xid) + "\n";
}

void secret_get_tool(ToolContext& ctx, const std::vector<std::string>& argv) {
  ToolArgs args(argv, with_format({{{"label"}, true}, {{"peek"}, false}, {{"refresh"}, false}}));
  args.max_positional(2);
  bool peek = args.flag("peek"), refresh = args.flag("refresh");
  if (peek && refresh) throw usage_error("specify one of --peek or --refresh but not both");
  std::string label = args.value("label");
  std::string key;
  bool by_uri = false;
  std::optional<std::string> xid;
  std::vector<std::string> rest = args.positional();
  if (!rest.empty()) {
    try {
      xid = parse_secret_ref(rest[0]);
      by_uri = true;
      rest.erase(rest.begin());
    } catch (const SimError&) {
      if (label.empty()) throw;
    }
  }
  if (!rest.empty()) key = rest[0];
  if (!xid && label.empty()) throw usage_error("require either a secret URI or label");

  std::vector<json> ops;
  json content;
  {
    OverlayView view(*ctx.db, ctx.context_id);
    if (!xid) {
      xid = secret_by_label(*ctx.db, ctx.unit, label);
      if (!xid) throw runtime_error(fmt::format("consumer label \"{}\" not found", label));
    }
    auto secret = find_secret(*ctx.db, *xid);
    if (!secret) throw runtime_error(fmt::format("secret \"{}\" not found", *xid));
    bool owner = owns_secret(*secret, ctx.unit);
    if (!owner && !secret_granted_to(*ctx.db, *xid, ctx.unit)) {
      throw runtime_error("permission denied");
    }
    auto tracked = tracked_revision(*ctx.db, *xid, ctx.unit.name);
    std::int64_t revision = (peek || refresh || !tracked) ? secret->latest : *tracked;
    if (!peek && (!tracked || *tracked != revision)) {
      ops.push_back(
          {{"op", "secret-track"}, {"xid", *xid}, {"unit", ctx.unit.name}, {"revision", revision}});
    }
    if (!owner && !label.empty() && by_uri &&
        consumer_label(*ctx.db, *xid, ctx.unit.name) != label) {
      ops.push_back(
          {{"op", "secret-label"}, {"xid", *xid}, {"unit", ctx.unit.name}, {"label", label}});
    }
    content = revision_content(*ctx.db, *xid, revision);
  }
  for (const json& op : ops) stage_op(*ctx.db, ctx.context_id, op);
  if (!key.empty()) {
    if (!content.contains(key)) {
      throw runtime_error(fmt::format("secret \"{}\" has no key \"{}\"", *xid, key));
    }
    ctx.out = format_output(content[key], args);
  } else {
    ctx.out = format_output(content, args);
  }
}

void secret_info_get_tool(ToolContext& ctx, const std::vector<std::string>& argv) {
  ToolArgs args(argv, with_format({{{"label"}, true}}));
  args.max_positional(1);
  if (!args.positional().empty() && args.has("label")) {
    throw usage_error("specify either a secret URI or label but not both");
  }
  std::string xid;
  std::optional<SecretInfo> committed;
  SecretInfo secret;
  {
    OverlayView view(*ctx.db, ctx.context_id);
    xid = xid_from(ctx, args, true);
    secret = managed_secret(ctx, xid);
  }
  committed = find_secret(*ctx.db, xid);  // Juju reports the committed revision in this hook
  json info = {{"revision", committed ? committed->latest : secret.latest},
               {"owner", secret.owner_kind}};
  if (!secret.label.empty()) info["label"] = secret.label;
  if (!secret.description.empty()) info["description"] = secret.description;
  if (!secret.expire.empty()) info["expiry"] = secret.expire;
  if (!secret.rotate.empty()) info["rotation"] = secret.rotate;
  ctx.out = format_output(json{{xid, info}}, args);
}

void secret_set_tool(ToolContext& ctx, const std::vector<std::string>& argv) {
  ToolArgs args(argv, metadata_flags());
  if (args.positional().empty()) throw usage_error("missing secret URI");
  std::string xid = parse_secret_ref(args.positional()[0]);
  json op = {{"op", "secret-set"}, {"xid", xid}};
  op.update(metadata_from(args));
  json content = content_from(args.positional(), 1);
  if (!content.empty()) op["content"] = content;
  {
    OverlayView view(*ctx.db, ctx.context_id);
    managed_secret(ctx, xid);
  }
  stage_op(*ctx.db, ctx.context_id, op);
}

void secret_grant_tool(ToolContext& ctx, const std::vector<std::string>& argv) {
  ToolArgs args(argv, {{{"r", "relation"}, true}, {{"unit"}, true}});
  args.max_positional(1);
  if (args.positional().empty()) throw usage_error("missing secret URI");
  std::string xid = parse_secret_ref(args.positional()[0]);
  if (!args.has("r")) throw usage_error("missing relation");
  RelationInfo relation = resolve_relation(ctx, args.value("r"));
  std::string remote_app = relation.remote_app_of(ctx.unit.app);
  std::string target = remote_app, kind = "application";
  if (args.has("unit")) {
    target = args.value("unit");
    kind = "unit";
    if (target.substr(0, target.find('/')) != remote_app) {
      throw usage_error(fmt::format("unit \"{}\" is not in relation {}", target, relation.id));
    }
  }
  {
    OverlayView view(*ctx.db, ctx.context_id);
    managed_secret(ctx, xid);
  }
  stage_op(*ctx.db, ctx.context_id,
           {{"op", "secret-grant"},
            {"xid", xid},
            {"relation", relation.id},
            {"target", target},
            {"target_kind", kind}});
}

void secret_revoke_tool(ToolContext& ctx, const std::vector<std::string>& argv) {
  ToolArgs args(argv,
                {{{"r", "relation"}, true}, {{"unit"}, true}, {{"app", "application"}, true}});
  args.max_positional(1);
  if (args.positional().empty()) throw usage_error("missing secret URI");
  std::string xid = parse_secret_ref(args.positional()[0]);
  if (!args.has("r")) throw usage_error("missing relation");
  RelationInfo relation = resolve_relation(ctx, args.value("r"));
  {
    OverlayView view(*ctx.db, ctx.context_id);
    managed_secret(ctx, xid);
  }
  stage_op(*ctx.db, ctx.context_id,
           {{"op", "secret-revoke"},
            {"xid", xid},
            {"relation", relation.id},
            {"target", args.value("unit", args.value("app"))}});
}

void secret_remove_tool(ToolContext& ctx, const std::vector<std::string>& argv) {
  ToolArgs args(argv, {{{"revision"}, true}});
  args.max_positional(1);
  if (args.positional().empty()) throw usage_error("missing secret URI");
  std::string xid = parse_secret_ref(args.positional()[0]);
  json op = {{"op", "secret-remove"}, {"xid", xid}};
  if (args.has("revision")) {
    try {
      op["revision"] = std::stoll(args.value("revision"));
    } catch (const std::exception&) {
      throw usage_error(fmt::format("invalid revision \"{}\"", args.value("revision")));
    }
  }
  {
    OverlayView view(*ctx.db, ctx.context_id);
    managed_secret(ctx, xid);
  }
  stage_op(*ctx.db, ctx.context_id, op);
}

void secret_ids_tool(ToolContext& ctx, const std::vector<std::string>& argv) {
  ToolArgs args(argv, with_format({}));
  args.max_positional(0);
  json ids = json::array();
  OverlayView view(*ctx.db, ctx.context_id);
  auto s = ctx.db->prepare(
      "SELECT xid FROM secrets WHERE (owner_kind = 'application' AND "
      "owner = ?) OR (owner_kind = 'unit' AND owner = ?) ORDER BY xid");
  s.bind(1, ctx.unit.app).bind(2, ctx.unit.name);
  while (s.step()) ids.push_back("secret:" + s.text(0));
  ctx.out = format_output(ids, args);
}

}  // namespace juju_sim
