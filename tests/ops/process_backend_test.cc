// ProcessBackend against fake hook tools: each test writes small /bin/sh scripts into a private
// directory put first on PATH. A fake tool records its argv (NUL-separated, so arguments with
// newlines survive) and its stdin, then prints canned stdout/stderr and exits with a canned code.
#include "ops/process_backend.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using ops::Bag;
using ops::ErrorCode;
using ops::run_process;
using ops::SecretContent;
using ops::SecretMetadata;
using ops::SecretOwner;
using ops::StatusInfo;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_file(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

// Single-quotes a string for /bin/sh.
std::string sh_quote(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  return quoted + "'";
}

MATCHER_P(FailsWith, code, "fails with the expected error code") {
  if (arg.ok()) {
    *result_listener << "which succeeded";
    return false;
  }
  *result_listener << "whose error is (" << static_cast<int>(arg.error().code) << ") "
                   << arg.error().message;
  return arg.error().code == code;
}

MATCHER(Succeeds, "succeeds") {
  if (!arg.ok()) *result_listener << "whose error is " << arg.error().message;
  return arg.ok();
}

// What a fake tool does, built like a sentence: prints("[]"), fails_with("ERROR ...", 2),
// Canned().runs("exec sleep 30").
struct Canned {
  Canned& prints(std::string text) {
    out = std::move(text);
    return *this;
  }
  Canned& prints_error(std::string text) {
    err = std::move(text);
    return *this;
  }
  Canned& exits(int code) {
    exit_code = code;
    return *this;
  }
  // Shell run after recording argv/stdin and before printing; `$RECORD` is the record prefix.
  Canned& runs(std::string shell) {
    before_output = std::move(shell);
    return *this;
  }
  // Print everything before reading stdin (the order that deadlocks naive pipe handling).
  Canned& writes_before_reading_stdin() {
    read_stdin_first = false;
    return *this;
  }

  std::string out;
  std::string err;
  int exit_code = 0;
  std::string before_output;
  bool read_stdin_first = true;
};

Canned prints(std::string out) { return Canned().prints(std::move(out)); }
Canned fails_with(std::string err, int exit_code = 1) {
  return Canned().prints_error(std::move(err)).exits(exit_code);
}

// The fixture is named after the class so test names read ProcessBackend.DoesSomething.
class ProcessBackend : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "process-backend-test-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    root_ = pattern;
    fs::create_directories(bin());
    fs::create_directories(records());
    fs::create_directories(tmp());

    saved_path_ = getenv_or_none("PATH");
    saved_tmpdir_ = getenv_or_none("TMPDIR");
    const std::string system_path = saved_path_.value_or("/usr/bin:/bin");
    ::setenv("PATH", (bin().string() + ":" + system_path).c_str(), 1);
    ::setenv("TMPDIR", tmp().c_str(), 1);
  }

  void TearDown() override {
    restore("PATH", saved_path_);
    restore("TMPDIR", saved_tmpdir_);
    std::error_code ignored;
    fs::remove_all(root_, ignored);
  }

  static std::optional<std::string> getenv_or_none(const char* name) {
    const char* value = std::getenv(name);
    return value == nullptr ? std::nullopt : std::optional<std::string>(value);
  }
  static void restore(const char* name, const std::optional<std::string>& value) {
    if (value) {
      ::setenv(name, value->c_str(), 1);
    } else {
      ::unsetenv(name);
    }
  }

  fs::path bin() const { return root_ / "bin"; }
  fs::path records() const { return root_ / "records"; }
  fs::path tmp() const { return root_ / "tmp"; }

  // Installs a fake hook tool named `name`.
  void fake_tool(const std::string& name, const Canned& canned = {}) {
    write_file(records() / (name + ".out"), canned.out);
    write_file(records() / (name + ".err"), canned.err);
    const std::string record = (records() / name).string();
    const std::string read_stdin = "cat > " + sh_quote(record + ".stdin") + "\n";
    std::string script = "#!/bin/sh\n";
    script += "RECORD=" + sh_quote(record) + "\n";
    script += ": > \"$RECORD.argv\"\n";
    script += "for arg in \"$@\"; do printf '%s\\0' \"$arg\" >> \"$RECORD.argv\"; done\n";
    if (canned.read_stdin_first) script += read_stdin;
    script += canned.before_output + "\n";
    script += "cat \"$RECORD.out\"\n";
    script += "cat \"$RECORD.err\" >&2\n";
    if (!canned.read_stdin_first) script += read_stdin;
    script += "exit " + std::to_string(canned.exit_code) + "\n";
    const fs::path path = bin() / name;
    write_file(path, script);
    fs::permissions(path, fs::perms::owner_all);
  }

  bool was_called(const std::string& name) const {
    return fs::exists(records() / (name + ".argv"));
  }

  // The arguments the tool was called with, without argv[0].
  std::vector<std::string> argv_of(const std::string& name) const {
    std::vector<std::string> args;
    std::istringstream in(read_file(records() / (name + ".argv")));
    for (std::string arg; std::getline(in, arg, '\0');) args.push_back(arg);
    return args;
  }

  std::string stdin_of(const std::string& name) const {
    return read_file(records() / (name + ".stdin"));
  }

  fs::path root_;
  std::optional<std::string> saved_path_;
  std::optional<std::string> saved_tmpdir_;
  ops::ProcessBackend backend_;
};

