// The iOS corpus (../shared/corpus/ios): expected SDKs found, traps silent, permissions equal the
// usage keys of the app's Info.plist (read independently with plistutil), ATS reported.
#include <doctest/doctest.h>

#include <fstream>
#include <set>

#include <nlohmann/json.hpp>

#include "scanner/engine/scanner.hpp"
#include "support/shipped_db.hpp"
#include "support/test_paths.hpp"
#include "support/zip_builder.hpp"

using namespace sdkscope;

namespace {

const SignatureDb& db() { return test::shipped_db(); }

// The main app's Info.plist as XML text, by unzip + plistutil (both independent of sdkscope).
std::string info_plist_xml(const std::filesystem::path& bundle) {
  auto dir = test::temp_dir("ios_corpus_plist");
  std::string list = test::run("unzip -Z1 '" + bundle.string() + "'");
  std::string entry;
  std::size_t best = std::string::npos;
  std::size_t pos = 0;
  while (pos < list.size()) {
    auto nl = list.find('\n', pos);
    std::string line = list.substr(pos, nl - pos);
    pos = nl == std::string::npos ? list.size() : nl + 1;
    auto app = line.find(".app/Info.plist");
    // The shallowest .app/Info.plist is the main app's (extensions and frameworks sit deeper).
    if (app != std::string::npos && app + 15 == line.size()) {
      auto depth = static_cast<std::size_t>(std::count(line.begin(), line.end(), '/'));
      if (depth < best) {
        best = depth;
        entry = line;
      }
    }
  }
  if (entry.empty()) return {};
  test::run("unzip -p '" + bundle.string() + "' '" + entry + "' > '" + (dir / "Info.plist").string() + "'");
  return test::run("plistutil -i '" + (dir / "Info.plist").string() + "' -f xml 2>/dev/null || plistutil -i '" +
                   (dir / "Info.plist").string() + "' 2>/dev/null");
}

std::set<std::string> usage_keys(const std::string& xml) {
  std::set<std::string> keys;
  std::size_t pos = 0;
  while ((pos = xml.find("<key>", pos)) != std::string::npos) {
    pos += 5;
    auto end = xml.find("</key>", pos);
    std::string k = xml.substr(pos, end - pos);
    if (k.size() > 16 && k.rfind("NS", 0) == 0 && k.substr(k.size() - 16) == "UsageDescription") keys.insert(k);
  }
  return keys;
}

}  // namespace

TEST_CASE("ios corpus: expected SDKs, traps silent, usage keys and ATS reported") {
  auto corpus = test::corpus_dir();
  if (!corpus) {
    MESSAGE("../shared/corpus not present: skipped");
    return;
  }
  bool have_plistutil = test::run("command -v plistutil").find("plistutil") != std::string::npos;
  std::ifstream in(test::source_dir() / "signatures/corpus_expectations.json");
  auto exp = nlohmann::json::parse(in);
  Scanner scanner(db(), ScanOptions::standard());
  std::size_t bundles = 0;
  for (const auto& [rel, e] : exp.items()) {
    if (rel.rfind("ios/", 0) != 0) continue;
    auto path = *corpus / rel;
    if (!std::filesystem::exists(path)) continue;
    ++bundles;
    auto out = scanner.scan(path.string());
    INFO(rel << ": " << out.error);
    REQUIRE(out.result);
    const auto& r = *out.result;
    CHECK(r.app.platform == "ios");
    CHECK_FALSE(r.app.id.empty());
    std::set<std::string> found;
    for (const auto& s : r.sdks) found.insert(s.id);
    for (const auto& f : r.app.frameworks) found.insert(f);
    for (const auto& id : e.value("expect", std::vector<std::string>{})) {
      INFO(rel << " must report " << id);
      CHECK(found.count(id) == 1);
    }
    for (const auto& id : e.value("expect_not", std::vector<std::string>{})) {
      INFO(rel << " must not report " << id);
      CHECK(found.count(id) == 0);
    }
    if (rel == "ios/zhangwo.ipa") {
      // No privacy manifest, yet the binary imports NSFileSystemFreeSize (disk space) and
      // NSUserDefaults: both are required-reason APIs, so the audit must name them.
      std::set<std::string> missing;
      for (const auto& m : r.ios.privacy_audit.undeclared_required_reason_apis) missing.insert(m.category);
      CHECK(missing.count("NSPrivacyAccessedAPICategoryDiskSpace") == 1);
      CHECK(missing.count("NSPrivacyAccessedAPICategoryUserDefaults") == 1);
      CHECK(r.ios.privacy_manifests.empty());
      CHECK(r.ios.ats.allows_arbitrary_loads == true);
      REQUIRE(r.ios.provisioning);
      CHECK(r.ios.provisioning->team_id == "B6Q3TAKLWC");
    }
    if (have_plistutil) {
      auto xml = info_plist_xml(path);
      REQUIRE_FALSE(xml.empty());
      std::set<std::string> ours;
      for (const auto& p : r.permissions)
        if (p.platform == "ios") ours.insert(p.name);
      CHECK(ours == usage_keys(xml));
      CHECK(r.ios.ats.present == (xml.find("<key>NSAppTransportSecurity</key>") != std::string::npos));
    }
  }
  MESSAGE(bundles << " ios corpus bundles scanned");
  CHECK(bundles >= 6);
}
