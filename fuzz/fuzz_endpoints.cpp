// Endpoint extraction from one string (a DEX/class pool string, a plist value, an asset line).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/fuzz_util.hpp"
#include "scanner/analysis/endpoints.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sdkscope;
  static const PublicSuffixList psl;
  static const AddressExtractor extractor(psl);
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const bool may = AddressExtractor::may_contain_address(text);
  std::vector<FilteredAddress> filtered;
  auto found = extractor.extract(text, &filtered);
  for (const auto& c : found) {
    SDKSCOPE_FUZZ_CHECK(!c.raw.empty());
    SDKSCOPE_FUZZ_CHECK(text.find(c.raw) != std::string_view::npos);
    (void)psl.registrable_domain(c.host);
  }
  for (const auto& f : filtered) SDKSCOPE_FUZZ_CHECK(!f.reason.empty());
  // The cheap pre-check must never hide an address the full extraction finds. Known exception
  // (docs/fuzzing.md, findings): extract() trims spaces and tabs around a bare host,
  // may_contain_address() rejects any string holding a space, so " api.example.com " differs.
  const bool padded = !text.empty() && (text.front() == ' ' || text.front() == '\t' || text.back() == ' ' ||
                                        text.back() == '\t');
  if (!may && !padded) SDKSCOPE_FUZZ_CHECK(found.empty());
  return 0;
}
