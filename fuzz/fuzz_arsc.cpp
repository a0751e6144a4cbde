// resources.arsc: the compiled resource table of an APK.
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_util.hpp"
#include "scanner/android/arsc.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sdkscope;
  Diagnostics diags;
  auto parsed = android::parse_arsc(fuzz::bytes(data, size), diags, "resources.arsc");
  fuzz::check_diagnostics(diags, "resources.arsc");
  if (parsed.ok) SDKSCOPE_FUZZ_CHECK(fuzz::only_infos(diags));
  return 0;
}
