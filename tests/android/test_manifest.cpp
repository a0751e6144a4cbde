// Manifest model: the fixture manifests field by field (with and without their resource table),
// cross-checked against `aapt dump badging/permissions`, plus hand-built trees for the rules
// (name expansion, effective exported, text-XML values, odd shapes).
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "scanner/android/arsc.hpp"
#include "scanner/android/axml.hpp"
#include "scanner/android/manifest.hpp"
#include "support/test_paths.hpp"

using namespace sdkscope;
using namespace sdkscope::android;

namespace {

std::vector<std::uint8_t> apk_entry(const std::string& apk, const std::string& entry) {
  int rc = 0;
  auto out = test::run("unzip -p '" + test::testdata("android/apks/" + apk).string() + "' '" + entry + "'", &rc);
  REQUIRE(rc == 0);
  return {out.begin(), out.end()};
}

std::string slurp(const std::string& rel) {
  std::ifstream in(test::testdata(rel), std::ios::binary);
  REQUIRE(in);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Loaded {
  XmlElement root;
  ResourceTable table;
};

Loaded load(const std::string& apk, bool with_resources = true) {
  Diagnostics diags;
  auto x = parse_axml(apk_entry(apk, "AndroidManifest.xml"), diags, apk);
  REQUIRE(x.root);
  Loaded out{*x.root, {}};
  if (with_resources) out.table = parse_arsc(apk_entry(apk, "resources.arsc"), diags, apk).table;
  REQUIRE(diags.empty());
  return out;
}

const Component* find(const Manifest& m, const std::string& name) {
  for (const auto& c : m.components)
    if (c.name == name) return &c;
  return nullptr;
}

const MetaData* meta(const Manifest& m, const std::string& name) {
  for (const auto& d : m.meta_data)
    if (d.name == name) return &d;
  return nullptr;
}

// Lines "KEY: name='VALUE'..." of an aapt dump, values of `field`.
std::set<std::string> aapt_field(const std::string& dump, const std::string& prefix, const std::string& field) {
  std::set<std::string> out;
  std::istringstream in(dump);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(prefix, 0) != 0) continue;
    auto at = line.find(field + "='");
    if (at == std::string::npos) continue;
    at += field.size() + 2;
    out.insert(line.substr(at, line.find('\'', at) - at));
  }
  return out;
}

XmlAttribute text_attr(const std::string& name, const std::string& value, bool android = true) {
  XmlAttribute a;
  a.ns = android ? std::string(kAndroidNs) : "";
  a.name = name;
  a.str = value;
  return a;
}

XmlElement el(const std::string& name, std::vector<XmlAttribute> attrs = {}, std::vector<XmlElement> children = {}) {
  XmlElement e;
  e.name = name;
  e.attrs = std::move(attrs);
  e.children = std::move(children);
  return e;
}

}  // namespace

