#include "scanner/engine/string_evidence.hpp"

namespace sdkscope {

void add_string_evidence(ScanContext& ctx, std::string_view s, std::uint32_t location, const std::string& holder) {
  if (AddressExtractor::may_contain_address(s))
    for (auto& a : ctx.extract_addresses(s, location)) ctx.add_address(std::move(a), location, holder);
  if (ctx.db.may_be_version_string(s))
    for (auto& h : ctx.db.match_version_string(s, holder))
      ctx.evidence.versions.push_back({h.record, h.rank, std::move(h.version), location});
}

}  // namespace sdkscope
