// The real-app corpus (../shared/corpus): every Android bundle reports its expected SDKs and none
// of its traps, and its permissions equal `aapt dump permissions`. Skips when the corpus is absent.
#include <doctest/doctest.h>

#include <fstream>
#include <set>

#include <nlohmann/json.hpp>

#include "scanner/engine/scanner.hpp"
#include "support/shipped_db.hpp"
#include "support/test_paths.hpp"

using namespace sdkscope;

namespace {

const SignatureDb& db() { return test::shipped_db(); }

nlohmann::json expectations() {
  std::ifstream in(test::source_dir() / "signatures/corpus_expectations.json");
  return nlohmann::json::parse(in);
}

std::set<std::string> aapt_permissions(const std::filesystem::path& apk) {
  int rc = 0;
  auto out = test::run("aapt dump permissions '" + apk.string() + "' 2>/dev/null", &rc);
  std::set<std::string> names;
  std::size_t pos = 0;
  const std::string key = "uses-permission: name='";
  while ((pos = out.find(key, pos)) != std::string::npos) {
    pos += key.size();
    auto end = out.find('\'', pos);
    names.insert(out.substr(pos, end - pos));
  }
  return names;
}

}  // namespace

TEST_CASE("android corpus: expected SDKs found, traps silent, permissions equal aapt's") {
  auto corpus = test::corpus_dir();
  if (!corpus) {
    MESSAGE("../shared/corpus not present: skipped");
    return;
  }
  Scanner scanner(db(), ScanOptions::standard());
  auto exp = expectations();
  bool have_aapt = test::run("command -v aapt").find("aapt") != std::string::npos;
  std::size_t bundles = 0;
  for (auto it = exp.begin(); it != exp.end(); ++it) {
    const std::string rel = it.key();
    if (rel.rfind("android/", 0) != 0) continue;
    auto path = *corpus / rel;
    if (!std::filesystem::exists(path)) continue;
    ++bundles;
    auto outcome = scanner.scan(path.string());
    INFO(rel << ": " << outcome.error);
    REQUIRE(outcome.result);
    const auto& r = *outcome.result;
    std::set<std::string> found;
    for (const auto& s : r.sdks) found.insert(s.id);
    for (const auto& f : r.app.frameworks) found.insert(f);
    for (const auto& id : it.value().value("expect", std::vector<std::string>{})) {
      INFO(rel << " must report " << id);
      CHECK(found.count(id) == 1);
    }
    for (const auto& id : it.value().value("expect_not", std::vector<std::string>{})) {
      INFO(rel << " must not report " << id);
      CHECK(found.count(id) == 0);
    }
    CHECK(r.app.platform == "android");
    CHECK_FALSE(r.app.id.empty());
    if (have_aapt && path.extension() == ".apk") {
      std::set<std::string> ours;
      for (const auto& p : r.permissions) ours.insert(p.name);
      CHECK(ours == aapt_permissions(path));
    }
  }
  MESSAGE(bundles << " android corpus bundles scanned");
  CHECK(bundles >= 17);
}
