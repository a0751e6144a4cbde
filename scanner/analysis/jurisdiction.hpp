// Home jurisdictions and cross-border transfers: which destinations leave a user's home, and
// under which rule (GDPR Chapter V for EU/EEA homes). Data: signatures/jurisdictions.json.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace sdkscope {

/// A home jurisdiction a user measures transfers against: "EU" (default), "EEA", or an ISO 3166-1 alpha-2 code ("US", "CN", "GB", "CH" ...).
struct Jurisdiction {
  std::string code;
  std::string name;
  std::vector<std::string> members;  ///< EU/EEA: member country codes (sorted); a country: just itself
};

/// The jurisdiction table, loaded once and read-only afterwards. Only EU/EEA transfer law is
/// modelled: any other home gets a plain "destination differs" test and no legal hook unless
/// the data file's "legal_hooks" names one.
class JurisdictionTable {
 public:
  /// Loads signatures/jurisdictions.json; nullopt + errors on a bad file. Never throws.
  static std::optional<JurisdictionTable> load(const std::filesystem::path& file, std::vector<std::string>& errors);

  /// "EU", "EEA", "eu", "DE" ... -> the jurisdiction; nullopt for an unknown code.
  std::optional<Jurisdiction> home(std::string_view code) const;

  /// English country name for an ISO code ("CN" -> "China"), "" when unknown. Case-insensitive.
  std::string country_name(std::string_view iso) const;

  /// Does data going to `destination` (ISO alpha-2) leave `home`? And under which rule.
  struct Transfer {
    bool cross_border = false;      ///< destination outside home (for EU/EEA: outside the EEA)
    std::string legal_hook;         ///< for EU/EEA homes: "GDPR Chapter V (Art. 44-50)"; for others: "" unless the table names one
    bool adequacy = false;          ///< the destination has an adequacy decision from the home (EU: Commission decisions)
    std::string adequacy_note;      ///< e.g. "EU-US Data Privacy Framework: certified organisations only (2023)", "Japan (2019)"
    std::string basis;              ///< one sentence: what a transfer needs ("adequacy decision", "appropriate safeguards such as SCCs (Art. 46) or a derogation (Art. 49)")
  };

  /// EU and EEA homes both treat IS, LI and NO as inside (they apply the GDPR through the EEA
  /// Agreement). legal_hook is set only for cross-border transfers. An empty or unknown
  /// destination is not cross-border, with basis saying the destination is unknown.
  Transfer assess(const Jurisdiction& home, std::string_view destination) const;

  /// Country-code TLD -> ISO country ("cn" -> "CN", "uk" -> "GB", "ru" -> "RU"); "" for generic TLDs (com, net, io*) — note .io, .co, .tv, .me, .ai are ccTLDs commonly used generically: return "" for those, documented in the data file.
  std::string cctld_country(std::string_view tld) const;

 private:
  struct Adequacy {
    std::string note;
    std::string basis;  ///< "" -> the default adequacy basis
  };
  using Map = std::map<std::string, std::string, std::less<>>;

  /// Fills the tables from the parsed file; each problem becomes one line in `errors`.
  void parse(const nlohmann::json& j, std::vector<std::string>& errors);

  Map countries_;    ///< ISO alpha-2 -> English short name
  Map cctlds_;       ///< lowercase TLD -> ISO alpha-2
  Map legal_hooks_;  ///< non-EU home -> its transfer rule, when the data names one
  std::set<std::string, std::less<>> eu_;
  std::set<std::string, std::less<>> eea_;  ///< eu_ plus eea_extra
  std::map<std::string, Adequacy, std::less<>> eu_adequacy_;
};

}  // namespace sdkscope
