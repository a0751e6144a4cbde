#include "scanner/analysis/data_flows.hpp"

#include <map>
#include <set>

namespace sdkscope {

std::vector<DataFlow> build_data_flows(const ScanResult& r, const SignatureDb& db, const JurisdictionTable& table,
                                       const Jurisdiction& home) {
  struct Acc {
    VendorInfo vendor;
    std::set<std::string> sdks, endpoints, data, destinations;
    bool china = false;
  };
  std::map<std::string, Acc> by_vendor;
  std::map<std::string, std::string> vendor_of_sdk;
  for (const auto& s : r.sdks) {
    auto& acc = by_vendor[s.vendor.id];
    acc.vendor = s.vendor;
    acc.sdks.insert(s.id);
    vendor_of_sdk[s.id] = s.vendor.id;
    std::string where = s.vendor.data_jurisdiction.empty() ? s.vendor.country : s.vendor.data_jurisdiction;
    if (!where.empty()) acc.destinations.insert(where);
    if (s.vendor.country == "CN") acc.china = true;
    // A parent chain reaching a Chinese company (Volcengine -> ByteDance) counts too.
    if (const auto* rec = db.find_sdk(s.id)) {
      for (const auto& d : rec->collects) acc.data.insert(d);
      for (const VendorRecord* v = db.find_vendor(rec->vendor); v; v = v->parent.empty() ? nullptr : db.find_vendor(v->parent))
        if (v->country == "CN") acc.china = true;
    }
  }
  for (const auto& p : r.permissions)
    for (const auto& sdk : p.sdks)
      if (auto it = vendor_of_sdk.find(sdk); it != vendor_of_sdk.end())
        for (const auto& d : p.data) by_vendor[it->second].data.insert(d);
  for (const auto& e : r.endpoints) {
    if (e.sdk.empty()) continue;
    auto it = vendor_of_sdk.find(e.sdk);
    if (it == vendor_of_sdk.end()) continue;
    auto& acc = by_vendor[it->second];
    acc.endpoints.insert(e.host);
    if (!e.owner_country.empty()) acc.destinations.insert(e.owner_country);
    if (!e.tld_country.empty()) acc.destinations.insert(e.tld_country);
    if (!e.geo_country.empty()) acc.destinations.insert(e.geo_country);
  }

  std::vector<DataFlow> out;
  for (auto& [id, acc] : by_vendor) {
    DataFlow f;
    f.vendor = acc.vendor;
    f.sdks.assign(acc.sdks.begin(), acc.sdks.end());
    constexpr std::size_t kMaxHosts = 20;
    for (const auto& h : acc.endpoints) {
      if (f.endpoints.size() >= kMaxHosts) break;
      f.endpoints.push_back(h);
    }
    f.data.assign(acc.data.begin(), acc.data.end());
    f.destinations.assign(acc.destinations.begin(), acc.destinations.end());
    f.china = acc.china;
    for (const auto& dest : f.destinations) {
      auto t = table.assess(home, dest);
      if (!t.cross_border) continue;
      f.cross_border = true;
      if (f.legal_hook.empty()) f.legal_hook = t.legal_hook;
      std::string name = table.country_name(dest);
      f.transfer_notes.push_back(dest + (name.empty() ? "" : " (" + name + ")") + ": " +
                                 (t.adequacy ? "adequacy decision" + (t.adequacy_note.empty() ? "" : ", " + t.adequacy_note) + "; " : "") +
                                 t.basis);
    }
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace sdkscope
