// SARIF of every corpus bundle (../shared/corpus) validates with the SARIF Multitool, and the
// findings per check across the corpus are printed (the closing note quotes them). Skips when
// the corpus or the validator is absent.
#include <doctest/doctest.h>

#include <fstream>
#include <map>

#include <nlohmann/json.hpp>

#include "reports/sarif_report.hpp"
#include "scanner/engine/scanner.hpp"
#include "support/sarif_validator.hpp"
#include "support/shipped_db.hpp"

using namespace sdkscope;

TEST_CASE("corpus: every bundle's SARIF validates; findings per check") {
  auto corpus = test::corpus_dir();
  if (!corpus) {
    MESSAGE("../shared/corpus not present: skipped");
    return;
  }
  std::ifstream in(*corpus / "labels.json");
  auto labels = nlohmann::json::parse(in);
  ScanOptions opts = ScanOptions::standard();
  opts.path_basename_only = true;
  Scanner scanner(test::shipped_db(), opts);
  auto dir = std::filesystem::temp_directory_path() / ("sdkscope-sarif-corpus-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::vector<std::filesystem::path> files;
  std::map<std::string, std::size_t> per_check, bundles_per_check;
  std::size_t n = 0;
  for (const auto& [rel, label] : labels["bundles"].items()) {
    auto path = *corpus / rel;
    if (!std::filesystem::exists(path)) continue;
    auto out = scanner.scan(path.string());
    INFO(rel << ": " << out.error);
    REQUIRE(out.result);
    out.result->scanner.version = "0.0.0-test";
    auto text = write_sarif_report(*out.result);
    auto doc = nlohmann::json::parse(text);
    CHECK(doc["runs"][0]["results"].size() == out.result->findings.size());
    for (const auto& f : out.result->findings) {
      per_check[f.check] += f.evidence_total;
      ++bundles_per_check[f.check];
    }
    auto file = dir / (std::to_string(n++) + ".sarif");
    std::ofstream(file) << text;
    files.push_back(file);
  }
  std::string table = "check: bundles (evidence items)\n";
  for (const auto& [id, count] : bundles_per_check) table += "  " + id + ": " + std::to_string(count) + " (" + std::to_string(per_check[id]) + ")\n";
  MESSAGE(table);
  auto tool = test::sarif_multitool();
  if (!tool) {
    MESSAGE("Sarif.Multitool not fetched (scripts/fetch-sarif-validator.sh): validation skipped");
  } else {
    auto v = test::validate_sarif(*tool, files);
    for (const auto& e : v.errors) MESSAGE(e);
    CHECK(v.ran);
    CHECK(v.errors.empty());
    MESSAGE(files.size() << " SARIF files validated, " << v.warnings << " warnings (region absent), 0 errors expected");
  }
  std::filesystem::remove_all(dir);
}
