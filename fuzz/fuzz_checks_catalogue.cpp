// The check catalogue loader (signatures/checks.json): Catalogue::parse on arbitrary JSON, then,
// when it loads, the scan-time lookups on a probe string. The input is split at its first NUL byte:
//   catalogue JSON \0 probe string
// (no NUL: the whole input is the catalogue and the probe is empty).
// Invariants: a rejected catalogue says why; every indicator and lookup result indexes
// primitives(); match_string/exact/call_matches never throw on any probe.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/fuzz_util.hpp"
#include "scanner/checks/catalogue.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sdkscope::checks;
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  const std::size_t nul = in.find('\0');
  const std::string_view json = in.substr(0, nul);
  const std::string_view probe = nul == std::string_view::npos ? std::string_view() : in.substr(nul + 1);

  std::vector<std::string> errors;
  const auto cat = Catalogue::parse(json, errors);
  if (!cat) {
    SDKSCOPE_FUZZ_CHECK(!errors.empty());
    return 0;
  }
  const std::size_t n = cat->primitives().size();
  for (const auto& d : cat->checks()) {
    SDKSCOPE_FUZZ_CHECK(!d.info.id.empty());
    SDKSCOPE_FUZZ_CHECK(cat->find(d.info.id) != nullptr);
    for (const auto& ind : d.indicators) {
      SDKSCOPE_FUZZ_CHECK(ind.what < n);
      for (auto w : ind.with) SDKSCOPE_FUZZ_CHECK(w < n);
      for (auto w : ind.without) SDKSCOPE_FUZZ_CHECK(w < n);
    }
  }
  // Call arguments from the probe's first bytes, so call_matches sees both hits and misses.
  std::array<std::optional<std::uint64_t>, 8> args{};
  for (std::size_t i = 0; i < args.size() && i < probe.size(); ++i)
    if (static_cast<unsigned char>(probe[i]) != 0xff) args[i] = static_cast<unsigned char>(probe[i]);
  constexpr Kind kinds[] = {Kind::DexMethod,   Kind::DexField,    Kind::DexString,    Kind::DexSuperclass,
                            Kind::NativeImport, Kind::NativeString, Kind::NativeCall,   Kind::MachoImport,
                            Kind::MachoSelector, Kind::MachoString, Kind::MachoCall,    Kind::AnyString,
                            Kind::Permission,  Kind::SdkCategory, Kind::SdkId,        Kind::Entitlement,
                            Kind::DexCall};
  std::vector<std::uint32_t> hits;
  for (Kind k : kinds) {
    if (const auto* ids = cat->exact(k, probe))
      for (auto id : *ids) {
        SDKSCOPE_FUZZ_CHECK(id < n);
        (void)cat->call_matches(id, args);
      }
    if (cat->has_string_rules(k)) {
      hits.clear();
      cat->match_string(k, probe, hits);
      for (auto id : hits) SDKSCOPE_FUZZ_CHECK(id < n);
    }
    (void)cat->callees(k);
  }
  (void)looks_like_key(probe);
  const std::string masked = mask_secret(probe);
  SDKSCOPE_FUZZ_CHECK(masked.size() <= 64);  // never the whole secret
  return 0;
}
