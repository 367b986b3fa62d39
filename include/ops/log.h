// Logging to Juju's debug-log, like Python ops' root logger -> juju-log.
//
//   ops::log::info("mounted {} at {}", source, mountpoint);
//   ops::log::warning("Could not get the kind of auth info");
//
// The dispatcher installs a sink that runs `juju-log --log-level <LEVEL> -- <message>` through the
// backend. DEBUG lines are sent only when JUJU_DEBUG is set or OPS_CPP_LOG_LEVEL=DEBUG (Juju's
// default logging-config hides unit DEBUG anyway, and each line costs a hook-tool process).
// Messages longer than 131071 characters are split as ops does. Without a sink (outside a hook),
// lines go to stderr. Never log secret content.
#pragma once

#include <fmt/format.h>

#include <string>
#include <string_view>

namespace ops {

enum class LogLevel { kTrace, kDebug, kInfo, kWarning, kError, kCritical };

// "DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL", "TRACE"
std::string_view to_string(LogLevel level);

class LogSink {
 public:
  virtual ~LogSink() = default;
  virtual void write(LogLevel level, std::string_view message) = 0;
};

// Installs a sink (not owned; nullptr restores stderr) and the minimum level sent to it.
// Returns the previous sink.
LogSink* set_log_sink(LogSink* sink, LogLevel min_level = LogLevel::kInfo);

namespace log {
void write(LogLevel level, std::string_view message);

template <class... Args>
void debug(fmt::format_string<Args...> f, Args&&... args) {
  write(LogLevel::kDebug, fmt::format(f, std::forward<Args>(args)...));
}
template <class... Args>
void info(fmt::format_string<Args...> f, Args&&... args) {
  write(LogLevel::kInfo, fmt::format(f, std::forward<Args>(args)...));
}
template <class... Args>
void warning(fmt::format_string<Args...> f, Args&&... args) {
  write(LogLevel::kWarning, fmt::format(f, std::forward<Args>(args)...));
}
template <class... Args>
void error(fmt::format_string<Args...> f, Args&&... args) {
  write(LogLevel::kError, fmt::format(f, std::forward<Args>(args)...));
}
template <class... Args>
void critical(fmt::format_string<Args...> f, Args&&... args) {
  write(LogLevel::kCritical, fmt::format(f, std::forward<Args>(args)...));
}
}  // namespace log

}  // namespace ops
