// SARIF 2.1.0 writer: structure, rule/result consistency, locations inside the bundle, levels,
// suppressions for waived findings; and validation by the SARIF Multitool when it is fetched.
#include <doctest/doctest.h>

#include <fstream>
#include <set>

#include <nlohmann/json.hpp>

#include "reports/sarif_report.hpp"
#include "scanner/engine/scanner.hpp"
#include "scanner/policy/policy.hpp"
#include "support/sarif_validator.hpp"
#include "support/shipped_db.hpp"

using namespace sdkscope;

namespace {

ScanResult scan_fixture(const std::string& rel, bool with_policy) {
  auto opts = ScanOptions::standard();
  opts.path_basename_only = true;
  opts.today = "2026-11-29";
  if (with_policy) {
    std::vector<std::string> errors;
    auto p = policy::load_policy(test::source_dir() / "policies" / "enterprise-baseline.json", errors);
    REQUIRE(p);
    opts.policy = std::make_shared<const policy::Policy>(*p);
  }
  Scanner s(test::shipped_db(), opts);
  auto out = s.scan(test::testdata(rel).string());
  REQUIRE_MESSAGE(out.result, out.error);
  out.result->scanner.version = "0.0.0-test";
  return *out.result;
}

}  // namespace

TEST_CASE("sarif: one run, rules from the catalogue and policy, results pointing into the bundle") {
  auto r = scan_fixture("checks/android/positive.apk", true);
  auto doc = nlohmann::json::parse(write_sarif_report(r));
  CHECK(doc["version"] == "2.1.0");
  REQUIRE(doc["runs"].size() == 1);
  const auto& run = doc["runs"][0];
  const auto& rules = run["tool"]["driver"]["rules"];
  CHECK(rules.size() == r.checks.size());
  std::set<std::string> rule_ids;
  for (const auto& rule : rules) {
    rule_ids.insert(rule["id"].get<std::string>());
    CHECK(rule["shortDescription"]["text"].is_string());
    CHECK(rule["help"]["markdown"].is_string());
  }
  CHECK(rule_ids.count("android.crypto.weak_cipher") == 1);
  CHECK(rule_ids.count("policy.deny_vendor_country") == 1);
  REQUIRE(run["results"].size() == r.findings.size());
  bool saw_dex = false, saw_waiver = false, saw_policy = false;
  for (std::size_t i = 0; i < r.findings.size(); ++i) {
    const auto& res = run["results"][i];
    const auto& f = r.findings[i];
    CHECK(res["ruleId"] == f.check);
    REQUIRE(res.contains("ruleIndex"));
    CHECK(rules[res["ruleIndex"].get<std::size_t>()]["id"] == f.check);
    CHECK(res["level"] == sarif_level(f.severity));
    std::string uri = res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"];
    CHECK(uri.rfind("positive.apk", 0) == 0);
    if (uri == "positive.apk!/classes.dex") {
      saw_dex = true;
      CHECK(res["locations"][0]["logicalLocations"][0]["kind"] == "type");
    }
    if (f.waived) {
      saw_waiver = true;
      CHECK(res["suppressions"][0]["justification"] == f.waiver);
    }
    saw_policy |= f.category == "policy";
  }
  CHECK(saw_dex);
  CHECK(saw_waiver);  // the baseline waives android.crypto.weak_hash
  CHECK(saw_policy);
  CHECK(run["properties"]["policy"]["passed"] == false);
  CHECK(sarif_level("critical") == "error");
  CHECK(sarif_level("medium") == "warning");
  CHECK(sarif_level("info") == "note");
}

TEST_CASE("sarif: URIs are percent-encoded and output is deterministic") {
  ScanResult r;
  r.input.path = "dir/My App (1).apk";
  r.scanner.version = "1";
  CheckInfo c;
  c.id = "x.y.z";
  c.title = "T";
  c.severity = "low";
  c.confidence = "low";
  r.checks = {c};
  Finding f;
  f.check = "x.y.z";
  f.severity = "low";
  f.evidence = {{"lib/arm64-v8a/lib x.so", "sym", "detail", ""}};
  r.findings = {f};
  auto a = write_sarif_report(r);
  CHECK(a == write_sarif_report(r));
  auto doc = nlohmann::json::parse(a);
  CHECK(doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] ==
        "My%20App%20(1).apk!/lib/arm64-v8a/lib%20x.so");
}

TEST_CASE("sarif: the SARIF Multitool validates fixture reports with no errors") {
  auto tool = test::sarif_multitool();
  if (!tool) {
    MESSAGE("Sarif.Multitool not fetched (scripts/fetch-sarif-validator.sh): skipped");
    return;
  }
  auto dir = std::filesystem::temp_directory_path() / ("sdkscope-sarif-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::vector<std::filesystem::path> files;
  for (const char* rel : {"checks/android/positive.apk", "checks/android/negative.apk", "checks/ios/positive.ipa",
                          "checks/native/libpositive.so", "apps/demo.apk"}) {
    auto r = scan_fixture(rel, true);
    auto path = dir / (std::filesystem::path(rel).filename().string() + ".sarif");
    std::ofstream(path) << write_sarif_report(r);
    files.push_back(path);
  }
  auto v = test::validate_sarif(*tool, files);
  std::filesystem::remove_all(dir);
  for (const auto& e : v.errors) MESSAGE(e);
  CHECK(v.ran);
  CHECK(v.errors.empty());
}
