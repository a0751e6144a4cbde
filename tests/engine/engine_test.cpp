// The pipeline end to end, in-process: every Android container kind, nested parts, limits that
// turn into diagnostics, and reproducible results. Inputs are built in the test from fixtures.
#include <doctest/doctest.h>

#include <set>

#include "reports/json_report.hpp"
#include "scanner/engine/scanner.hpp"
#include "support/shipped_db.hpp"
#include "support/test_paths.hpp"
#include "support/zip_builder.hpp"

using namespace sdkscope;
using namespace sdkscope::test;

namespace {

const SignatureDb& db() { return test::shipped_db(); }

ScanResult scan_ok(const std::filesystem::path& p, ScanOptions opts = ScanOptions::standard()) {
  Scanner scanner(db(), opts);
  auto out = scanner.scan(p.string());
  INFO(p << ": " << out.error);
  REQUIRE(out.result);
  return *out.result;
}

std::set<std::string> sdk_ids(const ScanResult& r) {
  std::set<std::string> ids;
  for (const auto& s : r.sdks) ids.insert(s.id);
  return ids;
}

bool has_diag(const ScanResult& r, const std::string& code) {
  for (const auto& d : r.diagnostics)
    if (d.code == code) return true;
  return false;
}

std::vector<std::uint8_t> demo() { return read_file(testdata("apps/demo.apk")); }

}  // namespace

TEST_CASE("APK: identity, SDKs with evidence, permissions, endpoints attributed to code") {
  auto r = scan_ok(testdata("apps/demo.apk"));
  CHECK(r.input.format == "apk");
  CHECK(r.app.platform == "android");
  CHECK(r.app.id == "com.sdkscope.demo");
  CHECK(r.app.name == "sdkscope demo");
  CHECK(r.app.version_name == "1.2.0");
  CHECK(r.app.version_code == 3);
  CHECK(r.app.min_sdk == 21);
  CHECK(r.app.target_sdk == 34);
  auto ids = sdk_ids(r);
  CHECK(ids.count("tencent.bugly") == 1);
  CHECK(ids.count("google.admob") == 0);         // the advertising-ID client alone is not AdMob
  CHECK(ids.count("firebase.core") == 0);        // a FirebaseException stub is not Firebase
  for (const auto& s : r.sdks) {
    if (s.id != "tencent.bugly") continue;
    CHECK(s.vendor.country == "CN");
    CHECK(s.evidence.class_count >= 4);
    CHECK(s.evidence.manifest_meta_data == std::vector<std::string>{"BUGLY_APPID"});
  }
  std::set<std::string> perms;
  for (const auto& p : r.permissions) perms.insert(p.name);
  CHECK(perms.count("android.permission.CAMERA") == 1);
  CHECK(perms.count("android.permission.RECORD_AUDIO") == 0);  // only the nested plugin asks for it
  for (const auto& p : r.permissions) {
    if (p.name == "android.permission.CAMERA") CHECK(p.protection == "dangerous");
    if (p.name == "com.sdkscope.demo.permission.PUSH") CHECK(p.protection == "custom");
    if (p.name == "android.permission.READ_EXTERNAL_STORAGE") CHECK(p.max_sdk == 32);
  }
  bool bugly_endpoint = false, own_endpoint = false, native_endpoint = false;
  for (const auto& e : r.endpoints) {
    if (e.host == "android.bugly.qq.com") {
      bugly_endpoint = true;
      CHECK(e.sdk == "tencent.bugly");
      REQUIRE_FALSE(e.sources.empty());
      CHECK(e.sources[0].holder == "com.tencent.bugly.crashreport.CrashReport");
      CHECK(e.owner_name == "Tencent");  // from the domain table
      CHECK(e.owner_country == "CN");
    }
    if (e.url == "https://api.sdkscope-demo.net/v2/login") {
      own_endpoint = true;
      CHECK(e.sources[0].holder == "com.sdkscope.demo.MainActivity");
      CHECK(e.first_party);
      CHECK_FALSE(e.cleartext);
    }
    if (e.host == "telemetry.sdkscope-demo.net") {
      native_endpoint = true;
      CHECK(e.sources[0].location == "lib/arm64-v8a/libdemo.so");
    }
    CHECK(e.host != "schemas.android.com");
  }
  CHECK(bugly_endpoint);
  CHECK(own_endpoint);
  CHECK(native_endpoint);
  // Resource strings, the network security config's domains and text assets are sources too.
  auto source_of = [&](const std::string& host) -> const EndpointSource* {
    for (const auto& e : r.endpoints)
      if (e.host == host && !e.sources.empty()) return &e.sources[0];
    return nullptr;
  };
  const EndpointSource* res = nullptr;
  for (const auto& e : r.endpoints)
    if (e.url == "https://api.sdkscope-demo.net/v2") res = &e.sources[0];
  REQUIRE(res);
  CHECK(res->location == "resources.arsc");
  CHECK(res->holder == "string/api_base");
  auto nsc = source_of("media.sdkscope-cdn.org");
  REQUIRE(nsc);
  CHECK(nsc->location == "res/xml/network_security_config.xml");
  auto asset = source_of("config.sdkscope-demo.net");
  REQUIRE(asset);
  CHECK(asset->location == "assets/config.json");
  CHECK_FALSE(source_of("www.apache.org"));  // licence link filtered
  // Cleartext: the config allows it for legacy.* only; usesCleartextTraffic is ignored beside a
  // config, and targetSdk 34 turns the default off.
  CHECK(r.cleartext_policy.known);
  CHECK_FALSE(r.cleartext_policy.default_allowed);
  CHECK(r.cleartext_policy.source == "platform default (targetSdkVersion >= 28)");
  for (const auto& e : r.endpoints) {
    if (e.host == "legacy.sdkscope-demo.net") CHECK((e.cleartext && e.cleartext_allowed == true));
    if (e.host == "203.0.113.7") CHECK((e.cleartext && e.cleartext_allowed == false));
  }
  CHECK(r.stats.at("endpoints.filtered.documentation") >= 1);
  bool nested = false;
  for (const auto& p : r.app.parts) nested |= p.kind == "nested" && p.path == "assets/plugins/plugin.apk";
  CHECK(nested);
}

