// CycloneDX 1.5: goldens, the mapping (components, purl, evidence, dependencies, services),
// reproducible serial numbers, and validation against the official schema when it is present
// (scripts/fetch-schemas.sh; skipped otherwise).
#include <doctest/doctest.h>

#include <set>

#include "reports/cyclonedx_report.hpp"
#include "golden.hpp"
#include "sample_result.hpp"
#include "support/cyclonedx_schema.hpp"

using namespace sdkscope;
using nlohmann::json;

namespace {

json bom_of(const ScanResult& r, const CycloneDxOptions& o = {}) { return json::parse(write_cyclonedx_report(r, o)); }

const json* component(const json& bom, const std::string& ref) {
  for (const auto& c : bom["components"])
    if (c["bom-ref"] == ref) return &c;
  return nullptr;
}

std::vector<std::string> props(const json& obj, const std::string& name) {
  std::vector<std::string> out;
  for (const auto& p : obj.value("properties", json::array()))
    if (p["name"] == name) out.push_back(p["value"]);
  return out;
}

std::vector<std::string> depends_on(const json& bom, const std::string& ref) {
  for (const auto& d : bom["dependencies"])
    if (d["ref"] == ref) return d["dependsOn"].get<std::vector<std::string>>();
  return {"<missing>"};
}

}  // namespace

TEST_CASE("CycloneDX golden: the sample fixture") {
  test::check_golden("sample.cdx.json", write_cyclonedx_report(test::sample_result()));
}

TEST_CASE("CycloneDX golden: the demo app scanned with the shipped database") {
  test::check_golden("demo.cdx.json", write_cyclonedx_report(test::demo_result()));
}

TEST_CASE("CycloneDX: header, app component, tool, reproducible serial number") {
  auto bom = bom_of(test::sample_result());
  CHECK(bom["bomFormat"] == "CycloneDX");
  CHECK(bom["specVersion"] == "1.5");
  CHECK(bom["version"] == 1);
  // UUID v5 in sdkscope's namespace; the same value Python's uuid.uuid5 gives:
  //   ns = uuid.uuid5(uuid.NAMESPACE_DNS, "cyclonedx.sdkscope.invalid")
  //   uuid.uuid5(ns, "<sha256>/0.1.0/2026.11.29")
  CHECK(bom["serialNumber"] == "urn:uuid:871694ee-486b-5860-a130-fa347e00af94");
  ScanResult a;
  a.input.sha256 = std::string(64, 'a');
  a.scanner.version = "0.1.0";
  a.scanner.signatures_version = "2026.11.29";
  CHECK(cyclonedx_serial_number(a) == "urn:uuid:cbfc4d33-830a-5623-a833-31d09c0d34ea");
  a.scanner.signatures_version = "2026.12.01";
  CHECK(cyclonedx_serial_number(a) != "urn:uuid:cbfc4d33-830a-5623-a833-31d09c0d34ea");
  CHECK_FALSE(bom["metadata"].contains("timestamp"));
  CycloneDxOptions o;
  o.timestamp = "2026-11-29T12:00:00Z";
  CHECK(bom_of(test::sample_result(), o)["metadata"]["timestamp"] == "2026-11-29T12:00:00Z");

  const auto& tool = bom["metadata"]["tools"]["components"][0];
  CHECK(tool["name"] == "sdkscope");
  CHECK(tool["version"] == "0.1.0");
  CHECK(props(tool, "sdkscope:signatures_version") == std::vector<std::string>{"2026.11.29"});

  const auto& app = bom["metadata"]["component"];
  CHECK(app["type"] == "application");
  CHECK(app["bom-ref"] == "app:com.example.demo");
  CHECK(app["name"] == test::kHostileAppName);  // JSON escaping is the serialiser's job
  CHECK(app["version"] == "1.0");
  CHECK(app["hashes"][0]["alg"] == "SHA-256");
  CHECK(app["hashes"][0]["content"] == test::sample_result().input.sha256);
  CHECK(props(app, "sdkscope:app_id") == std::vector<std::string>{"com.example.demo"});
  CHECK(props(app, "sdkscope:platform") == std::vector<std::string>{"android"});
  CHECK(props(bom["metadata"], "sdkscope:packer") == std::vector<std::string>{"jiagu"});
  CHECK(props(bom["metadata"], "sdkscope:policy_result") == std::vector<std::string>{"failed"});
  CHECK(bom["compositions"][0]["aggregate"] == "incomplete");
}

