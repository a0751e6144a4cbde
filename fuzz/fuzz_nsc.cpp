// Network security config (res/xml/network_security_config.xml): binary AXML from an APK,
// protobuf XML from an App Bundle, or text XML from an AAR, then the config model.
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_util.hpp"
#include "scanner/android/axml.hpp"
#include "scanner/android/network_security_config.hpp"
#include "scanner/android/proto_xml.hpp"
#include "scanner/android/text_xml.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sdkscope;
  const Bytes in = fuzz::bytes(data, size);
  Diagnostics diags;
  android::XmlParseResult parsed;
  if (android::looks_like_axml(in))
    parsed = android::parse_axml(in, diags, "res/xml/nsc.xml");
  else if (size > 0 && (data[0] == '<' || data[0] == 0xef || data[0] == ' ' || data[0] == '\n'))
    parsed = android::parse_text_xml(in, diags, "res/xml/nsc.xml");
  else
    parsed = android::parse_proto_xml(in, diags, "res/xml/nsc.xml");
  fuzz::check_diagnostics(diags, "res/xml/nsc.xml");
  auto nsc = android::read_network_security_config(parsed);
  for (const auto& d : nsc.domains) (void)d.domain.size();
  return 0;
}
