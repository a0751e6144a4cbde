// What changed between two scans of an app (or two versions of it): SDKs, permissions, endpoints,
// jurisdictions, findings. Drives `sdkscope diff OLD NEW` and its --fail-on gate.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "scanner/model/scan_result.hpp"

namespace sdkscope {

/// Version of the diff JSON document (`diff_version`); bumped on incompatible changes.
inline constexpr int kDiffSchemaVersion = 1;

/// One side of the comparison, as the report names it.
struct DiffSide {
  std::string path, sha256, app_id, version_name;
  std::optional<std::int64_t> version_code;
};

struct SdkChange {
  std::string id, name, vendor, country;  ///< vendor name and HQ country
  std::string old_version, new_version;   ///< "" = not revealed; added SDKs have only new, removed only old
};

struct PermissionChange {
  std::string name, protection;
};

struct EndpointChange {
  std::string host, owner_country;  ///< owner country of the host (first endpoint row that has one)
};

struct FindingChange {
  std::string check, severity, title, message;
  FindingLocation first_evidence;  ///< the key beside the check id; empty when the finding has none
  bool waived = false;             ///< covered by a policy allowlist: listed, never counted by --fail-on
};

/// The changes from `old` to `new`. Every list is sorted by its key, so the diff is deterministic.
struct ScanDiff {
  DiffSide old_side, new_side;
  std::vector<SdkChange> sdks_added, sdks_removed, sdk_versions_changed;  ///< by SDK id
  std::vector<PermissionChange> permissions_added, permissions_removed;   ///< by name
  std::vector<EndpointChange> endpoints_added, endpoints_removed;         ///< by host
  /// Countries data can reach: data_flows destinations and endpoint owner / ccTLD / GeoIP countries.
  std::vector<std::string> jurisdictions_added, jurisdictions_removed;
  std::vector<std::string> vendor_countries_added, vendor_countries_removed;  ///< HQ countries of SDK vendors
  std::vector<FindingChange> findings_new, findings_resolved;  ///< by check id + first evidence item

  bool empty() const;
};

ScanDiff diff_results(const ScanResult& old_result, const ScanResult& new_result);

/// Android "dangerous" (runtime) permissions and iOS usage keys that prompt the user ("runtime_prompt").
bool is_dangerous_permission(std::string_view protection);

/// --fail-on conditions, by their stable names.
enum class DiffCondition { new_sdk, new_country, new_permission, new_dangerous_permission, new_finding, new_high_finding, new_endpoint };
std::string_view to_string(DiffCondition c);
std::optional<DiffCondition> parse_diff_condition(std::string_view name);
/// Every condition name, in documentation order ("new-sdk", "new-country", ...).
std::vector<std::string> diff_condition_names();
/// True when the diff meets the condition. new-country: a jurisdiction or a vendor country that
/// the old side did not have. new-finding / new-high-finding count only unwaived findings;
/// "high" means severity high or critical.
bool diff_meets(const ScanDiff& d, DiffCondition c);

/// Writers. `met` lists the --fail-on conditions that hold (shown in every format).
nlohmann::ordered_json diff_to_json(const ScanDiff& d, const std::vector<DiffCondition>& met = {});
std::string write_diff_json(const ScanDiff& d, const std::vector<DiffCondition>& met = {});
std::string write_diff_text(const ScanDiff& d, const std::vector<DiffCondition>& met = {}, bool color = false);
std::string write_diff_markdown(const ScanDiff& d, const std::vector<DiffCondition>& met = {});

}  // namespace sdkscope
