// resources.pb (aapt.pb.ResourceTable): an App Bundle module's resource table.
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_util.hpp"
#include "scanner/android/resources_pb.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sdkscope;
  Diagnostics diags;
  auto parsed = android::parse_resources_pb(fuzz::bytes(data, size), diags, "base/resources.pb");
  fuzz::check_diagnostics(diags, "base/resources.pb");
  return 0;
}