TEST_CASE("CycloneDX: one library component per SDK with supplier, purl, evidence and properties") {
  auto bom = bom_of(test::sample_result());
  REQUIRE(bom["components"].size() == 3);
  const json* bugly = component(bom, "sdk:tencent.bugly");
  REQUIRE(bugly);
  CHECK((*bugly)["type"] == "library");
  CHECK((*bugly)["name"] == "Tencent Bugly");
  CHECK((*bugly)["version"] == "4.1.9");
  CHECK((*bugly)["supplier"]["name"] == "Tencent");
  CHECK((*bugly)["group"] == "com.tencent.bugly");
  CHECK((*bugly)["purl"] == "pkg:maven/com.tencent.bugly/crashreport@4.1.9");
  CHECK(props(*bugly, "sdkscope:vendor_country") == std::vector<std::string>{"CN"});
  CHECK(props(*bugly, "sdkscope:category") == std::vector<std::string>{"crash_reporting"});
  CHECK(props(*bugly, "sdkscope:confidence") == std::vector<std::string>{"high"});
  const auto& ev = (*bugly)["evidence"];
  CHECK(ev["identity"]["field"] == "name");
  CHECK(ev["identity"]["confidence"] == 1.0);
  REQUIRE(ev["identity"]["methods"].size() == 2);
  CHECK(ev["identity"]["methods"][0]["technique"] == "binary-analysis");
  CHECK(ev["identity"]["methods"][0]["value"].get<std::string>().find("com.tencent.bugly.crashreport.CrashReport") !=
        std::string::npos);
  CHECK(ev["identity"]["methods"][0]["value"].get<std::string>().find("libBugly.so") != std::string::npos);
  CHECK(ev["identity"]["methods"][1]["technique"] == "manifest-analysis");
  CHECK(ev["identity"]["methods"][1]["value"].get<std::string>().find("BUGLY_APPID") != std::string::npos);
  REQUIRE(ev["occurrences"].size() == 3);
  CHECK(ev["occurrences"][2]["location"] == "lib/arm64-v8a/libBugly.so");

  const json* analytics = component(bom, "sdk:firebase.analytics");
  REQUIRE(analytics);
  CHECK_FALSE(analytics->contains("purl"));  // no coordinate known
  CHECK_FALSE(analytics->contains("version"));
  CHECK((*analytics)["evidence"]["identity"]["confidence"] == 0.7);
  CHECK(props(*analytics, "sdkscope:part_of") == std::vector<std::string>{"firebase.core"});
  const json* core = component(bom, "sdk:firebase.core");
  REQUIRE(core);
  CHECK((*core)["purl"] == "pkg:maven/com.google.firebase/firebase-common@21.5.0");
  CHECK(props(*core, "sdkscope:vendor_parent") == std::vector<std::string>{"Alphabet"});

  // CocoaPods coordinates, and percent-encoding of purl parts.
  auto r = test::sample_result();
  r.sdks[2].maven.clear();
  r.sdks[2].cocoapod = "Bugly";
  r.sdks[2].version = "2.6.0+build 1";
  CHECK((*component(bom_of(r), "sdk:tencent.bugly"))["purl"] == "pkg:cocoapods/Bugly@2.6.0%2Bbuild%201");
  r.sdks[2].cocoapod.clear();
  r.sdks[2].maven = "not-a-coordinate";
  CHECK_FALSE(component(bom_of(r), "sdk:tencent.bugly")->contains("purl"));
}

