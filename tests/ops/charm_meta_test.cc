#include "ops/charm_meta.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

namespace ops {
namespace {

constexpr const char* kCharmcraft = R"(
name: cephfs-client
subordinate: true
requires:
  cephfs-share:
    interface: cephfs_share
    limit: 1
  juju-info:
    interface: juju-info
    scope: container
peers:
  peers:
    interface: cephfs-peer
config:
  options:
    mountpoint:
      type: string
      description: Where to mount.
    noexec:
      type: boolean
      default: false
    port:
      type: string
      default: 6789
actions:
  mount-info:
    description: Shows the mount.
)";

TEST(CharmMeta, ParsesCharmcraftYaml) {
  auto meta = CharmMeta::from_charmcraft_yaml(kCharmcraft);
  ASSERT_TRUE(meta.ok()) << meta.error().message;
  EXPECT_EQ(meta->name, "cephfs-client");
  EXPECT_TRUE(meta->subordinate);
  ASSERT_NE(meta->relation("cephfs-share"), nullptr);
  EXPECT_EQ(meta->relation("cephfs-share")->interface_name, "cephfs_share");
  EXPECT_EQ(meta->relation("cephfs-share")->limit, 1);
  EXPECT_TRUE(meta->relation("juju-info")->container_scope);
  EXPECT_TRUE(meta->is_peer("peers"));
  EXPECT_FALSE(meta->is_peer("cephfs-share"));
  EXPECT_EQ(meta->config.at("noexec").default_value, false);
  EXPECT_TRUE(meta->config.at("mountpoint").default_value.is_null());
  EXPECT_EQ(meta->actions.at("mount-info").description, "Shows the mount.");
}

TEST(CharmMeta, StringOptionDefaultStaysAString) {
  auto meta = CharmMeta::from_charmcraft_yaml(kCharmcraft);
  ASSERT_TRUE(meta.ok());
  EXPECT_EQ(meta->config.at("port").default_value, "6789");
}

TEST(CharmMeta, InvalidYamlIsAnErrorNamingTheFile) {
  auto meta = CharmMeta::from_charmcraft_yaml("name: [unclosed");
  ASSERT_FALSE(meta.ok());
  EXPECT_NE(meta.error().message.find("charmcraft.yaml"), std::string::npos);
}

TEST(CharmMeta, LoadPrefersGeneratedMetadataFiles) {
  namespace fs = std::filesystem;
  auto dir = fs::temp_directory_path() / ("ops-meta-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "metadata.yaml") << "name: packed\nprovides:\n  x:\n    interface: y\n";
  std::ofstream(dir / "config.yaml") << "options:\n  a:\n    type: int\n    default: 3\n";
  std::ofstream(dir / "charmcraft.yaml") << "name: source\n";
  auto meta = CharmMeta::load(dir.string());
  fs::remove_all(dir);
  ASSERT_TRUE(meta.ok()) << meta.error().message;
  EXPECT_EQ(meta->name, "packed");
  EXPECT_EQ(meta->config.at("a").default_value, 3);
}

TEST(CharmMeta, LoadOfDirectoryWithoutMetadataNamesTheDirectory) {
  auto meta = CharmMeta::load("/nonexistent/charm");
  ASSERT_FALSE(meta.ok());
  EXPECT_EQ(meta.error().code, ErrorCode::kIoError);
  EXPECT_NE(meta.error().message.find("/nonexistent/charm"), std::string::npos);
}

// The compiled metadata file (.ops-cpp-meta.json) and its JSON form.

namespace fs = std::filesystem;

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void write_text(const fs::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

// A meta with every field set to a non-default value somewhere.
CharmMeta full_meta() {
  auto meta = CharmMeta::from_charmcraft_yaml(kCharmcraft);
  EXPECT_TRUE(meta.ok());
  CharmMeta out = *meta;
  out.summary = "Mounts a share.";
  RelationMeta proxy;
  proxy.endpoint = "proxy";
  proxy.role = RelationRole::kProvides;
  proxy.interface_name = "proxy";
  proxy.limit = 2147483647;
  proxy.optional = true;
  out.relations["proxy"] = proxy;
  out.config["ratio"] = ConfigOptionMeta{"float", 0.25, "A fraction."};
  out.config["tags"] = ConfigOptionMeta{"string", "a,b", ""};
  out.config["admin"] = ConfigOptionMeta{"secret", nullptr, "Secret id."};
  ActionMeta rotate;
  rotate.description = "Rotates keys.";
  rotate.params = {{"relation-id", {{"type", "integer"}, {"description", "Only this one."}}}};
  out.actions["rotate"] = rotate;
  return out;
}

TEST(CharmMetaJson, RoundTripKeepsEveryField) {
  const CharmMeta meta = full_meta();
  // Through text, as the compiled file stores it.
  auto back = CharmMeta::from_json(nlohmann::json::parse(meta.to_json().dump()));
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, meta);
  EXPECT_EQ(back->relation("proxy")->limit, 2147483647);
  EXPECT_TRUE(back->relation("proxy")->optional);
  EXPECT_TRUE(back->relation("juju-info")->container_scope);
  EXPECT_EQ(back->relation("cephfs-share")->role, RelationRole::kRequires);
  EXPECT_TRUE(back->is_peer("peers"));
  EXPECT_TRUE(back->subordinate);
  EXPECT_EQ(back->config.at("port").default_value, "6789");
  EXPECT_EQ(back->config.at("ratio").default_value, 0.25);
  EXPECT_TRUE(back->config.at("admin").default_value.is_null());
  EXPECT_EQ(back->actions.at("rotate").params["relation-id"]["type"], "integer");
}

TEST(CharmMetaJson, RoundTripOfADefaultMetaIsADefaultMeta) {
  auto back = CharmMeta::from_json(CharmMeta{}.to_json());
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, CharmMeta{});
}

TEST(CharmMetaJson, WrongTypesAreInvalidArgumentNamingTheField) {
  const std::vector<std::pair<const char*, const char*>> cases = {
      {R"([])", "the document"},
      {R"({"name": 3})", "name"},
      {R"({"subordinate": "yes"})", "subordinate"},
      {R"({"relations": []})", "relations"},
      {R"({"relations": {"db": "mysql"}})", "relations.db"},
      {R"({"relations": {"db": {"role": "consumes"}}})", "relations.db.role"},
      {R"({"relations": {"db": {"limit": "1"}}})", "relations.db.limit"},
      {R"({"relations": {"db": {"limit": 4294967296}}})", "relations.db.limit"},
      {R"({"relations": {"db": {"limit": 1.5}}})", "relations.db.limit"},
      {R"({"relations": {"db": {"scope": "machine"}}})", "relations.db.scope"},
      {R"({"relations": {"db": {"optional": 1}}})", "relations.db.optional"},
      {R"({"config": {"port": {"type": 1}}})", "config.port.type"},
      {R"({"config": {"port": {"description": null}}})", "config.port.description"},
      {R"({"actions": {"go": []}})", "actions.go"},
      {R"({"actions": {"go": {"description": false}}})", "actions.go.description"},
  };
  for (const auto& [text, field] : cases) {
    auto meta = CharmMeta::from_json(nlohmann::json::parse(text));
    ASSERT_FALSE(meta.ok()) << text;
    EXPECT_EQ(meta.error().code, ErrorCode::kInvalidArgument) << text;
    EXPECT_NE(meta.error().message.find(std::string(field) + " must be"), std::string::npos)
        << text << ": " << meta.error().message;
  }
}

class CompiledCharmMeta : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "charm-meta-test-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    write_text(dir_ / "metadata.yaml", "name: packed\nsummary: From YAML.\n");
    write_text(dir_ / "config.yaml", "options:\n  a:\n    type: int\n    default: 3\n");
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path compiled_path() const { return dir_ / std::string(CharmMeta::kCompiledFile); }

