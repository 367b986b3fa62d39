// ops-charm-meta: compiles a charm directory's YAML metadata into `.ops-cpp-meta.json`, which
// CharmMeta::load() reads instead of parsing YAML on every hook (format: include/ops/charm_meta.h).
//
//   ops-charm-meta compile <charm-dir>  writes <charm-dir>/.ops-cpp-meta.json (temp file + rename,
//                                       mode 0644) from metadata.yaml/config.yaml/actions.yaml or
//                                       charmcraft.yaml, exactly the files load() would read
//   ops-charm-meta check <charm-dir>    exits 0 when the compiled file is present and fresh
//
// Exit codes: 0 success; 1 failure (YAML missing or invalid, cannot write, compiled file missing or
// stale), with the reason on stderr; 2 usage error.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>

#include "ops/charm_meta.h"

namespace {

namespace fs = std::filesystem;

// Writes text to path through a temporary file in the same directory and rename(2), so a reader
// (a hook) sees either the old file or the whole new one. Returns an error message, empty on
// success.
std::string write_atomically(const fs::path& path, const std::string& text) {
  const fs::path tmp = path.string() + ".tmp." + std::to_string(::getpid());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return "cannot create " + tmp.string() + ": " + std::strerror(errno);
  auto fail = [&](const char* what) {
    std::string message = std::string(what) + " " + tmp.string() + ": " + std::strerror(errno);
    ::close(fd);
    ::unlink(tmp.c_str());
    return message;
  };
  if (::fchmod(fd, 0644) != 0) return fail("cannot chmod");  // whatever the umask
  for (std::size_t done = 0; done < text.size();) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail("cannot write");
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) return fail("cannot sync");
  if (::close(fd) != 0) {
    std::string message = "cannot write " + tmp.string() + ": " + std::strerror(errno);
    ::unlink(tmp.c_str());
    return message;
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    std::string message =
        "cannot rename " + tmp.string() + " to " + path.string() + ": " + std::strerror(errno);
    ::unlink(tmp.c_str());
    return message;
  }
  return {};
}

int compile(const std::string& charm_dir) {
  auto doc = ops::CharmMeta::compile(charm_dir);
  if (!doc) {
    std::fprintf(stderr, "ops-charm-meta: cannot compile %s: %s\n", charm_dir.c_str(),
                 doc.error().message.c_str());
    return 1;
  }
  const fs::path path = fs::path(charm_dir) / ops::CharmMeta::kCompiledFile;
  if (auto error = write_atomically(path, doc->dump(2) + "\n"); !error.empty()) {
    std::fprintf(stderr, "ops-charm-meta: %s\n", error.c_str());
    return 1;
  }
  return 0;
}

int check(const std::string& charm_dir) {
  auto meta = ops::CharmMeta::load_compiled(charm_dir);
  if (!meta) {
    std::fprintf(stderr, "ops-charm-meta: %s\n", meta.error().message.c_str());
    return 1;
  }
  std::printf("%s is fresh\n",
              (fs::path(charm_dir) / ops::CharmMeta::kCompiledFile).string().c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Compiles a charm's YAML metadata into .ops-cpp-meta.json for fast hook start-up"};
  app.require_subcommand(1);
  std::string charm_dir;
  auto* compile_cmd = app.add_subcommand(
      "compile", "write <charm-dir>/.ops-cpp-meta.json from the charm's YAML metadata");
  compile_cmd->add_option("charm-dir", charm_dir, "charm directory")->required();
  auto* check_cmd = app.add_subcommand(
      "check", "exit 0 when <charm-dir>/.ops-cpp-meta.json is present and fresh, 1 otherwise");
  check_cmd->add_option("charm-dir", charm_dir, "charm directory")->required();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  return compile_cmd->parsed() ? compile(charm_dir) : check(charm_dir);
}
