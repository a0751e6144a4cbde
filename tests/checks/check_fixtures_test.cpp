// Every check against generated fixtures: each must fire on a fixture built to trigger it and stay
// silent on one built not to (testdata/checks/expectations.json, scripts/gen-check-fixtures*.sh).
#include <doctest/doctest.h>

#include <fstream>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "scanner/engine/scanner.hpp"
#include "support/shipped_db.hpp"

using namespace sdkscope;

namespace {

nlohmann::json expectations() {
  std::ifstream in(test::testdata("checks/expectations.json"));
  REQUIRE(in);
  return nlohmann::json::parse(in);
}

const Scanner& scanner() {
  static Scanner s(test::shipped_db(), [] {
    auto o = ScanOptions::standard();
    o.path_basename_only = true;
    return o;
  }());
  return s;
}

}  // namespace

TEST_CASE("the shipped catalogue loads with the scanner") {
  REQUIRE(scanner().checks_error().empty());
  REQUIRE(scanner().catalogue() != nullptr);
  CHECK(scanner().catalogue()->checks().size() >= 50);
}

TEST_CASE("each fixture fires the checks it was built for and no others listed as silent") {
  auto doc = expectations();
  REQUIRE(doc["fixtures"].is_array());
  for (const auto& fx : doc["fixtures"]) {
    const std::string rel = fx["fixture"];
    CAPTURE(rel);
    auto path = test::testdata("checks/" + rel);
    REQUIRE_MESSAGE(std::filesystem::exists(path), "fixture missing; run scripts/gen-check-fixtures.sh");
    auto out = scanner().scan(path.string());
    REQUIRE_MESSAGE(out.result, out.error);
    std::map<std::string, const Finding*> found;
    for (const auto& f : out.result->findings) found[f.check] = &f;
    for (const auto& id : fx["fires"]) {
      CAPTURE(id.get<std::string>());
      CHECK(found.count(id.get<std::string>()) == 1);
    }
    for (const auto& id : fx["silent"]) {
      CAPTURE(id.get<std::string>());
      CHECK(found.count(id.get<std::string>()) == 0);
    }
    if (fx.contains("holders"))
      for (const auto& [check, holder] : fx["holders"].items()) {
        CAPTURE(check);
        auto it = found.find(check);
        REQUIRE(it != found.end());
        bool named = false;
        for (const auto& e : it->second->evidence) named |= e.logical == holder.get<std::string>();
        CHECK_MESSAGE(named, "evidence should name " << holder.get<std::string>());
      }
  }
}

TEST_CASE("every check in the catalogue has a triggering and a non-triggering fixture") {
  auto doc = expectations();
  std::set<std::string> fires, silent;
  for (const auto& fx : doc["fixtures"]) {
    for (const auto& id : fx["fires"]) fires.insert(id.get<std::string>());
    for (const auto& id : fx["silent"]) silent.insert(id.get<std::string>());
  }
  for (const auto& d : scanner().catalogue()->checks()) {
    CAPTURE(d.info.id);
    CHECK_MESSAGE(fires.count(d.info.id) == 1, "no fixture triggers this check");
    CHECK_MESSAGE(silent.count(d.info.id) == 1, "no fixture shows this check staying silent");
  }
}

TEST_CASE("findings are deterministic and carry SDK attribution from the holder class") {
  auto path = test::testdata("checks/android/positive.apk").string();
  auto a = scanner().scan(path), b = scanner().scan(path);
  REQUIRE(a.result);
  REQUIRE(b.result);
  REQUIRE(a.result->findings.size() == b.result->findings.size());
  for (std::size_t i = 0; i < a.result->findings.size(); ++i) {
    CHECK(a.result->findings[i].check == b.result->findings[i].check);
    CHECK(a.result->findings[i].evidence == b.result->findings[i].evidence);
  }
  // Sorted by severity, critical first.
  auto rank = [](const std::string& s) {
    return s == "critical" ? 4 : s == "high" ? 3 : s == "medium" ? 2 : s == "low" ? 1 : 0;
  };
  for (std::size_t i = 1; i < a.result->findings.size(); ++i)
    CHECK(rank(a.result->findings[i - 1].severity) >= rank(a.result->findings[i].severity));
  // The China data-flow finding names the Bugly SDK whose classes are in the fixture.
  bool bugly = false;
  for (const auto& f : a.result->findings)
    if (f.check == "privacy.data_flow_china")
      bugly = std::find(f.sdks.begin(), f.sdks.end(), "tencent.bugly") != f.sdks.end();
  CHECK(bugly);
  // Secrets are quoted masked, never whole.
  for (const auto& f : a.result->findings)
    if (f.check == "secrets.cloud_credentials")
      for (const auto& e : f.evidence) CHECK(e.detail.find("AKIAIOSFODNN7EXAMPLE") == std::string::npos);
}
