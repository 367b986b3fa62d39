#include "ops/process_backend.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <tuple>
#include <utility>

#include "backend_errors.h"
#include "ops/secret_id.h"
#include "ops/secret_key.h"
#include "tool_output.h"

namespace ops {
namespace {

// Bytes read from or written to a hook tool's pipes at a time.
constexpr std::size_t kPipeChunk = std::size_t{64} * 1024;

using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::steady_clock;

Error os_error(std::string_view what, int err) {
  return Error{ErrorCode::kIoError, fmt::format("{}: {}", what, std::strerror(err))};
}

// --- process plumbing -------------------------------------------------------------------------

class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    reset(std::exchange(other.fd_, -1));
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { reset(); }

  int get() const { return fd_; }
  explicit operator bool() const { return fd_ >= 0; }
  void reset(int fd = -1) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }
  // Closes now and reports the error a plain reset() would drop (a failed write may surface here).
  int close() { return ::close(std::exchange(fd_, -1)); }

 private:
  int fd_ = -1;
};

struct Pipe {
  UniqueFd read;
  UniqueFd write;
};

// Both ends are close-on-exec and numbered 3 or above: the child gets exactly the three ends
// dup2'd onto 0/1/2 (a dup2 onto itself would keep close-on-exec and leave the child without it).
Status make_pipe(Pipe& pipe) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return os_error("cannot create a pipe", errno);
  pipe.read.reset(fds[0]);
  pipe.write.reset(fds[1]);
  for (UniqueFd* end : {&pipe.read, &pipe.write}) {
    if (end->get() >= 3) continue;
    const int moved = ::fcntl(end->get(), F_DUPFD_CLOEXEC, 3);
    if (moved < 0) return os_error("cannot create a pipe", errno);
    end->reset(moved);
  }
  return {};
}

void set_nonblocking(const UniqueFd& fd) {
  const int flags = ::fcntl(fd.get(), F_GETFL);
  if (flags >= 0) ::fcntl(fd.get(), F_SETFL, flags | O_NONBLOCK);
}

// Blocks SIGPIPE in this thread while we feed a child's stdin, so a tool that exits without
// reading gives EPIPE instead of killing the charm. Restores the caller's mask and swallows a
// SIGPIPE we caused. The process-wide disposition is left alone (we are a library).
class SigpipeBlock {
 public:
  SigpipeBlock() {
    sigset_t pipe_only;
    sigemptyset(&pipe_only);
    sigaddset(&pipe_only, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_only, &caller_mask_);
    sigset_t pending;
    sigpending(&pending);
    was_pending_ = sigismember(&pending, SIGPIPE) == 1;
  }
  SigpipeBlock(const SigpipeBlock&) = delete;
  SigpipeBlock& operator=(const SigpipeBlock&) = delete;
  ~SigpipeBlock() {
    sigset_t pending;
    sigpending(&pending);
    if (!was_pending_ && sigismember(&pending, SIGPIPE) == 1) {
      sigset_t pipe_only;
      sigemptyset(&pipe_only);
      sigaddset(&pipe_only, SIGPIPE);
      const timespec no_wait{};
      sigtimedwait(&pipe_only, nullptr, &no_wait);
    }
    pthread_sigmask(SIG_SETMASK, &caller_mask_, nullptr);
  }

  // The mask the caller had, which the child should start with.
  const sigset_t& caller_mask() const { return caller_mask_; }

 private:
  sigset_t caller_mask_;
  bool was_pending_ = false;
};

class SpawnAttributes {
 public:
  explicit SpawnAttributes(const sigset_t& child_mask) {
    posix_spawnattr_init(&attr_);
    // A tool starts like from a shell: the caller's signal mask, SIGPIPE at its default (the
    // charm may ignore it; ignored signals are inherited across exec).
    sigset_t defaults;
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGPIPE);
    posix_spawnattr_setsigmask(&attr_, &child_mask);
    posix_spawnattr_setsigdefault(&attr_, &defaults);
    posix_spawnattr_setflags(&attr_, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  }
  SpawnAttributes(const SpawnAttributes&) = delete;
  SpawnAttributes& operator=(const SpawnAttributes&) = delete;
  ~SpawnAttributes() { posix_spawnattr_destroy(&attr_); }
  const posix_spawnattr_t* get() const { return &attr_; }

 private:
  posix_spawnattr_t attr_;
};

class SpawnFileActions {
 public:
  SpawnFileActions() { posix_spawn_file_actions_init(&actions_); }
  SpawnFileActions(const SpawnFileActions&) = delete;
  SpawnFileActions& operator=(const SpawnFileActions&) = delete;
  ~SpawnFileActions() { posix_spawn_file_actions_destroy(&actions_); }
  void dup2(const UniqueFd& fd, int target) {
    posix_spawn_file_actions_adddup2(&actions_, fd.get(), target);
  }
  const posix_spawn_file_actions_t* get() const { return &actions_; }

