// Typed access to a parsed plist (JSON) for the Info.plist, privacy-manifest and provisioning
// readers: a value of the wrong type is reported once ("plist.bad_type") and treated as absent.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "scanner/model/diagnostic.hpp"

namespace sdkscope::apple::detail {

/// Reads keys of plist dictionaries; reports type mismatches under `where` with the key path.
class PlistFields {
 public:
  PlistFields(Diagnostics& diags, const std::string& where) : diags_(diags), where_(where) {}

  /// The value under `key` when `obj` is an object holding it (any type); nullptr otherwise.
  static const nlohmann::json* find(const nlohmann::json& obj, std::string_view key);

  /// obj[key] when it is a string; nullopt when absent or (reported) of another type.
  std::optional<std::string> string(const nlohmann::json& obj, std::string_view key, std::string_view path);
  std::optional<bool> boolean(const nlohmann::json& obj, std::string_view key, std::string_view path);
  /// obj[key] when it is a dictionary / an array; nullptr when absent or (reported) mistyped.
  const nlohmann::json* dict(const nlohmann::json& obj, std::string_view key, std::string_view path);
  const nlohmann::json* array(const nlohmann::json& obj, std::string_view key, std::string_view path);
  /// The string elements of the array obj[key]; other elements are reported and skipped.
  std::vector<std::string> strings(const nlohmann::json& obj, std::string_view key, std::string_view path);

  /// Reports `value` at `path` as not being `expected` ("string", "boolean", ...).
  void bad_type(std::string_view path, std::string_view expected, const nlohmann::json& value);
  /// The plist type name of a JSON value, for messages.
  static std::string_view type_name(const nlohmann::json& value);

  Diagnostics& diags() { return diags_; }
  const std::string& where() const { return where_; }

 private:
  const nlohmann::json* typed(const nlohmann::json& obj, std::string_view key, std::string_view path,
                              nlohmann::json::value_t want, std::string_view expected);
  Diagnostics& diags_;
  const std::string& where_;
};

/// "a.b" from a parent path and a key ("" parent gives the key alone).
std::string join_path(std::string_view parent, std::string_view key);

}  // namespace sdkscope::apple::detail
