// Signature database: loading, validation of bad records, and the matching rules.
#include <doctest/doctest.h>

#include <fstream>

#include "scanner/match/matcher.hpp"
#include "scanner/match/signature_db.hpp"
#include "support/test_paths.hpp"
#include "support/zip_builder.hpp"

using namespace sdkscope;
using namespace sdkscope::test;

namespace {

const char* kVendors = R"({"vendors": [
  {"id": "acme", "name": "Acme", "country": "US", "sources": ["https://acme.example"]},
  {"id": "bigco", "name": "BigCo", "country": "CN", "sources": ["https://bigco.example"]},
  {"id": "bigco-sub", "name": "BigCo Cloud", "parent": "bigco", "country": "CN", "sources": ["https://bigco.example"]}
]})";

const char* kSdks = R"({"sdks": [
  {"id": "acme.ads", "name": "Acme Ads", "vendor": "acme", "categories": ["advertising"],
   "android": {"packages": ["com.acme.ads"], "min_classes": 3, "native_libs": ["libacme.so", "re:^libacme_v[0-9]+\\.so$"],
               "components": ["com.acme.ads.AdActivity"], "permissions": ["android.permission.READ_PHONE_STATE"]},
   "domains": ["ads.acme.com"],
   "tests": {"match": [{"kind": "dex.class", "value": "com.acme.ads.Banner"}],
             "no_match": [{"kind": "dex.class", "value": "com.acme.adsx.Banner"}]},
   "sources": ["https://acme.example/docs"]},
  {"id": "acme.ads-id", "name": "Acme Ad ID", "vendor": "acme", "categories": ["support"],
   "android": {"packages": ["com.acme.ads.identifier"]},
   "tests": {"match": [{"kind": "dex.class", "value": "com.acme.ads.identifier.Client"}]},
   "sources": ["https://acme.example/docs"]},
  {"id": "bigco.push", "name": "BigCo Push", "vendor": "bigco-sub", "categories": ["push"],
   "android": {"packages": ["cn.bigco"], "exclude": ["cn.bigco.imui"], "meta_data": ["BIGCO_APPKEY"]},
   "ios": {"class_prefixes": ["BGPush"], "frameworks": ["BigCoPush"]},
   "tests": {"match": [{"kind": "dex.class", "value": "cn.bigco.push.Service"}, {"kind": "objc.class", "value": "BGPushManager"}],
             "no_match": [{"kind": "dex.class", "value": "cn.bigco.imui.ChatView"}]},
   "sources": ["https://bigco.example/push"]}
]})";

std::filesystem::path write_db(const std::string& name, const std::string& vendors, const std::string& sdks) {
  auto dir = temp_dir("sigdb_" + name);
  std::filesystem::create_directories(dir / "sdks");
  std::ofstream(dir / "db.json") << R"({"schema": 1, "version": "test"})";
  std::ofstream(dir / "vendors.json") << vendors;
  std::ofstream(dir / "sdks" / "a.json") << sdks;
  return dir;
}

SignatureDb load_ok(const std::string& name, const std::string& vendors = kVendors, const std::string& sdks = kSdks) {
  std::vector<std::string> errors;
  auto db = SignatureDb::load(write_db(name, vendors, sdks), errors);
  INFO((errors.empty() ? "" : errors.front()));
  REQUIRE(db);
  return std::move(*db);
}

std::vector<std::string> load_errors(const std::string& name, const std::string& sdks) {
  std::vector<std::string> errors;
  auto db = SignatureDb::load(write_db(name, kVendors, sdks), errors);
  CHECK_FALSE(db);
  return errors;
}

bool any_contains(const std::vector<std::string>& v, const std::string& needle) {
  for (const auto& s : v)
    if (s.find(needle) != std::string::npos) return true;
  return false;
}

