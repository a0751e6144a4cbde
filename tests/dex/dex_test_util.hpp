// Helpers shared by the DEX tests: load a fixture, and view a DexFile as maps keyed by name.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "scanner/dex/dex_file.hpp"
#include "support/test_paths.hpp"

namespace sdkscope::test {

/// testdata/dex/<name> as bytes.
inline std::vector<std::uint8_t> dex_fixture(const std::string& name) {
  return read_file(testdata("dex/" + name));
}

/// class name -> the strings its code loads.
inline std::map<std::string, std::set<std::string>> uses_by_class(const dex::DexFile& d) {
  std::map<std::string, std::set<std::string>> out;
  for (const auto& c : d.classes) out[c];
  for (const auto& u : d.string_uses) out[d.classes.at(u.class_idx)].insert(d.strings.at(u.string_idx));
  return out;
}

/// string -> the classes whose code loads it.
inline std::map<std::string, std::set<std::string>> users_of_string(const dex::DexFile& d) {
  std::map<std::string, std::set<std::string>> out;
  for (const auto& u : d.string_uses) out[d.strings.at(u.string_idx)].insert(d.classes.at(u.class_idx));
  return out;
}

/// The invariants every parse result keeps, however bad the input: parallel vectors, indices
/// in range, string_uses sorted and unique. Returns the first violation, or "" when none.
inline std::string check_invariants(const dex::DexFile& d) {
  if (d.classes.size() != d.superclasses.size()) return "classes and superclasses differ in size";
  for (std::size_t i = 0; i < d.string_uses.size(); ++i) {
    const auto& u = d.string_uses[i];
    if (u.string_idx >= d.strings.size()) return "string_idx out of range";
    if (u.class_idx >= d.classes.size()) return "class_idx out of range";
    if (i > 0) {
      const auto& p = d.string_uses[i - 1];
      if (std::pair(p.class_idx, p.string_idx) >= std::pair(u.class_idx, u.string_idx)) {
        return "string_uses not sorted and unique";
      }
    }
  }
  return "";
}

}  // namespace sdkscope::test
