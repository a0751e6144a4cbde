// The constant pool as `javap -v` prints it, the reference decoder the class-file tests compare
// against: String values, Class names and Methodref/InterfaceMethodref targets.
#pragma once

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "support/test_paths.hpp"

namespace sdkscope::test {

struct JavapPool {
  std::set<std::string> strings;     ///< comparable values only (see comparable_string)
  std::set<std::string> classes;     ///< dotted, arrays unwrapped, primitive arrays dropped
  std::set<std::string> method_refs; ///< "owner.name", owner dotted unless an array descriptor
};

inline bool javap_available() {
  int rc = 0;
  run("command -v javap >/dev/null 2>&1", &rc);
  return rc == 0;
}

/// A string as javap -v shows it, or nullopt when it cannot be compared: javap escapes control
/// characters, quotes and backslashes, may print other text in ways we cannot undo, and drops
/// trailing spaces (its line writer trims them). Both sides of a comparison go through this.
inline std::optional<std::string> javap_comparable(std::string_view s) {
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  if (s.empty() || s.find("\xEF\xBF\xBD") != std::string_view::npos) return std::nullopt;
  const bool plain = std::none_of(s.begin(), s.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f || c == '\\' || c == '"' || c == '\'';
  });
  if (!plain) return std::nullopt;
  return std::string(s);
}

inline std::string javap_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'')
      out += "'\\''";
    else
      out.push_back(c);
  }
  return out + "'";
}

// An internal class name as javap prints it -> dotted; "" for primitive arrays. Written apart
// from the parser's conversion on purpose.
inline std::string javap_class(std::string name) {
  name.erase(std::remove(name.begin(), name.end(), '"'), name.end());
  if (!name.empty() && name[0] == '[') {
    const auto dims = name.find_first_not_of('[');
    if (dims == std::string::npos || name[dims] != 'L' || name.back() != ';') return "";
    name = name.substr(dims + 1, name.size() - dims - 2);
  }
  std::replace(name.begin(), name.end(), '/', '.');
  return name;
}

/// Runs one `javap -v` over several class files (UTF-8 output whatever the locale) and collects
/// each pool, keyed by the path javap prints after "Classfile" (the absolute path). A file javap
/// cannot read is missing from the map.
inline std::map<std::string, JavapPool> javap_pools(const std::vector<std::string>& class_paths) {
  // A quick-start JVM: javap is short-lived, so skip the optimising compiler.
  std::string cmd =
      "javap -J-XX:TieredStopAtLevel=1 -J-XX:+UseSerialGC -J-Dfile.encoding=UTF-8 -J-Dsun.stdout.encoding=UTF-8 -v";
  for (const auto& p : class_paths) cmd += " " + javap_quote(p);
  const std::string out = run(cmd + " 2>/dev/null");
  std::map<std::string, JavapPool> pools;
  JavapPool* pool = nullptr;
  bool in_pool = false;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("Classfile ", 0) == 0) {
      pool = &pools[line.substr(10)];
      in_pool = true;
      continue;
    }
    if (line.rfind("{", 0) == 0) in_pool = false;  // the pool ends where the members begin
    if (!pool || !in_pool) continue;
    // "   #12 = Methodref          #2.#3          // java/lang/Object."<init>":()V"
    const auto hash = line.find_first_not_of(' ');
    const auto eq = line.find(" = ");
    if (hash == std::string::npos || line[hash] != '#' || eq == std::string::npos) continue;
    const auto kind_end = line.find(' ', eq + 3);
    const auto slashes = line.find("//", eq);
    if (kind_end == std::string::npos || slashes == std::string::npos) continue;
    const std::string kind = line.substr(eq + 3, kind_end - eq - 3);
    if (kind != "String" && kind != "Class" && kind != "Methodref" && kind != "InterfaceMethodref") continue;
    std::string text = line.substr(slashes + 2);
    if (!text.empty() && text[0] == ' ') text.erase(0, 1);
    if (kind == "String") {
      if (auto c = javap_comparable(text)) pool->strings.insert(*c);
    } else if (kind == "Class") {
      if (auto c = javap_class(text); !c.empty()) pool->classes.insert(c);
    } else {
      std::string t = text;
      t.erase(std::remove(t.begin(), t.end(), '"'), t.end());
      const std::string target = t.substr(0, t.find(':'));
      const auto dot = target.rfind('.');
      if (dot == std::string::npos) continue;
      std::string owner = target.substr(0, dot);
      if (owner.empty() || owner[0] != '[') std::replace(owner.begin(), owner.end(), '/', '.');
      pool->method_refs.insert(owner + target.substr(dot));
    }
  }
  return pools;
}

}  // namespace sdkscope::test
