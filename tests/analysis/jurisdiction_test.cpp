// JurisdictionTable: home parsing, EU/EEA transfer assessment, ccTLDs and the shipped data file.
#include <doctest/doctest.h>

#include <fstream>
#include <set>

#include <nlohmann/json.hpp>

#include "scanner/analysis/jurisdiction.hpp"
#include "support/test_paths.hpp"

using namespace sdkscope;

namespace {

const JurisdictionTable& table() {
  static const JurisdictionTable t = [] {
    std::vector<std::string> errors;
    auto loaded = JurisdictionTable::load(test::source_dir() / "signatures" / "jurisdictions.json", errors);
    for (const auto& e : errors) MESSAGE(e);
    if (!loaded) throw std::runtime_error("signatures/jurisdictions.json does not load");
    return *loaded;
  }();
  return t;
}

Jurisdiction home(std::string_view code) {
  auto h = table().home(code);
  REQUIRE(h.has_value());
  return *h;
}

/// Writes `text` to a scratch file and loads it.
std::optional<JurisdictionTable> load_text(const std::string& text, std::vector<std::string>& errors) {
  auto p = test::build_dir() / "jurisdiction_test.json";
  std::ofstream(p) << text;
  return JurisdictionTable::load(p, errors);
}

}  // namespace

TEST_CASE("home codes: EU, EEA and ISO countries, case-insensitive") {
  auto eu = home("eu");
  CHECK(eu.code == "EU");
  CHECK(eu.name == "European Union");
  CHECK(eu.members.size() == 27);
  CHECK(std::set<std::string>(eu.members.begin(), eu.members.end()).contains("DE"));

  auto eea = home("EEA");
  CHECK(eea.code == "EEA");
  CHECK(eea.members.size() == 30);
  CHECK(std::set<std::string>(eea.members.begin(), eea.members.end()).contains("NO"));

  auto us = home("us");
  CHECK(us.code == "US");
  CHECK(us.name == "United States");
  CHECK(us.members == std::vector<std::string>{"US"});

  CHECK_FALSE(table().home("XX").has_value());
  CHECK_FALSE(table().home("").has_value());
}

TEST_CASE("EU home: inside the EEA is not a transfer") {
  auto de = table().assess(home("EU"), "DE");
  CHECK_FALSE(de.cross_border);
  CHECK(de.legal_hook.empty());

  // IS/LI/NO apply the GDPR through the EEA Agreement: not third countries for an EU home either.
  for (const char* home_code : {"EU", "EEA"}) {
    auto no = table().assess(home(home_code), "NO");
    CHECK_FALSE(no.cross_border);
    CHECK_FALSE(no.adequacy);
  }
}

TEST_CASE("EU home: adequacy decisions") {
  auto us = table().assess(home("EU"), "us");
  CHECK(us.cross_border);
  CHECK(us.legal_hook == "GDPR Chapter V (Art. 44-50)");
  CHECK(us.adequacy);
  CHECK(us.adequacy_note.find("certified organisations only") != std::string::npos);
  CHECK(us.basis.find("SCCs") != std::string::npos);  // uncertified recipients need safeguards

  auto jp = table().assess(home("EU"), "JP");
  CHECK(jp.cross_border);
  CHECK(jp.adequacy);
  CHECK(jp.adequacy_note == "Japan (2019)");
  CHECK(jp.basis == "adequacy decision (Art. 45)");

  auto gb = table().assess(home("EEA"), "GB");
  CHECK(gb.cross_border);
  CHECK(gb.adequacy);
  CHECK(gb.legal_hook == "GDPR Chapter V (Art. 44-50)");
}

TEST_CASE("EU home: a third country without adequacy needs safeguards") {
  auto cn = table().assess(home("EU"), "CN");
  CHECK(cn.cross_border);
  CHECK_FALSE(cn.adequacy);
  CHECK(cn.adequacy_note.empty());
  CHECK(cn.legal_hook == "GDPR Chapter V (Art. 44-50)");
  CHECK(cn.basis.find("SCCs (Art. 46)") != std::string::npos);
  CHECK(cn.basis.find("Art. 49") != std::string::npos);
}

TEST_CASE("non-EU homes: only 'destination differs', no legal hook") {
  auto us = home("US");
  auto to_cn = table().assess(us, "CN");
  CHECK(to_cn.cross_border);
  CHECK(to_cn.legal_hook.empty());
  CHECK_FALSE(to_cn.adequacy);
  CHECK_FALSE(table().assess(us, "US").cross_border);
  CHECK(table().assess(home("CN"), "DE").cross_border);
}

TEST_CASE("unknown destinations are not assessed") {
  auto t = table().assess(home("EU"), "");
  CHECK_FALSE(t.cross_border);
  CHECK(t.legal_hook.empty());
  CHECK_FALSE(table().assess(home("EU"), "XX").cross_border);
}

TEST_CASE("ccTLDs map to countries; generic-use ccTLDs and gTLDs do not") {
  CHECK(table().cctld_country("cn") == "CN");
  CHECK(table().cctld_country("uk") == "GB");
  CHECK(table().cctld_country("RU") == "RU");
  CHECK(table().cctld_country(".de") == "DE");
  CHECK(table().cctld_country("gg") == "GG");
  for (const char* generic : {"io", "co", "tv", "me", "ai", "com", "net", "org", "eu", ""})
    CHECK_MESSAGE(table().cctld_country(generic).empty(), generic);
}

TEST_CASE("country names") {
  CHECK(table().country_name("CN") == "China");
  CHECK(table().country_name("gb") == "United Kingdom");
  CHECK(table().country_name("XX").empty());
}

TEST_CASE("every vendor country has a name") {
  std::vector<std::filesystem::path> files{test::source_dir() / "signatures" / "vendors.json"};
  for (const auto& e : std::filesystem::directory_iterator(test::source_dir() / "signatures" / "vendors"))
    if (e.path().extension() == ".json") files.push_back(e.path());
  for (const auto& f : files) {
    auto j = nlohmann::json::parse(std::ifstream(f));
    for (const auto& v : j.at("vendors")) {
      for (const char* key : {"country", "data_jurisdiction"}) {
        if (!v.contains(key) || !v[key].is_string()) continue;
        auto code = v[key].get<std::string>();
        CHECK_MESSAGE(!table().country_name(code).empty(), f.filename().string(), ": ", code);
      }
    }
  }
}

TEST_CASE("a malformed data file gives errors and no table") {
  std::vector<std::string> errors;
  CHECK_FALSE(load_text("{ not json", errors).has_value());
  CHECK_FALSE(errors.empty());

  errors.clear();
  CHECK_FALSE(load_text(R"({"source": ["x"], "countries": {"DE": "Germany"}, "eu": ["DE", "QQ"],
      "eea_extra": [], "eu_adequacy": [], "cctlds": {"de": "DE"},
      "generic_use_cctlds": {"note": "n", "tlds": {}}})", errors).has_value());
  CHECK_FALSE(errors.empty());

  errors.clear();
  CHECK_FALSE(load_text(R"({"countries": 3})", errors).has_value());
  CHECK_FALSE(errors.empty());

  errors.clear();
  CHECK_FALSE(JurisdictionTable::load(test::build_dir() / "no-such-file.json", errors).has_value());
  CHECK(errors.size() == 1);
}
