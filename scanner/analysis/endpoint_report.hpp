// Turns the address strings collected from a bundle into report endpoints: deduplicated,
// with registrable domain, cleartext flag, where each was found, and the SDK that holds it.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "scanner/analysis/endpoints.hpp"
#include "scanner/match/signature_db.hpp"
#include "scanner/model/evidence.hpp"
#include "scanner/model/scan_result.hpp"

namespace sdkscope {

struct EndpointOptions {
  std::size_t max_sources = 20;  ///< sources quoted per endpoint (the count is unbounded)
};

/// Builds endpoints sorted by (host, url). Attribution: the detected SDK whose package claims the
/// holder class, else a detected SDK whose domain list names the host. Owner: the vendor the
/// domain table names, else the attributed SDK's vendor. First party: the registrable domain
/// mirrors the app id (com.example.app -> example.com), or only the app's own classes use it. `filtered_counts` gets
/// the number of dropped candidates per filter reason.
std::vector<EndpointInfo> build_endpoints(const EvidenceSet& evidence, const AddressExtractor& extractor,
                                          const PublicSuffixList& psl, const SignatureDb& db,
                                          const std::vector<SdkFinding>& sdks, const std::string& app_id,
                                          std::map<std::string, std::uint64_t>* filtered_counts,
                                          const EndpointOptions& opts = {});

}  // namespace sdkscope