EvidenceSet classes(std::initializer_list<const char*> names) {
  EvidenceSet e;
  auto loc = e.add_location("classes.dex");
  for (auto n : names) e.facts.push_back({EvidenceKind::JavaClass, n, loc});
  return e;
}

}  // namespace

TEST_CASE("package prefixes are segment-exact and the longest prefix wins") {
  auto db = load_ok("prefix");
  auto hit = db.match_class("com.acme.ads.Banner");
  REQUIRE(hit);
  CHECK(db.sdks()[hit->record].id == "acme.ads");
  CHECK(hit->rule == "com.acme.ads");
  CHECK_FALSE(db.match_class("com.acme.adsx.Banner"));
  CHECK_FALSE(db.match_class("com.acme.Ads"));
  auto id = db.match_class("com.acme.ads.identifier.Client");
  REQUIRE(id);
  CHECK(db.sdks()[id->record].id == "acme.ads-id");
}

TEST_CASE("exclusions leave open-source pieces of a vendor namespace unclaimed") {
  auto db = load_ok("exclude");
  CHECK(db.match_class("cn.bigco.push.Service"));
  CHECK_FALSE(db.match_class("cn.bigco.imui.ChatView"));
  CHECK_FALSE(db.match_class("cn.bigco.imui"));
}

TEST_CASE("literal and regex name rules, objc prefixes, and domain suffixes") {
  auto db = load_ok("names");
  CHECK(db.match_name(EvidenceKind::NativeLib, "libacme.so").size() == 1);
  CHECK(db.match_name(EvidenceKind::NativeLib, "libacme_v12.so").size() == 1);
  CHECK(db.match_name(EvidenceKind::NativeLib, "libacme_vX.so").empty());
  CHECK(db.match_name(EvidenceKind::NativeLib, "xlibacme.so").empty());
  CHECK(db.match_name(EvidenceKind::ObjcClass, "BGPushManager").size() == 1);
  CHECK(db.match_name(EvidenceKind::ObjcClass, "BGPus").empty());
  CHECK(db.match_domain("ads.acme.com").size() == 1);
  CHECK(db.match_domain("eu.ads.acme.com").size() == 1);
  CHECK(db.match_domain("badsacme.com").empty());
  CHECK(db.match_domain("xads.acme.com").empty());
}

TEST_CASE("min_classes keeps a lone stub class from detecting an SDK") {
  auto db = load_ok("min");
  CHECK(match_sdks(classes({"com.acme.ads.Stub"}), db).empty());
  CHECK(match_sdks(classes({"com.acme.ads.A", "com.acme.ads.B"}), db).empty());
  auto found = match_sdks(classes({"com.acme.ads.A", "com.acme.ads.B", "com.acme.ads.c.D"}), db);
  REQUIRE(found.size() == 1);
  CHECK(found[0].id == "acme.ads");
  CHECK(found[0].evidence.class_count == 3);
  CHECK(found[0].confidence == "medium");
  CHECK(found[0].vendor.name == "Acme");
  CHECK(found[0].vendor.country == "US");
}

TEST_CASE("domains raise confidence but never detect alone; vendor chains are reported") {
  auto db = load_ok("domains");
  EvidenceSet e;
  auto loc = e.add_location("strings");
  e.facts.push_back({EvidenceKind::Domain, "ads.acme.com", loc});
  CHECK(match_sdks(e, db).empty());

  auto e2 = classes({"com.acme.ads.A", "com.acme.ads.B", "com.acme.ads.C", "cn.bigco.push.X"});
  e2.facts.push_back({EvidenceKind::Domain, "ads.acme.com", 0});
  auto found = match_sdks(e2, db);
  REQUIRE(found.size() == 2);
  CHECK(found[0].id == "acme.ads");
  CHECK(found[0].confidence == "high");
  CHECK(found[0].evidence.domains == std::vector<std::string>{"ads.acme.com"});
  CHECK(found[1].id == "bigco.push");
  CHECK(found[1].vendor.chain == std::vector<std::string>{"BigCo"});
}

