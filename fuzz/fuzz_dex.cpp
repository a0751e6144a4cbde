// DEX images (classes*.dex, v35..v41 containers).
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_util.hpp"
#include "scanner/dex/dex_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sdkscope;
  Diagnostics diags;
  dex::DexLimits limits;
  auto parsed = dex::parse_dex(fuzz::bytes(data, size), diags, "classes.dex", limits);
  fuzz::check_diagnostics(diags, "classes.dex");
  const auto& d = parsed.dex;
  SDKSCOPE_FUZZ_CHECK(d.classes.size() == d.superclasses.size());
  for (const auto& u : d.string_uses) {
    SDKSCOPE_FUZZ_CHECK(u.string_idx < d.strings.size());
    SDKSCOPE_FUZZ_CHECK(u.class_idx < d.classes.size());
  }
  return 0;
}
