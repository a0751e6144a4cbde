// read_privacy_manifest on the PrivacyInfo.xcprivacy fixtures (complete, unknown values, wrong
// types, malformed), the vocabulary helpers, and the required-reason API table and its loader.
#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <set>

#include "apple/plist_test_util.hpp"
#include "scanner/apple/privacy_manifest.hpp"

namespace sdkscope::apple {
namespace {

using namespace testing;
using Json = nlohmann::json;
using Strings = std::vector<std::string>;

PrivacyManifest read(const Buf& b, Diagnostics& diags) {
  auto j = parse_plist(b, diags, "PrivacyInfo.xcprivacy");
  REQUIRE(j.has_value());
  return read_privacy_manifest(*j, diags, "PrivacyInfo.xcprivacy");
}

std::vector<std::string> messages(const Diagnostics& diags, std::string_view code) {
  std::vector<std::string> out;
  for (const auto& d : diags.items())
    if (d.code == code) out.push_back(d.message);
  return out;
}

TEST_CASE("privacy manifest: complete fixture, XML and binary") {
  for (const Buf& b : {plist_source("privacy_complete.xcprivacy"), plist_fixture("privacy_complete.bplist")}) {
    Diagnostics diags;
    const PrivacyManifest m = read(b, diags);
    CHECK(diags.empty());
    CHECK(m.tracking == true);
    CHECK(m.tracking_domains == Strings{"track.example.com", "ads.example.net"});
    REQUIRE(m.collected.size() == 3);
    CHECK(m.collected[0].type == "NSPrivacyCollectedDataTypeDeviceID");
    CHECK(m.collected[0].linked == false);
    CHECK(m.collected[0].tracking == true);
    CHECK(m.collected[0].purposes == Strings{"NSPrivacyCollectedDataTypePurposeThirdPartyAdvertising",
                                             "NSPrivacyCollectedDataTypePurposeAnalytics"});
    CHECK(m.collected[1].type == "NSPrivacyCollectedDataTypePreciseLocation");
    CHECK(m.collected[1].linked == true);
    CHECK(m.collected[2].type == "NSPrivacyCollectedDataTypeCrashData");
    REQUIRE(m.accessed_apis.size() == 5);
    CHECK(m.accessed_apis[0].type == "NSPrivacyAccessedAPICategoryUserDefaults");
    CHECK(m.accessed_apis[0].reasons == Strings{"CA92.1"});
    CHECK(m.accessed_apis[1].type == "NSPrivacyAccessedAPICategoryFileTimestamp");
    CHECK(m.accessed_apis[1].reasons == Strings{"C617.1", "3B52.1"});
    CHECK(m.accessed_apis[4].type == "NSPrivacyAccessedAPICategoryActiveKeyboards");
  }
}

TEST_CASE("privacy manifest: unknown values are kept and reported as info") {
  Diagnostics diags;
  const PrivacyManifest m = read(plist_source("privacy_unknown_values.xcprivacy"), diags);
  CHECK(m.tracking == false);
  CHECK(m.tracking_domains.empty());  // the key is misspelt: NSPrivacyTrackingDomain
  REQUIRE(m.collected.size() == 1);
  CHECK(m.collected[0].type == "NSPrivacyCollectedDataTypeDeviceId");
  CHECK(m.collected[0].purposes ==
        Strings{"NSPrivacyCollectedDataTypePurposeMarketing", "NSPrivacyCollectedDataTypePurposeAnalytics"});
  REQUIRE(m.accessed_apis.size() == 3);
  CHECK(m.accessed_apis[0].type == "NSPrivacyAccessedAPICategoryLocation");
  CHECK(m.accessed_apis[1].reasons == Strings{"DDA9.1", "CA92.1"});
  CHECK(m.accessed_apis[2].reasons.empty());  // NSPrivacyAccessedAPITypeReason: misspelt

  for (const auto& d : diags.items()) CHECK(d.severity == Severity::info);
  const auto unknown = messages(diags, "privacy_manifest.unknown_value");
  CHECK(unknown == Strings{
                       "NSPrivacyCollectedDataTypes[0].NSPrivacyCollectedDataType: "
                       "'NSPrivacyCollectedDataTypeDeviceId' is not a known collected data type",
                       "NSPrivacyCollectedDataTypes[0].NSPrivacyCollectedDataTypePurposes: "
                       "'NSPrivacyCollectedDataTypePurposeMarketing' is not a known collection purpose",
                       "NSPrivacyAccessedAPITypes[0].NSPrivacyAccessedAPIType: 'NSPrivacyAccessedAPICategoryLocation' "
                       "is not a known required-reason API category",
                       "NSPrivacyAccessedAPITypes[1].NSPrivacyAccessedAPITypeReasons: 'DDA9.1' is not a known reason "
                       "for NSPrivacyAccessedAPICategoryUserDefaults",
                   });
  const auto keys = messages(diags, "privacy_manifest.unknown_key");
  CHECK(keys == Strings{
                    "(root): key 'NSPrivacyTrackingDomain' is not part of the privacy-manifest format",
                    "NSPrivacyAccessedAPITypes[2]: key 'NSPrivacyAccessedAPITypeReason' is not part of the "
                    "privacy-manifest format",
                });
  CHECK(diags.size() == unknown.size() + keys.size());
}

TEST_CASE("privacy manifest: wrong types are reported and skipped") {
  Diagnostics diags;
  const PrivacyManifest m = read(plist_source("privacy_bad_types.xcprivacy"), diags);
  CHECK_FALSE(m.tracking.has_value());
  CHECK(m.tracking_domains.empty());
  REQUIRE(m.collected.size() == 1);  // the string entry is skipped, the dict kept
  CHECK(m.collected[0].type.empty());
  CHECK_FALSE(m.collected[0].linked.has_value());
  CHECK_FALSE(m.collected[0].tracking.has_value());
  CHECK(m.collected[0].purposes == Strings{"NSPrivacyCollectedDataTypePurposeAnalytics"});
  CHECK(m.accessed_apis.empty());
  CHECK(messages(diags, "plist.bad_type") ==
        Strings{
            "NSPrivacyTracking: expected boolean, found string",
            "NSPrivacyTrackingDomains: expected array, found string",
            "NSPrivacyCollectedDataTypes[0]: expected dictionary, found string",
            "NSPrivacyCollectedDataTypes[1].NSPrivacyCollectedDataType: expected string, found integer",
            "NSPrivacyCollectedDataTypes[1].NSPrivacyCollectedDataTypeLinked: expected boolean, found string",
            "NSPrivacyCollectedDataTypes[1].NSPrivacyCollectedDataTypeTracking: expected boolean, found integer",
            "NSPrivacyCollectedDataTypes[1].NSPrivacyCollectedDataTypePurposes[0]: expected string, found integer",
            "NSPrivacyAccessedAPITypes: expected array, found dictionary",
        });
  CHECK(diags.size() == 8);
}

TEST_CASE("privacy manifest: entries without their type key are kept and flagged incomplete") {
  const Json j = {{"NSPrivacyAccessedAPITypes", Json::array({{{"NSPrivacyAccessedAPITypeReasons", {"CA92.1"}}}})},
                  {"NSPrivacyCollectedDataTypes", Json::array({Json::object()})}};
  Diagnostics diags;
  const PrivacyManifest m = read_privacy_manifest(j, diags, "PrivacyInfo.xcprivacy");
  REQUIRE(m.accessed_apis.size() == 1);
  CHECK(m.accessed_apis[0].reasons == Strings{"CA92.1"});
  CHECK(m.collected.size() == 1);
  CHECK(messages(diags, "privacy_manifest.incomplete") ==
        Strings{"NSPrivacyCollectedDataTypes[0]: no NSPrivacyCollectedDataType",
                "NSPrivacyAccessedAPITypes[0]: no NSPrivacyAccessedAPIType"});
}

TEST_CASE("privacy manifest: malformed XML is plist.invalid; a non-dictionary root is bad_type") {
  Diagnostics diags;
  CHECK_FALSE(parse_plist(plist_source("privacy_malformed.xcprivacy"), diags, "PrivacyInfo.xcprivacy").has_value());
  REQUIRE(diags.size() == 1);
  CHECK(diags.items()[0].code == "plist.invalid");
  Diagnostics d2;
  const PrivacyManifest m = read_privacy_manifest(Json::array(), d2, "PrivacyInfo.xcprivacy");
  CHECK(m.collected.empty());
  REQUIRE(d2.size() == 1);
  CHECK(d2.items()[0].code == "plist.bad_type");
}

TEST_CASE("privacy manifest: vocabulary helpers know Apple's values and nothing else") {
  CHECK(vocab::collected_data_types().size() == 35);
  CHECK(vocab::collected_data_purposes().size() == 6);
  CHECK(vocab::accessed_api_categories().size() == 5);
  CHECK(is_known_collected_data_type("NSPrivacyCollectedDataTypeDeviceID"));
  CHECK_FALSE(is_known_collected_data_type("NSPrivacyCollectedDataTypeDeviceId"));
  CHECK(is_known_collected_data_purpose("NSPrivacyCollectedDataTypePurposeAppFunctionality"));
  CHECK_FALSE(is_known_collected_data_purpose(""));
  CHECK(is_known_accessed_api_category("NSPrivacyAccessedAPICategorySystemBootTime"));
  CHECK_FALSE(is_known_accessed_api_category("NSPrivacyAccessedAPICategoryLocation"));
  CHECK(is_known_accessed_api_reason("NSPrivacyAccessedAPICategoryDiskSpace", "E174.1"));
  CHECK_FALSE(is_known_accessed_api_reason("NSPrivacyAccessedAPICategoryDiskSpace", "CA92.1"));
  CHECK_FALSE(is_known_accessed_api_reason("NSPrivacyAccessedAPICategoryNope", "CA92.1"));
}

TEST_CASE("privacy manifest: required-reason API table loads and covers Apple's categories") {
  std::vector<std::string> errors;
  const auto cats =
      load_required_reason_apis(test::source_dir() / "signatures/apple/required_reason_apis.json", &errors);
  CHECK(errors.empty());
  REQUIRE(cats.size() == 5);
  CHECK(std::is_sorted(cats.begin(), cats.end(), [](const auto& a, const auto& b) { return a.category < b.category; }));
  auto find = [&](std::string_view name) -> const RequiredReasonCategory& {
    auto it = std::find_if(cats.begin(), cats.end(), [&](const auto& c) { return c.name == name; });
    REQUIRE(it != cats.end());
    return *it;
  };
  auto names = [](const RequiredReasonCategory& c) {
    std::set<std::string> s;
    for (const auto& a : c.apis) s.insert(a.name);
    return s;
  };
  auto has_all = [&](std::string_view cat, std::initializer_list<const char*> apis) {
    const auto n = names(find(cat));
    for (const char* a : apis) {
      CAPTURE(cat);
      CAPTURE(a);
      CHECK(n.count(a) == 1);
    }
  };
  has_all("FileTimestamp",
          {"stat", "fstat", "getattrlist", "NSFileCreationDate", "NSFileModificationDate", "creationDate"});
  has_all("SystemBootTime", {"systemUptime", "mach_absolute_time"});
  has_all("DiskSpace", {"statfs", "NSFileSystemFreeSize", "volumeAvailableCapacityKey"});
  has_all("ActiveKeyboards", {"activeInputModes"});
  has_all("UserDefaults", {"NSUserDefaults", "UserDefaults"});
  // Every category's reasons match the compiled-in vocabulary, and every API has a usable form.
  for (const auto& c : cats) {
    CAPTURE(c.category);
    CHECK(c.category == "NSPrivacyAccessedAPICategory" + c.name);
    CHECK(is_known_accessed_api_category(c.category));
    CHECK_FALSE(c.reasons.empty());
    for (const auto& [code, text] : c.reasons) {
      CHECK(is_known_accessed_api_reason(c.category, code));
      CHECK_FALSE(text.empty());
    }
    for (const auto& a : c.apis) {
      CAPTURE(a.name);
      if (a.kind == "c_function" || a.kind == "objc_constant")
        CHECK(a.symbol == "_" + a.name);
      else if (a.kind == "objc_class")
        CHECK(a.symbol == "_OBJC_CLASS_$_" + a.name);
      else
        CHECK(a.symbol.empty());
      if (a.kind == "swift_name" || a.kind == "swift_type") CHECK_FALSE(a.bridges_to.empty());
      CHECK(a.name.find(' ') == std::string::npos);
    }
  }
  const auto& boot = find("SystemBootTime");
  auto mach =
      std::find_if(boot.apis.begin(), boot.apis.end(), [](const auto& a) { return a.name == "mach_absolute_time"; });
  REQUIRE(mach != boot.apis.end());
  CHECK(mach->kind == "c_function");
  CHECK(mach->symbol == "_mach_absolute_time");
}

TEST_CASE("privacy manifest: the required-reason loader refuses broken files with errors") {
  const auto dir = std::filesystem::temp_directory_path() / "sdkscope_plist_rr_test";
  std::filesystem::create_directories(dir);
  auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream(dir / name) << text;
    return dir / name;
  };
  const std::pair<std::string, std::string> cases[] = {
      {"not_json.json", "{ nope"},
      {"no_categories.json", "{\"source\": \"x\"}"},
      {"bad_kind.json",
       R"({"categories": {"NSPrivacyAccessedAPICategoryX": {"name": "X", "apis": [{"name": "f", "kind": "magic"}], "reasons": {}}}})"},
      {"bad_shape.json",
       R"({"categories": {"NSPrivacyAccessedAPICategoryX": {"name": "X", "apis": {}, "reasons": []}}})"},
  };
  for (const auto& [name, text] : cases) {
    CAPTURE(name);
    std::vector<std::string> errors;
    CHECK(load_required_reason_apis(write(name, text), &errors).empty());
    CHECK_FALSE(errors.empty());
  }
  std::vector<std::string> errors;
  CHECK(load_required_reason_apis(dir / "missing.json", &errors).empty());
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].find("cannot open") != std::string::npos);
  CHECK_NOTHROW(load_required_reason_apis(dir / "missing.json"));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace sdkscope::apple