  // Compiles the directory, then replaces the compiled summary: a load that returns it took the
  // compiled file, one that returns "From YAML." parsed the YAML.
  nlohmann::json compile_with_marker() {
    auto doc = CharmMeta::compile(dir_.string());
    EXPECT_TRUE(doc.ok()) << doc.error().message;
    (*doc)["meta"]["summary"] = "From the compiled file.";
    write_text(compiled_path(), doc->dump());
    return *doc;
  }

  std::string loaded_summary() const {
    auto meta = CharmMeta::load(dir_.string());
    EXPECT_TRUE(meta.ok()) << meta.error().message;
    return meta.ok() ? meta->summary : "";
  }

  fs::path dir_;
};

TEST_F(CompiledCharmMeta, SourceDigestIsFnv1a64InHex) {
  EXPECT_EQ(CharmMeta::source_digest(""), "cbf29ce484222325");
  EXPECT_EQ(CharmMeta::source_digest("a"), "af63dc4c8601ec8c");
  EXPECT_EQ(CharmMeta::source_digest("foobar"), "85944171f73967e8");
}

TEST_F(CompiledCharmMeta, CompiledDocumentListsExactlyTheFilesLoadReads) {
  auto doc = CharmMeta::compile(dir_.string());
  ASSERT_TRUE(doc.ok()) << doc.error().message;
  EXPECT_EQ((*doc)["format"], 1);
  EXPECT_EQ((*doc)["sources"],
            nlohmann::json(
                {{"metadata.yaml", CharmMeta::source_digest(read_text(dir_ / "metadata.yaml"))},
                 {"config.yaml", CharmMeta::source_digest(read_text(dir_ / "config.yaml"))},
                 {"actions.yaml", nullptr}}));
  auto meta = CharmMeta::from_json((*doc)["meta"]);
  ASSERT_TRUE(meta.ok());
  EXPECT_EQ(*meta, *CharmMeta::load(dir_.string()));
}

