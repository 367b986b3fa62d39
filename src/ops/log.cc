#include "ops/log.h"

#include <cstdio>

namespace ops {
namespace {

LogSink* g_sink = nullptr;
LogLevel g_min_level = LogLevel::kInfo;

// juju-log refuses very long arguments; ops splits at this size.
constexpr std::size_t kMaxLogChunk = 131071;

}  // namespace

std::string_view to_string(LogLevel level) {
  switch (level) {
    case LogLevel::kTrace:
      return "TRACE";
    case LogLevel::kDebug:
      return "DEBUG";
    case LogLevel::kInfo:
      return "INFO";
    case LogLevel::kWarning:
      return "WARNING";
    case LogLevel::kError:
      return "ERROR";
    case LogLevel::kCritical:
      return "CRITICAL";
  }
  return "INFO";
}

LogSink* set_log_sink(LogSink* sink, LogLevel min_level) {
  LogSink* previous = g_sink;
  g_sink = sink;
  g_min_level = min_level;
  return previous;
}

namespace log {

void write(LogLevel level, std::string_view message) {
  if (level < g_min_level) return;
  if (g_sink == nullptr) {
    std::fprintf(stderr, "%.*s %.*s\n", static_cast<int>(to_string(level).size()),
                 to_string(level).data(), static_cast<int>(message.size()), message.data());
    return;
  }
  if (message.size() <= kMaxLogChunk) {
    g_sink->write(level, message);
    return;
  }
  g_sink->write(level, "Log string greater than 131071. Splitting into multiple chunks: ");
  for (std::size_t pos = 0; pos < message.size(); pos += kMaxLogChunk) {
    g_sink->write(level, message.substr(pos, kMaxLogChunk));
  }
}

}  // namespace log
}  // namespace ops
