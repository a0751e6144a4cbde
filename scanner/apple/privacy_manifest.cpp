// read_privacy_manifest (PrivacyInfo.xcprivacy), value checks against Apple's vocabulary, and the
// loader of the required-reason API table.
#include "scanner/apple/privacy_manifest.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <fstream>

#include <nlohmann/json.hpp>

#include "scanner/apple/plist.hpp"
#include "scanner/apple/plist_fields.hpp"

namespace sdkscope::apple {
namespace {

using detail::join_path;
using detail::PlistFields;
using Json = nlohmann::json;

bool contains(std::span<const std::string_view> set, std::string_view v) {
  return std::find(set.begin(), set.end(), v) != set.end();
}

const vocab::ReasonSet* find_category(std::string_view category) {
  for (const auto& c : vocab::accessed_api_categories())
    if (c.category == category) return &c;
  return nullptr;
}

constexpr std::array<std::string_view, 4> kTopKeys = {"NSPrivacyTracking", "NSPrivacyTrackingDomains",
                                                      "NSPrivacyCollectedDataTypes", "NSPrivacyAccessedAPITypes"};
constexpr std::array<std::string_view, 4> kCollectedKeys = {
    "NSPrivacyCollectedDataType", "NSPrivacyCollectedDataTypeLinked", "NSPrivacyCollectedDataTypeTracking",
    "NSPrivacyCollectedDataTypePurposes"};
constexpr std::array<std::string_view, 2> kAccessedKeys = {"NSPrivacyAccessedAPIType",
                                                           "NSPrivacyAccessedAPITypeReasons"};

/// A misspelt key silently empties a manifest (Apple's tools ignore it), so say so.
template <std::size_t N>
void unknown_keys(const Json& dict, const std::array<std::string_view, N>& known, std::string_view path,
                  PlistFields& f) {
  for (auto it = dict.begin(); it != dict.end(); ++it) {
    if (std::find(known.begin(), known.end(), it.key()) == known.end())
      f.diags().info("privacy_manifest.unknown_key", f.where(),
                     fmt::format("{}: key '{}' is not part of the privacy-manifest format",
                                 path.empty() ? "(root)" : path, it.key()));
  }
}

void unknown_value(PlistFields& f, std::string_view path, std::string_view what, std::string_view value) {
  f.diags().info("privacy_manifest.unknown_value", f.where(),
                 fmt::format("{}: '{}' is not a known {}", path, value, what));
}

/// Entries of `key` that are dictionaries, with their paths; others are reported.
std::vector<std::pair<const Json*, std::string>> entries(const Json& plist, std::string_view key, PlistFields& f) {
  std::vector<std::pair<const Json*, std::string>> out;
  const Json* arr = f.array(plist, key, "");
  if (!arr) return out;
  for (std::size_t i = 0; i < arr->size(); ++i) {
    std::string path = fmt::format("{}[{}]", key, i);
    if ((*arr)[i].is_object())
      out.emplace_back(&(*arr)[i], std::move(path));
    else
      f.bad_type(path, "dictionary", (*arr)[i]);
  }
  return out;
}

void missing(PlistFields& f, std::string_view path, std::string_view key) {
  f.diags().warn("privacy_manifest.incomplete", f.where(), fmt::format("{}: no {}", path, key));
}

std::string read_json_text(const std::filesystem::path& path, std::vector<std::string>& errs) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    errs.push_back(fmt::format("{}: cannot open", path.string()));
    return {};
  }
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

constexpr std::array<std::string_view, 6> kApiKinds = {"c_function",    "objc_constant", "objc_class",
                                                       "objc_selector", "swift_name",    "swift_type"};

}  // namespace

bool is_known_collected_data_type(std::string_view type) { return contains(vocab::collected_data_types(), type); }
bool is_known_collected_data_purpose(std::string_view p) { return contains(vocab::collected_data_purposes(), p); }
bool is_known_accessed_api_category(std::string_view category) { return find_category(category) != nullptr; }
bool is_known_accessed_api_reason(std::string_view category, std::string_view reason) {
  const auto* c = find_category(category);
  return c && contains(c->reasons, reason);
}