TEST_CASE("the same input gives byte-identical reports") {
  ScanOptions opts;
  opts.path_basename_only = true;
  CHECK(write_json_report(scan_ok(testdata("apps/demo.apk"), opts)) == write_json_report(scan_ok(testdata("apps/demo.apk"), opts)));
}

TEST_CASE("split sets (APKS, XAPK, APKM) are one app with every split scanned") {
  auto dir = temp_dir("engine_splits");
  auto split = make_zip({{"AndroidManifest.xml", read_file(testdata("android/apks/minimal.apk")).size() ? std::vector<std::uint8_t>{} : std::vector<std::uint8_t>{}}});
  (void)split;
  // The base is the demo app; a second split carries only a DEX with Bugly classes' neighbour.
  write_zip(dir / "app.apks", {{"splits/base-master.apk", demo(), true}, {"toc.pb", bytes_of("x")}});
  write_zip(dir / "app.xapk", {{"com.sdkscope.demo.apk", demo(), true}, {"manifest.json", bytes_of("{}")}});
  write_zip(dir / "app.apkm", {{"base.apk", demo(), true}, {"info.json", bytes_of("{}")}});
  for (const auto& [name, fmt] : std::vector<std::pair<std::string, std::string>>{{"app.apks", "apks"}, {"app.xapk", "xapk"}, {"app.apkm", "apkm"}}) {
    auto r = scan_ok(dir / name);
    CHECK(r.input.format == fmt);
    CHECK(r.app.id == "com.sdkscope.demo");
    CHECK(sdk_ids(r).count("tencent.bugly") == 1);
    bool split_part = false;
    for (const auto& p : r.app.parts) split_part |= p.kind == "split";
    CHECK(split_part);
  }
}

