// JSON report: schema validity, key order, reproducibility, and hostile strings.
#include <doctest/doctest.h>

#include "reports/json_report.hpp"
#include "reports/text_report.hpp"
#include "support/json_schema.hpp"
#include "support/test_paths.hpp"

using namespace sdkscope;

namespace {

ScanResult sample() {
  ScanResult r;
  r.scanner = {"0.1.0", "2026.11.29", 3};
  r.input = {"demo.apk", std::string(64, 'a'), 1234, "apk"};
  r.app.platform = "android";
  r.app.id = "com.example.demo";
  r.app.name = "Demo";
  r.app.version_name = "1.0";
  r.app.version_code = 7;
  r.app.min_sdk = 21;
  r.app.target_sdk = 34;
  r.app.parts = {{"", "base", ""}};
  SdkFinding s;
  s.id = "tencent.bugly";
  s.name = "Tencent Bugly";
  s.vendor = {"tencent", "Tencent", "CN", "", {}};
  s.categories = {"crash_reporting"};
  s.confidence = "high";
  s.evidence.class_count = 12;
  s.evidence.class_examples = {"com.tencent.bugly.crashreport.CrashReport"};
  s.evidence.packages = {"com.tencent.bugly"};
  s.evidence.native_libs = {"libBugly.so"};
  s.evidence.locations = {"classes.dex", "lib/arm64-v8a/libBugly.so"};
  r.sdks.push_back(s);
  r.permissions.push_back({"android.permission.READ_PHONE_STATE", "android", "dangerous", {"phone", "device_identity"},
                           std::nullopt, "read phone status and identity", {"base"}, {"tencent.bugly"}});
  EndpointInfo e;
  e.url = "http://rqd.uu.qq.com/rqd/sync";
  e.host = "rqd.uu.qq.com";
  e.domain = "qq.com";
  e.scheme = "http";
  e.cleartext = true;
  e.sdk = "tencent.bugly";
  e.sources = {{"classes.dex", "com.tencent.bugly.crashreport.CrashReport"}};
  r.endpoints.push_back(e);
  r.diagnostics.push_back({"dex.truncated", Severity::warning, "classes2.dex", "string_ids run past the end"});
  r.stats["dex.classes"] = 12;
  return r;
}

std::filesystem::path schema_path() { return test::source_dir() / "reports/schema/report-v1.schema.json"; }

}  // namespace

TEST_CASE("the JSON report validates against the published schema") {
  auto j = nlohmann::json::parse(write_json_report(sample()));
  auto errs = test::schema_errors(schema_path(), j);
  INFO((errs.empty() ? "" : errs.front()));
  CHECK(errs.empty());
  CHECK(j["app"]["platform"] == "android");
  CHECK(j["sdks"][0]["vendor"]["country"] == "CN");
  CHECK(j["endpoints"][0]["cleartext"] == true);
  CHECK(j["permissions"][0]["data"][1] == "device_identity");
}

TEST_CASE("the schema rejects reports that break the contract") {
  auto j = nlohmann::json::parse(write_json_report(sample()));
  auto bad = j;
  bad["sdks"][0]["vendor"]["country"] = "China";
  CHECK_FALSE(test::schema_errors(schema_path(), bad).empty());
  bad = j;
  bad["sdks"][0]["confidence"] = "certain";
  CHECK_FALSE(test::schema_errors(schema_path(), bad).empty());
  bad = j;
  bad.erase("endpoints");
  CHECK_FALSE(test::schema_errors(schema_path(), bad).empty());
  bad = j;
  bad["input"]["sha256"] = "xyz";
  CHECK_FALSE(test::schema_errors(schema_path(), bad).empty());
}

TEST_CASE("output is reproducible and keeps its key order") {
  auto a = write_json_report(sample());
  auto b = write_json_report(sample());
  CHECK(a == b);
  CHECK(a.find("\"schema_version\"") < a.find("\"scanner\""));
  CHECK(a.find("\"scanner\"") < a.find("\"input\""));
  CHECK(a.find("\"sdks\"") < a.find("\"permissions\""));
  CHECK(a.back() == '\n');
}

TEST_CASE("invalid UTF-8 from an app never breaks the JSON") {
  auto r = sample();
  r.app.name = std::string("bad\xff\xfe name");
  r.endpoints[0].sources[0].holder = std::string("\xc3\x28");
  auto text = write_json_report(r);
  CHECK(nlohmann::json::accept(text));
}

TEST_CASE("the text summary lists SDKs, permissions, endpoints and diagnostics, colour only when asked") {
  auto plain = write_text_report(sample(), TextOptions{false});
  CHECK(plain.find("Tencent Bugly") != std::string::npos);
  CHECK(plain.find("Tencent (CN)") != std::string::npos);
  CHECK(plain.find("READ_PHONE_STATE") != std::string::npos);
  CHECK(plain.find("http://rqd.uu.qq.com/rqd/sync") != std::string::npos);
  CHECK(plain.find("dex.truncated") != std::string::npos);
  CHECK(plain.find("\x1b[") == std::string::npos);
  auto color = write_text_report(sample(), TextOptions{true});
  CHECK(color.find("\x1b[") != std::string::npos);
}
