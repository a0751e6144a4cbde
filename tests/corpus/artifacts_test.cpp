// Vendor SDK binaries (../shared/corpus/sdk-binaries, stored; ../shared/corpus/sdk-artifacts,
// fetched by its script into $SDKSCOPE_ARTIFACTS or build/sdk-artifacts): scanning each names its
// SDK and that SDK's vendor. Skips what is absent.
#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>

#include <nlohmann/json.hpp>

#include "scanner/engine/scanner.hpp"
#include "support/shipped_db.hpp"
#include "support/test_paths.hpp"

using namespace sdkscope;

namespace {

const SignatureDb& db() { return test::shipped_db(); }

nlohmann::json expectations() {
  std::ifstream in(test::source_dir() / "tests/corpus/artifact_expectations.json");
  return nlohmann::json::parse(in);
}

std::size_t check_files(const std::filesystem::path& base, const nlohmann::json& table) {
  Scanner scanner(db(), ScanOptions::standard());
  std::size_t scanned = 0;
  for (const auto& [rel, exp] : table.items()) {
    auto path = base / rel;
    if (!std::filesystem::exists(path)) continue;
    ++scanned;
    auto out = scanner.scan(path.string());
    INFO(rel << ": " << out.error);
    REQUIRE(out.result);
    std::string want = exp["sdk"].get<std::string>();
    const SdkRecord* rec = db().find_sdk(want);
    REQUIRE(rec);
    bool found = false;
    for (const auto& s : out.result->sdks) {
      if (s.id != want) continue;
      found = true;
      CHECK(s.vendor.id == rec->vendor);
      CHECK_FALSE(s.vendor.country.empty());
    }
    INFO(rel << " must name " << want);
    CHECK(found);
  }
  return scanned;
}

}  // namespace

TEST_CASE("vendor SDK binaries stored in the corpus name their SDK and vendor") {
  auto corpus = test::corpus_dir();
  if (!corpus) {
    MESSAGE("../shared/corpus not present: skipped");
    return;
  }
  auto n = check_files(*corpus / "sdk-binaries", expectations()["binaries"]);
  MESSAGE(n << " sdk-binaries scanned");
  CHECK(n == expectations()["binaries"].size());
}

TEST_CASE("fetched vendor SDK artifacts name their SDK and vendor") {
  std::filesystem::path base = test::build_dir() / "sdk-artifacts";
  if (const char* env = std::getenv("SDKSCOPE_ARTIFACTS"); env && *env) base = env;
  if (!std::filesystem::is_directory(base)) {
    MESSAGE("SDK artifacts not fetched (scripts/fetch-artifacts.sh): skipped");
    return;
  }
  auto n = check_files(base, expectations()["artifacts"]);
  MESSAGE(n << " fetched artifacts scanned");
}
