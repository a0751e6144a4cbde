#include "scanner/model/evidence.hpp"

#include <algorithm>
#include <array>

namespace sdkscope {

namespace {
constexpr std::array<std::string_view, kEvidenceKindCount> kNames = {
    "dex.class",    "native.lib",   "manifest.component", "manifest.meta_data", "objc.class", "macho.framework",
    "swift.module", "macho.symbol", "plist.key",          "skadnetwork",        "domain"};
}

std::string_view to_string(EvidenceKind k) { return kNames[static_cast<std::size_t>(k)]; }

bool parse_evidence_kind(std::string_view s, EvidenceKind& out) {
  for (std::size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == s) {
      out = static_cast<EvidenceKind>(i);
      return true;
    }
  }
  return false;
}

namespace {
// Grows geometrically: merge() runs once per entry task, so an exact reserve per call would
// reallocate (and copy) the whole set every time, quadratic in the number of entries.
template <class V>
void grow_for(V& v, std::size_t extra) {
  const std::size_t need = v.size() + extra;
  if (need > v.capacity()) v.reserve(std::max(need, 2 * v.capacity()));
}
}  // namespace

void EvidenceSet::merge(EvidenceSet&& other) {
  auto base = static_cast<std::uint32_t>(locations.size());
  grow_for(locations, other.locations.size());
  for (auto& l : other.locations) locations.push_back(std::move(l));
  grow_for(facts, other.facts.size());
  for (auto& f : other.facts) {
    f.location += base;
    facts.push_back(std::move(f));
  }
  grow_for(addresses, other.addresses.size());
  for (auto& a : other.addresses) {
    a.location += base;
    addresses.push_back(std::move(a));
  }
  for (auto& v : other.versions) {
    v.location += base;
    versions.push_back(std::move(v));
  }
  other = EvidenceSet{};
}

}  // namespace sdkscope
