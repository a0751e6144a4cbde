// iOS end to end, in-process: an IPA, a zipped .app and an .app directory assembled in the test
// from the generated Mach-O and plist fixtures, plus standalone framework and static-library
// artifacts.
#include <doctest/doctest.h>

#include <set>

#include "reports/json_report.hpp"
#include "scanner/engine/scanner.hpp"
#include "support/json_schema.hpp"
#include "support/shipped_db.hpp"
#include "support/test_paths.hpp"
#include "support/zip_builder.hpp"

using namespace sdkscope;
using namespace sdkscope::test;

namespace {

const SignatureDb& db() { return test::shipped_db(); }

ScanResult scan_ok(const std::filesystem::path& p) {
  Scanner scanner(db(), ScanOptions::standard());
  auto out = scanner.scan(p.string());
  INFO(p << ": " << out.error);
  REQUIRE(out.result);
  return *out.result;
}

// The demo app's files under `root` ("Payload/PlistDemo.app/" ...).
std::vector<ZipEntrySpec> app_entries(const std::string& root) {
  return {
      {root + "Info.plist", read_file(testdata("plist/app_info.bplist"))},
      {root + "PlistDemo", read_file(testdata("macho/app/DemoApp-universal"))},
      {root + "embedded.mobileprovision", read_file(testdata("plist/profile.mobileprovision"))},
      {root + "PrivacyInfo.xcprivacy", read_file(testdata("plist/privacy_complete.bplist"))},
      {root + "Frameworks/PlistKit.framework/Info.plist", read_file(testdata("plist/framework_info.bplist"))},
      {root + "Frameworks/PlistKit.framework/PlistKit", read_file(testdata("macho/kit/DemoKit"))},
      {root + "Frameworks/Alamofire.framework/Alamofire", read_file(testdata("macho/kit/DemoKit"))},
      {root + "PlugIns/Keyboard.appex/Info.plist", read_file(testdata("plist/keyboard_extension_info.bplist"))},
      {root + "PlugIns/Keyboard.appex/PlistDemoKeyboard", read_file(testdata("macho/app/DemoApp-arm64"))},
  };
}

void check_app(const ScanResult& r) {
  CHECK(r.app.platform == "ios");
  CHECK(r.app.id == "com.example.PlistDemo");
  CHECK(r.ios.present);
  std::set<std::string> perms;
  for (const auto& p : r.permissions) {
    perms.insert(p.name);
    CHECK(p.platform == "ios");
    if (p.name == "NSCameraUsageDescription") {
      CHECK(p.description == "用于扫描二维码和拍摄头像");
      CHECK(std::find(p.data.begin(), p.data.end(), "camera") != p.data.end());
    }
  }
  CHECK(perms.count("NSCameraUsageDescription") == 1);
  CHECK(perms.count("NSUserTrackingUsageDescription") == 1);
  CHECK(r.ios.ats.present);
  CHECK(r.ios.ats.allows_arbitrary_loads == false);
  CHECK_FALSE(r.ios.ats.exception_domains.empty());
  CHECK_FALSE(r.ios.skadnetwork_ids.empty());
  // ATS decides the cleartext policy; its exception domains go through endpoint extraction
  // (here all example.* names, so they are counted as filtered).
  CHECK(r.cleartext_policy.known);
  CHECK_FALSE(r.cleartext_policy.default_allowed);
  CHECK_FALSE(r.cleartext_policy.rules.empty());
  CHECK(r.stats.at("endpoints.filtered.example_domain") >= 1);
  REQUIRE(r.ios.provisioning);
  CHECK_FALSE(r.ios.provisioning->team_id.empty());
  CHECK_FALSE(r.ios.privacy_manifests.empty());
  std::set<std::string> kinds;
  for (const auto& b : r.ios.bundles) kinds.insert(b.kind);
  CHECK(kinds.count("app") == 1);
  CHECK(kinds.count("framework") == 1);
  CHECK(kinds.count("extension") == 1);
  bool keyboard = false;
  for (const auto& b : r.ios.bundles) keyboard |= b.extension_point == "com.apple.keyboard-service";
  CHECK(keyboard);
  // Alamofire is on Apple's privacy-impacting list and ships no manifest here.
  const auto& missing = r.ios.privacy_audit.sdks_without_manifest;
  CHECK(std::find(missing.begin(), missing.end(), "Alamofire") != missing.end());
  CHECK(r.stats.at("macho.binaries") >= 3);
  CHECK(r.stats.at("macho.objc_classes") > 0);
  auto errs = schema_errors(source_dir() / "reports/schema/report-v1.schema.json", nlohmann::json::parse(write_json_report(r)));
  INFO((errs.empty() ? "" : errs.front()));
  CHECK(errs.empty());
}

}  // namespace

TEST_CASE("IPA: identity, usage-key permissions, ATS, SKAdNetwork, provisioning, bundles, privacy audit") {
  auto dir = temp_dir("ios_ipa");
  write_zip(dir / "demo.ipa", app_entries("Payload/PlistDemo.app/"));
  auto r = scan_ok(dir / "demo.ipa");
  CHECK(r.input.format == "ipa");
  check_app(r);
}

TEST_CASE("zipped .app and .app directory give the same app") {
  auto dir = temp_dir("ios_app");
  write_zip(dir / "demo.app.zip", app_entries("PlistDemo.app/"));
  auto zipped = scan_ok(dir / "demo.app.zip");
  CHECK(zipped.input.format == "app");
  check_app(zipped);

  auto app_dir = dir / "PlistDemo.app";
  for (const auto& e : app_entries("")) {
    std::filesystem::create_directories((app_dir / e.name).parent_path());
    write_bytes(app_dir / e.name, e.data);
  }
  // A symlink pointing outside the bundle is listed, never followed.
  std::filesystem::create_symlink("/etc/passwd", app_dir / "escape");
  auto on_disk = scan_ok(app_dir);
  CHECK(on_disk.input.format == "app");
  check_app(on_disk);
  CHECK(on_disk.input.sha256.size() == 64);
}

TEST_CASE("standalone iOS artifacts: framework directory, fat static library, bare Mach-O") {
  auto dir = temp_dir("ios_artifacts");
  auto fw = dir / "PlistKit.framework";
  std::filesystem::create_directories(fw);
  write_bytes(fw / "Info.plist", read_file(testdata("plist/framework_info.bplist")));
  write_bytes(fw / "PlistKit", read_file(testdata("macho/kit/DemoKit")));
  auto f = scan_ok(fw);
  CHECK(f.input.format == "framework");
  CHECK(f.stats.at("macho.binaries") == 1);
  auto a = scan_ok(testdata("macho/lib/libDemoTrack.a"));
  CHECK(a.input.format == "a");
  CHECK(a.stats.at("macho.objc_classes") > 0);
  auto m = scan_ok(testdata("macho/app/DemoApp-arm64"));
  CHECK(m.input.format == "macho");
  CHECK_FALSE(m.endpoints.empty());
}
