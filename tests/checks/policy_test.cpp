#include <doctest/doctest.h>

#include <algorithm>

#include "scanner/engine/scanner.hpp"
#include "scanner/policy/policy.hpp"
#include "support/policy_sample.hpp"
#include "support/shipped_db.hpp"

using namespace sdkscope;
using namespace sdkscope::policy;

namespace {

Policy parse_ok(const std::string& json) {
  std::vector<std::string> errors;
  auto p = parse_policy(json, "test.json", errors);
  for (const auto& e : errors) MESSAGE(e);
  REQUIRE(p);
  return *p;
}

std::string parse_error(const std::string& json) {
  std::vector<std::string> errors;
  auto p = parse_policy(json, "test.json", errors);
  CHECK_FALSE(p);
  return errors.empty() ? std::string() : errors.front();
}

using test::policy_context;
using test::policy_sample_result;


std::vector<const Finding*> violations(const ScanResult& r, const std::string& rule) {
  std::vector<const Finding*> out;
  for (const auto& f : r.findings)
    if (f.check == rule) out.push_back(&f);
  return out;
}

}  // namespace

TEST_CASE("policy files: schema, unknown keys, justifications and dates are validated") {
  CHECK(parse_error(R"({"name": "x"})").find("schema") != std::string::npos);
  CHECK(parse_error(R"({"schema": "sdkscope-policy/1", "name": "x", "rules": {"deny_vendor_country": ["CN"]}})")
            .find("unknown rule") != std::string::npos);
  CHECK(parse_error(R"({"schema": "sdkscope-policy/1", "name": "x", "allow": [{"sdk": "a.b"}]})")
            .find("justification") != std::string::npos);
  CHECK(parse_error(R"({"schema": "sdkscope-policy/1", "name": "x", "allow": [{"sdk": "a.b", "justification": "ok", "expires": "2027-13-01"}]})")
            .find("YYYY-MM-DD") != std::string::npos);
  CHECK(parse_error(R"({"schema": "sdkscope-policy/1", "name": "x", "rules": {"max_severity": "severe"}})")
            .find("max_severity") != std::string::npos);
  CHECK(parse_error("not json").find("JSON") != std::string::npos);
}

TEST_CASE("the example policies in policies/ load") {
  for (const char* f : {"deny-cn-vendors.json", "enterprise-baseline.json", "eu-data-residency.json"}) {
    CAPTURE(f);
    std::vector<std::string> errors;
    auto p = load_policy(test::source_dir() / "policies" / f, errors);
    for (const auto& e : errors) MESSAGE(e);
    CHECK(p);
  }
}

TEST_CASE("deny_vendor_countries names the SDK and the vendor; a clean result passes") {
  auto p = parse_ok(R"({"schema": "sdkscope-policy/1", "name": "No CN", "rules": {"deny_vendor_countries": ["CN"]}})");
  auto r = policy_sample_result();
  apply_policy(p, policy_context(), r);
  CHECK(r.policy.evaluated);
  CHECK_FALSE(r.policy.passed);
  CHECK(r.policy.violations == 1);
  auto v = violations(r, "policy.deny_vendor_country");
  REQUIRE(v.size() == 1);
  CHECK(v[0]->message.find("Tencent Bugly") != std::string::npos);
  CHECK(v[0]->message.find("Tencent,") != std::string::npos);
  CHECK(v[0]->sdks == std::vector<std::string>{"tencent.bugly"});
  CHECK(v[0]->category == "policy");

  ScanResult clean = policy_sample_result();
  clean.sdks.pop_back();
  apply_policy(p, policy_context(), clean);
  CHECK(clean.policy.passed);
  CHECK(violations(clean, "policy.deny_vendor_country").empty());
}