 private:
  posix_spawn_file_actions_t actions_;
};

// A started child that is always reaped: if we leave early, it is killed and waited for, so no
// zombie or stray tool outlives the call.
class Child {
 public:
  explicit Child(pid_t pid) : pid_(pid) {}
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  ~Child() {
    if (pid_ > 0) {
      kill();
      int status = 0;
      static_cast<void>(wait_blocking(status));  // nothing more to do from a destructor
    }
  }

  void kill() const { ::kill(pid_, SIGKILL); }

  // Waits until the child exits or `deadline` passes. Returns true when reaped.
  Result<bool> wait_until(steady_clock::time_point deadline, int& status) {
    auto pause = std::chrono::microseconds(100);
    for (;;) {
      const pid_t r = ::waitpid(pid_, &status, WNOHANG);
      if (r == pid_) {
        pid_ = -1;
        return true;
      }
      if (r < 0 && errno != EINTR) {
        pid_ = -1;  // not ours to wait for (or kill) any more
        return os_error("cannot wait for a hook tool", errno);
      }
      if (steady_clock::now() >= deadline) return false;
      std::this_thread::sleep_for(pause);
      pause = std::min(pause * 2, std::chrono::microseconds(10'000));
    }
  }

  Status wait_blocking(int& status) {
    for (;;) {
      const pid_t r = ::waitpid(pid_, &status, 0);
      if (r == pid_) {
        pid_ = -1;
        return {};
      }
      if (r < 0 && errno != EINTR) {
        pid_ = -1;
        return os_error("cannot wait for a hook tool", errno);
      }
    }
  }

 private:
  pid_t pid_;
};

int to_exit_code(int status) { return WIFEXITED(status) ? WEXITSTATUS(status) : -1; }

// --- tool output parsing ----------------------------------------------------------------------
// Error messages here name the tool and what was expected, never the output itself: secret-get
// prints secret content, and nlohmann's parse errors quote the text around the fault.

Result<json> parse_json(std::string_view tool, std::string_view out) {
  try {
    return json::parse(out);
  } catch (const json::parse_error& e) {
    return internal::invalid_output(
        tool, fmt::format("output that is not valid JSON ({} bytes, parse error at byte {})",
                          out.size(), e.byte));
  } catch (const json::out_of_range&) {  // a number beyond double, e.g. 1e999
    return internal::invalid_output(
        tool, fmt::format("JSON with a number out of range ({} bytes)", out.size()));
  }
}

// Go encodes a nil list as `null`; read it as empty.
Result<std::vector<std::string>> string_list(std::string_view tool, const json& value) {
  std::vector<std::string> items;
  if (value.is_null()) return items;
  if (!value.is_array()) return internal::invalid_output(tool, "JSON that is not a list");
  items.reserve(value.size());
  for (const auto& item : value) {
    if (!item.is_string()) {
      return internal::invalid_output(tool, "a list with an item that is not a string");
    }
    items.push_back(item.get<std::string>());
  }
  return items;
}

// Go encodes a nil map as `null`; read it as empty when `null_is_empty`.
Result<Bag> string_map(std::string_view tool, const json& value, bool null_is_empty) {
  Bag map;
  if (value.is_null() && null_is_empty) return map;
  if (!value.is_object()) return internal::invalid_output(tool, "JSON that is not an object");
  for (const auto& [key, item] : value.items()) {
    if (!item.is_string()) {
      return internal::invalid_output(
          tool, fmt::format("an object whose value for key \"{}\" is not a string", key));
    }
    map.emplace(key, item.get<std::string>());
  }
  return map;
}

Result<json> object_or_empty(std::string_view tool, const json& value) {
  if (value.is_null()) return json::object();
  if (!value.is_object()) return internal::invalid_output(tool, "JSON that is not an object");
  return value;
}

Result<std::optional<std::string>> optional_string(std::string_view tool, const json& object,
                                                   std::string_view key) {
  const auto it = object.find(std::string(key));
  if (it == object.end() || it->is_null()) return std::optional<std::string>();
  if (!it->is_string()) {
    return internal::invalid_output(tool, fmt::format("a \"{}\" that is not a string", key));
  }
  return std::optional<std::string>(it->get<std::string>());
}

// ops' json.dumps(data): `{"k": "v", ...}` with non-ASCII escaped. relation-set reads YAML, of
// which this is a subset; matching Python byte for byte keeps the two runtimes interchangeable.
Result<std::string> relation_data_json(const Bag& data) {
  std::string text = "{";
  for (const auto& [key, value] : data) {
    if (text.size() > 1) text += ", ";
    try {
      text += json(key).dump(-1, ' ', /*ensure_ascii=*/true);
      text += ": ";
      text += json(value).dump(-1, ' ', /*ensure_ascii=*/true);
    } catch (const json::type_error&) {
      return Error{ErrorCode::kInvalidArgument,
                   fmt::format("relation data for key \"{}\" is not valid UTF-8; Juju stores text "
                               "only (encode binary values, e.g. base64)",
                               json(key).dump(-1, ' ', true, json::error_handler_t::replace))};
    }
  }
  text += "}";
  return text;
}

std::string_view trim(std::string_view text) {
  constexpr std::string_view kSpace = " \t\r\n\v\f";
  const auto first = text.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(kSpace) - first + 1);
}

// --- secrets ----------------------------------------------------------------------------------

std::string_view owner_flag(SecretOwner owner) {
  return owner == SecretOwner::kUnit ? "unit" : "application";
}

Status check_secret_keys(const SecretContent& content) {
  for (const auto& [key, value] : content) {
    if (!is_valid_secret_key(key)) {
      return Error{ErrorCode::kInvalidArgument,
                   fmt::format("invalid secret key \"{}\": use at least 3 lowercase letters, "
                               "digits or single hyphens, starting with a letter",
                               key)};
    }
  }
  return {};
}

void append_metadata(std::vector<std::string>& argv, const SecretMetadata& meta) {
  const std::pair<const char*, const std::optional<std::string>*> flags[] = {
      {"--label", &meta.label},
      {"--description", &meta.description},
      {"--expire", &meta.expire},
      {"--rotate", &meta.rotate}};
  for (const auto& [flag, value] : flags) {
    if (value->has_value()) {
      argv.emplace_back(flag);
      argv.push_back(**value);
    }
  }
}

// What must never show in an error message about a call that sent `map`: each value, and each
// value as it appears inside the JSON we sent (a tool quoting its input quotes it escaped).
std::vector<std::string> values_of(const std::map<std::string, std::string>& map) {
  std::vector<std::string> values;
  values.reserve(2 * map.size());
  for (const auto& [key, value] : map) {
    values.push_back(value);
    std::string escaped = json(value).dump(-1, ' ', true, json::error_handler_t::replace);
    escaped = escaped.substr(1, escaped.size() - 2);
    if (escaped != value) values.push_back(std::move(escaped));
  }
  return values;
}

// Secret values on their way to secret-add/secret-set: each in its own 0600 file inside a private
// 0700 directory (mkdtemp under $TMPDIR, else /tmp), passed as key#file=<path>. Everything is
// removed when this object goes away, whether or not the tool succeeded.
class SecretFiles {
 public:
  SecretFiles() = default;
  SecretFiles(const SecretFiles&) = delete;
  SecretFiles& operator=(const SecretFiles&) = delete;
  ~SecretFiles() {
    for (const auto& file : files_) ::unlink(file.c_str());
    if (!dir_.empty()) ::rmdir(dir_.c_str());
  }