// --- relations ---------------------------------------------------------------------------------

TEST_F(ProcessBackend, RelationIdsPassesEndpointAndParsesIdsAfterTheLastColon) {
  fake_tool("relation-ids", prints(R"(["cephfs-share:7", "cephfs-share:12"])"));
  auto ids = backend_.relation_ids("cephfs-share");
  ASSERT_THAT(ids, Succeeds());
  EXPECT_THAT(*ids, ElementsAre(7, 12));
  EXPECT_THAT(argv_of("relation-ids"), ElementsAre("cephfs-share", "--format=json"));
}

TEST_F(ProcessBackend, RelationIdsReadsGoNullAsNoRelations) {
  fake_tool("relation-ids", prints("null\n"));
  auto ids = backend_.relation_ids("cephfs-share");
  ASSERT_THAT(ids, Succeeds());
  EXPECT_THAT(*ids, IsEmpty());
}

TEST_F(ProcessBackend, RelationIdsRejectsAnIdThatIsNotANumber) {
  fake_tool("relation-ids", prints(R"(["cephfs-share:seven"])"));
  EXPECT_THAT(backend_.relation_ids("cephfs-share"), FailsWith(ErrorCode::kInvalidOutput));
}

TEST_F(ProcessBackend, RelationListPassesEndpointQualifiedId) {
  fake_tool("relation-list", prints(R"(["server/0", "server/1"])"));
  auto units = backend_.relation_list("cephfs-share", 7);
  ASSERT_THAT(units, Succeeds());
  EXPECT_THAT(*units, ElementsAre("server/0", "server/1"));
  EXPECT_THAT(argv_of("relation-list"), ElementsAre("--format=json", "-r", "cephfs-share:7"));
}

TEST_F(ProcessBackend, RelationRemoteAppUsesRelationListWithApp) {
  fake_tool("relation-list", prints("\"server\"\n"));
  auto app = backend_.relation_remote_app("cephfs-share", 7);
  ASSERT_THAT(app, Succeeds());
  EXPECT_EQ(*app, "server");
  EXPECT_THAT(argv_of("relation-list"),
              ElementsAre("--format=json", "--app", "-r", "cephfs-share:7"));
}

TEST_F(ProcessBackend, RelationGetPassesEndpointQualifiedId) {
  fake_tool("relation-get", prints(R"({"cache": "{}", "private-address": "10.0.0.1"})"));
  auto bag = backend_.relation_get("cephfs-share", 7, "client/0", /*is_app=*/false);
  ASSERT_THAT(bag, Succeeds());
  EXPECT_EQ(*bag, (Bag{{"cache", "{}"}, {"private-address", "10.0.0.1"}}));
  EXPECT_THAT(argv_of("relation-get"),
              ElementsAre("--format=json", "-r", "cephfs-share:7", "-", "client/0"));
}

TEST_F(ProcessBackend, RelationGetOfAnAppBagPassesAppBeforeTheKey) {
  fake_tool("relation-get", prints(R"({"name": "data"})"));
  auto bag = backend_.relation_get("cephfs-share", 7, "server", /*is_app=*/true);
  ASSERT_THAT(bag, Succeeds());
  EXPECT_EQ(*bag, (Bag{{"name", "data"}}));
  EXPECT_THAT(argv_of("relation-get"),
              ElementsAre("--format=json", "-r", "cephfs-share:7", "--app", "-", "server"));
}

TEST_F(ProcessBackend, RelationGetRejectsANonStringValue) {
  fake_tool("relation-get", prints(R"({"count": 3})"));
  EXPECT_THAT(backend_.relation_get("cephfs-share", 7, "server", true),
              FailsWith(ErrorCode::kInvalidOutput));
}

TEST_F(ProcessBackend, RelationSetSendsTheBagAsJsonOnStdin) {
  fake_tool("relation-set");
  const Bag data = {{"cache", R"({"a": 1})"}, {"gone", ""}, {"name", "caf\xc3\xa9"}};
  ASSERT_THAT(backend_.relation_set("cephfs-share", 7, data, /*is_app=*/false), Succeeds());
  EXPECT_THAT(argv_of("relation-set"), ElementsAre("-r", "cephfs-share:7", "--file", "-"));
  // Byte for byte what Python's json.dumps prints: ", " / ": " separators, non-ASCII escaped.
  EXPECT_EQ(stdin_of("relation-set"),
            R"({"cache": "{\"a\": 1}", "gone": "", "name": "caf\u00e9"})");
}

TEST_F(ProcessBackend, RelationSetOfTheAppBagPassesApp) {
  fake_tool("relation-set");
  ASSERT_THAT(backend_.relation_set("cephfs-share", 7, {{"name", "data"}}, /*is_app=*/true),
              Succeeds());
  EXPECT_THAT(argv_of("relation-set"), ElementsAre("-r", "cephfs-share:7", "--app", "--file", "-"));
  EXPECT_EQ(stdin_of("relation-set"), R"({"name": "data"})");
}