TEST_CASE("manifest-only evidence detects with low confidence") {
  auto db = load_ok("manifest");
  EvidenceSet e;
  auto loc = e.add_location("AndroidManifest.xml");
  e.facts.push_back({EvidenceKind::ManifestMetaData, "BIGCO_APPKEY", loc});
  auto found = match_sdks(e, db);
  REQUIRE(found.size() == 1);
  CHECK(found[0].id == "bigco.push");
  CHECK(found[0].confidence == "low");
  CHECK(found[0].evidence.manifest_meta_data == std::vector<std::string>{"BIGCO_APPKEY"});
}

TEST_CASE("validation rejects bad records with a message naming the problem") {
  auto rec = [](const std::string& body) { return std::string(R"({"sdks": [)") + body + "]}"; };
  const std::string base = R"("name": "X", "categories": ["analytics"], "sources": ["s"], "tests": {"match": [{"kind": "dex.class", "value": "com.x.A"}]})";
  CHECK(any_contains(load_errors("v1", rec(R"({"id": "x.a", "vendor": "nobody", "android": {"packages": ["com.x"]}, )" + base + "}")),
                     "unknown vendor 'nobody'"));
  CHECK(any_contains(load_errors("v2", rec(R"({"id": "x.a", "vendor": "acme", )" + base + "}")), "no detection rule"));
  CHECK(any_contains(
      load_errors("v3", rec(R"({"id": "x.a", "vendor": "acme", "android": {"native_libs": ["re:lib(x"]}, )" + base + "}")),
      "invalid regex"));
  CHECK(any_contains(load_errors("v4", rec(R"({"id": "x.a", "vendor": "acme", "name": "X", "categories": ["analytics"],
      "android": {"packages": ["com.x"]}, "tests": {"match": [{"kind": "dex.class", "value": "com.x.A"}]}})")),
                     "no sources"));
  CHECK(any_contains(load_errors("v5", rec(R"({"id": "x.a", "vendor": "acme", "android": {"packages": ["com.x"]}, )" + base +
                                           R"(}, {"id": "x.b", "vendor": "acme", "android": {"packages": ["com.x"]}, )" + base + "}")),
                     "already claimed"));
  CHECK(any_contains(load_errors("v6", rec(R"({"id": "x.a", "vendor": "acme", "android": {"packages": ["com.x"]}, "colour": 1, )" +
                                           base + "}")),
                     "unknown field 'colour'"));
  CHECK(any_contains(load_errors("v7", rec(R"({"id": "X A", "vendor": "acme", "android": {"packages": ["com.x"]}, )" + base + "}")),
                     "invalid id"));
  CHECK(any_contains(load_errors("v8", rec(R"({"id": "x.a", "vendor": "acme", "android": {"packages": ["com.x.*"]}, )" + base + "}")),
                     "not a dotted Java package"));
  CHECK(any_contains(load_errors("v9", rec(R"({"id": "x.a", "vendor": "acme", "android": {"packages": ["com.x"]}, "name": "X",
      "categories": ["analytics"], "sources": ["s"]})")),
                     "tests.match"));
  CHECK(any_contains(load_errors("v10", "{not json"), "invalid JSON"));
  std::vector<std::string> errors;
  CHECK_FALSE(SignatureDb::load("/nonexistent/dir", errors));
}

TEST_CASE("version rules: files, strings with a holder, native library names") {
  const std::string sdks = R"({"sdks": [
    {"id": "acme.ads", "name": "Acme Ads", "vendor": "acme", "categories": ["advertising"],
     "android": {"packages": ["com.acme.ads"], "native_libs": ["re:^libacme[0-9]+\\.so$"]},
     "versions": [{"file": "META-INF/com.acme_ads.version"},
                  {"string": "re:^acme-sdk/(\\d+\\.\\d+\\.\\d+)$", "holder": "com.acme.ads"},
                  {"native_lib": "re:^libacme(\\d)(\\d)(\\d)\\.so$"}],
     "tests": {"match": [{"kind": "dex.class", "value": "com.acme.ads.A"}]}, "sources": ["s"]}]})";
  auto db = load_ok("versions", kVendors, sdks);
  CHECK(db.is_version_file("META-INF/com.acme_ads.version"));
  CHECK_FALSE(db.is_version_file("META-INF/other.version"));
  CHECK(db.may_be_version_string("acme-sdk/3.2.1"));
  CHECK_FALSE(db.may_be_version_string("hello"));
  auto in_sdk = db.match_version_string("acme-sdk/3.2.1", "com.acme.ads.core.Config");
  REQUIRE(in_sdk.size() == 1);
  CHECK(in_sdk[0].version == "3.2.1");
  CHECK(in_sdk[0].rank == 1);
  CHECK(db.match_version_string("acme-sdk/3.2.1", "com.other.App").empty());  // someone else's string
  auto lib = db.match_version_native_lib("libacme332.so");
  REQUIRE(lib.size() == 1);
  CHECK(lib[0].version == "3.3.2");

  EvidenceSet e = classes({"com.acme.ads.A", "com.acme.ads.B", "com.acme.ads.C"});
  e.versions.push_back({0, 2, "3.3.2", 0});
  e.versions.push_back({0, 1, "3.2.1", 0});
  auto found = match_sdks(e, db);
  REQUIRE(found.size() == 1);
  CHECK(found[0].version == "3.2.1");  // the earlier-listed rule wins
}

