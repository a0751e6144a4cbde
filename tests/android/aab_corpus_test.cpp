// A real App Bundle from the shared corpus: the base module's protobuf manifest and resources.pb,
// extracted with unzip and decoded. Values were cross-checked with `protoc --decode` by hand.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "scanner/android/proto_xml.hpp"
#include "scanner/android/resources_pb.hpp"
#include "support/test_paths.hpp"

namespace sdkscope::android {
namespace {

const XmlAttribute* android_attr_of(const XmlElement& e, std::string_view name) {
  for (const auto& a : e.attrs)
    if (a.ns == kAndroidNs && a.name == name) return &a;
  return nullptr;
}

std::vector<std::uint8_t> unzip_entry(const std::filesystem::path& archive, const std::string& entry) {
  int rc = -1;
  std::string out = test::run("unzip -p '" + archive.string() + "' '" + entry + "'", &rc);
  REQUIRE_MESSAGE(rc == 0, "unzip -p " << archive << " " << entry << " failed");
  return {out.begin(), out.end()};
}

}  // namespace

TEST_CASE("aab: corpus qr-barcode-scanner.aab base module decodes") {
  auto corpus = test::corpus_dir();
  if (!corpus) {
    MESSAGE("skipped: no corpus (../shared/corpus or SDKSCOPE_CORPUS)");
    return;
  }
  const auto aab = *corpus / "android" / "qr-barcode-scanner.aab";
  if (!std::filesystem::exists(aab)) {
    MESSAGE("skipped: " << aab << " is not in the corpus");
    return;
  }
  auto manifest_bytes = unzip_entry(aab, "base/manifest/AndroidManifest.xml");
  auto table_bytes = unzip_entry(aab, "base/resources.pb");
  REQUIRE(manifest_bytes.size() == 4225);

  Diagnostics diags;
  auto xml = parse_proto_xml(manifest_bytes, diags, "base/manifest/AndroidManifest.xml");
  auto table = parse_resources_pb(table_bytes, diags, "base/resources.pb");
  CHECK(diags.empty());
  CHECK(xml.ok);
  CHECK(table.complete);
  REQUIRE(xml.root);
  const XmlElement& manifest = *xml.root;
  CHECK(manifest.name == "manifest");

  std::string package;
  for (const auto& a : manifest.attrs)
    if (a.ns.empty() && a.name == "package") package = a.str;
  CHECK(package == "com.prince.qrcodescannerandgenrator");
  CHECK(table.table.package == package);

  const auto* version_code = android_attr_of(manifest, "versionCode");
  REQUIRE(version_code);
  CHECK(version_code->type == XmlAttribute::Type::Int);
  CHECK(version_code->num == 1);
  CHECK(version_code->resource_id == 0x0101021bu);
  const auto* version_name = android_attr_of(manifest, "versionName");
  REQUIRE(version_name);
  CHECK(version_name->str == "1.0");

  std::vector<std::string> permissions;
  const XmlElement* application = nullptr;
  const XmlElement* uses_sdk = nullptr;
  for (const auto& c : manifest.children) {
    if (c.name == "uses-permission") {
      const auto* n = android_attr_of(c, "name");
      REQUIRE(n);
      permissions.push_back(n->str);
    }
    if (c.name == "application") application = &c;
    if (c.name == "uses-sdk") uses_sdk = &c;
  }
  CHECK_FALSE(permissions.empty());
  CHECK(permissions == std::vector<std::string>{"android.permission.CAMERA", "android.permission.WRITE_EXTERNAL_STORAGE",
                                                "android.permission.INTERNET"});
  REQUIRE(uses_sdk);
  CHECK(android_attr_of(*uses_sdk, "minSdkVersion")->num == 21);
  CHECK(android_attr_of(*uses_sdk, "targetSdkVersion")->num == 30);

  REQUIRE(application);
  CHECK(application->line == 20);
  const auto* label = android_attr_of(*application, "label");
  REQUIRE(label);
  CHECK(label->type == XmlAttribute::Type::Reference);
  CHECK(label->ref == 0x7f0e001bu);
  CHECK(table.table.names.at(label->ref) == "string/app_name");
  CHECK(table.table.value(label->ref) == std::optional<std::string>("QR Barcode Scanner"));
  const auto* icon = android_attr_of(*application, "icon");
  REQUIRE(icon);
  CHECK(table.table.names.at(icon->ref) == "mipmap/qricon");

  std::vector<std::string> activities;
  for (const auto& c : application->children)
    if (c.name == "activity") activities.push_back(android_attr_of(c, "name")->str);
  CHECK(activities == std::vector<std::string>{"com.prince.QRandBarcodescanner.ScannedBarcodeActivity",
                                               "com.prince.QRandBarcodescanner.EmailActivity",
                                               "com.prince.QRandBarcodescanner.SplashActivity",
                                               "com.google.android.gms.common.api.GoogleApiActivity"});

  // Counts from an independent reading of `protoc --decode=aapt.pb.ResourceTable` output for the
  // same file (same rules: default configuration first, aliases followed, distinct strings).
  CHECK(table.table.names.size() == 3525);
  CHECK(table.table.values.size() == 585);
  CHECK(table.table.strings.size() == 6574);
  MESSAGE("corpus aab: " << table.table.names.size() << " entries, " << table.table.values.size() << " values, "
                         << table.table.strings.size() << " strings, " << xml.strings.size() << " manifest strings");
}

}  // namespace sdkscope::android