TEST_F(ProcessBackend, RelationSetRefusesAnEmptyBagWithoutCallingTheTool) {
  fake_tool("relation-set");
  EXPECT_THAT(backend_.relation_set("cephfs-share", 7, {}, false),
              FailsWith(ErrorCode::kInvalidArgument));
  EXPECT_FALSE(was_called("relation-set"));
}

TEST_F(ProcessBackend, RelationSetRefusesDataThatIsNotUtf8) {
  fake_tool("relation-set");
  EXPECT_THAT(backend_.relation_set("cephfs-share", 7, {{"blob", "\xff\xfe"}}, false),
              FailsWith(ErrorCode::kInvalidArgument));
  EXPECT_FALSE(was_called("relation-set"));
}

// --- unit and application ---------------------------------------------------------------------

TEST_F(ProcessBackend, IsLeaderParsesJsonBool) {
  fake_tool("is-leader", prints("true\n"));
  auto leader = backend_.is_leader();
  ASSERT_THAT(leader, Succeeds());
  EXPECT_TRUE(*leader);
  EXPECT_THAT(argv_of("is-leader"), ElementsAre("--format=json"));

  fake_tool("is-leader", prints("false\n"));
  auto follower = backend_.is_leader();
  ASSERT_THAT(follower, Succeeds());
  EXPECT_FALSE(*follower);
}

TEST_F(ProcessBackend, IsLeaderRejectsAnythingButABool) {
  fake_tool("is-leader", prints("\"yes\"\n"));
  EXPECT_THAT(backend_.is_leader(), FailsWith(ErrorCode::kInvalidOutput));
}

TEST_F(ProcessBackend, ConfigGetReturnsTheObject) {
  fake_tool("config-get", prints(R"({"mountpoint": "/mnt/share", "retries": 3})"));
  auto config = backend_.config_get();
  ASSERT_THAT(config, Succeeds());
  EXPECT_EQ(*config, (nlohmann::json{{"mountpoint", "/mnt/share"}, {"retries", 3}}));
  EXPECT_THAT(argv_of("config-get"), ElementsAre("--format=json"));
}

TEST_F(ProcessBackend, StatusGetOfTheUnitReadsTopLevelStatus) {
  fake_tool("status-get",
            prints(R"({"status": "active", "message": "mounted", "status-data": {}})"));
  auto status = backend_.status_get(/*is_app=*/false);
  ASSERT_THAT(status, Succeeds());
  EXPECT_EQ(*status, (StatusInfo{"active", "mounted"}));
  EXPECT_THAT(argv_of("status-get"),
              ElementsAre("--include-data", "--format=json", "--application=false"));
}

TEST_F(ProcessBackend, StatusGetOfTheAppReadsApplicationStatus) {
  fake_tool("status-get", prints(R"({"application-status": {"status": "blocked",
      "message": "no share", "status-data": {}},
      "units": {"client/0": {"status": "active", "message": "", "status-data": {}}}})"));
  auto status = backend_.status_get(/*is_app=*/true);
  ASSERT_THAT(status, Succeeds());
  EXPECT_EQ(*status, (StatusInfo{"blocked", "no share"}));
  EXPECT_THAT(argv_of("status-get"),
              ElementsAre("--include-data", "--format=json", "--application=true"));
}

TEST_F(ProcessBackend, StatusSetPutsTheMessageAfterDoubleDash) {
  fake_tool("status-set");
  ASSERT_THAT(backend_.status_set("blocked", "-r is not a flag here", /*is_app=*/false),
              Succeeds());
  EXPECT_THAT(argv_of("status-set"),
              ElementsAre("--application=False", "blocked", "--", "-r is not a flag here"));
  ASSERT_THAT(backend_.status_set("active", "", /*is_app=*/true), Succeeds());
  EXPECT_THAT(argv_of("status-set"), ElementsAre("--application=True", "active", "--", ""));
}

TEST_F(ProcessBackend, ApplicationVersionSetPassesTheVersionAfterDoubleDash) {
  fake_tool("application-version-set");
  ASSERT_THAT(backend_.application_version_set("19.2.1"), Succeeds());
  EXPECT_THAT(argv_of("application-version-set"), ElementsAre("--", "19.2.1"));
}

TEST_F(ProcessBackend, JujuLogPassesLevelAndMessage) {
  fake_tool("juju-log");
  ASSERT_THAT(backend_.juju_log("WARNING", "line one\nline two"), Succeeds());
  EXPECT_THAT(argv_of("juju-log"),
              ElementsAre("--log-level", "WARNING", "--", "line one\nline two"));
}

// --- actions ----------------------------------------------------------------------------------

TEST_F(ProcessBackend, ActionGetReturnsTheParams) {
  fake_tool("action-get", prints(R"({"force": true, "name": "data"})"));
  auto params = backend_.action_get();
  ASSERT_THAT(params, Succeeds());
  EXPECT_EQ(*params, (nlohmann::json{{"force", true}, {"name", "data"}}));
  EXPECT_THAT(argv_of("action-get"), ElementsAre("--format=json"));
}

