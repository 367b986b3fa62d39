#include "tool/tool_trace.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>

#include "sim_error.h"

namespace juju_sim {
namespace {

std::string env_value(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr ? value : "";
}

class OpenFile {
 public:
  explicit OpenFile(int fd) : fd_(fd) {}
  ~OpenFile() {
    if (fd_ >= 0) ::close(fd_);
  }
  OpenFile(const OpenFile&) = delete;
  OpenFile& operator=(const OpenFile&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

void record_raw_argv(int argc, char** argv) {
  const std::string path = env_value(kAgentRawArgvLogVariable);
  if (path.empty()) return;
  nlohmann::json args = nlohmann::json::array();
  for (int i = 0; i < argc; ++i) args.push_back(argv[i]);
  const nlohmann::json record = {{"unit", env_value("JUJU_UNIT_NAME")},
                                 {"context", env_value("JUJU_CONTEXT_ID")},
                                 {"argv", std::move(args)}};
  // Invalid UTF-8 becomes U+FFFD; a marker is ASCII and survives.
  const std::string line =
      record.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  auto failed = [&](const std::string& why) {
    return runtime_error("cannot write the raw argv log " + path + " (" + kAgentRawArgvLogVariable +
                         "): " + why);
  };
  const OpenFile file(
      ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (file.get() < 0) throw failed(std::strerror(errno));
  struct stat st {};
  if (::fstat(file.get(), &st) != 0) throw failed(std::strerror(errno));
  if (!S_ISREG(st.st_mode) || (st.st_mode & 07777) != 0600 || st.st_uid != ::geteuid()) {
    throw failed("it must be a regular file of mode 0600 owned by uid " +
                 std::to_string(::geteuid()));
  }
  // One write: O_APPEND places it whole at the end, even with other tools writing.
  const ssize_t written = ::write(file.get(), line.data(), line.size());
  if (written != static_cast<ssize_t>(line.size())) {
    throw failed(written < 0 ? std::strerror(errno) : "short write");
  }
}

void record_tool_call(ToolContext& ctx, const std::vector<std::string>& argv, int exit_code,
                      const std::string& stdout_text, const std::string& stderr_text,
                      std::chrono::nanoseconds duration) {
  bool content_tool = ctx.tool == "secret-add" || ctx.tool == "secret-set";
  nlohmann::json args = nlohmann::json::array();
  for (const std::string& arg : argv) {
    auto eq = arg.find('=');
    bool content = content_tool && !arg.empty() && arg[0] != '-' && eq != std::string::npos &&
                   arg.substr(0, eq).find("#file") == std::string::npos;
    args.push_back(content ? arg.substr(0, eq) + "=<redacted>" : arg);
  }
  std::string out = stdout_text;
  if (ctx.tool == "secret-get" && !out.empty()) out = "<redacted>";
  try {
    ctx.db
        ->prepare(
            "INSERT INTO trace(context_id, unit, kind, name, argv, stdin, stdout, stderr, "
            "exit, duration_us) VALUES (?, ?, 'tool', ?, ?, ?, ?, ?, ?, ?)")
        .bind(1, ctx.context_id)
        .bind(2, ctx.unit.name)
        .bind(3, ctx.tool)
        .bind(4, args.dump())
        .bind(5, ctx.stdin_text)
        .bind(6, out)
        .bind(7, stderr_text)
        .bind(8, exit_code)
        .bind(9, static_cast<std::int64_t>(
                     std::chrono::duration_cast<std::chrono::microseconds>(duration).count()))
        .run();
  } catch (const SimError&) {
    // The trace is diagnostic only.
  }
}

}  // namespace juju_sim
