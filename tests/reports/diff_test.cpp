// ScanDiff: empty against itself, every --fail-on condition positive and negative, real apps.
#include <doctest/doctest.h>

#include <set>

#include <nlohmann/json.hpp>

#include "reports/diff.hpp"
#include "reports/json_read.hpp"
#include "reports/json_report.hpp"
#include "scanner/engine/scanner.hpp"
#include "support/shipped_db.hpp"
#include "support/test_paths.hpp"

using namespace sdkscope;

namespace {

SdkFinding sdk(const std::string& id, const std::string& vendor, const std::string& country, const std::string& version = "") {
  SdkFinding s;
  s.id = id;
  s.name = id + " SDK";
  s.vendor = {vendor, vendor, country, "", {}};
  s.version = version;
  s.confidence = "high";
  return s;
}

PermissionInfo permission(const std::string& name, const std::string& protection) {
  PermissionInfo p;
  p.name = name;
  p.platform = "android";
  p.protection = protection;
  return p;
}

EndpointInfo endpoint(const std::string& host, const std::string& owner_country, const std::string& tld_country = "") {
  EndpointInfo e;
  e.host = host;
  e.url = "https://" + host + "/";
  e.owner_country = owner_country;
  e.tld_country = tld_country;
  return e;
}

Finding finding(const std::string& check, const std::string& severity, const std::string& artifact = "classes.dex") {
  Finding f;
  f.check = check;
  f.severity = severity;
  f.title = check;
  f.evidence = {{artifact, "com.example.A", "detail", ""}};
  return f;
}

// An app with one US SDK, one normal permission, one US endpoint and a low finding.
ScanResult base() {
  ScanResult r;
  r.input = {"app.apk", std::string(64, 'a'), 100, "apk"};
  r.app.platform = "android";
  r.app.id = "com.example";
  r.sdks = {sdk("google.firebase", "Google", "US", "20.0")};
  r.permissions = {permission("android.permission.INTERNET", "normal")};
  r.endpoints = {endpoint("firebase.googleapis.com", "US")};
  DataFlow f;
  f.vendor = {"google", "Google", "US", "", {}};
  f.destinations = {"US"};
  r.data_flows = {f};
  r.findings = {finding("android.config.backup", "low")};
  return r;
}

bool meets(const ScanDiff& d, const char* name) { return diff_meets(d, *parse_diff_condition(name)); }

std::set<std::string> met_names(const ScanDiff& d) {
  std::set<std::string> out;
  for (const auto& n : diff_condition_names())
    if (meets(d, n.c_str())) out.insert(n);
  return out;
}

}  // namespace

TEST_CASE("a result against itself: no change, no condition met") {
  auto d = diff_results(base(), base());
  CHECK(d.empty());
  CHECK(met_names(d).empty());
  CHECK(write_diff_text(d).find("no changes") != std::string::npos);
  auto j = diff_to_json(d);
  CHECK(j["changed"] == false);
  CHECK(j["diff_version"] == 1);
}

TEST_CASE("a saved report against itself (the demo app): empty") {
  Scanner scanner(test::shipped_db(), ScanOptions::standard());
  auto out = scanner.scan(test::testdata("apps/demo.apk").string());
  REQUIRE(out.result);
  std::string err;
  auto back = read_json_report(write_json_report(*out.result), err);
  REQUIRE(back);
  CHECK(diff_results(*out.result, *back).empty());
  CHECK(diff_results(*back, *back).empty());
}

TEST_CASE("condition names parse both ways") {
  for (const auto& n : diff_condition_names()) {
    auto c = parse_diff_condition(n);
    REQUIRE(c);
    CHECK(to_string(*c) == n);
  }
  CHECK_FALSE(parse_diff_condition("new-sdks"));
  CHECK(diff_condition_names().size() == 7);
}