  // Writes each value and appends its key#file=<path> argument to argv.
  Status write(const SecretContent& content, std::vector<std::string>& argv) {
    if (content.empty()) return {};
    if (auto checked = check_secret_keys(content); !checked) return checked;
    if (dir_.empty()) {
      const char* tmp = std::getenv("TMPDIR");
      std::string pattern = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp");
      pattern += "/ops-secret-XXXXXX";
      if (::mkdtemp(pattern.data()) == nullptr) {
        return os_error("cannot create a private temporary directory for secret content", errno);
      }
      dir_ = pattern;
    }
    for (const auto& [key, value] : content) {
      std::string path = dir_ + "/" + key;
      UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600));
      if (!fd) return os_error(fmt::format("cannot create {}", path), errno);
      files_.push_back(path);
      for (std::size_t done = 0; done < value.size();) {
        const ssize_t n = ::write(fd.get(), value.data() + done, value.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return os_error(fmt::format("cannot write {}", path), errno);
        done += static_cast<std::size_t>(n);
      }
      if (fd.close() != 0) return os_error(fmt::format("cannot write {}", path), errno);
      argv.push_back(fmt::format("{}#file={}", key, path));
    }
    return {};
  }

 private:
  std::string dir_;
  std::vector<std::string> files_;
};

