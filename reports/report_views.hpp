// Derived views of a ScanResult shared by the document writers (HTML, Markdown), so both say the
// same thing: severity order and counts, the verdict sentence, permissions grouped by data
// category, chart series, display-safe text. Internal to reports/; depends only on the model.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "scanner/model/scan_result.hpp"

namespace sdkscope::views {

/// Finding severities, most severe first.
inline constexpr std::string_view kSeverities[] = {"critical", "high", "medium", "low", "info"};
/// 0 for critical .. 4 for info, 5 for anything else.
std::size_t severity_rank(std::string_view severity);

/// The sentence every writer prints about incomplete SDK lists.
inline constexpr std::string_view kAbsenceNote =
    "An empty or short SDK list is not evidence of absence: packed, encrypted or heavily renamed code hides SDKs "
    "from static matching.";

struct FindingCounts {
  std::size_t by_severity[6] = {};  ///< unwaived findings, indexed by severity_rank
  std::size_t unwaived = 0;
  std::size_t waived = 0;
};
FindingCounts count_findings(const ScanResult& r);

/// "1 critical, 2 high, 1 low" (unwaived; "" when none).
std::string severity_summary(const FindingCounts& c);

/// One line, plain text: policy result (when evaluated), finding counts, waived count.
std::string verdict_line(const ScanResult& r);

/// The catalogue entry for a finding's check, or nullptr.
const CheckInfo* find_check(const ScanResult& r, std::string_view id);

/// The display name of an app: its name, else its id, else the input path, else "(unnamed input)".
std::string app_title(const ScanResult& r);
/// "Android", "iOS", or "" when unknown.
std::string platform_label(std::string_view platform);
/// "1.2.0 (3)", "1.2.0", "(3)" or "".
std::string version_label(const AppInfo& app);
std::string human_size(std::uint64_t n);

/// Permissions grouped by the data category they open, categories sorted; permissions opening
/// none are grouped under "" (listed last). A permission opening two categories is in both.
struct PermissionGroup {
  std::string category;
  std::vector<const PermissionInfo*> permissions;
};
std::vector<PermissionGroup> permissions_by_data(const ScanResult& r);

/// A chart series: (label, count), largest first, then by label.
using Series = std::vector<std::pair<std::string, std::size_t>>;
Series sdks_by_vendor_country(const ScanResult& r);  ///< labels are "China (CN)", "unknown"
Series sdks_by_category(const ScanResult& r);
Series endpoints_by_owner_country(const ScanResult& r);  ///< "first party" / "unknown owner" when no country

/// Evidence of one SDK as labelled lists ("classes (12)", items), non-empty ones only.
struct EvidenceGroup {
  std::string label;
  std::vector<std::string> items;
};
std::vector<EvidenceGroup> sdk_evidence(const SdkFinding& s);
/// "12 classes; libBugly.so; 1 component" (compact).
std::string sdk_evidence_summary(const SdkFinding& s);

/// "Tencent <- Parent <- Grandparent" style vendor line: name plus parent chain.
std::string vendor_label(const VendorInfo& v);

/// App data made safe to show: invalid UTF-8 and C0 controls become U+FFFD, bidirectional
/// override / isolate characters become a visible "[U+202E]" so a name cannot reorder text.
/// Newlines and tabs are kept (each writer decides what they become).
std::string display_text(std::string_view s);
/// display_text() and then the five HTML specials escaped: safe as element text and as a quoted
/// attribute value (the HTML report and the review service's pages both use it).
std::string html_text(std::string_view s);

std::string join(const std::vector<std::string>& v, std::string_view sep);

/// True when the coverage block says anything (packers, renaming, encryption, notes).
bool coverage_reported(const AnalysisCoverage& c);

}  // namespace sdkscope::views
