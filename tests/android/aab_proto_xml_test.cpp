// App Bundle manifests (aapt.pb.XmlNode): the protoc-encoded fixture with every value type, and
// real aapt2 --proto-format output, decoded into the XmlElement tree and checked field by field.
#include <doctest/doctest.h>

#include <bit>
#include <filesystem>
#include <map>
#include <set>
#include <tuple>
#include <string>
#include <vector>

#include "scanner/android/axml.hpp"
#include "scanner/android/proto_xml.hpp"
#include "scanner/android/resources_pb.hpp"
#include "support/test_paths.hpp"

namespace sdkscope::android {
namespace {

std::vector<std::uint8_t> fixture(const std::string& rel) { return test::read_file(test::testdata("aab/" + rel)); }

// Attribute lookup by namespace and local name only (not XmlElement::android_attr, which may
// fall back to resource ids): these tests check what the decoder itself put in the tree.
const XmlAttribute* attr(const XmlElement& e, std::string_view ns, std::string_view name) {
  for (const auto& a : e.attrs)
    if (a.ns == ns && a.name == name) return &a;
  return nullptr;
}
const XmlAttribute& android(const XmlElement& e, std::string_view name) {
  const XmlAttribute* a = attr(e, kAndroidNs, name);
  REQUIRE_MESSAGE(a != nullptr, "missing android:" << name << " on <" << e.name << ">");
  return *a;
}
std::vector<const XmlElement*> children(const XmlElement& e, std::string_view name) {
  std::vector<const XmlElement*> out;
  for (const auto& c : e.children)
    if (c.name == name) out.push_back(&c);
  return out;
}
const XmlElement& only_child(const XmlElement& e, std::string_view name) {
  auto found = children(e, name);
  REQUIRE_MESSAGE(found.size() == 1, "<" << e.name << "> has " << found.size() << " <" << name << ">");
  return *found[0];
}
std::vector<std::string> names_of(const std::vector<const XmlElement*>& elements) {
  std::vector<std::string> out;
  for (const auto* e : elements) out.push_back(android(*e, "name").str);
  return out;
}

}  // namespace

TEST_CASE("aab: protoc manifest fixture decodes to the full tree") {
  auto bytes = fixture("manifest.pb");
  Diagnostics diags;
  auto result = parse_proto_xml(bytes, diags, "base/manifest/AndroidManifest.xml");
  CHECK(diags.empty());
  CHECK(result.ok);
  REQUIRE(result.root);
  const XmlElement& manifest = *result.root;
  CHECK(manifest.name == "manifest");
  CHECK(manifest.ns.empty());
  CHECK(manifest.line == 2);

  const XmlAttribute* package = attr(manifest, "", "package");
  REQUIRE(package);
  CHECK(package->type == XmlAttribute::Type::String);
  CHECK(package->str == "com.example.aabdemo");
  CHECK(package->resource_id == 0);

  const auto& version_code = android(manifest, "versionCode");
  CHECK(version_code.is_android());
  CHECK(version_code.resource_id == 0x0101021bu);
  CHECK(version_code.type == XmlAttribute::Type::Int);
  CHECK(version_code.num == 42);
  CHECK(version_code.str == "42");
  const auto& version_name = android(manifest, "versionName");
  CHECK(version_name.type == XmlAttribute::Type::String);
  CHECK(version_name.str == "1.4.2");
  CHECK(version_name.resource_id == 0x0101021cu);
  const XmlAttribute* platform = attr(manifest, "", "platformBuildVersionCode");
  REQUIRE(platform);
  CHECK(platform->type == XmlAttribute::Type::Int);
  CHECK(platform->num == 33);

  // Whitespace text nodes are dropped; elements keep document order.
  std::vector<std::string> top;
  for (const auto& c : manifest.children) top.push_back(c.name);
  CHECK(top == std::vector<std::string>{"uses-sdk", "uses-permission", "uses-permission", "uses-permission",
                                        "uses-permission-sdk-23", "permission", "queries", "application"});
  CHECK(result.texts.empty());

  const auto& uses_sdk = only_child(manifest, "uses-sdk");
  CHECK(uses_sdk.line == 4);
  CHECK(android(uses_sdk, "minSdkVersion").num == 21);
  CHECK(android(uses_sdk, "minSdkVersion").resource_id == 0x0101020cu);
  CHECK(android(uses_sdk, "targetSdkVersion").num == 33);

  auto permissions = children(manifest, "uses-permission");
  CHECK(names_of(permissions) == std::vector<std::string>{"android.permission.INTERNET", "android.permission.CAMERA",
                                                          "android.permission.READ_EXTERNAL_STORAGE"});
  CHECK(android(*permissions[0], "name").resource_id == 0x01010003u);
  CHECK(attr(*permissions[0], kAndroidNs, "maxSdkVersion") == nullptr);
  CHECK(android(*permissions[2], "maxSdkVersion").num == 28);
  CHECK(permissions[1]->line == 6);
  CHECK(android(only_child(manifest, "uses-permission-sdk-23"), "name").str == "android.permission.ACCESS_FINE_LOCATION");

  const auto& permission = only_child(manifest, "permission");
  CHECK(android(permission, "protectionLevel").type == XmlAttribute::Type::Int);
  CHECK(android(permission, "protectionLevel").num == 2);
  CHECK(android(permission, "protectionLevel").str == "signature");
  CHECK(android(only_child(only_child(manifest, "queries"), "package"), "name").str == "com.whatsapp");

  const auto& app = only_child(manifest, "application");
  CHECK(app.line == 12);
  const auto& label = android(app, "label");
  CHECK(label.type == XmlAttribute::Type::Reference);
  CHECK(label.ref == 0x7f020000u);
  CHECK(label.str == "@string/app_name");
  CHECK(label.resource_id == 0x01010001u);
  CHECK(android(app, "icon").ref == 0x7f030000u);
  CHECK(android(app, "name").str == "com.example.aabdemo.DemoApp");
  CHECK(android(app, "allowBackup").type == XmlAttribute::Type::Bool);
  CHECK(android(app, "allowBackup").num == 0);
  CHECK(android(app, "usesCleartextTraffic").type == XmlAttribute::Type::Bool);
  CHECK(android(app, "usesCleartextTraffic").num == 1);
  CHECK(android(app, "networkSecurityConfig").type == XmlAttribute::Type::Reference);
  CHECK(android(app, "networkSecurityConfig").ref == 0x7f040000u);
  CHECK(android(app, "networkSecurityConfig").resource_id == 0x01010527u);
  // A theme-attribute reference is Other with the id in ref, as the AXML decoder reports it.
  CHECK(android(app, "theme").type == XmlAttribute::Type::Other);
  CHECK(android(app, "theme").ref == 0x7f010000u);
  CHECK(android(app, "theme").str == "?attr/appTheme");

  const auto& activity = only_child(app, "activity");
  CHECK(android(activity, "name").str == "com.example.aabdemo.MainActivity");
  CHECK(android(activity, "exported").type == XmlAttribute::Type::Bool);
  CHECK(android(activity, "exported").num == 1);
  const auto& filter = only_child(activity, "intent-filter");
  CHECK(filter.line == 15);
  CHECK(android(only_child(filter, "action"), "name").str == "android.intent.action.MAIN");
  CHECK(android(only_child(filter, "category"), "name").str == "android.intent.category.LAUNCHER");
  CHECK(only_child(filter, "category").line == 17);

  const auto& service = only_child(app, "service");
  CHECK(android(service, "exported").num == 0);
  CHECK(android(service, "permission").str == "android.permission.BIND_JOB_SERVICE");
  CHECK(android(service, "permission").resource_id == 0x01010006u);
  const auto& receiver = only_child(app, "receiver");
  CHECK(android(only_child(only_child(receiver, "intent-filter"), "action"), "name").str ==
        "android.intent.action.BOOT_COMPLETED");
  const auto& provider = only_child(app, "provider");
  CHECK(android(provider, "authorities").str == "com.example.aabdemo.fileprovider");
  CHECK(android(provider, "authorities").resource_id == 0x01010018u);

  auto meta = children(app, "meta-data");
  REQUIRE(meta.size() == 6);
  CHECK(names_of(meta) == std::vector<std::string>{"com.google.android.gms.version", "com.example.sdk.sample_rate",
                                                   "com.example.sdk.accent", "com.example.sdk.padding",
                                                   "com.example.sdk.offset", "com.example.sdk.API_KEY"});
  CHECK(android(*meta[0], "value").type == XmlAttribute::Type::Reference);
  CHECK(android(*meta[0], "value").ref == 0x7f050000u);
  CHECK(android(*meta[1], "value").type == XmlAttribute::Type::Float);
  CHECK(android(*meta[1], "value").num == std::bit_cast<std::uint32_t>(1.5f));
  CHECK(android(*meta[2], "value").type == XmlAttribute::Type::Other);
  CHECK(android(*meta[2], "value").num == 0xff00ff00u);
  CHECK(android(*meta[3], "value").type == XmlAttribute::Type::Dimension);
  CHECK(android(*meta[3], "value").num == 0x1001);
  CHECK(android(*meta[3], "value").str == "16dp");
  CHECK(android(*meta[4], "value").type == XmlAttribute::Type::Int);
  CHECK(android(*meta[4], "value").num == -7);
  CHECK(android(*meta[5], "value").type == XmlAttribute::Type::String);
  CHECK(android(*meta[5], "value").str == "demo-key-123");

  // The stand-in string pool: each distinct string once, in document order.
  std::set<std::string> distinct(result.strings.begin(), result.strings.end());
  CHECK(distinct.size() == result.strings.size());
  REQUIRE(result.strings.size() >= 3);
  CHECK(result.strings[0] == "manifest");
  CHECK(result.strings[1] == "package");
  CHECK(result.strings[2] == "com.example.aabdemo");
  CHECK(distinct.count("demo-key-123") == 1);
  CHECK(result.utf8_pool);
}

TEST_CASE("aab: application label resolves through the resources.pb fixture") {
  auto manifest_bytes = fixture("manifest.pb");
  auto table_bytes = fixture("resources.pb");
  Diagnostics diags;
  auto xml = parse_proto_xml(manifest_bytes, diags, "base/manifest/AndroidManifest.xml");
  auto table = parse_resources_pb(table_bytes, diags, "base/resources.pb");
  CHECK(diags.empty());
  REQUIRE(xml.root);
  const auto& app = only_child(*xml.root, "application");
  CHECK(table.table.value(android(app, "label").ref) == std::optional<std::string>("AAB Demo"));
  CHECK(table.table.names.at(android(app, "label").ref) == "string/app_name");
  CHECK(table.table.value(android(app, "networkSecurityConfig").ref) ==
        std::optional<std::string>("res/xml/network_security_config.xml"));
  CHECK(table.table.package == attr(*xml.root, "", "package")->str);
}

TEST_CASE("aab: real aapt2 --proto-format manifest, table and res/xml decode") {
  Diagnostics diags;
  auto manifest_bytes = fixture("aapt2/manifest.pb");
  auto xml = parse_proto_xml(manifest_bytes, diags, "base/manifest/AndroidManifest.xml");
  auto table_bytes = fixture("aapt2/resources.pb");
  auto table = parse_resources_pb(table_bytes, diags, "base/resources.pb");
  auto nsc_bytes = fixture("aapt2/network_security_config.pb");
  auto nsc = parse_proto_xml(nsc_bytes, diags, "base/res/xml/network_security_config.xml");
  CHECK(diags.empty());
  CHECK(table.complete);
  REQUIRE(xml.root);
  const auto& manifest = *xml.root;
  CHECK(attr(manifest, "", "package")->str == "com.example.aabreal");
  CHECK(android(manifest, "versionCode").type == XmlAttribute::Type::Int);
  CHECK(android(manifest, "versionCode").num == 7);
  CHECK(android(manifest, "versionName").str == "0.7.0");
  CHECK(android(only_child(manifest, "uses-sdk"), "minSdkVersion").num == 24);
  CHECK(names_of(children(manifest, "uses-permission")) ==
        std::vector<std::string>{"android.permission.INTERNET", "android.permission.ACCESS_NETWORK_STATE"});
  CHECK(children(manifest, "uses-permission")[0]->line == 7);

  const auto& app = only_child(manifest, "application");
  CHECK(android(app, "allowBackup").type == XmlAttribute::Type::Bool);
  CHECK(android(app, "allowBackup").num == 0);
  const auto& label = android(app, "label");
  REQUIRE(label.type == XmlAttribute::Type::Reference);
  CHECK(label.str == "@string/app_name");
  CHECK(table.table.package == "com.example.aabreal");
  CHECK(table.table.names.at(label.ref) == "string/app_name");
  CHECK(table.table.value(label.ref) == std::optional<std::string>("Real AAB"));
  CHECK(table.table.value(android(app, "networkSecurityConfig").ref) ==
        std::optional<std::string>("res/xml/network_security_config.xml"));
  const auto& meta = only_child(app, "meta-data");
  CHECK(table.table.value(android(meta, "value").ref) == std::optional<std::string>("https://api.example.com/"));
  const auto& activity = only_child(app, "activity");
  CHECK(android(activity, "exported").num == 1);
  CHECK(android(only_child(only_child(activity, "intent-filter"), "action"), "name").str ==
        "android.intent.action.MAIN");

  // res/xml keeps text content: <domain> under <domain-config> under the root.
  REQUIRE(nsc.root);
  CHECK(nsc.ok);
  CHECK(nsc.root->name == "network-security-config");
  const auto& domain_config = only_child(*nsc.root, "domain-config");
  const XmlAttribute* cleartext = attr(domain_config, "", "cleartextTrafficPermitted");
  REQUIRE(cleartext);
  CHECK(cleartext->type == XmlAttribute::Type::Bool);
  CHECK(cleartext->num == 1);
  REQUIRE(nsc.texts.size() == 1);
  CHECK(nsc.texts[0].text == "legacy.example.com");
  CHECK(nsc.texts[0].path == std::vector<std::size_t>{0, 0});
  CHECK(nsc.texts[0].line == 4);
}

namespace {

// Compares what both encodings must agree on. Left out on purpose: attribute order (aapt sorts
// by resource id, aapt2 keeps source order), reference ids (each tool numbers resources its own
// way), and the text of non-string values (aapt drops raw values, aapt2 keeps them).
void check_same_tree(const XmlElement& axml, const XmlElement& proto, const std::string& path) {
  const std::string here = path + "/" + axml.name;
  CAPTURE(here);
  CHECK(axml.name == proto.name);
  CHECK(axml.ns == proto.ns);
  CHECK(axml.line == proto.line);
  using Key = std::tuple<std::string, std::string>;
  std::map<Key, const XmlAttribute*> by_name;
  for (const auto& a : proto.attrs) by_name[{a.ns, a.name}] = &a;
  CHECK(axml.attrs.size() == proto.attrs.size());
  for (const auto& a : axml.attrs) {
    CAPTURE(a.name);
    auto it = by_name.find({a.ns, a.name});
    REQUIRE(it != by_name.end());
    const XmlAttribute& b = *it->second;
    CHECK(a.resource_id == b.resource_id);
    CHECK(a.type == b.type);
    if (a.type == XmlAttribute::Type::String) CHECK(a.str == b.str);
    if (a.type == XmlAttribute::Type::Int || a.type == XmlAttribute::Type::Bool) CHECK(a.num == b.num);
    if (a.type == XmlAttribute::Type::Reference) CHECK((a.ref != 0) == (b.ref != 0));
  }
  REQUIRE(axml.children.size() == proto.children.size());
  for (std::size_t i = 0; i < axml.children.size(); ++i) check_same_tree(axml.children[i], proto.children[i], here);
}

}  // namespace

TEST_CASE("aab: one manifest linked by aapt (AXML) and by aapt2 (protobuf) decodes to the same tree") {
  const auto apk = test::testdata("android/apks/full.apk");
  if (!std::filesystem::exists(apk)) {
    MESSAGE("skipped: " << apk << " not generated (scripts/gen-android-fixtures.sh)");
    return;
  }
  int rc = -1;
  std::string axml_text = test::run("unzip -p '" + apk.string() + "' AndroidManifest.xml", &rc);
  REQUIRE(rc == 0);
  std::vector<std::uint8_t> axml_bytes(axml_text.begin(), axml_text.end());
  auto proto_bytes = fixture("aapt2/full_manifest.pb");

  Diagnostics diags;
  auto from_axml = parse_axml(axml_bytes, diags, "full.apk!/AndroidManifest.xml");
  auto from_proto = parse_proto_xml(proto_bytes, diags, "full.aab!/base/manifest/AndroidManifest.xml");
  CHECK(diags.empty());
  REQUIRE(from_axml.root);
  REQUIRE(from_proto.root);
  CHECK(from_proto.root->children.size() > 5);
  check_same_tree(*from_axml.root, *from_proto.root, "");
  CHECK(from_axml.texts.size() == from_proto.texts.size());
}

}  // namespace sdkscope::android