TEST_CASE("allowlist entries waive with their justification until they expire") {
  const std::string json = R"({"schema": "sdkscope-policy/1", "name": "No CN", "rules": {"deny_vendor_countries": ["CN"]},
    "allow": [{"sdk": "tencent.bugly", "justification": "crash reports only, DPA signed", "expires": "2027-01-31"}]})";
  auto p = parse_ok(json);
  auto r = policy_sample_result();
  apply_policy(p, policy_context("2026-11-29"), r);
  CHECK(r.policy.passed);
  auto v = violations(r, "policy.deny_vendor_country");
  REQUIRE(v.size() == 1);
  CHECK(v[0]->waived);
  CHECK(v[0]->waiver == "crash reports only, DPA signed");
  REQUIRE(r.policy.waivers.size() == 1);
  CHECK(r.policy.waivers[0].used == 1);
  CHECK_FALSE(r.policy.waivers[0].expired);

  auto late = policy_sample_result();
  apply_policy(p, policy_context("2027-02-01"), late);
  CHECK_FALSE(late.policy.passed);
  CHECK(late.policy.waivers[0].expired);
  CHECK(violations(late, "policy.expired_waiver").size() == 1);
  CHECK_FALSE(violations(late, "policy.deny_vendor_country")[0]->waived);
}

TEST_CASE("severity, checks, cleartext, permissions and data residency rules") {
  auto p = parse_ok(R"({"schema": "sdkscope-policy/1", "name": "all", "severity": "medium", "rules": {
      "max_severity": "medium", "deny_checks": ["android.crypto.weak_hash"], "deny_cleartext": true,
      "max_dangerous_permissions": 1, "deny_permissions": ["android.permission.READ_SMS"],
      "allowed_destination_countries": ["EU"], "deny_categories": ["analytics"], "deny_vendors": ["tencent"],
      "deny_sdks": ["firebase.analytics"]}})");
  auto r = policy_sample_result();
  apply_policy(p, policy_context(), r);
  CHECK(violations(r, "policy.max_severity").size() == 1);   // the high finding, not the low one
  CHECK(violations(r, "policy.deny_check").size() == 1);
  CHECK(violations(r, "policy.deny_cleartext").size() == 1);
  CHECK(violations(r, "policy.max_dangerous_permissions").size() == 1);
  CHECK(violations(r, "policy.deny_permission").size() == 1);
  CHECK(violations(r, "policy.data_residency").size() == 2);  // US and CN, both outside the EU
  CHECK(violations(r, "policy.deny_category").size() == 1);
  CHECK(violations(r, "policy.deny_vendor").size() == 1);
  CHECK(violations(r, "policy.deny_sdk").size() == 1);
  CHECK(r.policy.violations == 10);
  for (const auto& f : r.findings)
    if (f.category == "policy") CHECK(f.severity == "medium");
  // Rules are listed as checks (SARIF rules), sorted.
  CHECK(std::is_sorted(r.checks.begin(), r.checks.end(),
                       [](const CheckInfo& a, const CheckInfo& b) { return a.id < b.id; }));

  auto eu = parse_ok(R"({"schema": "sdkscope-policy/1", "name": "eu", "rules": {"allowed_destination_countries": ["EU", "US"]},
    "allow": [{"vendor": "tencent", "country": "CN", "justification": "SCCs"}]})");
  auto r2 = policy_sample_result();
  apply_policy(eu, policy_context(), r2);
  CHECK(r2.policy.passed);
}

TEST_CASE("a policy in ScanOptions is applied by the scanner (CN vendor fixture)") {
  auto opts = ScanOptions::standard();
  std::vector<std::string> errors;
  auto p = load_policy(test::source_dir() / "policies" / "deny-cn-vendors.json", errors);
  REQUIRE(p);
  opts.policy = std::make_shared<const Policy>(*p);
  Scanner s(test::shipped_db(), opts);
  auto bad = s.scan(test::testdata("checks/android/positive.apk").string());
  REQUIRE(bad.result);
  CHECK(bad.result->policy.evaluated);
  CHECK_FALSE(bad.result->policy.passed);
  auto good = s.scan(test::testdata("checks/android/negative.apk").string());
  REQUIRE(good.result);
  CHECK(good.result->policy.passed);
}