// One hook-tool call: runs it, accounts the time, classifies a failure. `sensitive` lists values
// sent to the tool (secret content, relation data) that must not appear in an error message.
Result<std::string> run_tool(const std::vector<std::string>& argv, const std::string& stdin_data,
                             const std::vector<std::string>& sensitive, milliseconds timeout,
                             std::chrono::nanoseconds& tool_time, int& tool_calls) {
  const auto start = steady_clock::now();
  auto result = run_process(argv, stdin_data, timeout);
  tool_time += steady_clock::now() - start;
  ++tool_calls;
  if (!result) return result.error();
  const std::string& tool = argv.front();
  if (result->timed_out) return internal::tool_timeout(tool, timeout);
  if (result->exit_code != 0) {
    return internal::classify_tool_failure(tool, result->exit_code, result->err, sensitive);
  }
  return std::move(result->out);
}

}  // namespace

// --- tool outputs (tool_output.h) ---------------------------------------------------------------

namespace internal {

Result<std::vector<int>> parse_relation_ids(std::string_view out) {
  constexpr std::string_view kTool = "relation-ids";
  auto parsed = parse_json(kTool, out);
  if (!parsed) return parsed.error();
  auto names = string_list(kTool, *parsed);
  if (!names) return names.error();

  std::vector<int> ids;
  ids.reserve(names->size());
  for (const auto& name : *names) {
    // "<endpoint>:<id>"; ops keeps the integer after the last ':'.
    const auto colon = name.rfind(':');
    const std::string_view digits = colon == std::string::npos
                                        ? std::string_view(name)
                                        : std::string_view(name).substr(colon + 1);
    int id = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), id);
    if (ec != std::errc() || end != digits.data() + digits.size() || digits.empty()) {
      return internal::invalid_output(
          kTool, fmt::format("relation id \"{}\", expected <endpoint>:<number>", name));
    }
    ids.push_back(id);
  }
  return ids;
}

Result<std::vector<std::string>> parse_relation_list(std::string_view out) {
  constexpr std::string_view kTool = "relation-list";
  auto parsed = parse_json(kTool, out);
  if (!parsed) return parsed.error();
  return string_list(kTool, *parsed);
}

Result<std::string> parse_relation_remote_app(std::string_view out) {
  constexpr std::string_view kTool = "relation-list";
  auto parsed = parse_json(kTool, out);
  if (!parsed) return parsed.error();
  if (!parsed->is_string()) {
    return internal::invalid_output(kTool, "an application name that is not a JSON string");
  }
  return parsed->get<std::string>();
}

Result<Bag> parse_relation_get(std::string_view out) {
  constexpr std::string_view kTool = "relation-get";
  auto parsed = parse_json(kTool, out);
  if (!parsed) return parsed.error();
  return string_map(kTool, *parsed, /*null_is_empty=*/true);
}

Result<bool> parse_is_leader(std::string_view out) {
  constexpr std::string_view kTool = "is-leader";
  auto parsed = parse_json(kTool, out);
  if (!parsed) return parsed.error();
  if (!parsed->is_boolean()) return internal::invalid_output(kTool, "JSON that is not true/false");
  return parsed->get<bool>();
}

Result<nlohmann::json> parse_config_get(std::string_view out) {
  constexpr std::string_view kTool = "config-get";
  auto parsed = parse_json(kTool, out);
  if (!parsed) return parsed.error();
  return object_or_empty(kTool, *parsed);
}

Result<StatusInfo> parse_status_get(std::string_view out, bool is_app) {
  constexpr std::string_view kTool = "status-get";
  auto parsed = parse_json(kTool, out);
  if (!parsed) return parsed.error();

  // Unit: {"status","message","status-data"}; app: {"application-status":{...},"units":{...}}.
  const json* entity = &*parsed;
  if (is_app) {
    if (!parsed->is_object() || !parsed->contains("application-status")) {
      return internal::invalid_output(kTool, "JSON without \"application-status\"");
    }
    entity = &(*parsed)["application-status"];
  }
  if (!entity->is_object())
    return internal::invalid_output(kTool, "a status that is not an object");
  auto status = optional_string(kTool, *entity, "status");
  if (!status) return status.error();
  if (!status->has_value()) return internal::invalid_output(kTool, "a status without \"status\"");
  auto message = optional_string(kTool, *entity, "message");
  if (!message) return message.error();
  return StatusInfo{std::move(**status), message->value_or("")};
}

Result<nlohmann::json> parse_action_get(std::string_view out) {
  constexpr std::string_view kTool = "action-get";
  auto parsed = parse_json(kTool, out);
  if (!parsed) return parsed.error();
  return object_or_empty(kTool, *parsed);
}

Result<std::string> parse_secret_add(std::string_view out) {
  constexpr std::string_view kTool = "secret-add";
  const std::string_view id = trim(out);
  if (id.empty()) return internal::invalid_output(kTool, "no secret id");
  return std::string(id);
}