TEST_CASE("domain owners: one vendor per domain, label-boundary suffix lookup") {
  auto dir = write_db("owners", kVendors, kSdks);
  std::filesystem::create_directories(dir / "domains");
  std::ofstream(dir / "domains/a.json") << R"({"owners": [{"vendor": "bigco", "domains": ["bigco.cn"], "sources": ["s"]}]})";
  std::vector<std::string> errors;
  auto db = SignatureDb::load(dir, errors);
  REQUIRE(db);
  REQUIRE(db->domain_owner("push.api.bigco.cn"));
  CHECK(db->domain_owner("push.api.bigco.cn")->id == "bigco");
  CHECK(db->domain_owner("notbigco.cn") == nullptr);
  std::ofstream(dir / "domains/b.json") << R"({"owners": [{"vendor": "acme", "domains": ["bigco.cn"], "sources": ["s"]}]})";
  errors.clear();
  CHECK_FALSE(SignatureDb::load(dir, errors));
  CHECK(any_contains(errors, "owned by both"));
}

TEST_CASE("ObjC classes: an exact class beats prefixes, and the longest prefix wins") {
  const std::string sdks = R"({"sdks": [
    {"id": "acme.core", "name": "Acme core", "vendor": "acme", "categories": ["analytics"],
     "ios": {"class_prefixes": ["ACM"]}, "tests": {"match": [{"kind": "objc.class", "value": "ACMApp"}]}, "sources": ["s"]},
    {"id": "acme.login", "name": "Acme login", "vendor": "acme", "categories": ["login"],
     "ios": {"class_prefixes": ["ACMLogin"], "classes": ["ACMSession"]},
     "tests": {"match": [{"kind": "objc.class", "value": "ACMLoginButton"}]}, "sources": ["s"]}]})";
  auto db = load_ok("objc_prefix", kVendors, sdks);
  auto one = [&](const char* cls) {
    auto hits = db.match_name(EvidenceKind::ObjcClass, cls);
    REQUIRE(hits.size() == 1);
    return db.sdks()[hits[0].record].id;
  };
  CHECK(one("ACMApp") == "acme.core");
  CHECK(one("ACMLoginButton") == "acme.login");
  CHECK(one("ACMSession") == "acme.login");
  CHECK(db.match_name(EvidenceKind::ObjcClass, "ACXApp").empty());
}
