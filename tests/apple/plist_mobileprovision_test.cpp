// parse_mobileprovision on the generated profile (CMS SignedData around a plist, made with the
// openssl CLI by scripts/gen-plist-fixtures.sh) and on corrupt DER, detached and non-plist content.
#include <doctest/doctest.h>

#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "apple/plist_test_util.hpp"

namespace sdkscope::apple {
namespace {

using namespace testing;
using Strings = std::vector<std::string>;

const std::string kWhere = "Payload/PlistDemo.app/embedded.mobileprovision";

/// A throwaway signer (P-256 key, self-signed certificate), made once per test run.
struct TestSigner {
  EVP_PKEY* key = nullptr;
  X509* cert = nullptr;
  TestSigner() {
    key = EVP_EC_gen("P-256");
    cert = X509_new();
    X509_set_version(cert, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert), 0);
    X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
    X509_set_pubkey(cert, key);
    X509_NAME* name = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("sdkscope-test"), -1,
                               -1, 0);
    X509_set_issuer_name(cert, name);
    X509_sign(cert, key, EVP_sha256());
  }
  ~TestSigner() {
    X509_free(cert);
    EVP_PKEY_free(key);
  }
  TestSigner(const TestSigner&) = delete;
  TestSigner& operator=(const TestSigner&) = delete;
};

/// `content` signed into a DER CMS SignedData with the content attached, as Apple ships profiles.
Buf cms_wrap(const Buf& content) {
  static const TestSigner signer;
  REQUIRE(signer.key);
  BIO* in = BIO_new_mem_buf(content.data(), static_cast<int>(content.size()));
  REQUIRE(in);
  CMS_ContentInfo* cms = CMS_sign(signer.cert, signer.key, nullptr, in, CMS_BINARY);
  BIO_free(in);
  REQUIRE(cms);
  unsigned char* der = nullptr;
  const int n = i2d_CMS_ContentInfo(cms, &der);
  CMS_ContentInfo_free(cms);
  REQUIRE(n > 0);
  Buf out(der, der + n);
  OPENSSL_free(der);
  return out;
}

TEST_CASE("mobileprovision: the generated profile reads in full") {
  Diagnostics diags;
  const auto p = parse_mobileprovision(plist_fixture("profile.mobileprovision"), diags, kWhere);
  CHECK(diags.empty());
  REQUIRE(p.has_value());
  CHECK(p->name == "PlistDemo Development");
  CHECK(p->team_id == "ABCDE12345");
  CHECK(p->team_name == "Example Team (\xE7\xA4\xBA\xE4\xBE\x8B\xE5\x9B\xA2\xE9\x98\x9F)");  // 示例团队
  CHECK(p->app_id == "ABCDE12345.com.example.PlistDemo");
  CHECK(p->bundle_id == "com.example.PlistDemo");
  CHECK(p->app_id_name == "PlistDemo");
  CHECK(p->uuid == "9f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f");
  CHECK(p->expiration == "2030-01-02T03:04:05Z");
  CHECK(p->creation == "2025-01-02T03:04:05Z");
  CHECK(p->get_task_allow);
  CHECK_FALSE(p->provisions_all_devices);
  CHECK(p->provisioned_devices == 3);
  CHECK(p->platforms == Strings{"iOS", "xrOS"});
  CHECK(p->entitlements.at("aps-environment") == "development");
  CHECK(p->entitlements.at("com.apple.developer.associated-domains") == nlohmann::json({"applinks:example.com"}));
  CHECK(p->entitlements.size() == 6);
}

TEST_CASE("mobileprovision: bundle id from app id with team, old prefix, or wildcard") {
  struct Case {
    std::string app_id, prefix, bundle_id;
  };
  const Case cases[] = {
      {"TEAM123456.com.example.app", "", "com.example.app"},
      {"OLDPREFIX1.com.example.app", "OLDPREFIX1", "com.example.app"},
      {"TEAM123456.*", "", "*"},
      {"TEAM123456.com.example.*", "", "com.example.*"},
      {"com.example.app", "", "com.example.app"},                          // no prefix: kept as is
      {"TEAM1234567.com.example.app", "", "TEAM1234567.com.example.app"},  // not the team's prefix
  };
  for (const auto& c : cases) {
    CAPTURE(c.app_id);
    std::string xml = "<plist><dict><key>TeamIdentifier</key><array><string>TEAM123456</string></array>";
    if (!c.prefix.empty())
      xml += "<key>ApplicationIdentifierPrefix</key><array><string>" + c.prefix + "</string></array>";
    xml += "<key>Entitlements</key><dict><key>application-identifier</key><string>" + c.app_id +
           "</string></dict></dict></plist>";
    Diagnostics diags;
    const auto p = parse_mobileprovision(cms_wrap(to_buf(xml)), diags, kWhere);
    CHECK(diags.empty());
    REQUIRE(p.has_value());
    CHECK(p->team_id == "TEAM123456");
    CHECK(p->app_id == c.app_id);
    CHECK(p->bundle_id == c.bundle_id);
    CHECK_FALSE(p->get_task_allow);
    CHECK(p->provisioned_devices == 0);
  }
}

