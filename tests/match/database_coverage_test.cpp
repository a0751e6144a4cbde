// The shipped database against public reference data: every Exodus tracker is mapped to our
// records or explained; breadth targets hold; every record says where its facts come from.
#include <doctest/doctest.h>

#include <fstream>
#include <set>

#include <nlohmann/json.hpp>

#include "scanner/match/signature_db.hpp"
#include "support/shipped_db.hpp"
#include "support/test_paths.hpp"

using namespace sdkscope;

namespace {

const SignatureDb& shipped() { return test::shipped_db(); }

}  // namespace

TEST_CASE("every Exodus tracker is mapped to our records or explained") {
  auto exodus_file = test::source_dir().parent_path() / "shared/reference/exodus/etip_trackers_compact.json";
  auto map_file = test::source_dir() / "signatures/exodus_map.json";
  if (!std::filesystem::exists(exodus_file) || !std::filesystem::exists(map_file)) {
    MESSAGE("Exodus reference or exodus_map.json absent: skipped");
    return;
  }
  std::ifstream ein(exodus_file), min(map_file);
  auto exodus = nlohmann::json::parse(ein);
  auto map = nlohmann::json::parse(min)["trackers"];
  auto trackers = exodus.is_array() ? exodus : exodus.value("trackers", nlohmann::json::array());
  std::size_t mapped = 0, explained = 0;
  for (const auto& t : trackers) {
    std::string id = t["id"].is_string() ? t["id"].get<std::string>() : std::to_string(t["id"].get<long>());
    INFO("Exodus tracker " << id << " " << t.value("name", ""));
    REQUIRE(map.contains(id));
    const auto& entry = map[id];
    bool ok = false;
    for (const auto& sdk : entry.value("sdks", nlohmann::json::array())) {
      INFO("maps to " << sdk);
      CHECK(shipped().find_sdk(sdk.get<std::string>()) != nullptr);
      ok = true;
    }
    if (ok) ++mapped;
    else {
      std::string reason = entry.value("reason", std::string());
      CHECK_FALSE(reason.empty());
      CHECK(reason.find("pending") == std::string::npos);  // a to-do is not an explanation
      ++explained;
    }
  }
  MESSAGE(trackers.size() << " Exodus trackers: " << mapped << " mapped, " << explained << " explained");
  CHECK(trackers.size() >= 400);
}

TEST_CASE("every record and vendor names its sources; vendors have ISO countries") {
  for (const auto& s : shipped().sdks()) {
    INFO(s.id);
    CHECK_FALSE(s.sources.empty());
    CHECK(shipped().find_vendor(s.vendor) != nullptr);
    if (!s.collects.empty()) CHECK_FALSE(s.collects_source.empty());
  }
  for (const auto& v : shipped().vendors()) {
    INFO(v.id);
    CHECK(v.country.size() == 2);
    CHECK_FALSE(v.sources.empty());
  }
}

TEST_CASE("breadth: counts the database is expected to reach") {
  std::size_t cn = 0;
  for (const auto& s : shipped().sdks())
    if (const auto* v = shipped().find_vendor(s.vendor); v && v->country == "CN") ++cn;
  MESSAGE(shipped().sdks().size() << " SDK records, " << cn << " from CN vendors, " << shipped().owned_domain_count()
                                  << " owned domains");
  std::size_t android = 0, ios = 0;
  for (const auto& s : shipped().sdks()) {
    android += !s.android.empty();
    ios += !s.ios.empty();
  }
  CHECK(shipped().sdks().size() >= 500);
  CHECK(cn >= 120);
  CHECK(shipped().owned_domain_count() >= 2000);
  CHECK(android >= 500);
  CHECK(ios >= 300);
}
