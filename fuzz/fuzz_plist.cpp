// Property lists (XML and binary): the structural precheck, libplist 2.2 behind it, and the
// Info.plist / privacy-manifest models read from the result. DER input (0x30) goes through
// the embedded.mobileprovision reader (OpenSSL CMS, then the same plist path).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/fuzz_util.hpp"
#include "scanner/apple/plist.hpp"
#include "scanner/apple/plist_precheck.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sdkscope;
  const Bytes in = fuzz::bytes(data, size);
  apple::PlistLimits limits;
  // The prechecks alone (parse_plist runs them too, but only for the kind it detects).
  (void)apple::detail::precheck_binary_plist(in, limits);
  (void)apple::detail::precheck_xml_plist(std::string_view(reinterpret_cast<const char*>(data), size), limits);

  Diagnostics diags;
  if (size > 0 && data[0] == 0x30) {
    auto profile = apple::parse_mobileprovision(in, diags, "embedded.mobileprovision");
    fuzz::check_diagnostics(diags, "embedded.mobileprovision");
    if (!profile) SDKSCOPE_FUZZ_CHECK(!diags.empty());
    return 0;
  }
  auto json = apple::parse_plist(in, diags, "Info.plist", limits);
  fuzz::check_diagnostics(diags, "Info.plist");
  if (!json) {
    SDKSCOPE_FUZZ_CHECK(!diags.empty());
    return 0;
  }
  Diagnostics mdiags;
  auto info = apple::read_info_plist(*json, mdiags, "Info.plist");
  auto privacy = apple::read_privacy_manifest(*json, mdiags, "PrivacyInfo.xcprivacy");
  (void)info;
  (void)privacy;
  (void)json->dump();  // the JSON writer must accept whatever libplist handed over (valid UTF-8)
  return 0;
}
