#include "scanner/match/matcher.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace sdkscope {

namespace {

struct Accumulator {
  std::size_t class_count = 0;
  std::set<std::string> class_examples;  // kept sorted; trimmed at the end
  std::set<std::string> packages, native_libs, components, meta_data, domains, other;
  std::set<std::string> locations;
  bool ios_code = false;  // any iOS code evidence (class, framework, module, symbol)
  std::size_t ios_classes = 0;
  bool plist = false;
};

}  // namespace

VendorInfo vendor_info(const SignatureDb& db, const std::string& vendor_id) {
  VendorInfo v;
  v.id = vendor_id;
  const VendorRecord* rec = db.find_vendor(vendor_id);
  if (!rec) return v;
  v.name = rec->name;
  v.country = rec->country;
  v.data_jurisdiction = rec->data_jurisdiction;
  std::set<std::string> seen{rec->id};
  for (const VendorRecord* p = db.find_vendor(rec->parent); p && seen.insert(p->id).second; p = db.find_vendor(p->parent))
    v.chain.push_back(p->name);
  return v;
}

std::vector<SdkFinding> match_sdks(const EvidenceSet& evidence, const SignatureDb& db, const MatchOptions& opts) {
  std::map<std::uint32_t, Accumulator> acc;
  auto loc = [&](const Fact& f) -> const std::string& { return evidence.locations[f.location]; };

  // Each fact is claimed by at most one record for classes (longest prefix), possibly several
  // for literal names (validation keeps literals unique across records).
  for (const auto& f : evidence.facts) {
    switch (f.kind) {
      case EvidenceKind::JavaClass: {
        auto hit = db.match_class(f.value);
        if (!hit) break;
        auto& a = acc[hit->record];
        ++a.class_count;
        if (a.class_examples.size() < 64) a.class_examples.insert(f.value);
        a.packages.insert(hit->rule);
        a.locations.insert(loc(f));
        break;
      }
      case EvidenceKind::Domain:
        break;  // handled with addresses below
      default: {
        for (auto& hit : db.match_name(f.kind, f.value)) {
          auto& a = acc[hit.record];
          a.locations.insert(loc(f));
          switch (f.kind) {
            case EvidenceKind::NativeLib: a.native_libs.insert(f.value); break;
            case EvidenceKind::ManifestComponent: a.components.insert(f.value); break;
            case EvidenceKind::ManifestMetaData: a.meta_data.insert(f.value); break;
            case EvidenceKind::ObjcClass:
              ++a.ios_classes;
              a.ios_code = true;
              a.other.insert(std::string(to_string(f.kind)) + ":" + f.value);
              break;
            case EvidenceKind::MachoFramework:
            case EvidenceKind::SwiftModule:
            case EvidenceKind::MachoSymbol:
              a.ios_code = true;
              a.other.insert(std::string(to_string(f.kind)) + ":" + f.value);
              break;
            default:
              a.plist = true;
              a.other.insert(std::string(to_string(f.kind)) + ":" + f.value);
              break;
          }
        }
      }
    }
  }

  std::vector<SdkFinding> out;
  for (auto& [record, a] : acc) {
    const SdkRecord& rec = db.sdks()[record];
    bool classes_ok = a.class_count >= rec.android.min_classes && a.class_count > 0;
    bool ios_classes_ok = a.ios_code && (a.ios_classes == 0 || a.ios_classes >= rec.ios.min_classes);
    bool code = classes_ok || !a.native_libs.empty() || ios_classes_ok;
    bool manifest = !a.components.empty() || !a.meta_data.empty() || a.plist;
    if (!code && !manifest) continue;  // e.g. stubs below min_classes

    SdkFinding s;
    s.id = rec.id;
    s.name = rec.name;
    s.vendor = vendor_info(db, rec.vendor);
    s.categories = rec.categories;
    s.part_of = rec.part_of;
    s.evidence.class_count = classes_ok ? a.class_count : 0;
    if (classes_ok) {
      for (const auto& c : a.class_examples) {
        if (s.evidence.class_examples.size() >= opts.max_class_examples) break;
        s.evidence.class_examples.push_back(c);
      }
      s.evidence.packages.assign(a.packages.begin(), a.packages.end());
    }
    s.evidence.native_libs.assign(a.native_libs.begin(), a.native_libs.end());
    s.evidence.manifest_components.assign(a.components.begin(), a.components.end());
    s.evidence.manifest_meta_data.assign(a.meta_data.begin(), a.meta_data.end());
    s.evidence.other.assign(a.other.begin(), a.other.end());
    for (const auto& l : a.locations) {
      if (s.evidence.locations.size() >= opts.max_locations) break;
      s.evidence.locations.push_back(l);
    }
    out.push_back(std::move(s));
  }

  // Domains raise the confidence of SDKs detected by code or manifest; they never detect alone.
  std::map<std::string, std::set<std::string>> domains_by_sdk;
  for (const auto& f : evidence.facts) {
    if (f.kind != EvidenceKind::Domain) continue;
    for (auto& hit : db.match_domain(f.value)) domains_by_sdk[db.sdks()[hit.record].id].insert(f.value);
  }
  for (auto& s : out) {
    if (auto it = domains_by_sdk.find(s.id); it != domains_by_sdk.end())
      s.evidence.domains.assign(it->second.begin(), it->second.end());
    int kinds = (s.evidence.class_count > 0) + !s.evidence.native_libs.empty() +
                (!s.evidence.manifest_components.empty() || !s.evidence.manifest_meta_data.empty()) +
                !s.evidence.domains.empty() + !s.evidence.other.empty();
    bool code = s.evidence.class_count > 0 || !s.evidence.native_libs.empty() ||
                std::any_of(s.evidence.other.begin(), s.evidence.other.end(),
                            [](const std::string& o) { return o.rfind("plist.key:", 0) != 0 && o.rfind("skadnetwork:", 0) != 0; });
    if ((code && kinds >= 2) || s.evidence.class_count >= 10) s.confidence = "high";
    else if (code) s.confidence = "medium";
    else s.confidence = "low";
  }
  // Versions: the hint from the record's earliest-listed rule wins; among equal ranks, the
  // version seen most often (then the greatest, for determinism).
  std::map<std::string, std::map<std::uint32_t, std::map<std::string, std::size_t>>> hints;
  for (const auto& v : evidence.versions) ++hints[db.sdks()[v.record].id][v.rank][v.version];
  for (auto& s : out) {
    auto it = hints.find(s.id);
    if (it == hints.end() || it->second.empty()) continue;
    const auto& counts = it->second.begin()->second;
    s.version = std::max_element(counts.begin(), counts.end(), [](const auto& a, const auto& b) {
                  return a.second < b.second || (a.second == b.second && a.first < b.first);
                })->first;
  }
  std::sort(out.begin(), out.end(), [](const SdkFinding& a, const SdkFinding& b) { return a.id < b.id; });
  return out;
}

}  // namespace sdkscope
