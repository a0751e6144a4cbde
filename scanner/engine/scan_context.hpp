// Per-scan mutable state shared by the passes of one scan (not a public header).
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "scanner/analysis/endpoints.hpp"
#include "scanner/analysis/permissions.hpp"
#include "scanner/android/manifest.hpp"
#include "scanner/bundle/archive.hpp"
#include "scanner/engine/scan_options.hpp"
#include "scanner/match/signature_db.hpp"
#include "scanner/model/evidence.hpp"
#include "scanner/model/scan_result.hpp"

namespace sdkscope {

/// A manifest read from one bundle part.
struct PartManifest {
  BundlePart part;
  android::Manifest manifest;
};

struct ScanContext {
  const SignatureDb& db;
  const ScanOptions& opts;
  const AddressExtractor& extractor;
  Diagnostics diags;
  ReadBudget budget;
  EvidenceSet evidence;
  std::vector<PartManifest> manifests;
  std::vector<BundlePart> parts;
  std::map<std::string, std::uint64_t> stats;

  void count(const std::string& key, std::uint64_t n = 1) { stats[key] += n; }
};

/// "outer!/inner" location join; an empty prefix yields the inner name.
inline std::string join_location(const std::string& prefix, const std::string& name) {
  return prefix.empty() ? name : prefix + "!/" + name;
}

}  // namespace sdkscope
