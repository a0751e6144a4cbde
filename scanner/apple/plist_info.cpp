// read_info_plist: the Info.plist facts the scanner reports (identity, versions, URL schemes,
// App Transport Security, SKAdNetwork ids, purpose strings, extension point) from a parsed plist.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <set>

#include "scanner/apple/plist.hpp"
#include "scanner/apple/plist_fields.hpp"
#include "scanner/util/strings.hpp"

namespace sdkscope::apple {
namespace {

using detail::join_path;
using detail::PlistFields;
using Json = nlohmann::json;

/// Purpose-string keys on Apple's "Protected resources" page whose names do not end in
/// "UsageDescription" (is_purpose_string in signatures/permissions/ios.json). Its value is a
/// dictionary of purpose key -> string, flattened as "key: text; key: text" in key order.
constexpr std::array<std::string_view, 1> kDictionaryPurposeKeys = {"NSLocationTemporaryUsageDescriptionDictionary"};

/// ATS exception keys come in three spellings with the same meaning; Apple keeps the
/// "Temporary" and "ThirdParty" forms working for old apps.
constexpr std::array<std::string_view, 3> kAtsPrefixes = {"NSException", "NSTemporaryException",
                                                          "NSThirdPartyException"};

void read_ats(const Json& ats, PlistFields& f, AtsSettings& out) {
  const std::string path = "NSAppTransportSecurity";
  out.present = true;
  out.allows_arbitrary_loads = f.boolean(ats, "NSAllowsArbitraryLoads", path);
  out.allows_arbitrary_loads_for_media = f.boolean(ats, "NSAllowsArbitraryLoadsForMedia", path);
  out.allows_arbitrary_loads_in_web_content = f.boolean(ats, "NSAllowsArbitraryLoadsInWebContent", path);
  out.allows_local_networking = f.boolean(ats, "NSAllowsLocalNetworking", path);
  const Json* domains = f.dict(ats, "NSExceptionDomains", path);
  if (!domains) return;
  const std::string dpath = join_path(path, "NSExceptionDomains");
  for (auto it = domains->begin(); it != domains->end(); ++it) {
    const std::string epath = join_path(dpath, it.key());
    if (!it->is_object()) {
      f.bad_type(epath, "dictionary", *it);
      continue;
    }
    AtsSettings::DomainException e;
    e.domain = it.key();
    e.includes_subdomains = f.boolean(*it, "NSIncludesSubdomains", epath);
    // Where several spellings are present, keep the most permissive reading: that is what a
    // reviewer needs to see, and ATS applies the weaker exception.
    for (std::string_view prefix : kAtsPrefixes) {
      if (auto v = f.boolean(*it, fmt::format("{}AllowsInsecureHTTPLoads", prefix), epath))
        e.allows_insecure_http_loads = e.allows_insecure_http_loads.value_or(false) || *v;
      if (auto v = f.boolean(*it, fmt::format("{}RequiresForwardSecrecy", prefix), epath))
        e.requires_forward_secrecy = e.requires_forward_secrecy.value_or(true) && *v;
      if (auto v = f.string(*it, fmt::format("{}MinimumTLSVersion", prefix), epath)) {
        // "TLSv1.0" < "TLSv1.1" < "TLSv1.2" < "TLSv1.3" compare as strings.
        if (e.minimum_tls_version.empty() || *v < e.minimum_tls_version) e.minimum_tls_version = *v;
      }
    }
    out.exception_domains.push_back(std::move(e));
  }
}

std::vector<std::string> device_capabilities(const Json& plist, PlistFields& f) {
  std::vector<std::string> out;
  const Json* v = PlistFields::find(plist, "UIRequiredDeviceCapabilities");
  if (!v) return out;
  if (v->is_array()) return f.strings(plist, "UIRequiredDeviceCapabilities", "");
  if (!v->is_object()) {
    f.bad_type("UIRequiredDeviceCapabilities", "array or dictionary", *v);
    return out;
  }
  // Dictionary form: capability -> true (required) or false (must be absent).
  for (auto it = v->begin(); it != v->end(); ++it) {
    if (!it->is_boolean())
      f.bad_type(join_path("UIRequiredDeviceCapabilities", it.key()), "boolean", *it);
    else if (it->get<bool>())
      out.push_back(it.key());
  }
  return out;
}

std::vector<std::string> url_schemes(const Json& plist, PlistFields& f) {
  std::vector<std::string> out;
  const Json* types = f.array(plist, "CFBundleURLTypes", "");
  if (!types) return out;
  for (std::size_t i = 0; i < types->size(); ++i) {
    const std::string path = fmt::format("CFBundleURLTypes[{}]", i);
    const Json& t = (*types)[i];
    if (!t.is_object()) {
      f.bad_type(path, "dictionary", t);
      continue;
    }
    for (auto& s : f.strings(t, "CFBundleURLSchemes", path))
      if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(std::move(s));
  }
  return out;
}

std::vector<std::string> skadnetwork_ids(const Json& plist, PlistFields& f) {
  std::vector<std::string> out;
  const Json* items = f.array(plist, "SKAdNetworkItems", "");
  if (!items) return out;
  for (std::size_t i = 0; i < items->size(); ++i) {
    const std::string path = fmt::format("SKAdNetworkItems[{}]", i);
    const Json& item = (*items)[i];
    if (!item.is_object()) {
      f.bad_type(path, "dictionary", item);
      continue;
    }
    if (auto id = f.string(item, "SKAdNetworkIdentifier", path)) {
      std::string lower = to_lower(*id);
      if (std::find(out.begin(), out.end(), lower) == out.end()) out.push_back(std::move(lower));
    }
  }
  return out;
}

void usage_descriptions(const Json& plist, PlistFields& f, std::map<std::string, std::string>& out) {
  for (auto it = plist.begin(); it != plist.end(); ++it) {
    const std::string& key = it.key();
    const bool dict_form =
        std::find(kDictionaryPurposeKeys.begin(), kDictionaryPurposeKeys.end(), key) != kDictionaryPurposeKeys.end();
    if (dict_form) {
      if (!it->is_object()) {
        f.bad_type(key, "dictionary", *it);
        continue;
      }
      std::string joined;
      for (auto p = it->begin(); p != it->end(); ++p) {
        if (!p->is_string()) {
          f.bad_type(join_path(key, p.key()), "string", *p);
          continue;
        }
        if (!joined.empty()) joined += "; ";
        joined += p.key() + ": " + p->get<std::string>();
      }
      out[key] = std::move(joined);
    } else if (ends_with(key, "UsageDescription")) {
      if (it->is_string())
        out[key] = it->get<std::string>();
      else
        f.bad_type(key, "string", *it);
    }
  }
}

std::string extension_point(const Json& plist, PlistFields& f) {
  if (const Json* ext = f.dict(plist, "NSExtension", ""))
    if (auto id = f.string(*ext, "NSExtensionPointIdentifier", "NSExtension")) return *id;
  // ExtensionKit extensions (iOS 16+) declare the point under EXAppExtensionAttributes.
  if (const Json* ext = f.dict(plist, "EXAppExtensionAttributes", ""))
    if (auto id = f.string(*ext, "EXExtensionPointIdentifier", "EXAppExtensionAttributes")) return *id;
  return {};
}

void read_fields(const Json& plist, PlistFields& f, InfoPlist& info) {
  if (!plist.is_object()) {
    f.bad_type("(root)", "dictionary", plist);
    return;
  }
  auto str = [&](std::string_view key) { return f.string(plist, key, "").value_or(""); };
  info.bundle_id = str("CFBundleIdentifier");
  info.name = str("CFBundleName");
  info.display_name = str("CFBundleDisplayName");
  info.executable = str("CFBundleExecutable");
  info.short_version = str("CFBundleShortVersionString");
  info.version = str("CFBundleVersion");
  info.min_os = str("MinimumOSVersion");
  if (info.min_os.empty()) info.min_os = str("LSMinimumSystemVersion");
  info.package_type = str("CFBundlePackageType");
  info.device_capabilities = device_capabilities(plist, f);
  info.url_schemes = url_schemes(plist, f);
  info.queries_schemes = f.strings(plist, "LSApplicationQueriesSchemes", "");
  if (const Json* ats = f.dict(plist, "NSAppTransportSecurity", "")) read_ats(*ats, f, info.ats);
  info.skadnetwork_ids = skadnetwork_ids(plist, f);
  usage_descriptions(plist, f, info.usage_descriptions);
  info.extension_point = extension_point(plist, f);
  for (auto it = plist.begin(); it != plist.end(); ++it) info.keys.push_back(it.key());
  std::sort(info.keys.begin(), info.keys.end());  // already sorted by the JSON map; kept explicit
}

}  // namespace

InfoPlist read_info_plist(const nlohmann::json& plist, Diagnostics& diags, const std::string& where) {
  InfoPlist info;
  PlistFields f(diags, where);
  try {
    read_fields(plist, f, info);
  } catch (const std::exception& e) {  // bad_alloc: every read checks its type first
    diags.warn("plist.invalid", where, std::string("Info.plist could not be read: ") + e.what());
  }
  return info;
}

}  // namespace sdkscope::apple
