#include "ops/secret_key.h"

namespace ops {

bool is_valid_secret_key(std::string_view key) {
  if (key.empty() || key.front() < 'a' || key.front() > 'z' || key.back() == '-') return false;
  int alphanumerics = 0;
  char previous = '\0';
  for (char c : key) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (!alnum && c != '-') return false;
    if (c == '-' && previous == '-') return false;
    if (alnum) ++alphanumerics;
    previous = c;
  }
  return alphanumerics >= 3;
}

}  // namespace ops
