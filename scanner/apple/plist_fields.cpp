// Typed reads over parsed plists with "plist.bad_type" reporting (see plist_fields.hpp).
#include "scanner/apple/plist_fields.hpp"

#include <fmt/format.h>

namespace sdkscope::apple::detail {

std::string join_path(std::string_view parent, std::string_view key) {
  if (parent.empty()) return std::string(key);
  return fmt::format("{}.{}", parent, key);
}

const nlohmann::json* PlistFields::find(const nlohmann::json& obj, std::string_view key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(key);
  return it == obj.end() ? nullptr : &*it;
}

std::string_view PlistFields::type_name(const nlohmann::json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::object:
      return "dictionary";
    case nlohmann::json::value_t::array:
      return "array";
    case nlohmann::json::value_t::string:
      return "string";  // also data and date after parse_plist
    case nlohmann::json::value_t::boolean:
      return "boolean";
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
      return "integer";
    case nlohmann::json::value_t::number_float:
      return "real";
    default:
      return "null";
  }
}

void PlistFields::bad_type(std::string_view path, std::string_view expected, const nlohmann::json& value) {
  diags_.warn("plist.bad_type", where_, fmt::format("{}: expected {}, found {}", path, expected, type_name(value)));
}

const nlohmann::json* PlistFields::typed(const nlohmann::json& obj, std::string_view key, std::string_view path,
                                         nlohmann::json::value_t want, std::string_view expected) {
  const nlohmann::json* v = find(obj, key);
  if (!v) return nullptr;
  if (v->type() != want) {
    bad_type(join_path(path, key), expected, *v);
    return nullptr;
  }
  return v;
}

std::optional<std::string> PlistFields::string(const nlohmann::json& obj, std::string_view key, std::string_view path) {
  const auto* v = typed(obj, key, path, nlohmann::json::value_t::string, "string");
  if (!v) return std::nullopt;
  return v->get<std::string>();
}

std::optional<bool> PlistFields::boolean(const nlohmann::json& obj, std::string_view key, std::string_view path) {
  const auto* v = typed(obj, key, path, nlohmann::json::value_t::boolean, "boolean");
  if (!v) return std::nullopt;
  return v->get<bool>();
}

const nlohmann::json* PlistFields::dict(const nlohmann::json& obj, std::string_view key, std::string_view path) {
  return typed(obj, key, path, nlohmann::json::value_t::object, "dictionary");
}

const nlohmann::json* PlistFields::array(const nlohmann::json& obj, std::string_view key, std::string_view path) {
  return typed(obj, key, path, nlohmann::json::value_t::array, "array");
}

std::vector<std::string> PlistFields::strings(const nlohmann::json& obj, std::string_view key, std::string_view path) {
  std::vector<std::string> out;
  const auto* arr = array(obj, key, path);
  if (!arr) return out;
  for (std::size_t i = 0; i < arr->size(); ++i) {
    const auto& e = (*arr)[i];
    if (e.is_string())
      out.push_back(e.get<std::string>());
    else
      bad_type(fmt::format("{}[{}]", join_path(path, key), i), "string", e);
  }
  return out;
}

}  // namespace sdkscope::apple::detail