TEST_CASE("CycloneDX: dependency graph and one service per third-party data flow") {
  auto bom = bom_of(test::sample_result());
  CHECK(depends_on(bom, "app:com.example.demo") == std::vector<std::string>{"sdk:firebase.core", "sdk:tencent.bugly"});
  CHECK(depends_on(bom, "sdk:firebase.core") == std::vector<std::string>{"sdk:firebase.analytics", "service:google"});
  CHECK(depends_on(bom, "sdk:firebase.analytics") == std::vector<std::string>{"service:google"});
  CHECK(depends_on(bom, "sdk:tencent.bugly") == std::vector<std::string>{"service:tencent"});
  CHECK(depends_on(bom, "service:tencent").empty());
  // Every ref in the graph names a component, a service or the app.
  std::set<std::string> refs{"app:com.example.demo"};
  for (const auto& c : bom["components"]) refs.insert(c["bom-ref"]);
  for (const auto& s : bom["services"]) refs.insert(s["bom-ref"]);
  for (const auto& d : bom["dependencies"]) {
    CHECK(refs.count(d["ref"]) == 1);
    for (const auto& on : d["dependsOn"]) CHECK(refs.count(on) == 1);
  }

  REQUIRE(bom["services"].size() == 2);
  const auto& tencent = bom["services"][1];
  CHECK(tencent["bom-ref"] == "service:tencent");
  CHECK(tencent["provider"]["name"] == "Tencent");
  CHECK(tencent["x-trust-boundary"] == true);
  // The full URL where the code holds one (with characters an IRI cannot hold percent-encoded).
  CHECK(tencent["endpoints"] == json::array({"http://rqd.uu.qq.com/rqd/sync?x=%3Cscript%3E%7C%60"}));
  REQUIRE(tencent["data"].size() == 3);
  CHECK(tencent["data"][0]["flow"] == "inbound");
  CHECK(tencent["data"][0]["classification"] == "crash_logs");
  CHECK(tencent["data"][0]["source"][0] == "urn:cdx:871694ee-486b-5860-a130-fa347e00af94/1#app:com.example.demo");
  CHECK(props(tencent, "sdkscope:destination") == std::vector<std::string>{"CN"});
  CHECK(props(tencent, "sdkscope:legal_hook") == std::vector<std::string>{"GDPR Chapter V (Art. 44-50)"});
  CHECK(props(tencent, "sdkscope:china") == std::vector<std::string>{"true"});
  CHECK(props(tencent, "sdkscope:transfer_note").size() == 1);
  CHECK(bom["services"][0]["endpoints"] == json::array({"https://app-measurement.com/a"}));
}

TEST_CASE("CycloneDX output is byte-identical across runs and survives bad UTF-8") {
  CHECK(write_cyclonedx_report(test::sample_result()) == write_cyclonedx_report(test::sample_result()));
  auto r = test::sample_result();
  r.app.name = std::string("bad\xff\xfe name");
  r.sdks[0].evidence.class_examples.push_back(std::string("\xc3\x28"));
  CHECK(json::accept(write_cyclonedx_report(r)));
}

TEST_CASE("CycloneDX validates against the official 1.5 schema") {
  auto dir = test::cyclonedx_schema_dir();
  if (!dir) {
    MESSAGE("CycloneDX schemas not in build/schemas (run scripts/fetch-schemas.sh): skipped");
    return;
  }
  for (const auto& [name, r] : std::vector<std::pair<std::string, ScanResult>>{
           {"sample", test::sample_result()}, {"demo", test::demo_result()}, {"empty", ScanResult{}}}) {
    for (bool ts : {false, true}) {
      CycloneDxOptions o;
      if (ts) o.timestamp = "2026-11-29T12:00:00Z";
      auto errs = test::cyclonedx_errors(bom_of(r, o), *dir);
      INFO(name << (ts ? " with timestamp" : "") << ": " << (errs.empty() ? "" : errs.front()));
      CHECK(errs.empty());
    }
  }
  // The validator is live: it rejects what breaks the schema.
  auto bad = bom_of(test::sample_result());
  bad["serialNumber"] = "not-a-urn";
  CHECK_FALSE(test::cyclonedx_errors(bad, *dir).empty());
  bad = bom_of(test::sample_result());
  bad["components"][0]["evidence"]["identity"]["methods"][0]["technique"] = "guessing";
  CHECK_FALSE(test::cyclonedx_errors(bad, *dir).empty());
  bad = bom_of(test::sample_result());
  bad["metadata"]["component"]["hashes"][0]["content"] = "xyz";
  CHECK_FALSE(test::cyclonedx_errors(bad, *dir).empty());
  bad = bom_of(test::sample_result());
  bad["services"][0]["data"][0]["flow"] = "sideways";
  CHECK_FALSE(test::cyclonedx_errors(bad, *dir).empty());
}
