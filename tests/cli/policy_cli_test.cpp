// The policy gate end to end: --policy, exit codes 0/1/2, `checks list`, --format sarif.
#include <doctest/doctest.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "support/test_paths.hpp"
#include "support/zip_builder.hpp"

using namespace sdkscope::test;

namespace {

struct Run {
  int code = -1;
  std::string out, err;
};

Run cli(const std::string& args) {
  auto dir = temp_dir("policy_cli");
  Run r;
  r.out = run("'" + (build_dir() / "sdkscope").string() + "' " + args + " 2>'" + (dir / "err").string() + "'", &r.code);
  std::ifstream in(dir / "err");
  r.err.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return r;
}

std::string q(const std::filesystem::path& p) { return "'" + p.string() + "'"; }
std::filesystem::path policy(const char* name) { return source_dir() / "policies" / name; }

}  // namespace

TEST_CASE("policy: CN-vendor policy fails a fixture with a Tencent SDK (exit 1) and passes a clean one (exit 0)") {
  auto bad = cli("scan --format json --policy " + q(policy("deny-cn-vendors.json")) + " " +
                 q(testdata("checks/android/positive.apk")));
  CHECK(bad.code == 1);
  auto j = nlohmann::json::parse(bad.out);
  CHECK(j["policy"]["passed"] == false);
  bool named = false;
  for (const auto& f : j["findings"])
    if (f["check"] == "policy.deny_vendor_country")
      named |= f["message"].get<std::string>().find("Tencent") != std::string::npos;
  CHECK(named);
  auto good = cli("scan --format json --policy " + q(policy("deny-cn-vendors.json")) + " " +
                  q(testdata("checks/android/negative.apk")));
  CHECK(good.code == 0);
  CHECK(nlohmann::json::parse(good.out)["policy"]["passed"] == true);
}

TEST_CASE("policy: corpus bugly-upgrade-demo fails the CN policy naming Bugly and Tencent; a clean corpus app passes") {
  auto corpus = corpus_dir();
  if (!corpus || !std::filesystem::exists(*corpus / "android/bugly-upgrade-demo.apk")) {
    MESSAGE("corpus not present: skipped");
    return;
  }
  auto bad = cli("scan --format text --color never --policy " + q(policy("deny-cn-vendors.json")) + " " +
                 q(*corpus / "android/bugly-upgrade-demo.apk"));
  CHECK(bad.code == 1);
  CHECK(bad.out.find("Bugly") != std::string::npos);
  CHECK(bad.out.find("Tencent") != std::string::npos);
  auto json = cli("scan --format json --policy " + q(policy("deny-cn-vendors.json")) + " " +
                  q(*corpus / "android/bugly-upgrade-demo.apk"));
  CHECK(json.code == 1);
  std::string messages;
  const auto doc = nlohmann::json::parse(json.out);
  for (const auto& f : doc["findings"])
    if (f["check"] == "policy.deny_vendor_country") messages += f["message"].get<std::string>() + "\n";
  CHECK(messages.find("Bugly") != std::string::npos);
  CHECK(messages.find("Tencent") != std::string::npos);
  // fcm-demo carries Google / Firebase SDKs only (labels.json).
  auto good = cli("scan --format json --policy " + q(policy("deny-cn-vendors.json")) + " " +
                  q(*corpus / "android/fcm-demo.apk"));
  CHECK(good.code == 0);
}

TEST_CASE("policy: a broken policy file is exit 2 with one line; --policy-date is validated") {
  auto dir = temp_dir("bad_policy");
  std::ofstream(dir / "p.json") << R"({"schema": "sdkscope-policy/1", "name": "x", "rules": {"deny_everything": true}})";
  auto r = cli("scan --policy " + q(dir / "p.json") + " " + q(testdata("apps/demo.apk")));
  CHECK(r.code == 2);
  CHECK(r.out.empty());
  CHECK(r.err.find("unknown rule") != std::string::npos);
  auto d = cli("scan --policy-date 2026-02-30x " + q(testdata("apps/demo.apk")));
  CHECK(d.code == 2);
}

TEST_CASE("policy: allowlist expiry is judged on --policy-date") {
  auto dir = temp_dir("waiver_policy");
  std::ofstream(dir / "p.json") << R"({"schema": "sdkscope-policy/1", "name": "x", "rules": {"deny_vendor_countries": ["CN"]},
    "allow": [{"country": "CN", "justification": "vendors reviewed; SCCs signed", "expires": "2027-01-01"}]})";
  auto before = cli("scan --format json --policy-date 2026-12-31 --policy " + q(dir / "p.json") + " " +
                    q(testdata("checks/android/positive.apk")));
  CHECK(before.code == 0);
  auto after = cli("scan --format json --policy-date 2027-01-02 --policy " + q(dir / "p.json") + " " +
                   q(testdata("checks/android/positive.apk")));
  CHECK(after.code == 1);
}

TEST_CASE("checks list: every catalogue check and policy rule with id and severity") {
  auto text = cli("checks list");
  CHECK(text.code == 0);
  CHECK(text.out.find("android.crypto.weak_cipher") != std::string::npos);
  CHECK(text.out.find("ios.transport.ats_disabled") != std::string::npos);
  CHECK(text.out.find("policy.deny_vendor_country") != std::string::npos);
  auto json = cli("checks list --format json --platform ios");
  REQUIRE(json.code == 0);
  auto j = nlohmann::json::parse(json.out);
  for (const auto& c : j) CHECK(c["platform"] != "android");
}

TEST_CASE("scan --format sarif writes SARIF 2.1.0; html, md and cyclonedx are offered") {
  auto r = cli("scan --format sarif " + q(testdata("checks/android/positive.apk")));
  CHECK(r.code == 0);
  auto j = nlohmann::json::parse(r.out);
  CHECK(j["version"] == "2.1.0");
  CHECK(j["runs"][0]["results"].size() > 10);
  for (const char* f : {"html", "md", "cyclonedx"}) {
    CAPTURE(f);
    auto o = cli(std::string("scan --format ") + f + " " + q(testdata("apps/demo.apk")));
    CHECK(o.code == 0);
    CHECK(!o.out.empty());
  }
}
