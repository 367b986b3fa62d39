#include "ops/status.h"

namespace ops {

int StatusBase::priority() const {
  if (name == "error") return 5;
  if (name == "blocked") return 4;
  if (name == "maintenance") return 3;
  if (name == "waiting") return 2;
  if (name == "active") return 1;
  return 0;
}

bool StatusBase::settable() const {
  return name == "active" || name == "blocked" || name == "maintenance" || name == "waiting";
}

}  // namespace ops