TEST_CASE("manifest: the full fixture, every field") {
  const auto f = load("full.apk");
  Diagnostics diags;
  const Manifest m = build_manifest(f.root, &f.table, diags, "full");
  CHECK(diags.empty());
  CHECK(m.package == "com.example.full");
  CHECK(m.version_code == 4207);
  CHECK(m.version_name == "4.2.7-beta");
  CHECK(m.min_sdk == 21);
  CHECK(m.target_sdk == 33);
  CHECK(m.compile_sdk == 33);
  CHECK(m.label == "Full Demo");
  CHECK(m.split.empty());
  CHECK(m.debuggable == true);
  CHECK(m.allow_backup == false);
  CHECK(m.uses_cleartext_traffic == true);
  CHECK(m.test_only == true);
  CHECK(m.full_backup_content == "res/xml/backup_rules.xml");
  CHECK(m.network_security_config == "res/xml/network_security_config.xml");
  CHECK(m.application_name == "com.example.full.FullApp");

  REQUIRE(m.uses_permissions.size() == 5);
  CHECK(m.uses_permissions[0].name == "android.permission.INTERNET");
  CHECK(m.uses_permissions[0].element == "uses-permission");
  CHECK_FALSE(m.uses_permissions[0].max_sdk);
  CHECK(m.uses_permissions[2].name == "android.permission.READ_EXTERNAL_STORAGE");
  CHECK(m.uses_permissions[2].max_sdk == 28);
  CHECK(m.uses_permissions[3].name == "android.permission.CAMERA");
  CHECK(m.uses_permissions[3].element == "uses-permission-sdk-23");

  REQUIRE(m.permissions.size() == 2);
  CHECK(m.permissions[0].name == "com.example.full.permission.C2D_MESSAGE");
  CHECK(m.permissions[0].protection_level == "signature");
  CHECK(m.permissions[1].protection_level == "signature|privileged");

  CHECK(m.queries_packages == std::vector<std::string>{"com.whatsapp"});
  CHECK(m.queries_intent_actions == std::vector<std::string>{"android.intent.action.SEND"});
  CHECK(m.queries_providers == std::vector<std::string>{"com.facebook.katana.provider.PlatformProvider"});

  REQUIRE(m.components.size() == 8);
  const auto* main = find(m, "com.example.full.MainActivity");
  REQUIRE(main);
  CHECK(main->kind == Component::Kind::Activity);
  CHECK_FALSE(main->exported_attr);
  CHECK(main->exported);  // intent filters, no explicit value
  REQUIRE(main->intent_filters.size() == 2);
  CHECK(main->intent_filters[0].actions == std::vector<std::string>{"android.intent.action.MAIN"});
  CHECK(main->intent_filters[0].categories == std::vector<std::string>{"android.intent.category.LAUNCHER"});
  CHECK(main->intent_filters[1].categories ==
        std::vector<std::string>{"android.intent.category.DEFAULT", "android.intent.category.BROWSABLE"});
  CHECK(main->intent_filters[1].data_schemes == std::vector<std::string>{"https", "fullapp"});
  CHECK(main->intent_filters[1].data_hosts == std::vector<std::string>{"full.example.com"});

  const auto* settings = find(m, "com.example.full.SettingsActivity");
  REQUIRE(settings);
  CHECK(settings->exported_attr == false);
  CHECK_FALSE(settings->exported);
  const auto* help = find(m, "com.example.full.HelpActivity");  // "HelpActivity" has no dot
  REQUIRE(help);
  CHECK_FALSE(help->exported);  // no filters, no attribute
  const auto* alias = find(m, "com.example.full.Launcher");
  REQUIRE(alias);
  CHECK(alias->kind == Component::Kind::ActivityAlias);
  CHECK(alias->target_activity == "com.example.full.MainActivity");
  CHECK(alias->exported);
  const auto* sync = find(m, "com.example.full.sync.SyncService");
  REQUIRE(sync);
  CHECK(sync->kind == Component::Kind::Service);
  CHECK(sync->permission == "com.example.full.permission.READ_DATA");
  CHECK(sync->exported_attr == true);
  const auto* push = find(m, "com.vendor.push.PushService");
  REQUIRE(push);
  CHECK(push->exported);
  CHECK(push->intent_filters.at(0).actions == std::vector<std::string>{"com.vendor.push.RECEIVE"});
  const auto* boot = find(m, "com.example.full.BootReceiver");
  REQUIRE(boot);
  CHECK(boot->kind == Component::Kind::Receiver);
  CHECK_FALSE(boot->exported);  // explicit false beats the intent filter
  const auto* provider = find(m, "androidx.core.content.FileProvider");
  REQUIRE(provider);
  CHECK(provider->kind == Component::Kind::Provider);
  CHECK(provider->authorities == std::vector<std::string>{"com.example.full.fileprovider", "com.example.full.files"});
  CHECK_FALSE(provider->exported);

  REQUIRE(m.meta_data.size() == 9);
  CHECK(meta(m, "com.google.android.gms.version")->value == "12451000");
  CHECK(meta(m, "com.google.android.gms.version")->parent == "application");
  CHECK(meta(m, "com.example.API_KEY")->value == "k-3f9a \xc3\xa9t\xc3\xa9 \xf0\x9f\x98\x80");
  CHECK(meta(m, "com.example.ENABLED")->value == "true");
  CHECK(meta(m, "com.example.RATIO")->value == "1.5");
  CHECK(meta(m, "com.example.MASK")->value == "31");
  CHECK(meta(m, "com.example.CONFIG")->resource == "res/xml/network_security_config.xml");
  CHECK(meta(m, "com.example.CONFIG")->value.empty());
  CHECK(meta(m, "com.example.CHANNEL")->value == "beta-channel");
  CHECK(meta(m, "com.example.SYNC_INTERVAL")->parent == "com.example.full.sync.SyncService");
  CHECK(meta(m, "android.support.FILE_PROVIDER_PATHS")->resource == "res/xml/file_paths.xml");
  CHECK(meta(m, "android.support.FILE_PROVIDER_PATHS")->parent == "androidx.core.content.FileProvider");
}