Result<SecretContent> parse_secret_get(std::string_view out) {
  constexpr std::string_view kTool = "secret-get";
  auto parsed = parse_json(kTool, out);
  if (!parsed) return parsed.error();
  return string_map(kTool, *parsed, /*null_is_empty=*/false);
}

Result<SecretInfo> parse_secret_info_get(std::string_view out,
                                         const std::optional<std::string>& id) {
  constexpr std::string_view kTool = "secret-info-get";
  auto parsed = parse_json(kTool, out);
  if (!parsed) return parsed.error();
  if (!parsed->is_object() || parsed->empty()) {
    return internal::invalid_output(kTool, "JSON that is not an object keyed by secret id");
  }

  auto entry = parsed->begin();
  if (parsed->size() > 1) {
    entry = parsed->end();
    if (id) {
      if (auto wanted = SecretId::parse(*id)) {
        entry = parsed->find(std::string(wanted->unique_identifier()));
      }
    }
    if (entry == parsed->end()) {
      return internal::invalid_output(
          kTool, fmt::format("{} secrets where one was expected", parsed->size()));
    }
  }
  const std::string& key = entry.key();
  const json& fields = entry.value();
  if (!fields.is_object())
    return internal::invalid_output(kTool, "secret info that is not an object");

  SecretInfo info;
  info.id = id && same_secret(*id, key) ? *id : key;
  if (const auto revision = fields.find("revision"); revision != fields.end()) {
    if (!revision->is_number_integer()) {
      return internal::invalid_output(kTool, "a \"revision\" that is not an integer");
    }
    info.revision = revision->get<int>();
  }
  const std::pair<std::string_view, std::optional<std::string>*> optionals[] = {
      {"label", &info.label},
      {"description", &info.description},
      {"rotation", &info.rotation},
      {"expiry", &info.expiry},
      {"rotates", &info.rotates}};
  for (const auto& [name, field] : optionals) {
    auto value = optional_string(kTool, fields, name);
    if (!value) return value.error();
    *field = std::move(*value);
  }
  auto owner = optional_string(kTool, fields, "owner");
  if (!owner) return owner.error();
  info.owner = owner->value_or("");
  return info;
}

Result<std::vector<std::string>> parse_secret_ids(std::string_view out) {
  constexpr std::string_view kTool = "secret-ids";
  auto parsed = parse_json(kTool, out);
  if (!parsed) return parsed.error();
  return string_list(kTool, *parsed);
}

Result<nlohmann::json> parse_network_get(std::string_view out) {
  constexpr std::string_view kTool = "network-get";
  auto parsed = parse_json(kTool, out);
  if (!parsed) return parsed.error();
  if (!parsed->is_object()) return internal::invalid_output(kTool, "JSON that is not an object");
  return std::move(*parsed);
}

}  // namespace internal

// --- run_process ------------------------------------------------------------------------------
// A timeout is not an error here: the output so far comes back with timed_out set (exit_code -1),
// and ProcessBackend turns it into kTimeout. Errors are kInvalidArgument (empty argv),
// kToolNotFound (argv[0] not on PATH) and kIoError (the OS refused a pipe, spawn or wait).

