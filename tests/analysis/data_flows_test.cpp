// data_flows: vendors, their data, their destinations, and the cross-border flags.
#include <doctest/doctest.h>

#include "scanner/analysis/data_flows.hpp"
#include "support/shipped_db.hpp"

using namespace sdkscope;

namespace {

const JurisdictionTable& table() {
  static JurisdictionTable t = [] {
    std::vector<std::string> errors;
    auto loaded = JurisdictionTable::load(test::source_dir() / "signatures/jurisdictions.json", errors);
    if (!loaded) throw std::runtime_error(errors.empty() ? "load failed" : errors.front());
    return std::move(*loaded);
  }();
  return t;
}

SdkFinding sdk(const std::string& id) {
  const SdkRecord* rec = test::shipped_db().find_sdk(id);
  REQUIRE(rec);
  SdkFinding s;
  s.id = id;
  s.name = rec->name;
  const VendorRecord* v = test::shipped_db().find_vendor(rec->vendor);
  REQUIRE(v);
  s.vendor.id = v->id;
  s.vendor.name = v->name;
  s.vendor.country = v->country;
  return s;
}

ScanResult app() {
  ScanResult r;
  r.sdks = {sdk("tencent.bugly"), sdk("volcengine.applog"), sdk("firebase.analytics")};
  PermissionInfo phone;
  phone.name = "android.permission.READ_PHONE_STATE";
  phone.data = {"phone", "device_identity"};
  phone.sdks = {"tencent.bugly"};
  r.permissions.push_back(phone);
  EndpointInfo e;
  e.host = "android.bugly.qq.com";
  e.sdk = "tencent.bugly";
  e.owner_country = "CN";
  e.tld_country = "";
  r.endpoints.push_back(e);
  return r;
}

const DataFlow& flow(const std::vector<DataFlow>& flows, const std::string& vendor) {
  for (const auto& f : flows)
    if (f.vendor.id == vendor) return f;
  FAIL("no flow for " << vendor);
  return flows.front();
}

}  // namespace

TEST_CASE("data flows: one per vendor, with data, hosts and destinations; China called out with its chain") {
  auto flows = build_data_flows(app(), test::shipped_db(), table(), *table().home("EU"));
  const auto& tencent = flow(flows, "tencent");
  CHECK(tencent.sdks == std::vector<std::string>{"tencent.bugly"});
  CHECK(tencent.endpoints == std::vector<std::string>{"android.bugly.qq.com"});
  CHECK(std::find(tencent.data.begin(), tencent.data.end(), "device_identity") != tencent.data.end());
  CHECK(tencent.destinations == std::vector<std::string>{"CN"});
  CHECK(tencent.cross_border);
  CHECK(tencent.china);
  CHECK(tencent.legal_hook == "GDPR Chapter V (Art. 44-50)");
  REQUIRE(tencent.transfer_notes.size() == 1);
  CHECK(tencent.transfer_notes[0].find("Art. 46") != std::string::npos);
  const auto& volc = flow(flows, test::shipped_db().find_sdk("volcengine.applog")->vendor);
  CHECK(volc.china);  // Volcengine -> ByteDance
}

TEST_CASE("data flows: the home jurisdiction decides what is cross-border") {
  auto eu = build_data_flows(app(), test::shipped_db(), table(), *table().home("EU"));
  const auto& google_eu = flow(eu, test::shipped_db().find_sdk("firebase.analytics")->vendor);
  CHECK(google_eu.cross_border);  // US
  bool adequacy = false;
  for (const auto& n : google_eu.transfer_notes) adequacy |= n.find("adequacy") != std::string::npos;
  CHECK(adequacy);  // EU-US Data Privacy Framework (certified organisations)
  auto us = build_data_flows(app(), test::shipped_db(), table(), *table().home("US"));
  CHECK_FALSE(flow(us, test::shipped_db().find_sdk("firebase.analytics")->vendor).cross_border);
  CHECK(flow(us, "tencent").cross_border);
  CHECK(flow(us, "tencent").legal_hook.empty());  // only EU/EEA law is modelled
}
