// `signatures import-exodus`: an Exodus export becomes records that load beside ours.
#include <doctest/doctest.h>

#include <fstream>

#include "scanner/match/exodus_import.hpp"
#include "scanner/match/matcher.hpp"
#include "support/shipped_db.hpp"
#include "support/zip_builder.hpp"

using namespace sdkscope;

TEST_CASE("import-exodus: plain prefixes become records, regexes and our own claims are skipped") {
  auto exodus = nlohmann::json::parse(R"({"trackers": {
    "901": {"name": "Acme Track", "code_signature": "com.acmetrack.sdk.|com\\.acmetrack\\.legacy", "network_signature": "api\\.acmetrack\\.io|.*\\.cdn\\.acme",
            "website": "https://acmetrack.example", "categories": ["Analytics", "Profiling"]},
    "902": {"name": "Regex Only", "code_signature": "com\\.foo\\.[a-z]+\\.ads", "network_signature": "", "categories": []},
    "903": {"name": "Bugly again", "code_signature": "com.tencent.bugly.", "network_signature": "", "categories": ["Crash reporting"]},
    "904": {"name": "Empty", "code_signature": "", "network_signature": "", "categories": []}}})");
  auto out = import_exodus(exodus, test::shipped_db());
  CHECK(out.trackers == 4);
  CHECK(out.imported == 1);
  REQUIRE(out.sdks["sdks"].size() == 1);
  const auto& rec = out.sdks["sdks"][0];
  CHECK(rec["id"] == "exodus.901-acme-track");
  CHECK(rec["android"]["packages"] == nlohmann::json({"com.acmetrack.sdk", "com.acmetrack.legacy"}));
  CHECK(rec["domains"] == nlohmann::json({"api.acmetrack.io"}));
  CHECK(rec["categories"] == nlohmann::json({"analytics"}));
  bool bugly_skipped = false, regex_skipped = false;
  for (const auto& s : out.skipped) {
    bugly_skipped |= s.find("already claimed by tencent.bugly") != std::string::npos;
    regex_skipped |= s.find("is a regex") != std::string::npos;
  }
  CHECK(bugly_skipped);
  CHECK(regex_skipped);

  // Written out, the records load beside the shipped database and detect.
  auto dir = test::temp_dir("exodus_import");
  std::filesystem::create_directories(dir / "sdks");
  std::ofstream(dir / "vendors.json") << out.vendors.dump(1);
  std::ofstream(dir / "sdks/exodus.json") << out.sdks.dump(1);
  std::vector<std::string> errors;
  auto db = SignatureDb::load(test::source_dir() / "signatures", errors);
  REQUIRE(db);
  REQUIRE(db->add_directory(dir, errors));
  EvidenceSet e;
  auto loc = e.add_location("classes.dex");
  e.facts.push_back({EvidenceKind::JavaClass, "com.acmetrack.sdk.Tracker", loc});
  auto found = match_sdks(e, *db);
  REQUIRE(found.size() == 1);
  CHECK(found[0].id == "exodus.901-acme-track");
  CHECK(found[0].vendor.country == "ZZ");
}

TEST_CASE("import-exodus: a malformed export yields a reason, not a crash") {
  auto out = import_exodus(nlohmann::json::parse(R"({"nope": 1})"), test::shipped_db());
  CHECK(out.imported == 0);
  CHECK_FALSE(out.skipped.empty());
}
