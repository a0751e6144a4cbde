// Reading saved reports: the exact inverse of the writer, tolerant of new keys, strict on version.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "reports/json_read.hpp"
#include "reports/json_report.hpp"
#include "scanner/engine/scanner.hpp"
#include "support/shipped_db.hpp"
#include "support/test_paths.hpp"

using namespace sdkscope;

namespace {

ScanResult demo_scan() {
  ScanOptions opts = ScanOptions::standard();
  opts.path_basename_only = true;
  opts.show_filtered = true;  // filtered_endpoints round-trip too
  opts.geoip_path = test::testdata("geoip/test-country.mmdb").string();
  Scanner scanner(test::shipped_db(), opts);
  auto out = scanner.scan(test::testdata("apps/demo.apk").string());
  INFO(out.error);
  REQUIRE(out.result);
  return *out.result;
}

std::string round_trip(const std::string& text) {
  std::string err;
  auto r = read_json_report(text, err);
  INFO(err);
  REQUIRE(r);
  return write_json_report(*r);
}

}  // namespace

TEST_CASE("write -> read -> write gives identical bytes for the demo app") {
  auto r = demo_scan();
  r.scanner.version = "0.1.0";
  std::string first = write_json_report(r);
  CHECK(round_trip(first) == first);

  // The fields diff relies on survive with their values, not only their bytes.
  std::string err;
  auto back = read_json_report(first, err);
  REQUIRE(back);
  CHECK(back->input.sha256 == r.input.sha256);
  CHECK(back->app.id == "com.sdkscope.demo");
  REQUIRE(back->sdks.size() == r.sdks.size());
  for (std::size_t i = 0; i < r.sdks.size(); ++i) {
    CHECK(back->sdks[i].id == r.sdks[i].id);
    CHECK(back->sdks[i].vendor.country == r.sdks[i].vendor.country);
    CHECK(back->sdks[i].version == r.sdks[i].version);
  }
  REQUIRE(back->endpoints.size() == r.endpoints.size());
  bool geo = false;
  for (std::size_t i = 0; i < r.endpoints.size(); ++i) {
    CHECK(back->endpoints[i].host == r.endpoints[i].host);
    CHECK(back->endpoints[i].owner_country == r.endpoints[i].owner_country);
    CHECK(back->endpoints[i].tld_country == r.endpoints[i].tld_country);
    CHECK(back->endpoints[i].cleartext == r.endpoints[i].cleartext);
    geo |= !back->endpoints[i].geo_country.empty();
  }
  CHECK(geo);
  REQUIRE(back->data_flows.size() == r.data_flows.size());
  for (std::size_t i = 0; i < r.data_flows.size(); ++i) CHECK(back->data_flows[i].destinations == r.data_flows[i].destinations);
  CHECK(back->permissions.size() == r.permissions.size());
}

TEST_CASE("findings, checks, policy and coverage round-trip") {
  auto r = demo_scan();
  Finding f;
  f.check = "android.crypto.weak_cipher";
  f.title = "Weak cipher";
  f.category = "crypto";
  f.severity = "high";
  f.confidence = "medium";
  f.message = "DESede used by com.example.Crypto";
  f.sdks = {"tencent.bugly"};
  f.evidence = {{"classes.dex", "com.example.Crypto", "const-string \"DESede\"", "tencent.bugly"}};
  f.evidence_total = 3;
  f.waived = true;
  f.waiver = "vendor fix due";
  r.findings = {f};
  CheckInfo c;
  c.id = f.check;
  c.title = f.title;
  c.cwe = {"CWE-327"};
  r.checks = {c};
  r.policy.evaluated = true;
  r.policy.name = "store";
  r.policy.passed = false;
  r.policy.violations = 2;
  r.policy.waivers.push_back({"sdk:tencent.bugly", "ok", "2030-01-01", false, 1});
  r.coverage.packers = {"jiagu"};
  r.coverage.sdk_list_incomplete = true;
  r.coverage.notes = {"packed"};
  std::string err;
  auto back = read_json_report(write_json_report(r), err);
  REQUIRE(back);
  std::string first = write_json_report(r);
  CHECK(round_trip(first) == first);
  REQUIRE(back->findings.size() == 1);
  CHECK(back->findings[0].check == f.check);
  CHECK(back->findings[0].severity == "high");
  CHECK(back->findings[0].evidence == f.evidence);
  CHECK(back->findings[0].evidence_total == 3);
  CHECK(back->findings[0].waived);
  CHECK(back->findings[0].waiver == "vendor fix due");
  REQUIRE(back->checks.size() == 1);
  CHECK(back->checks[0].cwe == c.cwe);
  CHECK(back->policy.evaluated);
  CHECK_FALSE(back->policy.passed);
  CHECK(back->policy.violations == 2);
  REQUIRE(back->policy.waivers.size() == 1);
  CHECK(back->policy.waivers[0].used == 1);
  CHECK(back->coverage.sdk_list_incomplete);
  CHECK(back->coverage.packers == r.coverage.packers);

  // Not evaluated: the writer's null reads back as not evaluated.
  r.policy = PolicyVerdict{};
  auto unevaluated = read_json_report(write_json_report(r), err);
  REQUIRE(unevaluated);
  CHECK_FALSE(unevaluated->policy.evaluated);
}

TEST_CASE("unknown keys are ignored; a wrong schema_version or shape is refused with one line") {
  auto j = nlohmann::json::parse(write_json_report(demo_scan()));
  j["future_key"] = {{"nested", {1, 2, 3}}};
  j["sdks"][0]["future_field"] = "x";
  std::string err;
  auto r = read_json_report(j.dump(), err);
  REQUIRE(r);
  CHECK(r->app.id == "com.sdkscope.demo");

  auto refused = [](const std::string& text) {
    std::string e;
    auto res = read_json_report(text, e);
    CHECK_FALSE(res);
    CHECK_FALSE(e.empty());
    CHECK(e.find('\n') == std::string::npos);
    return e;
  };
  auto v2 = j;
  v2["schema_version"] = 2;
  CHECK(refused(v2.dump()).find("schema_version 2") != std::string::npos);
  auto none = j;
  none.erase("schema_version");
  refused(none.dump());
  auto str_version = j;
  str_version["schema_version"] = "1";
  refused(str_version.dump());
  auto bad_type = j;
  bad_type["sdks"] = 5;
  CHECK(refused(bad_type.dump()).find("'sdks'") != std::string::npos);
  auto bad_field = j;
  bad_field["sdks"][0]["vendor"]["country"] = 7;
  refused(bad_field.dump());
  auto bad_severity = j;
  bad_severity["diagnostics"] = {{{"code", "x"}, {"severity", "fatal"}, {"where", ""}, {"message", "m"}}};
  refused(bad_severity.dump());
  refused("");
  refused("[1,2]");
  refused("{\"schema_version\": 1");
  refused(std::string(100000, '[') + std::string(100000, ']'));  // no stack overflow
  CHECK(read_json_report(R"({"schema_version": 1})", err));  // a minimal report is an empty result
}

TEST_CASE("looks_like_json_report: by the first non-blank byte") {
  CHECK(looks_like_json_report("{\"a\":1}"));
  CHECK(looks_like_json_report(" \n\t{"));
  CHECK_FALSE(looks_like_json_report("PK\x03\x04"));
  CHECK_FALSE(looks_like_json_report("dex\n035"));
  CHECK_FALSE(looks_like_json_report(""));
  CHECK_FALSE(looks_like_json_report("[{}]"));
}
