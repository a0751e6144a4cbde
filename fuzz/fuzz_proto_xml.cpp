// aapt2 protobuf XML (aapt.pb.XmlNode): an App Bundle module's manifest. Decode, then build the
// manifest model from it as the AAB pass does.
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_util.hpp"
#include "scanner/android/manifest.hpp"
#include "scanner/android/proto_xml.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sdkscope;
  Diagnostics diags;
  auto parsed = android::parse_proto_xml(fuzz::bytes(data, size), diags, "base/manifest/AndroidManifest.xml");
  fuzz::check_diagnostics(diags, "base/manifest/AndroidManifest.xml");
  if (parsed.ok) SDKSCOPE_FUZZ_CHECK(diags.empty() && parsed.root.has_value());
  if (parsed.root) {
    Diagnostics mdiags;
    auto manifest = android::build_manifest(*parsed.root, nullptr, mdiags, "base/manifest/AndroidManifest.xml");
    (void)manifest;
  }
  return 0;
}
