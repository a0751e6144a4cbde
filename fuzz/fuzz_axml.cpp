// Android binary XML (AndroidManifest.xml, res/xml/*.xml in an APK): decode, then build the
// manifest model and read it as a network security config, as the engine does.
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_util.hpp"
#include "scanner/android/axml.hpp"
#include "scanner/android/manifest.hpp"
#include "scanner/android/network_security_config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sdkscope;
  Diagnostics diags;
  auto parsed = android::parse_axml(fuzz::bytes(data, size), diags, "AndroidManifest.xml");
  fuzz::check_diagnostics(diags, "AndroidManifest.xml");
  if (parsed.ok) SDKSCOPE_FUZZ_CHECK(fuzz::only_infos(diags) && parsed.root.has_value());
  if (parsed.root) {
    Diagnostics mdiags;
    auto manifest = android::build_manifest(*parsed.root, nullptr, mdiags, "AndroidManifest.xml");
    (void)manifest;
  }
  auto nsc = android::read_network_security_config(parsed);
  (void)nsc;
  return 0;
}