TEST_CASE("manifest: references stay as @0x7f... text without a resource table") {
  const auto f = load("full.apk", false);
  Diagnostics diags;
  const Manifest m = build_manifest(f.root, nullptr, diags, "full");
  CHECK(m.label == "@0x7f040000");
  CHECK(m.network_security_config == "@0x7f030002");
  CHECK(m.full_backup_content == "@0x7f030000");
  CHECK(meta(m, "com.example.CHANNEL")->value == "@0x7f040002");
  CHECK(meta(m, "com.example.CONFIG")->resource == "@0x7f030002");
  ResourceTable empty;
  CHECK(build_manifest(f.root, &empty, diags, "full").label == "@0x7f040000");
}

TEST_CASE("manifest: minimal and custom-permission fixtures") {
  {
    const auto f = load("minimal.apk", false);
    Diagnostics diags;
    const Manifest m = build_manifest(f.root, nullptr, diags, "minimal");
    CHECK(diags.empty());
    CHECK(m.package == "org.example.min");
    CHECK_FALSE(m.version_code);
    CHECK(m.version_name.empty());
    CHECK_FALSE(m.min_sdk);
    CHECK_FALSE(m.debuggable);
    CHECK_FALSE(m.allow_backup);
    CHECK(m.label.empty());
    CHECK(m.uses_permissions.empty());
    REQUIRE(m.components.size() == 1);
    CHECK(m.components[0].name == "org.example.min.Main");
    CHECK_FALSE(m.components[0].exported);
  }
  {
    const auto f = load("custom_permission.apk");
    Diagnostics diags;
    const Manifest m = build_manifest(f.root, &f.table, diags, "cp");
    CHECK(m.version_name == "1.0-vendor");  // android:versionName="@string/version"
    CHECK(m.label == "Vendor SDK demo");
    CHECK(m.allow_backup == true);
    REQUIRE(m.permissions.size() == 3);
    CHECK(m.permissions[0].protection_level == "dangerous");
    CHECK(m.permissions[1].protection_level == "signatureOrSystem|development");
    CHECK(m.permissions[2].protection_level == "normal");  // not written: the platform default
    REQUIRE(m.components.size() == 1);
    CHECK(m.components[0].kind == Component::Kind::Receiver);
    CHECK(m.components[0].permission == "net.vendor.sdkdemo.permission.PUSH");
    CHECK(m.components[0].exported);
  }
}

TEST_CASE("manifest: agrees with aapt dump badging and permissions on every fixture") {
  for (const std::string app : {"full", "minimal", "custom_permission"}) {
    CAPTURE(app);
    const auto f = load(app + ".apk", app != "minimal");
    Diagnostics diags;
    const Manifest m = build_manifest(f.root, &f.table, diags, app);
    const auto badging = slurp("android/expected/" + app + ".badging");
    const auto perms = slurp("android/expected/" + app + ".permissions");
    std::set<std::string> ours, ours23, declared;
    for (const auto& p : m.uses_permissions) (p.element == "uses-permission" ? ours : ours23).insert(p.name);
    for (const auto& p : m.permissions) declared.insert(p.name);
    CHECK(ours == aapt_field(perms, "uses-permission:", "name"));
    CHECK(ours23 == aapt_field(perms, "uses-permission-sdk-23:", "name"));
    std::set<std::string> aapt_declared;
    std::istringstream in(perms);
    for (std::string line; std::getline(in, line);)
      if (line.rfind("permission: ", 0) == 0) aapt_declared.insert(line.substr(12));
    CHECK(declared == aapt_declared);
    CHECK(aapt_field(badging, "package:", "name") == std::set<std::string>{m.package});
    if (m.version_code) CHECK(aapt_field(badging, "package:", "versionCode") == std::set<std::string>{std::to_string(*m.version_code)});
    if (!m.version_name.empty()) CHECK(aapt_field(badging, "package:", "versionName") == std::set<std::string>{m.version_name});
    if (!m.label.empty()) CHECK(aapt_field(badging, "application:", "label") == std::set<std::string>{m.label});
  }
}