TEST_CASE("mobileprovision: wrong types in the profile are reported and left empty") {
  const std::string xml =
      "<plist><dict><key>Name</key><integer>1</integer><key>TeamIdentifier</key><string>T</string>"
      "<key>ProvisionsAllDevices</key><string>YES</string><key>ProvisionedDevices</key><dict/>"
      "<key>Entitlements</key><dict><key>get-task-allow</key><integer>1</integer>"
      "<key>application-identifier</key><true/></dict></dict></plist>";
  Diagnostics diags;
  const auto p = parse_mobileprovision(cms_wrap(to_buf(xml)), diags, kWhere);
  REQUIRE(p.has_value());
  CHECK(p->name.empty());
  CHECK(p->team_id.empty());
  CHECK_FALSE(p->provisions_all_devices);
  CHECK(p->provisioned_devices == 0);
  CHECK_FALSE(p->get_task_allow);
  CHECK(p->app_id.empty());
  CHECK(p->entitlements.size() == 2);
  CHECK(diags.size() == 6);
  for (const auto& d : diags.items()) CHECK(d.code == "plist.bad_type");
  // A plist that is not a dictionary is no profile.
  Diagnostics d2;
  CHECK_FALSE(parse_mobileprovision(cms_wrap(to_buf("<plist><array/></plist>")), d2, kWhere).has_value());
  REQUIRE(d2.size() == 1);
  CHECK(d2.items()[0].code == "plist.bad_type");
}

TEST_CASE("mobileprovision: detached signature, non-plist content and garbage are refused") {
  {
    Diagnostics diags;
    CHECK_FALSE(parse_mobileprovision(plist_fixture("profile_detached.mobileprovision"), diags, kWhere).has_value());
    REQUIRE(diags.size() == 1);
    CHECK(diags.items()[0].code == "mobileprovision.invalid");
    CHECK(diags.items()[0].message.find("detached") != std::string::npos);
  }
  {
    Diagnostics diags;
    CHECK_FALSE(parse_mobileprovision(plist_fixture("profile_not_plist.mobileprovision"), diags, kWhere).has_value());
    REQUIRE(diags.size() == 1);
    CHECK(diags.items()[0].code == "plist.invalid");
    CHECK(diags.items()[0].where == kWhere);
  }
  for (const Buf& b : {Buf{}, to_buf("not DER at all"), plist_source("profile.plist"), Buf(1000, 0x30)}) {
    Diagnostics diags;
    CHECK_FALSE(parse_mobileprovision(b, diags, kWhere).has_value());
    REQUIRE(diags.size() == 1);
    CHECK(diags.items()[0].code == "mobileprovision.invalid");
  }
}

TEST_CASE("mobileprovision: corrupt DER, truncated at every offset and with bytes flipped") {
  const Buf full = plist_fixture("profile.mobileprovision");
  for (std::size_t n = 0; n < full.size(); ++n) {
    CAPTURE(n);
    Diagnostics diags;
    CHECK_FALSE(parse_mobileprovision(Buf(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(n)), diags, kWhere));
    CHECK_FALSE(diags.empty());
  }
  std::size_t read = 0, refused = 0;
  for (std::size_t i = 0; i < full.size(); ++i) {
    Buf b = full;
    b[i] ^= 0xA5;
    Diagnostics diags;
    auto p = parse_mobileprovision(b, diags, kWhere);
    if (p)
      ++read;
    else
      ++refused;
    CHECK((p.has_value() || !diags.empty()));
  }
  // Flips in the signature or certificate leave the content readable (nothing is verified);
  // flips in the DER framing or the plist do not.
  CHECK(read > 0);
  CHECK(refused > 0);
}

TEST_CASE("mobileprovision: oversized input is refused without parsing") {
  Diagnostics diags;
  CHECK_FALSE(parse_mobileprovision(Buf((8u << 20) + 1, 0x30), diags, kWhere).has_value());
  REQUIRE(diags.size() == 1);
  CHECK(diags.items()[0].code == "mobileprovision.limit");
}

}  // namespace
}  // namespace sdkscope::apple
