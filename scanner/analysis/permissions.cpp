#include "scanner/analysis/permissions.hpp"

#include <algorithm>
#include <map>

namespace sdkscope {

std::vector<PermissionInfo> build_android_permissions(const std::vector<RequestedPermission>& requested,
                                                      const std::set<std::string>& declared_by_app,
                                                      const SignatureDb& db, const std::vector<SdkFinding>& sdks) {
  std::map<std::string, PermissionInfo> merged;
  for (const auto& r : requested) {
    auto [it, fresh] = merged.try_emplace(r.name);
    PermissionInfo& p = it->second;
    if (fresh) {
      p.name = r.name;
      p.platform = "android";
      p.max_sdk = r.max_sdk;
      if (const PermissionRecord* rec = db.find_permission(r.name)) {
        p.protection = rec->protection;
        p.data = rec->data;
        p.description = rec->label;
      } else if (declared_by_app.count(r.name)) {
        p.protection = "custom";
      } else {
        p.protection = "unknown";
      }
    } else if (p.max_sdk && (!r.max_sdk || *r.max_sdk > *p.max_sdk)) {
      // The widest request wins: one part without maxSdkVersion asks on every API level.
      p.max_sdk = r.max_sdk;
    }
    std::string src = r.source.empty() ? "base" : r.source;
    if (std::find(p.sources.begin(), p.sources.end(), src) == p.sources.end()) p.sources.push_back(src);
  }
  for (const auto& s : sdks) {
    const SdkRecord* rec = db.find_sdk(s.id);
    if (!rec) continue;
    for (const auto& perm : rec->android.permissions)
      if (auto it = merged.find(perm); it != merged.end()) it->second.sdks.push_back(s.id);
  }
  std::vector<PermissionInfo> out;
  out.reserve(merged.size());
  for (auto& [name, p] : merged) {
    std::sort(p.sources.begin(), p.sources.end());
    std::sort(p.sdks.begin(), p.sdks.end());
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace sdkscope
