// read_info_plist on the app, framework and keyboard-extension fixtures (XML and binary), and on
// plists with the wrong type in every field it reads.
#include <doctest/doctest.h>

#include <algorithm>

#include "apple/plist_test_util.hpp"

namespace sdkscope::apple {
namespace {

using namespace testing;
using Json = nlohmann::json;
using Strings = std::vector<std::string>;

InfoPlist read(const Buf& b, Diagnostics& diags) {
  auto j = parse_plist(b, diags, "Payload/PlistDemo.app/Info.plist");
  REQUIRE(j.has_value());
  return read_info_plist(*j, diags, "Payload/PlistDemo.app/Info.plist");
}

const AtsSettings::DomainException* domain(const InfoPlist& info, const std::string& name) {
  for (const auto& d : info.ats.exception_domains)
    if (d.domain == name) return &d;
  return nullptr;
}

TEST_CASE("plist: app Info.plist fixture, XML and binary") {
  for (const char* which : {"xml", "binary"}) {
    CAPTURE(which);
    Diagnostics diags;
    const InfoPlist info =
        read(std::string(which) == "xml" ? plist_source("app_info.plist") : plist_fixture("app_info.bplist"), diags);
    CHECK(diags.empty());
    CHECK(info.bundle_id == "com.example.PlistDemo");
    CHECK(info.name == "PlistDemo");
    CHECK(info.display_name == "\xE7\xA4\xBA\xE4\xBE\x8B\xE5\xBA\x94\xE7\x94\xA8");  // 示例应用
    CHECK(info.executable == "PlistDemo");
    CHECK(info.short_version == "2.3.1");
    CHECK(info.version == "231");
    CHECK(info.min_os == "13.0");
    CHECK(info.package_type == "APPL");
    CHECK(info.device_capabilities == Strings{"arm64", "metal"});
    CHECK(info.url_schemes == Strings{"plistdemo", "wx1234567890abcdef", "fb1234567890"});  // deduplicated, in order
    CHECK(info.queries_schemes == Strings{"weixin", "mqq", "alipay", "fbapi"});
    CHECK(info.skadnetwork_ids ==
          Strings{"cstr6suwn9.skadnetwork", "22mmun2rn5.skadnetwork", "kbd757ywx3.skadnetwork"});
    CHECK(info.extension_point.empty());

    const AtsSettings& ats = info.ats;
    CHECK(ats.present);
    CHECK(ats.allows_arbitrary_loads == false);
    CHECK(ats.allows_arbitrary_loads_for_media == true);
    CHECK(ats.allows_arbitrary_loads_in_web_content == true);
    CHECK(ats.allows_local_networking == true);
    REQUIRE(ats.exception_domains.size() == 4);
    const auto* ex = domain(info, "example.com");
    REQUIRE(ex);
    CHECK(ex->includes_subdomains == true);
    CHECK(ex->allows_insecure_http_loads == true);
    CHECK(ex->minimum_tls_version == "TLSv1.0");
    CHECK(ex->requires_forward_secrecy == false);
    const auto* legacy = domain(info, "legacy.example.net");  // NSTemporaryException* spelling
    REQUIRE(legacy);
    CHECK_FALSE(legacy->includes_subdomains.has_value());
    CHECK(legacy->allows_insecure_http_loads == true);
    CHECK(legacy->minimum_tls_version == "TLSv1.1");
    CHECK_FALSE(legacy->requires_forward_secrecy.has_value());
    const auto* cdn = domain(info, "cdn.example.org");  // NSThirdPartyException* spelling
    REQUIRE(cdn);
    CHECK(cdn->includes_subdomains == false);
    CHECK(cdn->allows_insecure_http_loads == true);
    CHECK(cdn->minimum_tls_version == "TLSv1.2");
    CHECK(cdn->requires_forward_secrecy == false);
    const auto* secure = domain(info, "secure.example.com");
    REQUIRE(secure);
    CHECK(secure->allows_insecure_http_loads == false);
    CHECK(secure->minimum_tls_version == "TLSv1.3");

    const std::map<std::string, std::string> usage = {
        {"NSCameraUsageDescription", "用于扫描二维码和拍摄头像"},
        {"NSContactsUsageDescription", "Find friends who already use PlistDemo."},
        {"NSFaceIDUsageDescription", "Unlock your account with Face ID."},
        {"NSLocationTemporaryUsageDescriptionDictionary",
         "NearbyOffers: Precise location shows offers in this store.; StoreNavigation: 需要精确位置为您导航到门店"},
        {"NSLocationWhenInUseUsageDescription", "用于推荐您附近的门店"},
        {"NSMicrophoneUsageDescription", "用于发送语音消息"},
        {"NSPhotoLibraryUsageDescription", "用于从相册选择图片上传"},
        {"NSUserTrackingUsageDescription", "用于向您提供更相关的个性化广告"},
    };
    CHECK(info.usage_descriptions == usage);
    CHECK(std::is_sorted(info.keys.begin(), info.keys.end()));
    CHECK(info.keys.size() == 25);
    for (const char* k :
         {"CFBundleIdentifier", "GADApplicationIdentifier", "PDBuildInfo", "SKAdNetworkItems", "UIBackgroundModes"})
      CHECK(std::find(info.keys.begin(), info.keys.end(), k) != info.keys.end());
  }
}

TEST_CASE("plist: framework Info.plist with dictionary-form device capabilities") {
  for (const Buf& b : {plist_source("framework_info.plist"), plist_fixture("framework_info.bplist")}) {
    Diagnostics diags;
    const InfoPlist info = read(b, diags);
    CHECK(diags.empty());
    CHECK(info.bundle_id == "org.cocoapods.PlistKit");
    CHECK(info.executable == "PlistKit");
    CHECK(info.package_type == "FMWK");
    CHECK(info.short_version == "5.2.0");
    CHECK(info.min_os == "12.0");
    CHECK(info.device_capabilities == Strings{"arm64", "nfc"});  // armv7 is false: must be absent
    CHECK_FALSE(info.ats.present);
    CHECK(info.usage_descriptions.empty());
    CHECK(info.url_schemes.empty());
  }
}

TEST_CASE("plist: keyboard extension Info.plist gives its extension point") {
  for (const Buf& b :
       {plist_source("keyboard_extension_info.plist"), plist_fixture("keyboard_extension_info.bplist")}) {
    Diagnostics diags;
    const InfoPlist info = read(b, diags);
    CHECK(diags.empty());
    CHECK(info.bundle_id == "com.example.PlistDemo.Keyboard");
    CHECK(info.package_type == "XPC!");
    CHECK(info.display_name == "\xE7\xA4\xBA\xE4\xBE\x8B\xE9\x94\xAE\xE7\x9B\x98");  // 示例键盘
    CHECK(info.extension_point == "com.apple.keyboard-service");
  }
}

TEST_CASE("plist: Info.plist falls back to LSMinimumSystemVersion and reads ExtensionKit points") {
  Diagnostics diags;
  const Json mac = {{"CFBundleIdentifier", "com.example.mac"},
                    {"LSMinimumSystemVersion", "11.0"},
                    {"EXAppExtensionAttributes", {{"EXExtensionPointIdentifier", "com.apple.appintents-extension"}}}};
  const InfoPlist info = read_info_plist(mac, diags, "Info.plist");
  CHECK(diags.empty());
  CHECK(info.min_os == "11.0");
  CHECK(info.extension_point == "com.apple.appintents-extension");
  // MinimumOSVersion wins when both are present.
  Json both = mac;
  both["MinimumOSVersion"] = "14.0";
  CHECK(read_info_plist(both, diags, "Info.plist").min_os == "14.0");
}

TEST_CASE("plist: Info.plist with wrong types everywhere reports plist.bad_type and keeps the rest") {
  const Json bad = {
      {"CFBundleIdentifier", 42},
      {"CFBundleName", Json::array({"x"})},
      {"CFBundleDisplayName", true},
      {"CFBundleExecutable", "Good"},
      {"CFBundleShortVersionString", 1.5},
      {"CFBundleVersion", Json::object()},
      {"MinimumOSVersion", 13},
      {"CFBundlePackageType", nullptr},
      {"UIRequiredDeviceCapabilities", "arm64"},
      {"CFBundleURLTypes",
       Json::array({"notadict", {{"CFBundleURLSchemes", "scheme"}}, {{"CFBundleURLSchemes", Json::array({1, "ok"})}}})},
      {"LSApplicationQueriesSchemes", Json::array({"weixin", 7, Json::array()})},
      {"NSAppTransportSecurity",
       {{"NSAllowsArbitraryLoads", "YES"},
        {"NSAllowsLocalNetworking", 1},
        {"NSExceptionDomains",
         {{"a.example", "notadict"},
          {"b.example",
           {{"NSIncludesSubdomains", "true"},
            {"NSExceptionAllowsInsecureHTTPLoads", 1},
            {"NSExceptionMinimumTLSVersion", 12},
            {"NSExceptionRequiresForwardSecrecy", "NO"}}}}}}},
      {"SKAdNetworkItems",
       Json::array(
           {"cstr6suwn9.skadnetwork", {{"SKAdNetworkIdentifier", 5}}, {{"SKAdNetworkIdentifier", "OK.SKADNETWORK"}}})},
      {"NSCameraUsageDescription", Json::array({"text"})},
      {"NSMicrophoneUsageDescription", "fine"},
      {"NSLocationTemporaryUsageDescriptionDictionary", "not a dict"},
      {"NSExtension", Json::array()},
  };
  Diagnostics diags;
  const InfoPlist info = read_info_plist(bad, diags, "Info.plist");
  CHECK(info.bundle_id.empty());
  CHECK(info.name.empty());
  CHECK(info.display_name.empty());
  CHECK(info.executable == "Good");
  CHECK(info.short_version.empty());
  CHECK(info.version.empty());
  CHECK(info.min_os.empty());
  CHECK(info.package_type.empty());
  CHECK(info.device_capabilities.empty());
  CHECK(info.url_schemes == Strings{"ok"});
  CHECK(info.queries_schemes == Strings{"weixin"});
  CHECK(info.ats.present);
  CHECK_FALSE(info.ats.allows_arbitrary_loads.has_value());
  CHECK_FALSE(info.ats.allows_local_networking.has_value());
  REQUIRE(info.ats.exception_domains.size() == 1);
  const auto& b = info.ats.exception_domains[0];
  CHECK(b.domain == "b.example");
  CHECK_FALSE(b.includes_subdomains.has_value());
  CHECK_FALSE(b.allows_insecure_http_loads.has_value());
  CHECK(b.minimum_tls_version.empty());
  CHECK_FALSE(b.requires_forward_secrecy.has_value());
  CHECK(info.skadnetwork_ids == Strings{"ok.skadnetwork"});
  CHECK(info.usage_descriptions == std::map<std::string, std::string>{{"NSMicrophoneUsageDescription", "fine"}});
  CHECK(info.extension_point.empty());
  CHECK(info.keys.size() == bad.size());
  // One diagnostic per bad value, each naming its key path.
  std::size_t bad_types = 0;
  for (const auto& d : diags.items()) {
    CHECK(d.code == "plist.bad_type");
    CHECK(d.where == "Info.plist");
    bad_types += d.code == "plist.bad_type";
  }
  CHECK(bad_types == 25);
  auto mentions = [&](std::string_view s) {
    return std::any_of(diags.items().begin(), diags.items().end(),
                       [&](const Diagnostic& d) { return d.message.find(s) != std::string::npos; });
  };
  CHECK(
      mentions("NSAppTransportSecurity.NSExceptionDomains.b.example.NSExceptionMinimumTLSVersion: expected string, "
               "found integer"));
  CHECK(mentions("CFBundleURLTypes[2].CFBundleURLSchemes[0]: expected string, found integer"));
  CHECK(mentions("UIRequiredDeviceCapabilities: expected array or dictionary, found string"));
}

TEST_CASE("plist: Info.plist whose root is not a dictionary") {
  for (const Json& j : {Json::array({"a"}), Json("text"), Json(5)}) {
    Diagnostics diags;
    const InfoPlist info = read_info_plist(j, diags, "Info.plist");
    CHECK(info.bundle_id.empty());
    CHECK(info.keys.empty());
    REQUIRE(diags.size() == 1);
    CHECK(diags.items()[0].code == "plist.bad_type");
  }
}

}  // namespace
}  // namespace sdkscope::apple
