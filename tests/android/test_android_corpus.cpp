// Real apps from ../shared/corpus/android: every manifest decodes to exactly what
// `aapt dump xmltree` prints, and the manifest model agrees with `aapt dump permissions` and
// `aapt dump badging`. Skips when the corpus is absent.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <sstream>

#include "aapt_xmltree.hpp"
#include "scanner/android/arsc.hpp"
#include "scanner/android/axml.hpp"
#include "scanner/android/manifest.hpp"
#include "support/test_paths.hpp"

using namespace sdkscope;
using namespace sdkscope::android;

namespace {

std::string quote(const std::filesystem::path& p) { return "'" + p.string() + "'"; }

std::vector<std::uint8_t> entry(const std::filesystem::path& apk, const std::string& name, bool& found) {
  int rc = 0;
  auto out = test::run("unzip -p " + quote(apk) + " '" + name + "' 2>/dev/null", &rc);
  found = rc == 0;
  return {out.begin(), out.end()};
}

// Values of `field='...'` on lines starting with `prefix`.
std::set<std::string> aapt_field(const std::string& dump, const std::string& prefix, const std::string& field) {
  std::set<std::string> out;
  std::istringstream in(dump);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(prefix, 0) != 0) continue;
    auto at = line.find(field + "='");
    if (at == std::string::npos) continue;
    at += field.size() + 2;
    out.insert(line.substr(at, line.find('\'', at) - at));
  }
  return out;
}

std::string join(const std::set<std::string>& s) {
  std::string out;
  for (const auto& x : s) out += (out.empty() ? "" : ", ") + x;
  return out;
}

}  // namespace

TEST_CASE("android corpus: manifests against aapt") {
  const auto corpus = test::corpus_dir();
  if (!corpus) {
    MESSAGE("corpus absent (../shared/corpus or SDKSCOPE_CORPUS): skipped");
    return;
  }
  std::vector<std::filesystem::path> apks;
  for (const auto& e : std::filesystem::directory_iterator(*corpus / "android"))
    if (e.path().extension() == ".apk") apks.push_back(e.path());
  std::sort(apks.begin(), apks.end());
  REQUIRE_FALSE(apks.empty());
  for (const auto& apk : apks) {
    const std::string name = apk.filename().string();
    CAPTURE(name);
    bool found = false;
    const auto bytes = entry(apk, "AndroidManifest.xml", found);
    REQUIRE(found);
    Diagnostics diags;
    const auto xml = parse_axml(bytes, diags, name + "!/AndroidManifest.xml");
    REQUIRE(xml.root);
    CHECK(xml.ok);

    // 1. The whole tree, attribute by attribute, against aapt's decoder.
    int rc = 0;
    const auto dump = test::run("aapt dump xmltree " + quote(apk) + " AndroidManifest.xml 2>/dev/null", &rc);
    REQUIRE(rc == 0);
    const auto diffs = test::compare_with_aapt(test::parse_aapt_xmltree(dump), xml);
    for (std::size_t i = 0; i < std::min<std::size_t>(diffs.size(), 5); ++i) MESSAGE(diffs[i]);
    CHECK(diffs.empty());

    // 2. The manifest model, with the app's resources.
    const auto arsc = entry(apk, "resources.arsc", found);
    ResourceTable table;
    if (found) {
      auto r = parse_arsc(arsc, diags, name + "!/resources.arsc");
      CHECK(r.ok);
      table = std::move(r.table);
    }
    const Manifest m = build_manifest(*xml.root, found ? &table : nullptr, diags, name);
    for (const auto& d : diags.items())
      if (d.severity != Severity::info) MESSAGE(d.code << ": " << d.message);

    const auto perms = test::run("aapt dump permissions " + quote(apk) + " 2>/dev/null", &rc);
    REQUIRE(rc == 0);
    std::set<std::string> ours, ours23;
    for (const auto& p : m.uses_permissions) (p.element == "uses-permission" ? ours : ours23).insert(p.name);
    const auto theirs = aapt_field(perms, "uses-permission:", "name");
    const auto theirs23 = aapt_field(perms, "uses-permission-sdk-23:", "name");
    CHECK(ours == theirs);
    CHECK(ours23 == theirs23);

    const auto badging = test::run("aapt dump badging " + quote(apk) + " 2>/dev/null", &rc);
    const auto package = aapt_field(badging, "package:", "name");
    const auto version = aapt_field(badging, "package:", "versionCode");
    if (!package.empty()) CHECK(package == std::set<std::string>{m.package});
    if (!version.empty() && m.version_code) CHECK(version == std::set<std::string>{std::to_string(*m.version_code)});
    const auto label = aapt_field(badging, "application:", "label");
    const bool label_matches = label.empty() || label == std::set<std::string>{m.label};
    MESSAGE(name << ": " << test::count_elements(*xml.root) << " elements, " << std::string(diffs.empty() ? "tree = aapt" : "TREE DIFFERS")
                 << "; uses-permission " << ours.size() << (ours == theirs ? " = aapt" : " != aapt (" + join(theirs) + ")")
                 << ", sdk-23 " << ours23.size() << "; package " << m.package << " versionCode "
                 << (m.version_code ? std::to_string(*m.version_code) : "-") << " (badging rc " << rc << ")"
                 << "; label '" << m.label << "'" << (label_matches ? "" : " != aapt '" + join(label) + "'"));
    CHECK(label_matches);
  }
}
