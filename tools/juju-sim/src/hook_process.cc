#include "hook_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <thread>
#include <utility>

namespace juju_sim {
namespace {

constexpr size_t kMaxCapture = 1 << 20;

std::string read_capture(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  if (text.size() > kMaxCapture) text.resize(kMaxCapture);
  return text;
}

ProcessResult collect(CharmProcess& process, int status, bool timed_out) {
  ProcessResult result;
  result.timed_out = timed_out;
  if (WIFEXITED(status)) {
    result.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result.exit_code = 128 + WTERMSIG(status);
  }
  result.stdout_text = read_capture(process.out_path);
  result.stderr_text = read_capture(process.err_path);
  unlink(process.out_path.c_str());
  unlink(process.err_path.c_str());
  process.pid = -1;
  return result;
}

}  // namespace

CharmProcess::CharmProcess(CharmProcess&& other) noexcept
    : pid(other.pid),
      pidfd(other.pidfd),
      deadline(other.deadline),
      out_path(std::move(other.out_path)),
      err_path(std::move(other.err_path)),
      early(std::move(other.early)) {
  other.pid = -1;
  other.pidfd = -1;
}

CharmProcess& CharmProcess::operator=(CharmProcess&& other) noexcept {
  std::swap(pid, other.pid);
  std::swap(pidfd, other.pidfd);
  std::swap(deadline, other.deadline);
  std::swap(out_path, other.out_path);
  std::swap(err_path, other.err_path);
  std::swap(early, other.early);
  return *this;
}

CharmProcess::~CharmProcess() {
  if (pid > 0) {  // abandoned while running (an exception in the caller): do not leak it
    kill(-pid, SIGKILL);
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
  }
  if (pidfd >= 0) close(pidfd);
}

CharmProcess start_charm_process(const std::string& program, const std::string& cwd,
                                 const std::vector<std::string>& env,
                                 std::chrono::milliseconds timeout,
                                 const std::string& scratch_dir) {
  CharmProcess process;
  process.out_path = scratch_dir + "/.hook-stdout";
  process.err_path = scratch_dir + "/.hook-stderr";
  std::vector<char*> envp;
  envp.reserve(env.size() + 1);
  for (const auto& item : env) envp.push_back(const_cast<char*>(item.c_str()));
  envp.push_back(nullptr);
  char* argv[] = {const_cast<char*>(program.c_str()), nullptr};

  // posix_spawn (vfork-like) rather than fork: copying the simulator's page tables for every
  // hook was a third of its CPU time with a thousand units.
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, process.out_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, 2, process.err_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attributes, 0);  // its own process group, killed as a whole
  process.deadline = std::chrono::steady_clock::now() + timeout;
  pid_t pid = 0;
  int spawn_error = posix_spawn(&pid, program.c_str(), &actions, &attributes, argv, envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  if (spawn_error != 0) {
    ProcessResult failed;
    failed.exit_code = spawn_error == ENOENT ? 127 : 126;
    failed.stderr_text =
        "cannot execute " + program + " in " + cwd + ": " + std::strerror(spawn_error) + "\n";
    process.early = std::move(failed);
    return process;
  }
  process.pid = pid;
  process.pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  return process;
}

std::optional<ProcessResult> poll_charm_process(CharmProcess& process) {
  if (process.early) return std::exchange(process.early, std::nullopt);
  if (process.pid <= 0) return std::nullopt;
  int status = 0;
  if (waitpid(process.pid, &status, WNOHANG) == process.pid) return collect(process, status, false);
  if (std::chrono::steady_clock::now() < process.deadline) return std::nullopt;
  kill(-process.pid, SIGKILL);
  kill(process.pid, SIGKILL);
  waitpid(process.pid, &status, 0);
  return collect(process, status, true);
}

void wait_for_charm_processes(const std::vector<CharmProcess*>& processes) {
  auto now = std::chrono::steady_clock::now();
  auto wake_at = now + std::chrono::seconds(1);
  std::vector<pollfd> fds;
  bool all_pollable = true;
  for (const CharmProcess* process : processes) {
    if (process->early || process->pid <= 0) return;  // already finished: nothing to wait for
    wake_at = std::min(wake_at, process->deadline);
    if (process->pidfd >= 0) {
      fds.push_back({process->pidfd, POLLIN, 0});
    } else {
      all_pollable = false;
    }
  }
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(wake_at - now).count();
  if (left <= 0) return;
  if (!all_pollable) left = std::min<long long>(left, 2);
  if (fds.empty()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(left));
    return;
  }
  poll(fds.data(), fds.size(), static_cast<int>(left));
}

ProcessResult run_charm_process(const std::string& program, const std::string& cwd,
                                const std::vector<std::string>& env,
                                std::chrono::milliseconds timeout, const std::string& scratch_dir) {
  CharmProcess process = start_charm_process(program, cwd, env, timeout, scratch_dir);
  while (true) {
    if (auto result = poll_charm_process(process)) return *result;
    wait_for_charm_processes({&process});
  }
}

}  // namespace juju_sim