TEST_CASE("new-sdk: an SDK added; a version change or a removal is not one") {
  auto n = base();
  n.sdks.push_back(sdk("tencent.bugly", "Tencent", "CN", "4.1"));
  auto d = diff_results(base(), n);
  REQUIRE(d.sdks_added.size() == 1);
  CHECK(d.sdks_added[0].id == "tencent.bugly");
  CHECK(d.sdks_added[0].vendor == "Tencent");
  CHECK(d.sdks_added[0].country == "CN");
  CHECK(d.sdks_added[0].new_version == "4.1");
  CHECK(met_names(d) == std::set<std::string>{"new-sdk", "new-country"});
  CHECK(d.vendor_countries_added == std::vector<std::string>{"CN"});

  auto v = base();
  v.sdks[0].version = "21.0";
  auto dv = diff_results(base(), v);
  REQUIRE(dv.sdk_versions_changed.size() == 1);
  CHECK(dv.sdk_versions_changed[0].old_version == "20.0");
  CHECK(dv.sdk_versions_changed[0].new_version == "21.0");
  CHECK_FALSE(meets(dv, "new-sdk"));
  CHECK(write_diff_text(dv).find("20.0 -> 21.0") != std::string::npos);

  auto removed = diff_results(n, base());
  CHECK(removed.sdks_removed.size() == 1);
  CHECK(met_names(removed).empty());
}

TEST_CASE("new-country: a new data-flow destination or endpoint country; not a known one") {
  auto n = base();
  n.endpoints.push_back(endpoint("api.example.cn", "", "CN"));
  auto d = diff_results(base(), n);
  CHECK(d.jurisdictions_added == std::vector<std::string>{"CN"});
  CHECK(meets(d, "new-country"));
  CHECK(meets(d, "new-endpoint"));

  auto same_country = base();
  same_country.endpoints.push_back(endpoint("www.google.com", "US"));
  auto ds = diff_results(base(), same_country);
  CHECK_FALSE(meets(ds, "new-country"));
  CHECK(meets(ds, "new-endpoint"));

  auto flow = base();
  flow.data_flows[0].destinations.push_back("SG");
  auto df = diff_results(base(), flow);
  CHECK(df.jurisdictions_added == std::vector<std::string>{"SG"});
  CHECK(met_names(df) == std::set<std::string>{"new-country"});
  CHECK_FALSE(meets(diff_results(flow, base()), "new-country"));
}

TEST_CASE("new-permission and new-dangerous-permission") {
  auto normal = base();
  normal.permissions.push_back(permission("android.permission.VIBRATE", "normal"));
  auto d = diff_results(base(), normal);
  CHECK(met_names(d) == std::set<std::string>{"new-permission"});
  REQUIRE(d.permissions_added.size() == 1);
  CHECK(d.permissions_added[0].protection == "normal");

  auto dangerous = base();
  dangerous.permissions.push_back(permission("android.permission.READ_CONTACTS", "dangerous"));
  CHECK(met_names(diff_results(base(), dangerous)) == std::set<std::string>{"new-permission", "new-dangerous-permission"});

  auto ios = base();
  ios.permissions.push_back(permission("NSCameraUsageDescription", "runtime_prompt"));
  CHECK(meets(diff_results(base(), ios), "new-dangerous-permission"));

  CHECK(met_names(diff_results(dangerous, base())).empty());  // a removal meets nothing
}

TEST_CASE("new-finding and new-high-finding: keyed by check and first evidence; waived ones do not count") {
  auto medium = base();
  medium.findings.push_back(finding("android.crypto.ecb", "medium"));
  auto d = diff_results(base(), medium);
  CHECK(met_names(d) == std::set<std::string>{"new-finding"});

  for (const char* sev : {"high", "critical"}) {
    auto high = base();
    high.findings.push_back(finding("android.crypto.hardcoded_key", sev));
    CHECK(met_names(diff_results(base(), high)) == std::set<std::string>{"new-finding", "new-high-finding"});
  }

  auto waived = base();
  waived.findings.push_back(finding("android.crypto.hardcoded_key", "critical"));
  waived.findings.back().waived = true;
  auto dw = diff_results(base(), waived);
  CHECK(dw.findings_new.size() == 1);
  CHECK(met_names(dw).empty());

  // Same check, different first evidence: a new finding and a resolved one.
  auto moved = base();
  moved.findings[0].evidence[0].artifact = "classes2.dex";
  auto dm = diff_results(base(), moved);
  CHECK(dm.findings_new.size() == 1);
  CHECK(dm.findings_resolved.size() == 1);
  CHECK(meets(dm, "new-finding"));
  CHECK_FALSE(meets(dm, "new-high-finding"));

  auto resolved = base();
  resolved.findings.clear();
  auto dr = diff_results(base(), resolved);
  CHECK(dr.findings_resolved.size() == 1);
  CHECK(met_names(dr).empty());
}

