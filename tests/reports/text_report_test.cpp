// The terminal summary: a golden for the no-colour text of a constructed result, and the colour
// rules (--color, a terminal, NO_COLOR).
#include <doctest/doctest.h>

#include "reports/text_report.hpp"

using namespace sdkscope;

namespace {

ScanResult sample() {
  ScanResult r;
  r.scanner = {"0.1.0", "2026.11.29", 412};
  r.input = {"demo.apk", "0123456789abcdef" + std::string(48, 'a'), 1536, "apk"};
  r.app.platform = "android";
  r.app.id = "com.example.demo";
  r.app.name = "Demo";
  r.app.version_name = "1.0";
  r.app.version_code = 7;
  r.app.min_sdk = 21;
  r.app.target_sdk = 34;

  SdkFinding bugly;
  bugly.id = "tencent.bugly";
  bugly.name = "Tencent Bugly";
  bugly.vendor = {"tencent", "Tencent", "CN", "", {}};
  bugly.confidence = "high";
  bugly.version = "4.1.9";
  SdkFinding firebase;
  firebase.id = "google.firebase";
  firebase.name = "Firebase";
  firebase.vendor = {"google", "Google", "US", "", {}};
  firebase.confidence = "medium";
  SdkFinding analytics = firebase;
  analytics.id = "google.firebase.analytics";
  analytics.name = "Firebase Analytics";
  analytics.part_of = "google.firebase";
  analytics.confidence = "low";
  r.sdks = {firebase, analytics, bugly};

  r.permissions.push_back({"android.permission.INTERNET", "android", "normal", {}, std::nullopt, "", {"base"}, {}});
  r.permissions.push_back({"android.permission.READ_PHONE_STATE", "android", "dangerous", {"phone", "device_identity"},
                           std::nullopt, "", {"base"}, {"tencent.bugly"}});
  r.permissions.push_back({"android.permission.CAMERA", "android", "dangerous", {"camera"}, std::nullopt, "", {"base"}, {}});

  EndpointInfo e1;
  e1.url = "http://rqd.uu.qq.com/rqd/sync";
  e1.host = "rqd.uu.qq.com";
  e1.cleartext = true;
  e1.cleartext_allowed = true;
  e1.sdk = "tencent.bugly";
  e1.owner_id = "tencent";
  e1.owner_name = "Tencent";
  e1.owner_country = "CN";
  EndpointInfo e2;
  e2.url = "https://firebase.googleapis.com/v1";
  e2.host = "firebase.googleapis.com";
  e2.sdk = "google.firebase";
  EndpointInfo e3;
  e3.url = "https://firebase.googleapis.com/v2";
  e3.host = "firebase.googleapis.com";
  r.endpoints = {e1, e2, e3};

  r.home_jurisdiction = "EU";
  DataFlow f1;
  f1.vendor = {"google", "Google", "US", "", {}};
  f1.sdks = {"google.firebase", "google.firebase.analytics"};
  f1.data = {"app_usage"};
  f1.destinations = {"US"};
  f1.cross_border = true;
  DataFlow f2;
  f2.vendor = {"tencent", "Tencent", "CN", "", {}};
  f2.sdks = {"tencent.bugly"};
  f2.destinations = {"CN"};
  f2.cross_border = true;
  f2.china = true;
  r.data_flows = {f1, f2};

  Finding high;
  high.check = "android.crypto.hardcoded_key";
  high.severity = "high";
  high.title = "Hard-coded key";
  high.message = "A 3DES key is a constant in com.example.Crypto";
  Finding medium;
  medium.check = "android.transport.cleartext_allowed";
  medium.severity = "medium";
  medium.message = "Cleartext traffic is allowed";
  medium.sdks = {"tencent.bugly"};
  Finding waived;
  waived.check = "android.config.backup";
  waived.severity = "low";
  waived.title = "Backup allowed";
  waived.waived = true;
  waived.waiver = "data is public";
  r.findings = {waived, medium, high};  // the writer orders by severity itself

  r.policy.evaluated = true;
  r.policy.name = "store-policy";
  r.policy.passed = false;
  r.policy.violations = 2;
  r.coverage.sdk_list_incomplete = true;
  r.coverage.notes = {"Code is packed (jiagu)."};
  r.diagnostics.push_back({"dex.truncated", Severity::warning, "classes2.dex", "string_ids run past the end"});
  r.diagnostics.push_back({"apk.note", Severity::info, "", "informational"});
  return r;
}

const char* kGolden = R"(sdkscope 0.1.0  signatures 2026.11.29 (412 SDKs)
Input     demo.apk  apk, 1.5 KB, sha256 0123456789abcdef
App       com.example.demo "Demo"  1.0 (7)  android min 21 target 34
Policy    FAIL  store-policy: 2 violations
Warning   the SDK list may be incomplete: Code is packed (jiagu).

SDKs (3)
  name                  vendor   country  version  confidence
  Firebase              Google   US       -        medium
    Firebase Analytics  Google   US       -        low
  Tencent Bugly         Tencent  CN       4.1.9    high
  vendors: Google (US), Tencent (CN)

Permissions (3; 2 dangerous)
  android.permission.READ_PHONE_STATE  phone,device_identity  needed by tencent.bugly
  android.permission.CAMERA            camera

Endpoints (3 on 2 hosts; 1 cleartext, 1 of them allowed by the app's policy)
  http://rqd.uu.qq.com/rqd/sync  Tencent (CN)  tencent.bugly  allowed

Data flows (2; home jurisdiction EU)
  Google (US)   -> US  cross-border         2 SDKs; data: app_usage
  Tencent (CN)  -> CN  cross-border, China  1 SDK; data: -

Findings (3: 1 high, 1 medium, 1 waived)
  high    android.crypto.hardcoded_key         A 3DES key is a constant in com.example.Crypto
  medium  android.transport.cleartext_allowed  Cleartext traffic is allowed [tencent.bugly]
  waived  android.config.backup                Backup allowed (waived: data is public)

Diagnostics (2: 1 warning, 1 info)
  warning dex.truncated               classes2.dex: string_ids run past the end
)";

}  // namespace

