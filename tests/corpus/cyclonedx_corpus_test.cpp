// CycloneDX of every corpus bundle (../shared/corpus, listed in its labels.json) validates
// against the official CycloneDX 1.5 schema, names every detected SDK as a component, and keeps
// a consistent dependency graph; the HTML report of each holds no script element. Skips when
// the corpus or the schemas (scripts/fetch-schemas.sh) are absent.
#include <doctest/doctest.h>

#include <fstream>
#include <set>

#include <nlohmann/json.hpp>

#include "reports/cyclonedx_report.hpp"
#include "reports/html_report.hpp"
#include "scanner/engine/scanner.hpp"
#include "support/cyclonedx_schema.hpp"
#include "support/shipped_db.hpp"
#include "support/test_paths.hpp"

using namespace sdkscope;

TEST_CASE("corpus: every bundle's CycloneDX BOM validates against CycloneDX 1.5") {
  auto corpus = test::corpus_dir();
  if (!corpus) {
    MESSAGE("../shared/corpus not present: skipped");
    return;
  }
  auto schemas = test::cyclonedx_schema_dir();
  if (!schemas) {
    MESSAGE("CycloneDX schemas not in build/schemas (run scripts/fetch-schemas.sh): skipped");
    return;
  }
  std::ifstream in(*corpus / "labels.json");
  auto labels = nlohmann::json::parse(in);
  ScanOptions opts = ScanOptions::standard();
  opts.path_basename_only = true;
  Scanner scanner(test::shipped_db(), opts);
  std::size_t bundles = 0, components = 0, services = 0;
  for (const auto& [rel, label] : labels["bundles"].items()) {
    auto path = *corpus / rel;
    if (!std::filesystem::exists(path)) continue;
    ++bundles;
    auto out = scanner.scan(path.string());
    INFO(rel << ": " << out.error);
    REQUIRE(out.result);
    const auto& r = *out.result;
    auto text = write_cyclonedx_report(r);
    auto bom = nlohmann::json::parse(text);
    auto errs = test::cyclonedx_errors(bom, *schemas);
    INFO(rel << ": " << (errs.empty() ? "" : errs.front()) << " (" << errs.size() << " errors)");
    CHECK(errs.empty());
    // One component per SDK, every graph reference resolvable, the input hash carried.
    REQUIRE(bom["components"].size() == r.sdks.size());
    std::set<std::string> refs{bom["metadata"]["component"]["bom-ref"].get<std::string>()};
    for (const auto& c : bom["components"]) refs.insert(c["bom-ref"].get<std::string>());
    for (const auto& s : bom.value("services", nlohmann::json::array())) refs.insert(s["bom-ref"].get<std::string>());
    CHECK(refs.size() == 1 + bom["components"].size() + bom.value("services", nlohmann::json::array()).size());
    for (const auto& s : r.sdks) CHECK(refs.count("sdk:" + s.id) == 1);
    for (const auto& d : bom["dependencies"]) {
      CHECK(refs.count(d["ref"].get<std::string>()) == 1);
      for (const auto& on : d["dependsOn"]) CHECK(refs.count(on.get<std::string>()) == 1);
    }
    CHECK(bom["metadata"]["component"]["hashes"][0]["content"] == r.input.sha256);
    CHECK(write_cyclonedx_report(r) == text);  // reproducible
    components += r.sdks.size();
    services += r.data_flows.size();
    // The HTML of real apps: no script element whatever the app's strings hold.
    auto html = write_html_report(r);
    std::string lower = html;
    for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    CHECK(lower.find("<script") == std::string::npos);
  }
  MESSAGE(bundles << " corpus bundles: " << components << " SDK components, " << services << " services, all valid CycloneDX 1.5");
  CHECK(bundles >= 20);
}
