// The network security config model: cleartext per domain, user certificates, pins.
#include <doctest/doctest.h>

#include "scanner/android/network_security_config.hpp"
#include "scanner/android/text_xml.hpp"

using namespace sdkscope;
using namespace sdkscope::android;

namespace {

// Text XML decodes into the same tree and texts as the compiled file, so the model reads both.
NetworkSecurityConfig read(const std::string& xml) {
  Diagnostics d;
  Bytes bytes(reinterpret_cast<const std::uint8_t*>(xml.data()), xml.size());
  return read_network_security_config(parse_text_xml(bytes, d, "nsc.xml"));
}

}  // namespace

TEST_CASE("network security config: base and nested domain configs, pins, user certificates") {
  auto nsc = read(R"(<?xml version="1.0"?>
<network-security-config>
  <base-config cleartextTrafficPermitted="false">
    <trust-anchors><certificates src="system"/><certificates src="user"/></trust-anchors>
  </base-config>
  <domain-config cleartextTrafficPermitted="true">
    <domain includeSubdomains="true">legacy.example.cn</domain>
    <domain-config>
      <domain>inner.legacy.example.cn</domain>
      <pin-set><pin digest="SHA-256">AAAA</pin></pin-set>
    </domain-config>
  </domain-config>
  <debug-overrides><trust-anchors><certificates src="user"/></trust-anchors></debug-overrides>
</network-security-config>)");
  CHECK(nsc.base_cleartext_permitted == false);
  CHECK(nsc.base_trusts_user_certs);
  CHECK(nsc.debug_overrides);
  REQUIRE(nsc.domains.size() == 2);
  CHECK(nsc.domains[0].domain == "legacy.example.cn");
  CHECK(nsc.domains[0].include_subdomains);
  CHECK(nsc.domains[0].cleartext_permitted == true);
  CHECK_FALSE(nsc.domains[0].pinned);
  CHECK(nsc.domains[1].domain == "inner.legacy.example.cn");
  CHECK(nsc.domains[1].cleartext_permitted == true);  // inherited from the enclosing config
  CHECK(nsc.domains[1].pinned);
}

TEST_CASE("network security config: not a config, or empty, yields nothing") {
  CHECK(read("<manifest/>").domains.empty());
  CHECK_FALSE(read("not xml at all").base_cleartext_permitted);
  CHECK(read("<network-security-config/>").domains.empty());
}