TEST_F(CompiledCharmMeta, LoadReturnsTheFreshCompiledFile) {
  compile_with_marker();
  EXPECT_EQ(loaded_summary(), "From the compiled file.");
  EXPECT_TRUE(CharmMeta::load_compiled(dir_.string()).ok());
}

TEST_F(CompiledCharmMeta, LoadReturnsTheFreshCompiledFileOfACharmcraftLayout) {
  fs::remove(dir_ / "metadata.yaml");
  fs::remove(dir_ / "config.yaml");
  write_text(dir_ / "charmcraft.yaml", kCharmcraft);
  auto doc = compile_with_marker();
  EXPECT_EQ(doc["sources"],
            nlohmann::json({{"metadata.yaml", nullptr},
                            {"charmcraft.yaml", CharmMeta::source_digest(kCharmcraft)}}));
  EXPECT_EQ(loaded_summary(), "From the compiled file.");
}

TEST_F(CompiledCharmMeta, LoadParsesTheYamlWhenASourceChanged) {
  compile_with_marker();
  write_text(dir_ / "config.yaml", "options:\n  a:\n    type: int\n    default: 4\n");
  auto meta = CharmMeta::load(dir_.string());
  ASSERT_TRUE(meta.ok()) << meta.error().message;
  EXPECT_EQ(meta->summary, "From YAML.");
  EXPECT_EQ(meta->config.at("a").default_value, 4);
  auto compiled = CharmMeta::load_compiled(dir_.string());
  ASSERT_FALSE(compiled.ok());
  EXPECT_EQ(compiled.error().code, ErrorCode::kCorruptState);
  EXPECT_NE(compiled.error().message.find("config.yaml changed"), std::string::npos)
      << compiled.error().message;
}

TEST_F(CompiledCharmMeta, LoadParsesTheYamlWhenADigestIsWrong) {
  auto doc = compile_with_marker();
  doc["sources"]["metadata.yaml"] = "0000000000000000";
  write_text(compiled_path(), doc.dump());
  EXPECT_EQ(loaded_summary(), "From YAML.");
}

TEST_F(CompiledCharmMeta, LoadParsesTheYamlWhenAListedFileIsMissing) {
  compile_with_marker();
  fs::remove(dir_ / "config.yaml");
  auto meta = CharmMeta::load(dir_.string());
  ASSERT_TRUE(meta.ok()) << meta.error().message;
  EXPECT_EQ(meta->summary, "From YAML.");
  EXPECT_TRUE(meta->config.empty());
}

TEST_F(CompiledCharmMeta, LoadParsesTheYamlWhenAnAbsentFileAppears) {
  compile_with_marker();
  write_text(dir_ / "actions.yaml", "go:\n  description: Goes.\n");
  auto meta = CharmMeta::load(dir_.string());
  ASSERT_TRUE(meta.ok()) << meta.error().message;
  EXPECT_EQ(meta->summary, "From YAML.");
  EXPECT_EQ(meta->actions.at("go").description, "Goes.");
}

TEST_F(CompiledCharmMeta, LoadParsesTheYamlWhenMetadataYamlAppearsBesideCharmcraftYaml) {
  fs::remove(dir_ / "metadata.yaml");
  write_text(dir_ / "charmcraft.yaml", kCharmcraft);
  compile_with_marker();
  write_text(dir_ / "metadata.yaml", "name: packed\nsummary: From YAML.\n");
  EXPECT_EQ(loaded_summary(), "From YAML.");
}

TEST_F(CompiledCharmMeta, LoadParsesTheYamlWhenTheCompiledFileIsDamaged) {
  auto doc = compile_with_marker();
  const std::string text = doc.dump();
  auto with = [&](const char* key, nlohmann::json value) {
    auto copy = doc;
    copy[key] = std::move(value);
    return copy.dump();
  };
  const std::vector<std::string> damaged = {
      "",
      "garbage",
      text.substr(0, text.size() / 2),
      "[1, 2]",
      std::string("\0\xff\xfe{", 4),
      with("format", 2),
      with("format", "1"),
      with("sources", "metadata.yaml"),
      with("sources", nlohmann::json::object()),
      with("meta", {{"name", 7}}),
      with("meta", nullptr),
  };
  for (const auto& bytes : damaged) {
    write_text(compiled_path(), bytes);
    EXPECT_EQ(loaded_summary(), "From YAML.") << bytes;
    auto compiled = CharmMeta::load_compiled(dir_.string());
    ASSERT_FALSE(compiled.ok()) << bytes;
    EXPECT_EQ(compiled.error().code, ErrorCode::kCorruptState) << bytes;
  }
}

