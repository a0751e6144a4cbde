// Permissions: what the app asks for, the protection level of each, and the data it opens.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "scanner/match/signature_db.hpp"
#include "scanner/model/scan_result.hpp"

namespace sdkscope {

/// One <uses-permission> as read from one manifest.
struct RequestedPermission {
  std::string name;
  std::optional<int> max_sdk;
  std::string source;  ///< bundle part that requests it ("" for the base)
};

/// Merges requests across bundle parts and describes each: protection level and data
/// categories from the permission table; "custom" when the app itself declares it; "unknown"
/// when neither knows it. `sdks` names detected SDKs documented to need it. Sorted by name.
std::vector<PermissionInfo> build_android_permissions(const std::vector<RequestedPermission>& requested,
                                                      const std::set<std::string>& declared_by_app,
                                                      const SignatureDb& db, const std::vector<SdkFinding>& sdks);

}  // namespace sdkscope
