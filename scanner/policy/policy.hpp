// The policy gate (--policy FILE): a JSON document of rules a pipeline applies to a scan result,
// with allowlist entries that carry a written justification and an optional expiry date.
// Violations become findings (category "policy"); the verdict decides exit code 1.
// Format: docs/policy.md; examples: policies/*.json.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "scanner/model/scan_result.hpp"

namespace sdkscope::policy {

inline constexpr std::string_view kPolicySchema = "sdkscope-policy/1";

/// One allowlist entry. Every subject field that is set must match the violation it waives.
struct Allow {
  std::string sdk, vendor, check, permission, domain, country;
  std::string justification;  ///< required, non-empty
  std::string expires;        ///< "YYYY-MM-DD" or ""; waives nothing after that day
};

struct Policy {
  std::string name, description;
  std::string path;  ///< where it was read from
  std::string severity = "high";  ///< severity of the violations this policy reports
  // Rules (unset / empty = not checked).
  std::vector<std::string> deny_vendor_countries;  ///< ISO codes or groups ("EU", "EEA") of vendor HQ / data jurisdiction / parent chain
  std::vector<std::string> deny_vendors;           ///< vendor ids (also matched against the parent chain's names, case-insensitive)
  std::vector<std::string> deny_sdks;              ///< SDK ids
  std::vector<std::string> deny_categories;        ///< SDK categories ("advertising", "fingerprinting") or check categories
  std::string max_severity;                        ///< findings above it violate ("" = unchecked)
  std::vector<std::string> deny_checks;            ///< check ids that violate whenever they fire
  bool deny_cleartext = false;                     ///< cleartext allowed by the app or cleartext endpoints it may reach
  bool require_privacy_manifest = false;           ///< iOS apps must ship their own PrivacyInfo.xcprivacy
  std::optional<int> max_dangerous_permissions;
  std::vector<std::string> deny_permissions;
  std::vector<std::string> allowed_destination_countries;  ///< data may go only there (groups allowed: "EU", "EEA")
  std::vector<std::string> deny_destination_countries;
  bool deny_cross_border = false;                  ///< any data flow leaving the scan's home jurisdiction
  std::vector<Allow> allow;
};

/// Loads and validates a policy file. Unknown keys are errors (a typo must not silently turn a
/// rule off). Never throws.
std::optional<Policy> load_policy(const std::filesystem::path& file, std::vector<std::string>& errors);
std::optional<Policy> parse_policy(std::string_view json, const std::string& path, std::vector<std::string>& errors);

struct EvalContext {
  /// Expands a country group ("EU", "EEA") to member codes; a plain code expands to itself.
  std::function<std::vector<std::string>(std::string_view)> expand;
  std::string today;  ///< "YYYY-MM-DD", for waiver expiry
};

/// Applies the policy: appends its violations to r.findings (waived ones marked), its rule
/// descriptors to r.checks, and fills r.policy.
void apply_policy(const Policy& p, const EvalContext& ctx, ScanResult& r);

/// Descriptors of every rule a policy can report (for `checks list` and SARIF rules).
std::vector<CheckInfo> policy_rule_catalogue();

/// Today's date in UTC as YYYY-MM-DD (what the CLI passes as EvalContext::today).
std::string today_utc();

}  // namespace sdkscope::policy