TEST_CASE("text summary golden (no colour)") {
  std::string text = write_text_report(sample(), TextOptions{false});
  CHECK(text == kGolden);
  if (text != kGolden) MESSAGE(text);
}

TEST_CASE("colour: escapes only when asked; app strings cannot inject escapes") {
  auto r = sample();
  CHECK(write_text_report(r, TextOptions{false}).find('\x1b') == std::string::npos);
  CHECK(write_text_report(r, TextOptions{true}).find("\x1b[") != std::string::npos);
  r.app.name = "evil\x1b[2Jname";
  r.sdks[0].name = "bad\x1b]0;title\x07";
  auto text = write_text_report(r, TextOptions{false});
  CHECK(text.find('\x1b') == std::string::npos);
  CHECK(text.find("evil?[2Jname") != std::string::npos);
}

TEST_CASE("NO_COLOR disables colour in auto mode; --color always and never win") {
  CHECK(use_color(ColorMode::automatic, true, nullptr));
  CHECK(use_color(ColorMode::automatic, true, ""));        // set but empty: ignored, per no-color.org
  CHECK_FALSE(use_color(ColorMode::automatic, true, "1"));
  CHECK_FALSE(use_color(ColorMode::automatic, true, "0"));  // any non-empty value
  CHECK_FALSE(use_color(ColorMode::automatic, false, nullptr));
  CHECK(use_color(ColorMode::always, false, "1"));
  CHECK_FALSE(use_color(ColorMode::never, true, nullptr));
  CHECK(parse_color_mode("auto") == ColorMode::automatic);
  CHECK(parse_color_mode("always") == ColorMode::always);
  CHECK(parse_color_mode("never") == ColorMode::never);
  CHECK_FALSE(parse_color_mode("yes"));
}

TEST_CASE("sections without data are left out; an empty result still has its header lines") {
  ScanResult r;
  auto text = write_text_report(r, TextOptions{false});
  CHECK(text.find("SDKs (0)") != std::string::npos);
  CHECK(text.find("none detected") != std::string::npos);
  CHECK(text.find("Policy") == std::string::npos);
  CHECK(text.find("Warning") == std::string::npos);
  CHECK(text.find("Findings") == std::string::npos);
  CHECK(text.find("Data flows") == std::string::npos);
}

TEST_CASE("display_width: terminal columns, so CJK SDK names stay aligned") {
  CHECK(display_width("") == 0);
  CHECK(display_width("Bugly") == 5);
  CHECK(display_width("友盟统计") == 8);
  CHECK(display_width("Umeng (友盟)") == 12);
  CHECK(display_width("é") == 1);            // precomposed
  CHECK(display_width("e\xcc\x81") == 1);    // e + combining acute
  CHECK(display_width("\xff\xfe") == 2);      // stray bytes: one column each
  CHECK(display_width("\xe5\x8f") == 2);      // a truncated sequence
  auto r = sample();
  r.sdks[2].name = "友盟统计";
  auto text = write_text_report(r, TextOptions{false});
  // Every SDK row puts the vendor column at the same terminal column.
  std::size_t at = std::string::npos;
  for (const char* vendor : {"Google", "Tencent"}) {
    for (std::size_t pos = text.find("  " + std::string(vendor) + "  "); pos != std::string::npos;
         pos = text.find("  " + std::string(vendor) + "  ", pos + 1)) {
      auto line_start = text.rfind('\n', pos) + 1;
      auto col = display_width(text.substr(line_start, pos - line_start));
      if (at == std::string::npos) at = col;
      CHECK(col == at);
    }
  }
}
