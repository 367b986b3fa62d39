#include "hook_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include "sim_error.h"

namespace juju_sim {
namespace {

constexpr size_t kMaxCapture = 1 << 20;

std::string read_capture(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  if (text.size() > kMaxCapture) text.resize(kMaxCapture);
  return text;
}

// Waits for `pid` until `deadline`; returns true with the wait status when it exited.
bool wait_until(pid_t pid, std::chrono::steady_clock::time_point deadline, int& status) {
  int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  while (true) {
    pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) break;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      if (pidfd >= 0) close(pidfd);
      return false;
    }
    if (pidfd >= 0) {
      pollfd fd{pidfd, POLLIN, 0};
      poll(&fd, 1, static_cast<int>(std::min<long long>(left.count(), 1000)));
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  }
  if (pidfd >= 0) close(pidfd);
  return true;
}

}  // namespace

ProcessResult run_charm_process(const std::string& program, const std::string& cwd,
                                const std::vector<std::string>& env,
                                std::chrono::milliseconds timeout, const std::string& scratch_dir) {
  std::string out_path = scratch_dir + "/.hook-stdout";
  std::string err_path = scratch_dir + "/.hook-stderr";
  std::vector<char*> envp;
  for (const auto& item : env) envp.push_back(const_cast<char*>(item.c_str()));
  envp.push_back(nullptr);
  char* argv[] = {const_cast<char*>(program.c_str()), nullptr};

  auto deadline = std::chrono::steady_clock::now() + timeout;
  pid_t pid = fork();
  if (pid < 0) throw runtime_error(std::string("cannot start a hook: ") + std::strerror(errno));
  if (pid == 0) {
    setpgid(0, 0);
    int in = open("/dev/null", O_RDONLY);
    int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (in < 0 || out < 0 || err < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0) {
      _exit(126);
    }
    if (chdir(cwd.c_str()) != 0) {
      dprintf(2, "cannot enter charm directory %s: %s\n", cwd.c_str(), std::strerror(errno));
      _exit(126);
    }
    execve(program.c_str(), argv, envp.data());
    dprintf(2, "cannot execute %s: %s\n", program.c_str(), std::strerror(errno));
    _exit(127);
  }
  setpgid(pid, pid);

  ProcessResult result;
  int status = 0;
  if (!wait_until(pid, deadline, status)) {
    result.timed_out = true;
    kill(-pid, SIGKILL);
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
  }
  if (WIFEXITED(status)) {
    result.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result.exit_code = 128 + WTERMSIG(status);
  }
  result.stdout_text = read_capture(out_path);
  result.stderr_text = read_capture(err_path);
  unlink(out_path.c_str());
  unlink(err_path.c_str());
  return result;
}

}  // namespace juju_sim
