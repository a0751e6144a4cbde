// Mach-O images: thin, fat, static archives (our readers plus LIEF 0.9 for the symbol table).
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_util.hpp"
#include "scanner/apple/macho_info.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sdkscope;
  Diagnostics diags;
  apple::MachoLimits limits;
  (void)apple::looks_like_macho(fuzz::bytes(data, size));
  auto parsed = apple::parse_macho(fuzz::bytes(data, size), diags, "Payload/A.app/A", limits);
  fuzz::check_diagnostics(diags, "Payload/A.app/A");
  if (!parsed.ok) SDKSCOPE_FUZZ_CHECK(!diags.empty());
  SDKSCOPE_FUZZ_CHECK(parsed.info.strings.size() <= limits.max_strings);
  return 0;
}
