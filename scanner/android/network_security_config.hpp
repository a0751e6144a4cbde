// The network security config (res/xml/..., named by the manifest): which hosts may be reached in
// cleartext, which certificates are trusted, which are pinned.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "scanner/android/axml.hpp"

namespace sdkscope::android {

struct NscDomainRule {
  std::string domain;
  bool include_subdomains = false;
  std::optional<bool> cleartext_permitted;  ///< from the enclosing <domain-config> (inherited down nested configs)
  bool pinned = false;                      ///< the domain-config has a <pin-set>
  bool trusts_user_certs = false;           ///< <certificates src="user"/> in its trust anchors
  bool overrides_pins = false;              ///< a <certificates overridePins="true"> in its trust anchors
};

struct NetworkSecurityConfig {
  std::optional<bool> base_cleartext_permitted;  ///< <base-config cleartextTrafficPermitted>
  bool base_trusts_user_certs = false;
  bool base_overrides_pins = false;
  bool debug_overrides = false;                  ///< <debug-overrides> present (applies only when debuggable)
  bool debug_trusts_user_certs = false;          ///< user CAs trusted in debug builds
  std::vector<NscDomainRule> domains;
};

/// Reads a decoded config (AXML or protobuf XML; element text comes from `parsed.texts`).
/// Unknown elements are ignored, as Android does. Never throws.
NetworkSecurityConfig read_network_security_config(const XmlParseResult& parsed);

}  // namespace sdkscope::android
