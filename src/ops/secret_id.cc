#include "ops/secret_id.h"

#include <fmt/format.h>

namespace ops {
namespace {

constexpr std::string_view kScheme = "secret:";
constexpr std::size_t kMaxPart = 64;

bool is_xid_char(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z'); }
bool is_source_char(char c) { return is_xid_char(c) || (c >= 'A' && c <= 'Z') || c == '-'; }

template <class Allowed>
bool is_part(std::string_view text, Allowed allowed) {
  if (text.empty() || text.size() > kMaxPart) return false;
  for (char c : text) {
    if (!allowed(c)) return false;
  }
  return true;
}

struct Layout {
  std::size_t xid_offset = 0;
  std::size_t uuid_offset = 0;
  std::size_t uuid_size = 0;
};

std::optional<Layout> layout_of(std::string_view text) {
  Layout layout;
  std::string_view rest = text;
  if (rest.starts_with(kScheme)) {
    rest.remove_prefix(kScheme.size());
    if (rest.starts_with("//")) {
      rest.remove_prefix(2);
      const std::size_t slash = rest.find('/');
      if (slash == std::string_view::npos || !is_part(rest.substr(0, slash), is_source_char)) {
        return std::nullopt;
      }
      layout.uuid_offset = text.size() - rest.size();
      layout.uuid_size = slash;
      rest.remove_prefix(slash + 1);
    }
  }
  if (!is_part(rest, is_xid_char)) return std::nullopt;
  layout.xid_offset = text.size() - rest.size();
  return layout;
}

}  // namespace

Result<SecretId> SecretId::parse(std::string_view text) {
  const auto layout = layout_of(text);
  if (!layout) {
    return Error{ErrorCode::kInvalidArgument,
                 "not a Juju secret id (expected secret://<model-uuid>/<id>, secret:<id> or <id>, "
                 "the id 1-64 lowercase letters and digits)"};
  }
  return SecretId(std::string(text), layout->xid_offset, layout->uuid_offset, layout->uuid_size);
}

bool SecretId::is_valid(std::string_view text) { return layout_of(text).has_value(); }

std::optional<std::string_view> SecretId::unique_identifier_of(std::string_view text) {
  const auto layout = layout_of(text);
  if (!layout) return std::nullopt;
  return text.substr(layout->xid_offset);
}

std::string_view SecretId::unique_identifier() const {
  return std::string_view(text_).substr(xid_offset_);
}

std::optional<std::string_view> SecretId::model_uuid() const {
  if (uuid_size_ == 0) return std::nullopt;
  return std::string_view(text_).substr(uuid_offset_, uuid_size_);
}

std::string SecretId::canonical(std::string_view model_uuid) const {
  if (text_.starts_with(kScheme)) return text_;
  if (model_uuid.empty()) return fmt::format("{}{}", kScheme, text_);
  return fmt::format("{}//{}/{}", kScheme, model_uuid, text_);
}

bool same_secret(std::string_view a, std::string_view b) {
  const auto left = SecretId::unique_identifier_of(a);
  return left && left == SecretId::unique_identifier_of(b);
}

}  // namespace ops