TEST_CASE("manifest: text-XML trees (no resource ids), name expansion and odd shapes") {
  // A tree as a text-XML or protobuf decoder would give it: names only, values as strings.
  XmlElement root = el(
      "manifest", {text_attr("package", "com.t", false), text_attr("versionCode", "7"), text_attr("versionCodeMajor", "1"),
                   text_attr("split", "config.arm64_v8a", false)},
      {el("uses-sdk", {text_attr("minSdkVersion", "Q"), text_attr("targetSdkVersion", "29")}),
       el("uses-sdk", {text_attr("targetSdkVersion", "30")}),
       el("uses-permission", {}),  // no name: skipped with a note
       el("permission", {text_attr("name", "com.t.P"), text_attr("protectionLevel", "signature|knownSigner")}),
       el("queries", {}, {el("provider", {text_attr("authorities", "a.one;a.two")})}),
       el("application", {text_attr("name", "App"), text_attr("debuggable", "false"), text_attr("allowBackup", "yes")},
          {el("activity", {text_attr("name", ".ui.Main"), text_attr("exported", "false")},
              {el("intent-filter", {}, {el("action", {text_attr("name", "android.intent.action.VIEW")})})}),
           el("provider", {text_attr("name", "x.y.Prov"), text_attr("authorities", "x.y")}),
           el("meta-data", {text_attr("value", "orphan")})}),
       el("application", {text_attr("name", ".Second")})});
  Diagnostics diags;
  const Manifest m = build_manifest(root, nullptr, diags, "text");
  CHECK(m.package == "com.t");
  CHECK(m.split == "config.arm64_v8a");
  CHECK(m.version_code == (std::int64_t{1} << 32 | 7));
  CHECK_FALSE(m.min_sdk);  // a codename
  CHECK(diags.has("manifest.not_a_number"));
  CHECK(m.target_sdk == 30);  // the last <uses-sdk> wins, as on the device
  CHECK(m.uses_permissions.empty());
  CHECK(diags.has("manifest.missing_name"));
  REQUIRE(m.permissions.size() == 1);
  CHECK(m.permissions[0].protection_level == "signature|knownSigner");
  CHECK(m.queries_providers == std::vector<std::string>{"a.one", "a.two"});
  CHECK(m.application_name == "com.t.App");
  CHECK(m.debuggable == false);
  CHECK_FALSE(m.allow_backup);
  CHECK(diags.has("manifest.not_a_boolean"));
  CHECK(diags.has("manifest.multiple_applications"));
  REQUIRE(m.components.size() == 2);
  CHECK(m.components[0].name == "com.t.ui.Main");
  CHECK_FALSE(m.components[0].exported);
  CHECK(m.components[1].authorities == std::vector<std::string>{"x.y"});
  CHECK_FALSE(m.components[1].exported);
  CHECK(m.meta_data.empty());
}

TEST_CASE("manifest: a root that is not <manifest>, protection levels with unknown bits") {
  Diagnostics diags;
  XmlElement root = el("resources", {}, {el("permission", {})});
  root.children[0].attrs.push_back(text_attr("name", "p.P"));
  XmlAttribute level;
  level.ns = std::string(kAndroidNs);
  level.name = "protectionLevel";
  level.resource_id = 0x01010009;
  level.type = XmlAttribute::Type::Int;
  level.num = 0x4000012;  // signature | privileged | an unnamed bit
  root.children[0].attrs.push_back(level);
  const Manifest m = build_manifest(root, nullptr, diags, "odd");
  CHECK(diags.has("manifest.bad_root"));
  REQUIRE(m.permissions.size() == 1);
  CHECK(m.permissions[0].protection_level == "signature|privileged|0x4000000");
}
