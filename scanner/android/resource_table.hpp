// The part of an app's compiled resources (resources.arsc in an APK, resources.pb in an AAB)
// that a scanner needs: the value of a resource id in its default configuration, and the
// global string pool (for endpoint extraction).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace sdkscope::android {

struct ResourceTable {
  std::string package;  ///< package name of the 0x7f package, when present
  /// resource id -> value for string and file-reference entries, taken from the default
  /// configuration (or the first configuration that has the entry). A file reference is its
  /// path inside the bundle, e.g. "res/xml/network_security_config.xml".
  std::unordered_map<std::uint32_t, std::string> values;
  /// resource id -> "type/name" (e.g. "string/app_name"), for readable reports.
  std::unordered_map<std::uint32_t, std::string> names;
  /// The global value string pool, in order.
  std::vector<std::string> strings;

  std::optional<std::string> value(std::uint32_t id) const {
    auto it = values.find(id);
    if (it == values.end()) return std::nullopt;
    return it->second;
  }
};

}  // namespace sdkscope::android