Result<ProcessOutput> run_process(const std::vector<std::string>& argv,
                                  const std::string& stdin_data, milliseconds timeout) {
  if (argv.empty()) return Error{ErrorCode::kInvalidArgument, "run_process: empty argv"};
  const std::string& tool = argv.front();

  Pipe in, out, err;
  for (Pipe* pipe : {&in, &out, &err}) {
    if (auto made = make_pipe(*pipe); !made) return made.error();
  }

  SigpipeBlock sigpipe_block;
  SpawnAttributes attributes(sigpipe_block.caller_mask());
  SpawnFileActions actions;
  actions.dup2(in.read, STDIN_FILENO);
  actions.dup2(out.write, STDOUT_FILENO);
  actions.dup2(err.write, STDERR_FILENO);

  std::vector<char*> c_argv;
  c_argv.reserve(argv.size() + 1);
  for (const auto& arg : argv) c_argv.push_back(const_cast<char*>(arg.c_str()));
  c_argv.push_back(nullptr);

  const auto deadline = steady_clock::now() + timeout;
  pid_t pid = -1;
  const int spawned =
      ::posix_spawnp(&pid, tool.c_str(), actions.get(), attributes.get(), c_argv.data(), environ);
  if (spawned == ENOENT) return internal::tool_not_found(tool);
  if (spawned != 0) return os_error(fmt::format("cannot run {}", tool), spawned);
  Child child(pid);

  // Only the child keeps its ends; EOF on stdout/stderr then means the child closed them.
  in.read.reset();
  out.write.reset();
  err.write.reset();
  set_nonblocking(in.write);
  set_nonblocking(out.read);
  set_nonblocking(err.read);

  ProcessOutput output;
  std::size_t written = 0;
  if (stdin_data.empty()) in.write.reset();

  // Feed stdin and drain both outputs together: a tool that writes a lot before reading (or
  // fills stderr while we wait on stdout) would deadlock with sequential reads and writes.
  std::array<char, kPipeChunk> buffer;
  while (out.read || err.read) {
    const auto now = steady_clock::now();
    if (now >= deadline) {
      output.timed_out = true;
      break;
    }
    const auto wait = std::chrono::ceil<milliseconds>(deadline - now).count();

    std::array<pollfd, 3> fds{};
    nfds_t count = 0;
    int in_slot = -1, out_slot = -1, err_slot = -1;
    if (in.write) {
      in_slot = static_cast<int>(count);
      fds[count++] = pollfd{in.write.get(), POLLOUT, 0};
    }
    if (out.read) {
      out_slot = static_cast<int>(count);
      fds[count++] = pollfd{out.read.get(), POLLIN, 0};
    }
    if (err.read) {
      err_slot = static_cast<int>(count);
      fds[count++] = pollfd{err.read.get(), POLLIN, 0};
    }
    const int ready =
        ::poll(fds.data(), count, static_cast<int>(std::min<long long>(wait, INT_MAX)));
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) return os_error(fmt::format("cannot wait for output of {}", tool), errno);
    if (ready == 0) continue;

    if (in_slot >= 0 && fds[in_slot].revents != 0) {
      const std::size_t chunk = std::min(stdin_data.size() - written, kPipeChunk);
      const ssize_t n = ::write(in.write.get(), stdin_data.data() + written, chunk);
      if (n >= 0) {
        written += static_cast<std::size_t>(n);
        if (written == stdin_data.size()) in.write.reset();  // EOF for the tool
      } else if (errno != EAGAIN && errno != EINTR) {
        in.write.reset();  // EPIPE: the tool stopped reading; its exit status tells the rest
      }
    }
    for (auto [slot, fd, text] : {std::tuple{out_slot, &out.read, &output.out},
                                  std::tuple{err_slot, &err.read, &output.err}}) {
      if (slot < 0 || fds[slot].revents == 0) continue;
      const ssize_t n = ::read(fd->get(), buffer.data(), buffer.size());
      if (n > 0) {
        text->append(buffer.data(), static_cast<std::size_t>(n));
      } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
        fd->reset();
      }
    }
  }
  in.write.reset();
  out.read.reset();
  err.read.reset();

  int status = 0;
  if (!output.timed_out) {
    // Outputs are closed, so the tool is normally exiting; still never wait past the deadline.
    auto reaped = child.wait_until(deadline, status);
    if (!reaped) return reaped.error();
    output.timed_out = !*reaped;
  }
  if (output.timed_out) {
    child.kill();
    if (auto waited = child.wait_blocking(status); !waited) return waited.error();
    output.exit_code = -1;
    return output;
  }
  output.exit_code = to_exit_code(status);
  return output;
}

// --- ProcessBackend ---------------------------------------------------------------------------

Result<std::string> ProcessBackend::run(const std::vector<std::string>& argv,
                                        const std::string& stdin_data) {
  return run_tool(argv, stdin_data, {}, timeout_, tool_time_, tool_calls_);
}

namespace {
std::string relation_arg(std::string_view endpoint, int id) {
  return fmt::format("{}:{}", endpoint, id);
}
}  // namespace

Result<std::vector<int>> ProcessBackend::relation_ids(std::string_view endpoint) {
  constexpr std::string_view kTool = "relation-ids";
  auto out = run({std::string(kTool), std::string(endpoint), "--format=json"});
  if (!out) return out.error();
  return internal::parse_relation_ids(*out);
}

Result<std::vector<std::string>> ProcessBackend::relation_list(std::string_view endpoint, int id) {
  constexpr std::string_view kTool = "relation-list";
  auto out = run({std::string(kTool), "--format=json", "-r", relation_arg(endpoint, id)});
  if (!out) return out.error();
  return internal::parse_relation_list(*out);
}

Result<std::string> ProcessBackend::relation_remote_app(std::string_view endpoint, int id) {
  constexpr std::string_view kTool = "relation-list";
  auto out = run({std::string(kTool), "--format=json", "--app", "-r", relation_arg(endpoint, id)});
  if (!out) return out.error();
  return internal::parse_relation_remote_app(*out);
}

