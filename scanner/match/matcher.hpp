// Evidence x SignatureDb -> detected SDKs with their evidence and a confidence.
#pragma once

#include <vector>

#include "scanner/match/signature_db.hpp"
#include "scanner/model/evidence.hpp"
#include "scanner/model/scan_result.hpp"

namespace sdkscope {

struct MatchOptions {
  std::size_t max_class_examples = 5;  ///< class names quoted per SDK
  std::size_t max_locations = 10;      ///< locations quoted per SDK
};

/// Detects SDKs. Rules (signatures/README.md): segment-exact, longest package prefix wins;
/// min_classes guards against stubs; domains alone never detect. Result sorted by SDK id.
std::vector<SdkFinding> match_sdks(const EvidenceSet& evidence, const SignatureDb& db, const MatchOptions& opts = {});

/// Vendor block (name, country, parent chain) for a vendor id.
VendorInfo vendor_info(const SignatureDb& db, const std::string& vendor_id);

}  // namespace sdkscope
