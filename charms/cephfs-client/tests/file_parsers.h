// Readers of the files the client writes, as their consumers read them, for tests and the
// client_files fuzz target: a rendered file must parse back to exactly the intended fields.
// They are deliberately literal about the format's separators (a line ends at '\n', '\r' or NUL;
// '#' and ';' start comments; a trailing '\' continues a line), so anything a writer let through
// that the consumer would split shows up as an extra or a changed field.
//
//   parse_unit_file   systemd unit: "[Section]" and "Key=Value" lines -> {"Section/Key": value}
//   parse_ceph_conf   Ceph's ini (ceph.conf, keyrings): "[section]" and "key = value", comments
//                     also after a value -> {"section/key": value}
//   parse_fstab       fstab: non-comment lines split on blanks -> fields per line
// Each returns nullopt for a line it cannot read or for a key given twice.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cephfs_client::testing {

using KeyValues = std::map<std::string, std::string>;

inline std::vector<std::string> file_lines(std::string_view text) {
  std::vector<std::string> lines;
  std::string line;
  bool continued = false;
  for (char c : text) {
    if (c == '\n' || c == '\r' || c == '\0') {
      if (!line.empty() && line.back() == '\\') {
        line.pop_back();
        continued = true;
        continue;
      }
      lines.push_back(line);
      line.clear();
      continued = false;
      continue;
    }
    line += c;
  }
  if (!line.empty() || continued) lines.push_back(line);
  return lines;
}

inline std::string trim(std::string_view text) {
  const auto blank = [](char c) { return c == ' ' || c == '\t'; };
  while (!text.empty() && blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && blank(text.back())) text.remove_suffix(1);
  return std::string(text);
}

inline std::optional<KeyValues> parse_ini(std::string_view text, bool inline_comments) {
  KeyValues out;
  std::string section;
  for (std::string line : file_lines(text)) {
    if (inline_comments) {
      if (auto comment = line.find_first_of("#;"); comment != std::string::npos) {
        line.resize(comment);
      }
    }
    line = trim(line);
    if (line.empty() || line.front() == '#' || line.front() == ';') continue;
    if (line.front() == '[') {
      if (line.back() != ']' || line.size() < 3) return std::nullopt;
      section = line.substr(1, line.size() - 2);
      if (section.find_first_of("[]") != std::string::npos) return std::nullopt;
      continue;
    }
    const auto eq = line.find('=');
    if (eq == std::string::npos || section.empty()) return std::nullopt;
    const std::string key = section + "/" + trim(line.substr(0, eq));
    if (!out.emplace(key, trim(line.substr(eq + 1))).second) return std::nullopt;
  }
  return out;
}

inline std::optional<KeyValues> parse_unit_file(std::string_view text) {
  return parse_ini(text, /*inline_comments=*/false);
}

inline std::optional<KeyValues> parse_ceph_conf(std::string_view text) {
  return parse_ini(text, /*inline_comments=*/true);
}

inline std::optional<std::vector<std::vector<std::string>>> parse_fstab(std::string_view text) {
  std::vector<std::vector<std::string>> entries;
  for (const std::string& line : file_lines(text)) {
    std::vector<std::string> fields;
    std::string field;
    for (char c : line) {
      if (c == ' ' || c == '\t') {
        if (!field.empty()) fields.push_back(field);
        field.clear();
      } else {
        field += c;
      }
    }
    if (!field.empty()) fields.push_back(field);
    if (fields.empty() || fields.front().starts_with('#')) continue;
    entries.push_back(fields);
  }
  return entries;
}

inline std::vector<std::string> split_options(std::string_view joined) {
  std::vector<std::string> out;
  std::string option;
  for (char c : joined) {
    if (c == ',') {
      out.push_back(option);
      option.clear();
    } else {
      option += c;
    }
  }
  out.push_back(option);
  return out;
}

}  // namespace cephfs_client::testing