Result<Bag> ProcessBackend::relation_get(std::string_view endpoint, int id, std::string_view member,
                                         bool is_app) {
  constexpr std::string_view kTool = "relation-get";
  std::vector<std::string> argv = {std::string(kTool), "--format=json", "-r",
                                   relation_arg(endpoint, id)};
  if (is_app) argv.emplace_back("--app");
  argv.emplace_back("-");
  argv.emplace_back(member);
  auto out = run(argv);
  if (!out) return out.error();
  return internal::parse_relation_get(*out);
}

Status ProcessBackend::relation_set(std::string_view endpoint, int id, const Bag& data,
                                    bool is_app) {
  if (data.empty()) {
    return Error{ErrorCode::kInvalidArgument,
                 fmt::format("relation-set on {}: no data given; pass at least one key (an empty "
                             "value deletes a key)",
                             relation_arg(endpoint, id))};
  }
  auto input = relation_data_json(data);
  if (!input) return input.error();
  std::vector<std::string> argv = {"relation-set", "-r", relation_arg(endpoint, id)};
  if (is_app) argv.emplace_back("--app");
  argv.emplace_back("--file");
  argv.emplace_back("-");
  auto out = run_tool(argv, *input, values_of(data), timeout_, tool_time_, tool_calls_);
  if (!out) return out.error();
  return {};
}

Result<bool> ProcessBackend::is_leader() {
  constexpr std::string_view kTool = "is-leader";
  auto out = run({std::string(kTool), "--format=json"});
  if (!out) return out.error();
  return internal::parse_is_leader(*out);
}

Result<nlohmann::json> ProcessBackend::config_get() {
  constexpr std::string_view kTool = "config-get";
  auto out = run({std::string(kTool), "--format=json"});
  if (!out) return out.error();
  return internal::parse_config_get(*out);
}

Result<StatusInfo> ProcessBackend::status_get(bool is_app) {
  constexpr std::string_view kTool = "status-get";
  auto out = run({std::string(kTool), "--include-data", "--format=json",
                  is_app ? "--application=true" : "--application=false"});
  if (!out) return out.error();
  return internal::parse_status_get(*out, is_app);
}

Status ProcessBackend::status_set(std::string_view status, std::string_view message, bool is_app) {
  auto out = run({"status-set", is_app ? "--application=True" : "--application=False",
                  std::string(status), "--", std::string(message)});
  if (!out) return out.error();
  return {};
}

Status ProcessBackend::application_version_set(std::string_view version) {
  auto out = run({"application-version-set", "--", std::string(version)});
  if (!out) return out.error();
  return {};
}

Status ProcessBackend::juju_log(std::string_view level, std::string_view message) {
  auto out = run({"juju-log", "--log-level", std::string(level), "--", std::string(message)});
  if (!out) return out.error();
  return {};
}

Result<nlohmann::json> ProcessBackend::action_get() {
  constexpr std::string_view kTool = "action-get";
  auto out = run({std::string(kTool), "--format=json"});
  if (!out) return out.error();
  return internal::parse_action_get(*out);
}

// Nothing to set is no call at all: action-set with no arguments is an error in Juju.
Status ProcessBackend::action_set(const std::map<std::string, std::string>& results) {
  if (results.empty()) return {};
  std::vector<std::string> argv = {"action-set"};
  for (const auto& [key, value] : results) argv.push_back(fmt::format("{}={}", key, value));
  auto out = run(argv);
  if (!out) return out.error();
  return {};
}

Status ProcessBackend::action_log(std::string_view message) {
  auto out = run({"action-log", "--", std::string(message)});
  if (!out) return out.error();
  return {};
}

Status ProcessBackend::action_fail(std::string_view message) {
  auto out = run({"action-fail", "--", std::string(message)});
  if (!out) return out.error();
  return {};
}

Result<std::string> ProcessBackend::secret_add(const SecretContent& content,
                                               const SecretMetadata& meta, SecretOwner owner) {
  constexpr std::string_view kTool = "secret-add";
  if (content.empty()) {
    return Error{ErrorCode::kInvalidArgument, "secret-add: secret content must not be empty"};
  }
  std::vector<std::string> argv = {std::string(kTool)};
  append_metadata(argv, meta);
  argv.emplace_back("--owner");
  argv.emplace_back(owner_flag(owner));
  SecretFiles files;
  if (auto written = files.write(content, argv); !written) return written.error();
  auto out = run_tool(argv, "", values_of(content), timeout_, tool_time_, tool_calls_);
  if (!out) return out.error();
  return internal::parse_secret_add(*out);
}

