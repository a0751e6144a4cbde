#include "scanner/model/evidence.hpp"

#include <array>

#include "scanner/util/append.hpp"

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

void EvidenceSet::merge(EvidenceSet&& other) {
  const auto base = static_cast<std::uint32_t>(locations.size());
  append_each(locations, other.locations, [](std::string&) {});
  append_each(facts, other.facts, [&](Fact& f) { f.location += base; });
  append_each(addresses, other.addresses, [&](AddressString& a) { a.location += base; });
  append_each(versions, other.versions, [&](VersionHint& v) { v.location += base; });
  other = EvidenceSet{};
}

}  // namespace sdkscope