PrivacyManifest read_privacy_manifest(const nlohmann::json& plist, Diagnostics& diags, const std::string& where) {
  PrivacyManifest m;
  PlistFields f(diags, where);
  try {
    if (!plist.is_object()) {
      f.bad_type("(root)", "dictionary", plist);
      return m;
    }
    unknown_keys(plist, kTopKeys, "", f);
    m.tracking = f.boolean(plist, "NSPrivacyTracking", "");
    m.tracking_domains = f.strings(plist, "NSPrivacyTrackingDomains", "");

    for (const auto& [entry, path] : entries(plist, "NSPrivacyCollectedDataTypes", f)) {
      unknown_keys(*entry, kCollectedKeys, path, f);
      PrivacyManifest::CollectedData c;
      if (auto t = f.string(*entry, "NSPrivacyCollectedDataType", path)) {
        c.type = *t;
        if (!is_known_collected_data_type(c.type))
          unknown_value(f, join_path(path, "NSPrivacyCollectedDataType"), "collected data type", c.type);
      } else if (!PlistFields::find(*entry, "NSPrivacyCollectedDataType")) {
        missing(f, path, "NSPrivacyCollectedDataType");
      }
      c.linked = f.boolean(*entry, "NSPrivacyCollectedDataTypeLinked", path);
      c.tracking = f.boolean(*entry, "NSPrivacyCollectedDataTypeTracking", path);
      c.purposes = f.strings(*entry, "NSPrivacyCollectedDataTypePurposes", path);
      for (std::size_t i = 0; i < c.purposes.size(); ++i)
        if (!is_known_collected_data_purpose(c.purposes[i]))
          unknown_value(f, fmt::format("{}.NSPrivacyCollectedDataTypePurposes", path), "collection purpose",
                        c.purposes[i]);
      m.collected.push_back(std::move(c));
    }

    for (const auto& [entry, path] : entries(plist, "NSPrivacyAccessedAPITypes", f)) {
      unknown_keys(*entry, kAccessedKeys, path, f);
      PrivacyManifest::AccessedApi a;
      bool known_category = false;
      if (auto t = f.string(*entry, "NSPrivacyAccessedAPIType", path)) {
        a.type = *t;
        known_category = is_known_accessed_api_category(a.type);
        if (!known_category)
          unknown_value(f, join_path(path, "NSPrivacyAccessedAPIType"), "required-reason API category", a.type);
      } else if (!PlistFields::find(*entry, "NSPrivacyAccessedAPIType")) {
        missing(f, path, "NSPrivacyAccessedAPIType");
      }
      a.reasons = f.strings(*entry, "NSPrivacyAccessedAPITypeReasons", path);
      if (known_category) {
        for (const auto& r : a.reasons)
          if (!is_known_accessed_api_reason(a.type, r))
            unknown_value(f, join_path(path, "NSPrivacyAccessedAPITypeReasons"), "reason for " + a.type, r);
      }
      m.accessed_apis.push_back(std::move(a));
    }
  } catch (const std::exception& e) {
    diags.warn("plist.invalid", where, std::string("privacy manifest could not be read: ") + e.what());
  }
  return m;
}

std::vector<RequiredReasonCategory> load_required_reason_apis(const std::filesystem::path& path,
                                                              std::vector<std::string>* errors) {
  std::vector<std::string> errs;
  std::vector<RequiredReasonCategory> out;
  try {
    std::string text = read_json_text(path, errs);
    const std::string file = path.filename().string();
    if (errs.empty()) {
      Json doc = Json::parse(text, nullptr, /*allow_exceptions=*/false);
      const Json* cats = doc.is_object() && doc.contains("categories") ? &doc["categories"] : nullptr;
      if (doc.is_discarded())
        errs.push_back(file + ": not valid JSON");
      else if (!cats || !cats->is_object() || cats->empty())
        errs.push_back(file + ": expected a non-empty \"categories\" object");
      else {
        for (auto it = cats->begin(); it != cats->end(); ++it) {
          const std::string ctx = fmt::format("{}: category '{}'", file, it.key());
          const Json& c = *it;
          RequiredReasonCategory cat;
          cat.category = it.key();
          if (!c.is_object() || !c.contains("name") || !c["name"].is_string() || !c.contains("apis") ||
              !c["apis"].is_array() || !c.contains("reasons") || !c["reasons"].is_object()) {
            errs.push_back(ctx + ": needs string \"name\", array \"apis\" and object \"reasons\"");
            continue;
          }
          cat.name = c["name"].get<std::string>();
          for (const auto& a : c["apis"]) {
            auto str = [&](const char* k) {
              return a.contains(k) && a[k].is_string() ? a[k].get<std::string>() : std::string();
            };
            RequiredReasonApi api{str("name"), str("kind"), str("symbol"), str("bridges_to")};
            if (!a.is_object() || api.name.empty() ||
                std::find(kApiKinds.begin(), kApiKinds.end(), api.kind) == kApiKinds.end()) {
              errs.push_back(fmt::format("{}: API entry {} needs a name and a known kind", ctx, a.dump()));
              continue;
            }
            cat.apis.push_back(std::move(api));
          }
          for (auto r = c["reasons"].begin(); r != c["reasons"].end(); ++r) {
            if (r->is_string())
              cat.reasons[r.key()] = r->get<std::string>();
            else
              errs.push_back(fmt::format("{}: reason '{}' must be a string", ctx, r.key()));
          }
          if (cat.apis.empty()) errs.push_back(ctx + ": no APIs");
          out.push_back(std::move(cat));
        }
      }
    }
  } catch (const std::exception& e) {
    errs.push_back(path.string() + ": " + e.what());
  }
  if (!errs.empty()) out.clear();
  if (errors) errors->insert(errors->end(), errs.begin(), errs.end());
  return out;
}

}  // namespace sdkscope::apple