Result<SecretContent> ProcessBackend::secret_get(const std::optional<std::string>& id,
                                                 const std::optional<std::string>& label,
                                                 bool refresh, bool peek) {
  constexpr std::string_view kTool = "secret-get";
  if (!id && !label) {
    return Error{ErrorCode::kInvalidArgument, "secret-get: give a secret id, a label or both"};
  }
  if (refresh && peek) {
    return Error{ErrorCode::kInvalidArgument,
                 "secret-get: --refresh and --peek exclude each other; choose one"};
  }
  std::vector<std::string> argv = {std::string(kTool), "--format=json"};
  if (id) argv.push_back(*id);
  if (label) {
    argv.emplace_back("--label");
    argv.push_back(*label);
  }
  if (refresh) argv.emplace_back("--refresh");
  if (peek) argv.emplace_back("--peek");
  auto out = run(argv);
  if (!out) return out.error();
  return internal::parse_secret_get(*out);
}

// SecretInfo::id: secret-info-get keys its output by the bare xid. When the caller gave an id for
// that xid we return the caller's id unchanged (so it compares equal to what the caller holds);
// otherwise the key as Juju printed it. The model, which knows the model uuid, canonicalises it
// (SecretId::canonical: a bare xid becomes secret://<model-uuid>/<xid>, as Python ops does).
Result<SecretInfo> ProcessBackend::secret_info_get(const std::optional<std::string>& id,
                                                   const std::optional<std::string>& label) {
  constexpr std::string_view kTool = "secret-info-get";
  std::vector<std::string> argv = {std::string(kTool), "--format=json"};
  if (id) {
    argv.push_back(*id);  // never both: ops looks up by id when it has one
  } else if (label) {
    argv.emplace_back("--label");
    argv.push_back(*label);
  } else {
    return Error{ErrorCode::kInvalidArgument, "secret-info-get: give a secret id or a label"};
  }
  auto out = run(argv);
  if (!out) return out.error();
  return internal::parse_secret_info_get(*out, id);
}

Status ProcessBackend::secret_set(std::string_view id, const std::optional<SecretContent>& content,
                                  const SecretMetadata& meta, SecretOwner owner) {
  std::vector<std::string> argv = {"secret-set", std::string(id)};
  append_metadata(argv, meta);
  SecretFiles files;
  std::vector<std::string> sensitive;
  if (content) {
    if (auto written = files.write(*content, argv); !written) return written.error();
    sensitive = values_of(*content);
  }
  // ops appends --owner to every secret-set; Juju validates it and otherwise ignores it there.
  argv.emplace_back("--owner");
  argv.emplace_back(owner_flag(owner));
  auto out = run_tool(argv, "", sensitive, timeout_, tool_time_, tool_calls_);
  if (!out) return out.error();
  return {};
}

namespace {
std::vector<std::string> grant_argv(std::string_view tool, std::string_view id, int relation_id,
                                    const std::optional<std::string>& unit) {
  std::vector<std::string> argv = {std::string(tool), "--relation", std::to_string(relation_id)};
  if (unit) {
    argv.emplace_back("--unit");
    argv.push_back(*unit);
  }
  argv.emplace_back(id);
  return argv;
}
}  // namespace

Status ProcessBackend::secret_grant(std::string_view id, int relation_id,
                                    const std::optional<std::string>& unit) {
  auto out = run(grant_argv("secret-grant", id, relation_id, unit));
  if (!out) return out.error();
  return {};
}

Status ProcessBackend::secret_revoke(std::string_view id, int relation_id,
                                     const std::optional<std::string>& unit) {
  auto out = run(grant_argv("secret-revoke", id, relation_id, unit));
  if (!out) return out.error();
  return {};
}

Status ProcessBackend::secret_remove(std::string_view id, std::optional<int> revision) {
  std::vector<std::string> argv = {"secret-remove", std::string(id)};
  if (revision) {
    argv.emplace_back("--revision");
    argv.push_back(std::to_string(*revision));
  }
  auto out = run(argv);
  if (!out) return out.error();
  return {};
}

Result<std::vector<std::string>> ProcessBackend::secret_ids() {
  constexpr std::string_view kTool = "secret-ids";
  auto out = run({std::string(kTool), "--format=json"});
  if (!out) return out.error();
  return internal::parse_secret_ids(*out);
}

Result<nlohmann::json> ProcessBackend::network_get(std::string_view binding,
                                                   std::optional<int> relation_id) {
  constexpr std::string_view kTool = "network-get";
  std::vector<std::string> argv = {std::string(kTool), "--format=json"};
  if (relation_id) {
    argv.emplace_back("-r");
    argv.push_back(std::to_string(*relation_id));  // the plain id, as ops passes it here
  }
  argv.emplace_back(binding);
  auto out = run(argv);
  if (!out) return out.error();
  return internal::parse_network_get(*out);
}

}  // namespace ops