TEST_CASE("new-endpoint: by host, not by URL") {
  auto other_url = base();
  other_url.endpoints.push_back(endpoint("firebase.googleapis.com", "US"));
  other_url.endpoints.back().url = "https://firebase.googleapis.com/v1/other";
  CHECK(met_names(diff_results(base(), other_url)).empty());
  auto new_host = base();
  new_host.endpoints.push_back(endpoint("graph.facebook.com", "US"));
  auto d = diff_results(base(), new_host);
  CHECK(met_names(d) == std::set<std::string>{"new-endpoint"});
  REQUIRE(d.endpoints_added.size() == 1);
  CHECK(d.endpoints_added[0].owner_country == "US");
}

TEST_CASE("writers: JSON keys, Markdown tables, the met conditions shown") {
  auto n = base();
  n.sdks.push_back(sdk("tencent.bugly", "Tencent", "CN", "4.1"));
  n.permissions.push_back(permission("android.permission.READ_PHONE_STATE", "dangerous"));
  n.findings.push_back(finding("android.crypto.hardcoded_key", "high"));
  auto d = diff_results(base(), n);
  std::vector<DiffCondition> met{DiffCondition::new_sdk};
  auto j = nlohmann::json::parse(write_diff_json(d, met));
  CHECK(j["changed"] == true);
  CHECK(j["sdks"]["added"][0]["id"] == "tencent.bugly");
  CHECK(j["sdks"]["added"][0]["version"] == "4.1");
  CHECK(j["permissions"]["added"][0]["dangerous"] == true);
  CHECK(j["findings"]["new"][0]["check"] == "android.crypto.hardcoded_key");
  CHECK(j["findings"]["new"][0]["evidence"]["artifact"] == "classes.dex");
  CHECK(j["vendor_countries"]["added"][0] == "CN");
  CHECK(j["fail_on_met"][0] == "new-sdk");
  auto md = write_diff_markdown(d, met);
  CHECK(md.find("| added | `tencent.bugly` |") != std::string::npos);
  CHECK(md.find("new-sdk") != std::string::npos);
  auto text = write_diff_text(d, met);
  CHECK(text.find("+ tencent.bugly") != std::string::npos);
  CHECK(text.find("China (CN)") != std::string::npos);
  CHECK(text.find("fail-on met: new-sdk") != std::string::npos);
  CHECK(text.find("\x1b[") == std::string::npos);
  CHECK(write_diff_text(d, met, true).find("\x1b[") != std::string::npos);
}

TEST_CASE("two real corpus apps: the diff names the SDKs each has") {
  auto corpus = test::corpus_dir();
  if (!corpus) {
    MESSAGE("../shared/corpus not present: skipped");
    return;
  }
  auto a = *corpus / "android/androidproject-2019-09.apk", b = *corpus / "android/fcm-demo.apk";
  if (!std::filesystem::exists(a) || !std::filesystem::exists(b)) {
    MESSAGE("corpus apps missing: skipped");
    return;
  }
  Scanner scanner(test::shipped_db(), ScanOptions::standard());
  auto ra = scanner.scan(a.string()), rb = scanner.scan(b.string());
  REQUIRE(ra.result);
  REQUIRE(rb.result);
  auto d = diff_results(*ra.result, *rb.result);
  std::set<std::string> ids_a, ids_b, removed, added;
  for (const auto& s : ra.result->sdks) ids_a.insert(s.id);
  for (const auto& s : rb.result->sdks) ids_b.insert(s.id);
  for (const auto& s : d.sdks_removed) removed.insert(s.id);
  for (const auto& s : d.sdks_added) added.insert(s.id);
  // Every SDK only one side has is listed on that side; shared ones are not.
  for (const auto& id : ids_a) CHECK((removed.count(id) == 1) == (ids_b.count(id) == 0));
  for (const auto& id : ids_b) CHECK((added.count(id) == 1) == (ids_a.count(id) == 0));
  CHECK(removed.count("tencent.bugly") == 1);  // androidproject ships Bugly; the FCM demo does not
  CHECK(meets(d, "new-sdk") == !added.empty());
  CHECK(diff_results(*ra.result, *ra.result).empty());
}