TEST_F(CompiledCharmMeta, MissingCompiledFileIsAnIoErrorForLoadCompiled) {
  auto compiled = CharmMeta::load_compiled(dir_.string());
  ASSERT_FALSE(compiled.ok());
  EXPECT_EQ(compiled.error().code, ErrorCode::kIoError);
  EXPECT_EQ(loaded_summary(), "From YAML.");
}

TEST_F(CompiledCharmMeta, LoadStillFailsOnBadYamlWhenTheCompiledFileIsStale) {
  compile_with_marker();
  write_text(dir_ / "metadata.yaml", "name: [unclosed\n");
  auto meta = CharmMeta::load(dir_.string());
  ASSERT_FALSE(meta.ok());
  EXPECT_EQ(meta.error().code, ErrorCode::kInvalidArgument);
}

// Process tests of the ops-charm-meta tool (label `process`).
class CharmMetaToolProcess : public CompiledCharmMeta {
 protected:
  // Runs the tool with args; returns its exit code (-1 if it did not exit), stderr in err_.
  int run(std::vector<std::string> args) {
    args.insert(args.begin(), OPS_CHARM_META_TOOL);
    std::vector<char*> argv;
    for (auto& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    const std::string err = (dir_.parent_path() / (dir_.filename().string() + ".stderr")).string();
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    pid_t pid = 0;
    const int spawned = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (spawned != 0) return -1;
    int status = 0;
    ::waitpid(pid, &status, 0);
    err_ = read_text(err);
    fs::remove(err);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  std::string err_;
};

TEST_F(CharmMetaToolProcess, CompileWritesAFreshWorldReadableFile) {
  const mode_t old_umask = ::umask(077);
  const int code = run({"compile", dir_.string()});
  ::umask(old_umask);
  ASSERT_EQ(code, 0) << err_;
  struct stat info {};
  ASSERT_EQ(::stat(compiled_path().c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 07777, 0644);
  auto expected = CharmMeta::compile(dir_.string());
  ASSERT_TRUE(expected.ok());
  EXPECT_EQ(nlohmann::json::parse(read_text(compiled_path())), *expected);
  EXPECT_EQ(run({"check", dir_.string()}), 0) << err_;
  for (const auto& entry : fs::directory_iterator(dir_)) {
    EXPECT_EQ(entry.path().filename().string().find(".tmp"), std::string::npos)
        << "left behind: " << entry.path();
  }
}

TEST_F(CharmMetaToolProcess, CheckFailsWhenTheCompiledFileIsMissingOrStale) {
  EXPECT_EQ(run({"check", dir_.string()}), 1);
  EXPECT_NE(err_.find(CharmMeta::kCompiledFile), std::string::npos) << err_;
  ASSERT_EQ(run({"compile", dir_.string()}), 0) << err_;
  write_text(dir_ / "metadata.yaml", "name: packed\nsummary: Edited.\n");
  EXPECT_EQ(run({"check", dir_.string()}), 1);
  EXPECT_NE(err_.find("metadata.yaml changed"), std::string::npos) << err_;
  ASSERT_EQ(run({"compile", dir_.string()}), 0) << err_;
  EXPECT_EQ(run({"check", dir_.string()}), 0) << err_;
}

TEST_F(CharmMetaToolProcess, CompileFailsOnBadYamlWithoutWritingAFile) {
  write_text(dir_ / "config.yaml", "options: [unclosed\n");
  EXPECT_EQ(run({"compile", dir_.string()}), 1);
  EXPECT_NE(err_.find("config.yaml is not valid YAML"), std::string::npos) << err_;
  EXPECT_FALSE(fs::exists(compiled_path()));
}

TEST_F(CharmMetaToolProcess, CompileOfADirectoryWithoutMetadataFails) {
  EXPECT_EQ(run({"compile", (dir_ / "nonexistent").string()}), 1);
  EXPECT_NE(err_.find("no metadata.yaml or charmcraft.yaml"), std::string::npos) << err_;
}

TEST_F(CharmMetaToolProcess, UsageErrorsExitTwo) {
  EXPECT_EQ(run({}), 2);
  EXPECT_EQ(run({"compile"}), 2);
  EXPECT_EQ(run({"frobnicate", dir_.string()}), 2);
}

}  // namespace
}  // namespace ops