TEST_F(ProcessBackend, ActionSetPassesKeyValuePairs) {
  fake_tool("action-set");
  ASSERT_THAT(backend_.action_set({{"share.path", "/volumes/a"}, {"result", "ok"}}), Succeeds());
  EXPECT_THAT(argv_of("action-set"), ElementsAre("result=ok", "share.path=/volumes/a"));
}

TEST_F(ProcessBackend, ActionSetWithNothingToSetCallsNoTool) {
  fake_tool("action-set");
  ASSERT_THAT(backend_.action_set({}), Succeeds());
  EXPECT_FALSE(was_called("action-set"));
}

TEST_F(ProcessBackend, ActionLogAndActionFailPutTheMessageAfterDoubleDash) {
  fake_tool("action-log");
  fake_tool("action-fail");
  ASSERT_THAT(backend_.action_log("--halfway"), Succeeds());
  ASSERT_THAT(backend_.action_fail("mount failed"), Succeeds());
  EXPECT_THAT(argv_of("action-log"), ElementsAre("--", "--halfway"));
  EXPECT_THAT(argv_of("action-fail"), ElementsAre("--", "mount failed"));
}

// --- secrets ----------------------------------------------------------------------------------

// A secret tool that, while it runs, records each key#file= argument's file mode and content,
// and the mode of the directory holding it.
Canned secret_tool_recording_files(std::string out = "", int exit_code = 0, std::string err = "") {
  return Canned().prints(std::move(out)).prints_error(std::move(err)).exits(exit_code).runs(R"sh(
for arg in "$@"; do
  case "$arg" in
    *'#file='*)
      file="${arg#*#file=}"
      printf '%s %s %s\n' "$file" "$(stat -c %a "$file")" "$(stat -c %a "$(dirname "$file")")" \
        >> "$RECORD.files"
      cat "$file" >> "$RECORD.contents"
      printf '\n' >> "$RECORD.contents" ;;
  esac
done)sh");
}

TEST_F(ProcessBackend, SecretAddPassesMetadataOwnerAndContentFiles) {
  fake_tool("secret-add", secret_tool_recording_files("secret://uuid/abcdefghijklmnopqrst\n"));
  SecretMetadata meta;
  meta.label = "auth_info";
  meta.description = "cephx credentials";
  meta.expire = "2030-01-01T00:00:00Z";
  meta.rotate = "monthly";
  auto id = backend_.secret_add({{"key", "QVFEc2VjcmV0"}, {"username", "client.share"}}, meta,
                                SecretOwner::kApplication);
  ASSERT_THAT(id, Succeeds());
  EXPECT_EQ(*id, "secret://uuid/abcdefghijklmnopqrst");

  const auto args = argv_of("secret-add");
  ASSERT_EQ(args.size(), 12u);
  EXPECT_THAT(std::vector<std::string>(args.begin(), args.begin() + 10),
              ElementsAre("--label", "auth_info", "--description", "cephx credentials", "--expire",
                          "2030-01-01T00:00:00Z", "--rotate", "monthly", "--owner", "application"));
  EXPECT_THAT(args[10], AllOf(::testing::StartsWith("key#file=" + tmp().string() + "/"),
                              ::testing::EndsWith("/key")));
  EXPECT_THAT(args[11], ::testing::EndsWith("/username"));
  EXPECT_EQ(read_file(records() / "secret-add.contents"), "QVFEc2VjcmV0\nclient.share\n");
}

TEST_F(ProcessBackend, SecretAddOwnedByTheUnitPassesOwnerUnit) {
  fake_tool("secret-add", prints("secret:abcdefghijklmnopqrst\n"));
  ASSERT_THAT(backend_.secret_add({{"token", "t"}}, {}, SecretOwner::kUnit), Succeeds());
  const auto args = argv_of("secret-add");
  ASSERT_EQ(args.size(), 3u);
  EXPECT_EQ(args[0], "--owner");
  EXPECT_EQ(args[1], "unit");
}

TEST_F(ProcessBackend, SecretContentNeverReachesArgvAndItsFilesArePrivateAndRemoved) {
  fake_tool("secret-add", secret_tool_recording_files("secret:abcdefghijklmnopqrst\n"));
  const std::string value = "AQDtopsecretcephxkey==";
  ASSERT_THAT(backend_.secret_add({{"key", value}}, {}, SecretOwner::kApplication), Succeeds());

  for (const auto& arg : argv_of("secret-add")) EXPECT_THAT(arg, Not(HasSubstr(value)));
  std::istringstream files(read_file(records() / "secret-add.files"));
  std::string path, file_mode, dir_mode;
  ASSERT_TRUE(files >> path >> file_mode >> dir_mode);
  EXPECT_EQ(file_mode, "600");
  EXPECT_EQ(dir_mode, "700");
  EXPECT_FALSE(fs::exists(path));
  EXPECT_TRUE(fs::is_empty(tmp())) << "the private directory is removed too";
}

