// JurisdictionTable: loads and validates signatures/jurisdictions.json, then answers home,
// transfer and ccTLD questions. Transfer rules follow GDPR Chapter V (Art. 44-50).
#include "scanner/analysis/jurisdiction.hpp"

#include <algorithm>
#include <fstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "scanner/util/strings.hpp"

namespace sdkscope {
namespace {

using nlohmann::json;

constexpr std::string_view kGdprHook = "GDPR Chapter V (Art. 44-50)";
constexpr std::string_view kAdequacyBasis = "adequacy decision (Art. 45)";
constexpr std::string_view kSafeguardsBasis =
    "appropriate safeguards such as SCCs (Art. 46) or a derogation (Art. 49)";

std::string to_upper(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return out;
}

bool is_iso_code(const std::string& s) {
  return s.size() == 2 && std::all_of(s.begin(), s.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

bool is_tld(const std::string& s) {
  return s.size() == 2 && std::all_of(s.begin(), s.end(), [](char c) { return c >= 'a' && c <= 'z'; });
}

/// A list of known ISO codes from `j[key]`; reports strays and duplicates.
std::set<std::string, std::less<>> code_list(const json& j, const char* key,
                                             const std::map<std::string, std::string, std::less<>>& countries,
                                             std::vector<std::string>& errors) {
  std::set<std::string, std::less<>> out;
  if (!j.contains(key) || !j[key].is_array() || j[key].empty()) {
    errors.push_back(fmt::format("jurisdictions.json: '{}' must be a non-empty array", key));
    return out;
  }
  for (const auto& v : j[key]) {
    std::string code = v.is_string() ? v.get<std::string>() : "";
    if (!countries.contains(code))
      errors.push_back(fmt::format("jurisdictions.json: '{}': '{}' is not a code in 'countries'", key, v.dump()));
    else if (!out.insert(code).second)
      errors.push_back(fmt::format("jurisdictions.json: '{}': duplicate '{}'", key, code));
  }
  return out;
}

}  // namespace

void JurisdictionTable::parse(const json& j, std::vector<std::string>& errors) {
  auto& countries = countries_;
  if (!j.is_object()) {
    errors.push_back("jurisdictions.json: top level must be an object");
    return;
  }
  if (!j.contains("source") || !j["source"].is_array() || j["source"].empty())
    errors.push_back("jurisdictions.json: 'source' must be a non-empty array");
  if (!j.contains("countries") || !j["countries"].is_object() || j["countries"].empty()) {
    errors.push_back("jurisdictions.json: 'countries' must be a non-empty object");
    return;
  }
  for (const auto& [code, name] : j["countries"].items()) {
    if (!is_iso_code(code) || !name.is_string() || name.get<std::string>().empty())
      errors.push_back(fmt::format("jurisdictions.json: countries: bad entry '{}'", code));
    else
      countries.emplace(code, name.get<std::string>());
  }
  eu_ = code_list(j, "eu", countries, errors);
  eea_ = eu_;
  for (const auto& c : code_list(j, "eea_extra", countries, errors))
    if (!eea_.insert(c).second) errors.push_back(fmt::format("jurisdictions.json: '{}' is in both 'eu' and 'eea_extra'", c));

  if (!j.contains("eu_adequacy") || !j["eu_adequacy"].is_array()) {
    errors.push_back("jurisdictions.json: 'eu_adequacy' must be an array");
  } else {
    for (const auto& e : j["eu_adequacy"]) {
      std::string code = e.is_object() ? e.value("country", "") : "";
      std::string note = e.is_object() ? e.value("note", "") : "";
      std::string source = e.is_object() ? e.value("source", "") : "";
      if (!countries.contains(code) || note.empty() || source.empty() || eea_.contains(code))
        errors.push_back(fmt::format("jurisdictions.json: eu_adequacy: bad entry {}", e.dump()));
      else if (!eu_adequacy_.emplace(code, Adequacy{note, e.value("basis", "")}).second)
        errors.push_back(fmt::format("jurisdictions.json: eu_adequacy: duplicate '{}'", code));
    }
  }

  if (j.contains("legal_hooks")) {
    if (!j["legal_hooks"].is_object()) errors.push_back("jurisdictions.json: 'legal_hooks' must be an object");
    else
      for (const auto& [code, hook] : j["legal_hooks"].items()) {
        if (!countries.contains(code) || !hook.is_string() || eea_.contains(code))
          errors.push_back(fmt::format("jurisdictions.json: legal_hooks: bad entry '{}'", code));
        else
          legal_hooks_.emplace(code, hook.get<std::string>());
      }
  }

  std::set<std::string, std::less<>> generic;
  const json* g = j.contains("generic_use_cctlds") ? &j["generic_use_cctlds"] : nullptr;
  if (!g || !g->is_object() || !g->contains("note") || !g->contains("tlds") || !(*g)["tlds"].is_object())
    errors.push_back("jurisdictions.json: 'generic_use_cctlds' must be {\"note\": ..., \"tlds\": {tld: why}}");
  else
    for (const auto& [tld, why] : (*g)["tlds"].items()) generic.insert(tld);

  if (!j.contains("cctlds") || !j["cctlds"].is_object() || j["cctlds"].empty()) {
    errors.push_back("jurisdictions.json: 'cctlds' must be a non-empty object");
    return;
  }
  for (const auto& [tld, code] : j["cctlds"].items()) {
    std::string c = code.is_string() ? code.get<std::string>() : "";
    if (!is_tld(tld) || !countries.contains(c))
      errors.push_back(fmt::format("jurisdictions.json: cctlds: bad entry '{}'", tld));
    else if (generic.contains(tld))
      errors.push_back(fmt::format("jurisdictions.json: cctlds: '{}' is also listed as generic use", tld));
    else
      cctlds_.emplace(tld, c);
  }
}

std::optional<JurisdictionTable> JurisdictionTable::load(const std::filesystem::path& file, std::vector<std::string>& errors) {
  std::ifstream in(file);
  if (!in) {
    errors.push_back(fmt::format("jurisdictions.json: cannot read {}", file.string()));
    return std::nullopt;
  }
  json j = json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    errors.push_back("jurisdictions.json: not valid JSON");
    return std::nullopt;
  }
  JurisdictionTable t;
  std::size_t before = errors.size();
  try {
    t.parse(j, errors);
  } catch (const std::exception& e) {  // a type mismatch the checks above did not foresee
    errors.push_back(fmt::format("jurisdictions.json: {}", e.what()));
  }
  if (errors.size() != before) return std::nullopt;
  return t;
}

std::optional<Jurisdiction> JurisdictionTable::home(std::string_view code) const {
  std::string c = to_upper(code);
  if (c == "EU") return Jurisdiction{"EU", "European Union", {eu_.begin(), eu_.end()}};
  if (c == "EEA") return Jurisdiction{"EEA", "European Economic Area", {eea_.begin(), eea_.end()}};
  auto it = countries_.find(c);
  if (it == countries_.end()) return std::nullopt;
  return Jurisdiction{c, it->second, {c}};
}

std::string JurisdictionTable::country_name(std::string_view iso) const {
  auto it = countries_.find(to_upper(iso));
  return it == countries_.end() ? "" : it->second;
}

JurisdictionTable::Transfer JurisdictionTable::assess(const Jurisdiction& home, std::string_view destination) const {
  Transfer t;
  std::string dest = to_upper(destination);
  if (!countries_.contains(dest)) {
    t.basis = "destination unknown: no transfer assessed";
    return t;
  }
  bool eu_law = home.code == "EU" || home.code == "EEA";
  if (!eu_law) {
    t.cross_border = dest != home.code;
    if (!t.cross_border) {
      t.basis = "no transfer: the destination is the home jurisdiction";
      return t;
    }
    if (auto h = legal_hooks_.find(home.code); h != legal_hooks_.end()) t.legal_hook = h->second;
    t.basis = "not modelled: only EU/EEA transfer rules are known";
    return t;
  }
  // The EEA states apply the GDPR through the EEA Agreement, so for an EU home they are not
  // third countries either: Chapter V only starts at the EEA border.
  if (eea_.contains(dest)) {
    t.basis = "no transfer rule: the destination applies the GDPR (EEA)";
    return t;
  }
  t.cross_border = true;
  t.legal_hook = kGdprHook;
  if (auto a = eu_adequacy_.find(dest); a != eu_adequacy_.end()) {
    t.adequacy = true;
    t.adequacy_note = a->second.note;
    t.basis = a->second.basis.empty() ? std::string(kAdequacyBasis) : a->second.basis;
  } else {
    t.basis = kSafeguardsBasis;
  }
  return t;
}

std::string JurisdictionTable::cctld_country(std::string_view tld) const {
  std::string t = to_lower(tld);
  if (!t.empty() && t.front() == '.') t.erase(0, 1);
  auto it = cctlds_.find(t);
  return it == cctlds_.end() ? "" : it->second;
}

}  // namespace sdkscope
