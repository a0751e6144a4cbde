// signatures/permissions/ios.json (scripts/gen-ios-permission-table.py): every Info.plist key has
// data categories from our vocabulary and a known protection, and it agrees with read_info_plist
// about which keys carry purpose strings.
#include <doctest/doctest.h>

#include <fstream>
#include <set>

#include "apple/plist_test_util.hpp"
#include "scanner/util/strings.hpp"

namespace sdkscope::apple {
namespace {

using Json = nlohmann::json;

Json load_table() {
  std::ifstream in(test::source_dir() / "signatures/permissions/ios.json");
  REQUIRE(in);
  return Json::parse(in);
}

const std::set<std::string> kDataVocab = {"location",
                                          "contacts",
                                          "camera",
                                          "microphone",
                                          "phone",
                                          "device_identity",
                                          "advertising_id",
                                          "sms",
                                          "call_log",
                                          "calendar",
                                          "storage",
                                          "media",
                                          "body_sensors",
                                          "health",
                                          "physical_activity",
                                          "accounts",
                                          "network",
                                          "wifi",
                                          "bluetooth",
                                          "nearby_devices",
                                          "installed_apps",
                                          "notifications",
                                          "biometrics",
                                          "clipboard",
                                          "usage_data",
                                          "crash_logs",
                                          "performance_data",
                                          "purchase_history",
                                          "user_content",
                                          "browsing_history",
                                          "search_history",
                                          "contact_info",
                                          "financial_info",
                                          "identifiers",
                                          "keystrokes",
                                          "other",
                                          "system"};

TEST_CASE("plist: iOS permission table is complete and uses our vocabularies") {
  const Json t = load_table();
  CHECK(t.at("source").get<std::string>().find("Protected resources") != std::string::npos);
  const Json& protections = t.at("protection_vocabulary");
  CHECK(protections.size() == 3);
  const Json& keys = t.at("keys");
  CHECK(keys.size() == 62);
  for (auto it = keys.begin(); it != keys.end(); ++it) {
    CAPTURE(it.key());
    const Json& k = *it;
    REQUIRE(k.at("data").is_array());
    CHECK_FALSE(k.at("data").empty());
    for (const auto& d : k.at("data")) CHECK(kDataVocab.count(d.get<std::string>()) == 1);
    CHECK(protections.contains(k.at("protection").get<std::string>()));
    CHECK_FALSE(k.at("label").get<std::string>().empty());
    CHECK(k.at("label").get<std::string>().size() < 140);
    CHECK(k.at("deprecated").is_boolean());
    // Purpose strings are what a person is prompted with; other keys guard nothing.
    if (!k.at("purpose_string").get<bool>()) CHECK(k.at("protection") == "none");
  }
  CHECK(keys.at("NSCameraUsageDescription").at("data") == Json({"camera"}));
  CHECK(keys.at("NSCameraUsageDescription").at("protection") == "runtime_prompt");
  CHECK(keys.at("NSUserTrackingUsageDescription").at("data") == Json({"advertising_id", "identifiers"}));
  CHECK(keys.at("NSLocationWhenInUseUsageDescription").at("data") == Json({"location"}));
  CHECK(keys.at("NFCReaderUsageDescription").at("protection") == "install_time");
  CHECK(keys.at("NSCalendarsUsageDescription").at("deprecated") == true);
  CHECK(keys.at("NSBluetoothPeripheralUsageDescription").at("deprecated") == true);
  CHECK(keys.at("NSCalendarsFullAccessUsageDescription").at("deprecated") == false);
  CHECK(keys.at("ITSAppUsesNonExemptEncryption").at("protection") == "none");
  // SDK-configuration keys are not permissions.
  CHECK_FALSE(keys.contains("GADApplicationIdentifier"));
  CHECK_FALSE(keys.contains("SKAdNetworkItems"));
}

TEST_CASE("plist: read_info_plist reports exactly the table's purpose-string keys") {
  // An Info.plist holding every key of the table, each with a value of the right shape.
  const Json keys = load_table().at("keys");
  Json plist = Json::object();
  std::set<std::string> purpose;
  for (auto it = keys.begin(); it != keys.end(); ++it) {
    const bool is_purpose = it->at("purpose_string").get<bool>();
    if (is_purpose) purpose.insert(it.key());
    if (it.key() == "NSLocationTemporaryUsageDescriptionDictionary")
      plist[it.key()] = {{"Purpose", "text"}};
    else if (is_purpose)
      plist[it.key()] = "text";
    else
      plist[it.key()] = true;
  }
  Diagnostics diags;
  const InfoPlist info = read_info_plist(plist, diags, "Info.plist");
  CHECK(diags.empty());
  std::set<std::string> got;
  for (const auto& [k, v] : info.usage_descriptions) got.insert(k);
  CHECK(got == purpose);
  CHECK(info.usage_descriptions.at("NSLocationTemporaryUsageDescriptionDictionary") == "Purpose: text");
  // And no purpose-string key of the table is missed by the suffix rule plus the dictionary key.
  for (const auto& k : purpose)
    CHECK((ends_with(k, "UsageDescription") || k == "NSLocationTemporaryUsageDescriptionDictionary"));
}

}  // namespace
}  // namespace sdkscope::apple
