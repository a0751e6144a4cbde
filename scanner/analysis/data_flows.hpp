// data_flows: per third party (vendor), the SDKs involved, the hosts they talk to, the data they
// can collect, and where it goes, with cross-border flags relative to a home jurisdiction.
#pragma once

#include <vector>

#include "scanner/analysis/jurisdiction.hpp"
#include "scanner/match/signature_db.hpp"
#include "scanner/model/scan_result.hpp"

namespace sdkscope {

/// Builds one flow per vendor of the detected SDKs (sub-components fold into their vendor).
/// Data categories: what each SDK record documents collecting, plus the data categories of the
/// app's permissions the SDK is documented to need. Destinations: the vendor's HQ (or its data
/// jurisdiction), the owners of its SDKs' endpoints, their country-code TLDs, and (--geoip) the
/// countries of its IP literals. Sorted by vendor id.
std::vector<DataFlow> build_data_flows(const ScanResult& r, const SignatureDb& db, const JurisdictionTable& table,
                                       const Jurisdiction& home);

}  // namespace sdkscope