TEST_F(ProcessBackend, SecretFilesAreRemovedWhenTheToolFails) {
  fake_tool("secret-add", secret_tool_recording_files("", 1, "ERROR quota exceeded\n"));
  EXPECT_THAT(backend_.secret_add({{"key", "value-1"}}, {}, SecretOwner::kApplication),
              FailsWith(ErrorCode::kModelError));
  EXPECT_TRUE(fs::exists(records() / "secret-add.files")) << "the tool saw the files";
  EXPECT_TRUE(fs::is_empty(tmp()));
}

TEST_F(ProcessBackend, SecretValuesEchoedByAFailingToolAreRedactedFromTheError) {
  fake_tool("secret-add", Canned().exits(1).runs(R"sh(
for arg in "$@"; do
  case "$arg" in
    *'#file='*) printf 'ERROR bad value %s\n' "$(cat "${arg#*#file=}")" >&2 ;;
  esac
done)sh"));
  auto id = backend_.secret_add({{"password", "hunter2-s3cret"}}, {}, SecretOwner::kApplication);
  ASSERT_THAT(id, FailsWith(ErrorCode::kModelError));
  EXPECT_THAT(id.error().message, Not(HasSubstr("hunter2-s3cret")));
  EXPECT_THAT(id.error().message, HasSubstr("<redacted>"));
}

TEST_F(ProcessBackend, SecretAddRefusesEmptyContentAndBadKeysWithoutCallingTheTool) {
  fake_tool("secret-add");
  EXPECT_THAT(backend_.secret_add({}, {}, SecretOwner::kApplication),
              FailsWith(ErrorCode::kInvalidArgument));
  for (const std::string key : {"ab", "Key", "../etc", "a--b", "key-", "1key"}) {
    EXPECT_THAT(backend_.secret_add({{key, "v"}}, {}, SecretOwner::kApplication),
                FailsWith(ErrorCode::kInvalidArgument))
        << key;
  }
  EXPECT_FALSE(was_called("secret-add"));
  EXPECT_TRUE(fs::is_empty(tmp()));
}

TEST_F(ProcessBackend, SecretGetByIdPassesLabelAndRefresh) {
  fake_tool("secret-get", prints(R"({"key": "k", "username": "u"})"));
  auto content = backend_.secret_get("secret:abc", "auth_info", /*refresh=*/true, /*peek=*/false);
  ASSERT_THAT(content, Succeeds());
  EXPECT_EQ(*content, (SecretContent{{"key", "k"}, {"username", "u"}}));
  EXPECT_THAT(argv_of("secret-get"),
              ElementsAre("--format=json", "secret:abc", "--label", "auth_info", "--refresh"));
}

TEST_F(ProcessBackend, SecretGetByLabelOnlyPassesPeek) {
  fake_tool("secret-get", prints(R"({"key": "k"})"));
  ASSERT_THAT(backend_.secret_get(std::nullopt, "auth_info", false, /*peek=*/true), Succeeds());
  EXPECT_THAT(argv_of("secret-get"),
              ElementsAre("--format=json", "--label", "auth_info", "--peek"));
}

TEST_F(ProcessBackend, SecretGetRefusesNoIdentityOrRefreshWithPeek) {
  fake_tool("secret-get", prints("{}"));
  EXPECT_THAT(backend_.secret_get(std::nullopt, std::nullopt, false, false),
              FailsWith(ErrorCode::kInvalidArgument));
  EXPECT_THAT(backend_.secret_get("secret:abc", std::nullopt, true, true),
              FailsWith(ErrorCode::kInvalidArgument));
  EXPECT_FALSE(was_called("secret-get"));
}

TEST_F(ProcessBackend, SecretGetWithMalformedJsonNeverQuotesTheContent) {
  fake_tool("secret-get", prints(R"({"password": "hunter2-s3cret)"));
  auto content = backend_.secret_get("secret:abc", std::nullopt, false, false);
  ASSERT_THAT(content, FailsWith(ErrorCode::kInvalidOutput));
  EXPECT_THAT(content.error().message, HasSubstr("secret-get"));
  EXPECT_THAT(content.error().message, Not(HasSubstr("hunter2")));
}

TEST_F(ProcessBackend, SecretGetWithNonStringContentNeverQuotesTheContent) {
  fake_tool("secret-get", prints(R"({"password": ["hunter2-s3cret"]})"));
  auto content = backend_.secret_get("secret:abc", std::nullopt, false, false);
  ASSERT_THAT(content, FailsWith(ErrorCode::kInvalidOutput));
  EXPECT_THAT(content.error().message, Not(HasSubstr("hunter2")));
}

TEST_F(ProcessBackend, SecretInfoGetByIdFillsSecretInfoAndKeepsTheCallersId) {
  fake_tool("secret-info-get",
            prints(R"({"abcdefghijklmnopqrst": {"revision": 3, "label": "auth_info",
                "owner": "application", "description": "creds", "rotation": "monthly",
                "expiry": "2030-01-01T00:00:00Z", "rotates": "2029-02-01T00:00:00Z"}})"));
  auto info = backend_.secret_info_get("secret://uuid/abcdefghijklmnopqrst", "ignored");
  ASSERT_THAT(info, Succeeds());
  EXPECT_THAT(argv_of("secret-info-get"),
              ElementsAre("--format=json", "secret://uuid/abcdefghijklmnopqrst"));
  EXPECT_EQ(info->id, "secret://uuid/abcdefghijklmnopqrst");
  EXPECT_EQ(info->revision, 3);
  EXPECT_EQ(info->label, "auth_info");
  EXPECT_EQ(info->owner, "application");
  EXPECT_EQ(info->description, "creds");
  EXPECT_EQ(info->rotation, "monthly");
  EXPECT_EQ(info->expiry, "2030-01-01T00:00:00Z");
  EXPECT_EQ(info->rotates, "2029-02-01T00:00:00Z");
}

TEST_F(ProcessBackend, SecretInfoGetByLabelKeepsTheKeyAsJujuPrintedIt) {
  fake_tool("secret-info-get",
            prints(R"({"abcdefghijklmnopqrst": {"revision": 1, "owner": "unit"}})"));
  auto info = backend_.secret_info_get(std::nullopt, "auth_info");
  ASSERT_THAT(info, Succeeds());
  EXPECT_THAT(argv_of("secret-info-get"), ElementsAre("--format=json", "--label", "auth_info"));
  EXPECT_EQ(info->id, "abcdefghijklmnopqrst");  // the Model canonicalises (Secret::get_info)
  EXPECT_EQ(info->revision, 1);
  EXPECT_EQ(info->owner, "unit");
  EXPECT_EQ(info->label, std::nullopt);
  EXPECT_EQ(info->expiry, std::nullopt);
}

TEST_F(ProcessBackend, SecretSetPassesIdMetadataContentFilesThenOwner) {
  fake_tool("secret-set", secret_tool_recording_files());
  SecretMetadata meta;
  meta.label = "auth_info";
  ASSERT_THAT(backend_.secret_set("secret:abc", SecretContent{{"key", "new-key"}}, meta,
                                  SecretOwner::kApplication),
              Succeeds());
  const auto args = argv_of("secret-set");
  ASSERT_EQ(args.size(), 6u);
  EXPECT_EQ(args[0], "secret:abc");
  EXPECT_EQ(args[1], "--label");
  EXPECT_EQ(args[2], "auth_info");
  EXPECT_THAT(args[3], ::testing::StartsWith("key#file="));
  EXPECT_EQ(args[4], "--owner");
  EXPECT_EQ(args[5], "application");
  EXPECT_EQ(read_file(records() / "secret-set.contents"), "new-key\n");
  EXPECT_TRUE(fs::is_empty(tmp()));
}

TEST_F(ProcessBackend, SecretSetOfMetadataOnlyPassesNoContent) {
  fake_tool("secret-set");
  SecretMetadata meta;
  meta.description = "rotated monthly";
  meta.rotate = "monthly";
  ASSERT_THAT(backend_.secret_set("secret:abc", std::nullopt, meta, SecretOwner::kUnit),
              Succeeds());
  EXPECT_THAT(argv_of("secret-set"), ElementsAre("secret:abc", "--description", "rotated monthly",
                                                 "--rotate", "monthly", "--owner", "unit"));
}

TEST_F(ProcessBackend, SecretGrantAndRevokePassRelationAndUnitBeforeTheId) {
  fake_tool("secret-grant");
  fake_tool("secret-revoke");
  ASSERT_THAT(backend_.secret_grant("secret:abc", 7, std::nullopt), Succeeds());
  EXPECT_THAT(argv_of("secret-grant"), ElementsAre("--relation", "7", "secret:abc"));
  ASSERT_THAT(backend_.secret_grant("secret:abc", 7, "client/1"), Succeeds());
  EXPECT_THAT(argv_of("secret-grant"),
              ElementsAre("--relation", "7", "--unit", "client/1", "secret:abc"));
  ASSERT_THAT(backend_.secret_revoke("secret:abc", 7, "client/1"), Succeeds());
  EXPECT_THAT(argv_of("secret-revoke"),
              ElementsAre("--relation", "7", "--unit", "client/1", "secret:abc"));
}

TEST_F(ProcessBackend, SecretRemovePassesTheRevisionWhenGiven) {
  fake_tool("secret-remove");
  ASSERT_THAT(backend_.secret_remove("secret:abc", 4), Succeeds());
  EXPECT_THAT(argv_of("secret-remove"), ElementsAre("secret:abc", "--revision", "4"));
  ASSERT_THAT(backend_.secret_remove("secret:abc", std::nullopt), Succeeds());
  EXPECT_THAT(argv_of("secret-remove"), ElementsAre("secret:abc"));
}

TEST_F(ProcessBackend, SecretIdsParsesTheList) {
  fake_tool("secret-ids", prints(R"(["secret:aaa", "secret:bbb"])"));
  auto ids = backend_.secret_ids();
  ASSERT_THAT(ids, Succeeds());
  EXPECT_THAT(*ids, ElementsAre("secret:aaa", "secret:bbb"));
  EXPECT_THAT(argv_of("secret-ids"), ElementsAre("--format=json"));
}

// --- network ----------------------------------------------------------------------------------

TEST_F(ProcessBackend, NetworkGetPassesThePlainRelationIdBeforeTheBinding) {
  fake_tool("network-get", prints(R"({"ingress-addresses": ["10.0.0.5"]})"));
  auto network = backend_.network_get("cephfs-share", 7);
  ASSERT_THAT(network, Succeeds());
  EXPECT_EQ((*network)["ingress-addresses"][0], "10.0.0.5");
  EXPECT_THAT(argv_of("network-get"), ElementsAre("--format=json", "-r", "7", "cephfs-share"));
  ASSERT_THAT(backend_.network_get("juju-info", std::nullopt), Succeeds());
  EXPECT_THAT(argv_of("network-get"), ElementsAre("--format=json", "juju-info"));
}

// --- error classification ---------------------------------------------------------------------

TEST_F(ProcessBackend, RelationNotFoundFromARelationToolIsRelationNotFound) {
  fake_tool("relation-get", fails_with("ERROR relation not found\n", 2));
  auto bag = backend_.relation_get("cephfs-share", 99, "server", true);
  ASSERT_THAT(bag, FailsWith(ErrorCode::kRelationNotFound));
  EXPECT_EQ(bag.error().message, "relation-get failed (exit 2): ERROR relation not found");
}

TEST_F(ProcessBackend, RelationNotFoundFromNetworkGetIsRelationNotFound) {
  fake_tool("network-get", fails_with("ERROR Relation Not Found\n", 2));
  EXPECT_THAT(backend_.network_get("cephfs-share", 99), FailsWith(ErrorCode::kRelationNotFound));
}

TEST_F(ProcessBackend, NotFoundFromASecretToolIsSecretNotFound) {
  fake_tool("secret-info-get", fails_with("ERROR secret \"abcdefghijklmnopqrst\" not found\n"));
  auto info = backend_.secret_info_get("secret:abcdefghijklmnopqrst", std::nullopt);
  ASSERT_THAT(info, FailsWith(ErrorCode::kSecretNotFound));
  EXPECT_THAT(info.error().message, HasSubstr("secret-info-get failed (exit 1)"));
}

TEST_F(ProcessBackend, ARefusedSecretIdIsAnInvalidArgumentNotAToolFailure) {
  fake_tool("secret-get", fails_with("ERROR secret URI \"secret:x/../y\" not valid\n", 2));
  EXPECT_THAT(backend_.secret_get("secret:x/../y", std::nullopt, false, false),
              FailsWith(ErrorCode::kInvalidArgument));
  // Exit 1 (a run-time error) stays a model error: Juju should retry the hook.
  fake_tool("secret-get", fails_with("ERROR connection is shut down\n", 1));
  EXPECT_THAT(backend_.secret_get("secret:abc", std::nullopt, false, false),
              FailsWith(ErrorCode::kModelError));
}

TEST_F(ProcessBackend, NotFoundFromOtherToolsIsAModelError) {
  fake_tool("config-get", fails_with("ERROR relation not found\n"));
  EXPECT_THAT(backend_.config_get(), FailsWith(ErrorCode::kModelError));
  fake_tool("relation-get", fails_with("ERROR unit \"server/9\": settings not found\n"));
  EXPECT_THAT(backend_.relation_get("cephfs-share", 7, "server/9", false),
              FailsWith(ErrorCode::kModelError));
}

TEST_F(ProcessBackend, PermissionTextsArePermissionDenied) {
  for (const std::string text :
       {"ERROR permission denied", "ERROR Access Denied", "ERROR this unit is not the leader",
        "ERROR cannot write relation settings"}) {
    fake_tool("relation-set", fails_with(text + "\n"));
    EXPECT_THAT(backend_.relation_set("cephfs-share", 7, {{"name", "data"}}, true),
                FailsWith(ErrorCode::kPermissionDenied))
        << text;
  }
}

TEST_F(ProcessBackend, AnyOtherFailureIsAModelErrorNamingToolAndExitCode) {
  fake_tool("status-set", fails_with("ERROR invalid status \"fine\", expected one of [...]\n", 2));
  auto set = backend_.status_set("fine", "", false);
  ASSERT_THAT(set, FailsWith(ErrorCode::kModelError));
  EXPECT_EQ(set.error().message,
            "status-set failed (exit 2): ERROR invalid status \"fine\", expected one of [...]");
}

TEST_F(ProcessBackend, RelationSetErrorNeverQuotesTheDataSent) {
  fake_tool("relation-set", Canned().exits(1).runs(R"(cat "$RECORD.stdin" >&2)"));
  auto set =
      backend_.relation_set("cephfs-share", 7, {{"auth", "plain:{\"key\":\"zzz-key\"}"}}, false);
  ASSERT_THAT(set, FailsWith(ErrorCode::kModelError));
  EXPECT_THAT(set.error().message, Not(HasSubstr("zzz-key")));
}

TEST_F(ProcessBackend, AMissingToolIsToolNotFound) {
  ::setenv("PATH", bin().c_str(), 1);  // nothing installed there
  auto leader = backend_.is_leader();
  ASSERT_THAT(leader, FailsWith(ErrorCode::kToolNotFound));
  EXPECT_EQ(leader.error().message, "is-leader: not found on PATH; is this running under Juju?");
}

TEST_F(ProcessBackend, MalformedJsonIsInvalidOutputNamingTheTool) {
  fake_tool("config-get", prints("mountpoint: /mnt\n"));
  auto config = backend_.config_get();
  ASSERT_THAT(config, FailsWith(ErrorCode::kInvalidOutput));
  EXPECT_THAT(config.error().message, ::testing::StartsWith("config-get printed"));
}

TEST_F(ProcessBackend, AToolThatHangsIsKilledAtTheTimeout) {
  fake_tool("is-leader", Canned().runs("exec sleep 30"));
  ops::ProcessBackend backend(std::chrono::milliseconds(200));
  const auto start = std::chrono::steady_clock::now();
  auto leader = backend.is_leader();
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_THAT(leader, FailsWith(ErrorCode::kTimeout));
  EXPECT_THAT(leader.error().message, HasSubstr("is-leader"));
  EXPECT_LT(elapsed, std::chrono::seconds(20)) << "the tool was not killed";
}

// --- large outputs and accounting -------------------------------------------------------------

TEST_F(ProcessBackend, LargeOutputAndInputDoNotDeadlock) {
  const std::string big(1 << 20, 'x');
  // The tool writes 1 MiB to stdout and 1 MiB to stderr before it reads its 1 MiB of stdin:
  // with blocking, sequential pipe handling both sides would wait on each other forever.
  write_file(records() / "noise", big);
  fake_tool("relation-set", prints(big)
                                .runs("cat " + sh_quote((records() / "noise").string()) + " >&2")
                                .writes_before_reading_stdin());
  ops::ProcessBackend backend(std::chrono::seconds(60));
  ASSERT_THAT(backend.relation_set("cephfs-share", 7, {{"blob", big}}, false), Succeeds());
  EXPECT_EQ(stdin_of("relation-set").size(), big.size() + std::string(R"({"blob": ""})").size());

  fake_tool("relation-get", prints(R"({"blob": ")" + big + R"("})"));
  auto bag = backend.relation_get("cephfs-share", 7, "server/0", false);
  ASSERT_THAT(bag, Succeeds());
  EXPECT_EQ(bag->at("blob").size(), big.size());
}

TEST_F(ProcessBackend, AHugeStderrIsCutInTheErrorMessage) {
  fake_tool("juju-log", fails_with(std::string(1 << 20, 'e')));
  auto logged = backend_.juju_log("INFO", "hello");
  ASSERT_THAT(logged, FailsWith(ErrorCode::kModelError));
  EXPECT_LT(logged.error().message.size(), 8192u);
}

TEST_F(ProcessBackend, CountsToolCallsAndTheTimeSpentInThem) {
  fake_tool("is-leader", prints("true"));
  fake_tool("config-get", prints("{}"));
  ASSERT_THAT(backend_.is_leader(), Succeeds());
  ASSERT_THAT(backend_.config_get(), Succeeds());
  EXPECT_EQ(backend_.tool_calls(), 2);
  EXPECT_GT(backend_.tool_time(), std::chrono::nanoseconds(0));
}

// --- run_process ------------------------------------------------------------------------------

TEST_F(ProcessBackend, RunProcessReturnsExitCodeAndBothOutputsWithoutFailing) {
  auto output =
      run_process({"sh", "-c", "cat; echo oops >&2; exit 3"}, "piped", std::chrono::seconds(10));
  ASSERT_THAT(output, Succeeds());
  EXPECT_EQ(output->exit_code, 3);
  EXPECT_EQ(output->out, "piped");
  EXPECT_EQ(output->err, "oops\n");
  EXPECT_FALSE(output->timed_out);
}

TEST_F(ProcessBackend, RunProcessReportsATimeoutWithTheOutputSoFar) {
  auto output =
      run_process({"sh", "-c", "echo started; exec sleep 30"}, "", std::chrono::milliseconds(200));
  ASSERT_THAT(output, Succeeds());
  EXPECT_TRUE(output->timed_out);
  EXPECT_EQ(output->exit_code, -1);
  EXPECT_EQ(output->out, "started\n");
}

TEST_F(ProcessBackend, RunProcessSurvivesAToolThatIgnoresItsStdin) {
  // 1 MiB on stdin to a tool that exits at once: EPIPE must not kill the test (SIGPIPE).
  auto output = run_process({"true"}, std::string(1 << 20, 'x'), std::chrono::seconds(10));
  ASSERT_THAT(output, Succeeds());
  EXPECT_EQ(output->exit_code, 0);
}

TEST_F(ProcessBackend, RunProcessPassesArgumentsWithoutAShell) {
  auto output =
      run_process({"printf", "%s|", "$HOME", "a b", "`id`"}, "", std::chrono::seconds(10));
  ASSERT_THAT(output, Succeeds());
  EXPECT_EQ(output->out, "$HOME|a b|`id`|");
}

}  // namespace