TEST_CASE("AAB: protobuf manifest, module dex/ and lib/ directories") {
  auto dir = temp_dir("engine_aab");
  write_zip(dir / "app.aab", {{"BundleConfig.pb", bytes_of("")},
                              {"base/manifest/AndroidManifest.xml", read_file(testdata("aab/manifest.pb"))},
                              {"base/resources.pb", read_file(testdata("aab/resources.pb"))},
                              {"base/dex/classes.dex", read_file(testdata("apps/demo/classes.dex"))},
                              {"base/lib/arm64-v8a/libdemo.so", read_file(testdata("native/arm64-v8a/libacmetrack.so"))}});
  auto r = scan_ok(dir / "app.aab");
  CHECK(r.input.format == "aab");
  CHECK(r.app.platform == "android");
  CHECK_FALSE(r.app.id.empty());
  CHECK_FALSE(r.permissions.empty());
  CHECK(sdk_ids(r).count("tencent.bugly") == 1);
  CHECK(r.stats.at("dex.files") == 1);
  CHECK(r.stats.at("native.libraries") == 1);
}

TEST_CASE("SDK artifacts: bare DEX, bare .so, JAR, AAR") {
  auto dex = scan_ok(testdata("apps/demo/classes.dex"));
  CHECK(dex.input.format == "dex");
  CHECK(sdk_ids(dex).count("tencent.bugly") == 1);
  CHECK(dex.app.platform.empty());
  auto so = scan_ok(testdata("native/x86_64/libdemo.so"));
  CHECK(so.input.format == "so");
  CHECK_FALSE(so.endpoints.empty());
  auto jar = scan_ok(testdata("java/demo-sdk.jar"));
  CHECK(jar.input.format == "jar");
  CHECK(jar.stats.at("java.classes") > 0);
  auto aar = scan_ok(testdata("java/demo-sdk.aar"));
  CHECK(aar.input.format == "aar");
  CHECK(aar.stats.at("java.classes") > 0);
}

TEST_CASE("a broken part is a diagnostic and the rest is still reported") {
  auto dir = temp_dir("engine_broken");
  auto dexb = read_file(testdata("apps/demo/classes.dex"));
  std::vector<std::uint8_t> cut(dexb.begin(), dexb.begin() + 200);
  std::vector<std::uint8_t> junk_manifest(300, 0x41);
  write_zip(dir / "broken.apk", {{"AndroidManifest.xml", junk_manifest}, {"classes.dex", dexb}, {"classes2.dex", cut},
                                 {"lib/arm64-v8a/libx.so", bytes_of("not an elf")}});
  auto r = scan_ok(dir / "broken.apk");
  CHECK(sdk_ids(r).count("tencent.bugly") == 1);
  bool dex_diag = false, manifest_diag = false, elf_diag = false;
  for (const auto& d : r.diagnostics) {
    dex_diag |= d.where == "classes2.dex";
    manifest_diag |= d.where == "AndroidManifest.xml";
    elf_diag |= d.where == "lib/arm64-v8a/libx.so";
  }
  CHECK(dex_diag);
  CHECK(manifest_diag);
  CHECK(elf_diag);
}

TEST_CASE("limits become named diagnostics, not failures") {
  auto dir = temp_dir("engine_limits");
  write_zip(dir / "bomb.apk", {{"AndroidManifest.xml", read_file(testdata("android/apks/minimal.apk")).size() > 0
                                                            ? std::vector<std::uint8_t>(100, 0) : std::vector<std::uint8_t>{}},
                               {"classes.dex", std::vector<std::uint8_t>(8 << 20, 0)}});
  ScanOptions opts;
  opts.limits.max_compression_ratio = 50;
  auto r = scan_ok(dir / "bomb.apk", opts);
  CHECK(has_diag(r, "limit.max_compression_ratio"));

  ScanOptions shallow;
  shallow.limits.max_nesting_depth = 0;
  auto nested = scan_ok(testdata("apps/demo.apk"), shallow);
  CHECK(has_diag(nested, "limit.max_nesting_depth"));
  CHECK(nested.app.id == "com.sdkscope.demo");
}
