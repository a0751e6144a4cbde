// Per-scan mutable state shared by the passes of one scan (not a public header).
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "scanner/analysis/endpoints.hpp"
#include "scanner/analysis/permissions.hpp"
#include "scanner/apple/privacy_manifest.hpp"
#include "scanner/android/manifest.hpp"
#include "scanner/android/network_security_config.hpp"
#include "scanner/bundle/archive.hpp"
#include "scanner/checks/catalogue.hpp"
#include "scanner/engine/scan_options.hpp"
#include "scanner/match/signature_db.hpp"
#include "scanner/model/evidence.hpp"
#include "scanner/model/scan_result.hpp"

namespace sdkscope {

/// A manifest read from one bundle part.
struct PartManifest {
  BundlePart part;
  android::Manifest manifest;
  std::string location;  ///< where the manifest was read ("AndroidManifest.xml", "base/manifest/AndroidManifest.xml" ...)
};

/// iOS facts gathered across the bundle's binaries, for the privacy-manifest audit.
struct IosScanState {
  std::map<std::string, std::set<std::string>> symbols;  ///< imported symbol -> binaries using it
  std::map<std::string, std::set<std::string>> selectors;  ///< ObjC selector -> binaries using it
  std::map<std::string, bool> frameworks;               ///< embedded framework -> ships a privacy manifest
  std::vector<std::pair<std::string, std::string>> usage;  ///< (usage key, purpose string) of the main app
  bool app_seen = false;
};

class TaskPool;

struct ScanContext {
  ScanContext(const SignatureDb& db_in, const std::vector<apple::RequiredReasonCategory>& required_in,
              const ScanOptions& opts_in, const AddressExtractor& extractor_in,
              const checks::Catalogue* catalogue_in = nullptr)
      : db(db_in), required_reason_apis(required_in), opts(opts_in), extractor(extractor_in), catalogue(catalogue_in) {}

  const SignatureDb& db;
  const std::vector<apple::RequiredReasonCategory>& required_reason_apis;
  const ScanOptions& opts;
  const AddressExtractor& extractor;
  const checks::Catalogue* catalogue;  ///< null: no checks run (the catalogue did not load)
  Diagnostics diags;
  ReadBudget budget;
  EvidenceSet evidence;
  std::vector<PartManifest> manifests;
  std::vector<BundlePart> parts;
  std::map<std::string, std::uint64_t> stats;
  IosInfo ios;
  IosScanState ios_state;
  AppInfo app;  ///< identity read by the iOS passes (Android reads it from manifests afterwards)
  std::optional<android::NetworkSecurityConfig> nsc;  ///< the app's own (first non-nested) config
  std::string nsc_location;
  std::vector<checks::CodeHit> code_hits;  ///< check indicators found in code (see code_checks.hpp)
  std::size_t defined_classes = 0;         ///< DEX and JAR classes, for the obfuscation share
  std::size_t short_name_classes = 0;
  std::vector<std::string> encrypted_code;  ///< code files stored encrypted
  /// Worker threads for the heavy entries of a unit (entry_tasks.hpp); null = sequential. Task
  /// contexts have none: a task never starts tasks.
  TaskPool* pool = nullptr;

  void count(const std::string& key, std::uint64_t n = 1) { stats[key] += n; }

  /// Addresses in `s`; every dropped candidate is counted under "endpoints.filtered.<reason>".
  /// With --show-filtered each drop is also listed with `location`, the entry it came from.
  std::vector<AddressCandidate> extract_addresses(std::string_view s, std::uint32_t location) {
    filtered_scratch.clear();
    auto found = extractor.extract(s, &filtered_scratch);
    for (auto& f : filtered_scratch) {
      ++stats["endpoints.filtered." + f.reason];
      if (opts.show_filtered) filtered.insert({std::move(f.raw), std::move(f.reason), evidence.locations[location]});
    }
    return found;
  }
  /// Records an address candidate found in a string held by `holder`.
  void add_address(AddressCandidate c, std::uint32_t location, const std::string& holder) {
    evidence.addresses.push_back({std::move(c.raw), location, holder, c.ip_literal ? std::string() : std::move(c.host)});
  }
  std::vector<FilteredAddress> filtered_scratch;
  std::set<FilteredEndpoint> filtered;
};

/// "outer!/inner" location join; an empty prefix yields the inner name.
inline std::string join_location(const std::string& prefix, const std::string& name) {
  return prefix.empty() ? name : prefix + "!/" + name;
}

}  // namespace sdkscope
