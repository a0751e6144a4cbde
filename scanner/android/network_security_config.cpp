#include "scanner/android/network_security_config.hpp"

namespace sdkscope::android {

namespace {

std::optional<bool> bool_attr(const XmlElement& e, std::string_view name) {
  for (const auto& a : e.attrs) {
    if (a.name != name) continue;
    if (a.type == XmlAttribute::Type::Bool || a.type == XmlAttribute::Type::Int) return a.num != 0;
    if (a.str == "true") return true;
    if (a.str == "false") return false;
  }
  return std::nullopt;
}

std::string attr(const XmlElement& e, std::string_view name) {
  for (const auto& a : e.attrs)
    if (a.name == name) return a.str;
  return {};
}

bool trusts_user(const XmlElement& config) {
  for (const auto& child : config.children)
    if (child.name == "trust-anchors")
      for (const auto& cert : child.children)
        if (cert.name == "certificates" && attr(cert, "src") == "user") return true;
  return false;
}

// <certificates overridePins="true">: a CA in this set may bypass the config's pins.
bool overrides_pins(const XmlElement& config) {
  for (const auto& child : config.children)
    if (child.name == "trust-anchors")
      for (const auto& cert : child.children)
        if (cert.name == "certificates" && bool_attr(cert, "overridePins").value_or(false)) return true;
  return false;
}

// The element text of the child at `path` (indices from the root), from the decoder's texts.
std::string text_at(const XmlParseResult& parsed, const std::vector<std::size_t>& path) {
  for (const auto& t : parsed.texts)
    if (t.path == path) return t.text;
  return {};
}

void read_domain_config(const XmlParseResult& parsed, const XmlElement& config, std::vector<std::size_t>& path,
                        std::optional<bool> inherited, NetworkSecurityConfig& out, int depth) {
  if (depth > 16) return;  // configs nest a level or two; bound the recursion on hostile input
  auto cleartext = bool_attr(config, "cleartextTrafficPermitted");
  if (!cleartext) cleartext = inherited;
  bool pinned = false;
  for (const auto& child : config.children) pinned |= child.name == "pin-set";
  bool user = trusts_user(config);
  bool override_pins = overrides_pins(config);
  for (std::size_t i = 0; i < config.children.size(); ++i) {
    const auto& child = config.children[i];
    path.push_back(i);
    if (child.name == "domain") {
      std::string domain = text_at(parsed, path);
      while (!domain.empty() && (domain.back() == ' ' || domain.back() == '\n' || domain.back() == '\t')) domain.pop_back();
      while (!domain.empty() && (domain.front() == ' ' || domain.front() == '\n' || domain.front() == '\t')) domain.erase(domain.begin());
      if (!domain.empty())
        out.domains.push_back(
            {domain, bool_attr(child, "includeSubdomains").value_or(false), cleartext, pinned, user, override_pins});
    } else if (child.name == "domain-config") {
      read_domain_config(parsed, child, path, cleartext, out, depth + 1);
    }
    path.pop_back();
  }
}

}  // namespace

NetworkSecurityConfig read_network_security_config(const XmlParseResult& parsed) {
  NetworkSecurityConfig out;
  if (!parsed.root || parsed.root->name != "network-security-config") return out;
  std::vector<std::size_t> path;
  for (std::size_t i = 0; i < parsed.root->children.size(); ++i) {
    const auto& child = parsed.root->children[i];
    path.assign(1, i);
    if (child.name == "base-config") {
      out.base_cleartext_permitted = bool_attr(child, "cleartextTrafficPermitted");
      out.base_trusts_user_certs = trusts_user(child);
      out.base_overrides_pins = overrides_pins(child);
    } else if (child.name == "domain-config") {
      read_domain_config(parsed, child, path, std::nullopt, out, 0);
    } else if (child.name == "debug-overrides") {
      out.debug_overrides = true;
      out.debug_trusts_user_certs = trusts_user(child);
    }
  }
  return out;
}

}  // namespace sdkscope::android
