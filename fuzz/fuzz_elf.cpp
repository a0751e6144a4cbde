// ELF shared objects (lib/<abi>/*.so): the adapter, including its header sanitising and LIEF 0.9.
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_util.hpp"
#include "scanner/native/elf_info.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sdkscope;
  Diagnostics diags;
  native::ElfLimits limits;
  auto parsed = native::parse_elf(fuzz::bytes(data, size), diags, "lib/arm64-v8a/libx.so", limits);
  fuzz::check_diagnostics(diags, "lib/arm64-v8a/libx.so");
  if (!parsed.ok) SDKSCOPE_FUZZ_CHECK(!diags.empty());
  SDKSCOPE_FUZZ_CHECK(parsed.info.strings.size() <= limits.max_strings);
  return 0;
}
