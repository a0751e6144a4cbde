// Turning what a scan found into findings: the builtin checks read the structured facts
// (manifests, network security config, ATS, entitlements, data flows, the privacy audit); the
// indicator checks read the code hits the engine recorded while the parsers ran.
#pragma once

#include <string>
#include <vector>

#include "scanner/android/manifest.hpp"
#include "scanner/android/network_security_config.hpp"
#include "scanner/checks/catalogue.hpp"
#include "scanner/model/scan_result.hpp"

namespace sdkscope::checks {

/// A manifest of one bundle part, as the checks see it.
struct ManifestView {
  std::string location;  ///< "AndroidManifest.xml", "split.apk!/AndroidManifest.xml", "base/manifest/AndroidManifest.xml"
  const android::Manifest* manifest = nullptr;
  bool nested = false;   ///< a nested APK: another package, its configuration is not the app's
};

struct EvalInput {
  const Catalogue& catalogue;
  const ScanResult& result;  ///< app, sdks, permissions, endpoints, data_flows, ios, cleartext_policy, coverage
  std::vector<ManifestView> manifests;
  const android::NetworkSecurityConfig* nsc = nullptr;  ///< the app's own config, if any
  std::string nsc_location;
  const std::vector<CodeHit>& hits;
  const std::vector<std::string>& locations;  ///< EvidenceSet::locations, for CodeHit::location
  std::vector<std::string> hit_sdks;  ///< parallel to hits: SDK id whose code holds it ("" = app / unknown)
  /// SDK claiming a Java class or component name ("" when none): attributes manifest components.
  std::string (*class_sdk)(const void* ctx, const std::string& cls) = nullptr;
  const void* class_sdk_ctx = nullptr;
  std::vector<std::string> encrypted_code;  ///< locations of code stored encrypted (assets DEX, FairPlay binaries)
};

/// Runs every check in the catalogue. Findings come sorted by severity (critical first), then id;
/// each finding's evidence sorted and capped at kMaxFindingEvidence.
std::vector<Finding> evaluate(const EvalInput& in);

/// The coverage block: packers, renaming share, encrypted code, and whether an empty or short SDK
/// list can be trusted. `classes` are the defined class names (DEX and JAR).
AnalysisCoverage assess_coverage(const ScanResult& r, std::size_t classes, std::size_t short_name_classes,
                                 const std::vector<std::string>& encrypted_code);

/// True for a class whose simple name (after the last '.' or '$') is one or two characters, the
/// mark of ProGuard/R8 renaming ("a.b.c", "com.x.a$b").
bool is_short_class_name(std::string_view java_class);

/// Ids of the checks implemented in code; every catalogue entry with "builtin": true must be one.
std::vector<std::string> builtin_check_ids();

/// Severity rank: critical 4 .. info 0; unknown -1.
int severity_rank(std::string_view s);

}  // namespace sdkscope::checks
