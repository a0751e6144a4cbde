// A deterministic ScanResult that exercises every section of every writer: three SDKs (one
// sub-component, one Chinese vendor), permissions, endpoints (one cleartext and allowed), two
// data flows, findings of several severities with evidence (one waived, one over the evidence
// cap), a failed policy verdict, coverage with a packer note, an iOS-free Android app, and
// hostile strings from the "app" (<script>, '|', backticks, a newline, a bidi override, bad
// UTF-8) in the places an app controls: its name, class names, holders, meta-data, messages.
#pragma once

#include "scanner/model/scan_result.hpp"

namespace sdkscope::test {

/// The hostile app name: markup, a line break that would start a Markdown heading, and a
/// right-to-left override that would display "exe.gnp" reversed.
inline const std::string kHostileAppName = "Demo <script>alert('app')</script>\n# Injected | `tick` \xE2\x80\xAEgnp.exe";
/// A hostile class name (evidence, endpoint holder).
inline const std::string kHostileClass = "com.evil.<script>alert(1)</script>|Pipe`Tick`";

inline ScanResult sample_result() {
  ScanResult r;
  r.scanner = {"0.1.0", "2026.11.29", 3};
  r.input = {"demo.apk", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", 1234567, "apk"};
  r.app.platform = "android";
  r.app.id = "com.example.demo";
  r.app.name = kHostileAppName;
  r.app.version_name = "1.0";
  r.app.version_code = 7;
  r.app.min_sdk = 21;
  r.app.target_sdk = 34;
  r.app.parts = {{"", "base", ""}};
  r.home_jurisdiction = "EU";

  SdkFinding core;
  core.id = "firebase.core";
  core.name = "Firebase";
  core.vendor = {"google", "Google", "US", "", {"Alphabet"}};
  core.categories = {"analytics", "backend"};
  core.confidence = "high";
  core.version = "21.5.0";
  core.maven = "com.google.firebase:firebase-common";
  core.evidence.class_count = 40;
  core.evidence.class_examples = {"com.google.firebase.FirebaseApp", "com.google.firebase.components.ComponentRegistrar"};
  core.evidence.packages = {"com.google.firebase"};
  core.evidence.manifest_components = {"com.google.firebase.provider.FirebaseInitProvider"};
  core.evidence.locations = {"AndroidManifest.xml", "classes.dex"};
  r.sdks.push_back(core);

  SdkFinding analytics;
  analytics.id = "firebase.analytics";
  analytics.name = "Firebase Analytics";
  analytics.vendor = core.vendor;
  analytics.categories = {"analytics"};
  analytics.confidence = "medium";
  analytics.part_of = "firebase.core";
  analytics.evidence.class_count = 3;
  analytics.evidence.class_examples = {"com.google.firebase.analytics.FirebaseAnalytics"};
  analytics.evidence.packages = {"com.google.firebase.analytics"};
  analytics.evidence.domains = {"app-measurement.com"};
  analytics.evidence.locations = {"classes2.dex"};
  r.sdks.push_back(analytics);

  SdkFinding bugly;
  bugly.id = "tencent.bugly";
  bugly.name = "Tencent Bugly";
  bugly.vendor = {"tencent", "Tencent", "CN", "", {}};
  bugly.categories = {"crash_reporting"};
  bugly.confidence = "high";
  bugly.version = "4.1.9";
  bugly.maven = "com.tencent.bugly:crashreport";
  bugly.evidence.class_count = 12;
  bugly.evidence.class_examples = {"com.tencent.bugly.crashreport.CrashReport", kHostileClass};
  bugly.evidence.packages = {"com.tencent.bugly"};
  bugly.evidence.native_libs = {"libBugly.so"};
  bugly.evidence.manifest_meta_data = {"BUGLY_APPID", "KEY`with`ticks|and|pipes"};
  bugly.evidence.locations = {"AndroidManifest.xml", "classes.dex", "lib/arm64-v8a/libBugly.so"};
  r.sdks.push_back(bugly);

  r.permissions.push_back({"android.permission.ACCESS_FINE_LOCATION", "android", "dangerous", {"location"}, std::nullopt,
                           "access precise location only in the foreground", {"base"}, {}});
  r.permissions.push_back({"android.permission.INTERNET", "android", "normal", {"network"}, std::nullopt,
                           "have full network access", {"base"}, {"firebase.analytics", "tencent.bugly"}});
  r.permissions.push_back({"android.permission.READ_EXTERNAL_STORAGE", "android", "dangerous", {"storage"}, 32,
                           "read the contents of your shared storage", {"base"}, {}});
  r.permissions.push_back({"android.permission.READ_PHONE_STATE", "android", "dangerous", {"phone", "device_identity"},
                           std::nullopt, "read phone status and identity", {"base"}, {"tencent.bugly"}});
  r.permissions.push_back({"com.example.demo.permission.C2D_<script>", "android", "custom", {}, std::nullopt,
                           "<img src=x onerror=alert(1)>", {"base"}, {}});

  EndpointInfo measurement;
  measurement.url = "https://app-measurement.com/a";
  measurement.host = "app-measurement.com";
  measurement.domain = "app-measurement.com";
  measurement.scheme = "https";
  measurement.sdk = "firebase.analytics";
  measurement.owner_id = "google";
  measurement.owner_name = "Google";
  measurement.owner_country = "US";
  measurement.cleartext_allowed = false;
  measurement.sources = {{"classes2.dex", "com.google.firebase.analytics.FirebaseAnalytics"}};
  r.endpoints.push_back(measurement);

  EndpointInfo own;
  own.host = "api.example.com";
  own.domain = "example.com";
  own.first_party = true;
  own.sources = {{"res/values/strings.xml", "api_host"}};
  r.endpoints.push_back(own);

  EndpointInfo rqd;
  rqd.url = "http://rqd.uu.qq.com/rqd/sync?x=<script>|`";
  rqd.host = "rqd.uu.qq.com";
  rqd.domain = "qq.com";
  rqd.scheme = "http";
  rqd.cleartext = true;
  rqd.cleartext_allowed = true;
  rqd.sdk = "tencent.bugly";
  rqd.owner_id = "tencent";
  rqd.owner_name = "Tencent";
  rqd.owner_country = "CN";
  rqd.sources = {{"classes.dex", "com.tencent.bugly.crashreport.CrashReport"}, {"classes.dex", kHostileClass}};
  r.endpoints.push_back(rqd);

  EndpointInfo ip;
  ip.url = "http://203.0.113.7:8080/upload";
  ip.host = "203.0.113.7";
  ip.scheme = "http";
  ip.port = 8080;
  ip.ip_literal = true;
  ip.cleartext = true;
  ip.cleartext_allowed = false;
  ip.geo_country = "SG";
  ip.sources = {{"lib/arm64-v8a/libnative.so", ""}};
  r.endpoints.push_back(ip);

  r.cleartext_policy.known = true;
  r.cleartext_policy.default_allowed = false;
  r.cleartext_policy.source = "targetSdkVersion >= 28";
  r.cleartext_policy.rules = {{"rqd.uu.qq.com", false, true}};

  DataFlow google;
  google.vendor = core.vendor;
  google.sdks = {"firebase.analytics", "firebase.core"};
  google.endpoints = {"app-measurement.com"};
  google.data = {"app_usage", "device_identity", "network"};
  google.destinations = {"US"};
  google.cross_border = true;
  google.legal_hook = "GDPR Chapter V (Art. 44-50)";
  google.transfer_notes = {"US: adequacy decision (EU-US Data Privacy Framework) for certified recipients"};
  r.data_flows.push_back(google);

  DataFlow tencent;
  tencent.vendor = bugly.vendor;
  tencent.sdks = {"tencent.bugly"};
  tencent.endpoints = {"rqd.uu.qq.com"};
  tencent.data = {"crash_logs", "device_identity", "phone"};
  tencent.destinations = {"CN"};
  tencent.cross_border = true;
  tencent.legal_hook = "GDPR Chapter V (Art. 44-50)";
  tencent.transfer_notes = {"CN: no adequacy decision; standard contractual clauses and a transfer impact assessment needed"};
  tencent.china = true;
  r.data_flows.push_back(tencent);

  // Checks, sorted by id.
  r.checks.push_back({"android.crypto.weak_cipher", "Weak cipher in use", "crypto", "android", "medium", "high",
                      "The app encrypts with DES or 3DES, which brute force and the Sweet32 attack break.",
                      "Use AES-GCM through a maintained library.", {"CWE-327"}, {"MASVS-CRYPTO-1"},
                      {"https://mas.owasp.org/MASTG/tests/android/MASVS-CRYPTO/MASTG-TEST-0013/"}});
  r.checks.push_back({"android.secrets.hardcoded_key", "Hard-coded API key", "secrets", "android", "low", "medium",
                      "A key in the bundle is readable by anyone who downloads the app.",
                      "Move the key to a server, or restrict it by app signature.", {"CWE-798"}, {"MASVS-STORAGE-1"},
                      {"javascript:alert('not a link')"}});
  r.checks.push_back({"android.transport.cleartext_allowed", "Cleartext traffic allowed to an SDK host", "transport",
                      "android", "high", "high",
                      "Traffic to the host can be read and changed by anyone on the network path.",
                      "Use HTTPS and remove the cleartext exception from the network security config.", {"CWE-319"},
                      {"MASVS-NETWORK-1"}, {"https://developer.android.com/privacy-and-security/security-config"}});
  r.checks.push_back({"policy.deny_vendor_country", "SDK from a denied vendor country", "policy", "any", "critical", "high",
                      "The policy denies SDKs whose vendor is based in the listed countries.",
                      "Remove the SDK or get an exception approved and add it to the policy allowlist.", {}, {}, {}});

  Finding deny;
  deny.check = "policy.deny_vendor_country";
  deny.title = "SDK from a denied vendor country";
  deny.category = "policy";
  deny.severity = "critical";
  deny.confidence = "high";
  deny.message = "Tencent Bugly is supplied by Tencent (CN); the policy denies CN.";
  deny.sdks = {"tencent.bugly"};
  deny.evidence = {{"classes.dex", "com.tencent.bugly.crashreport.CrashReport", "class of the SDK", "tencent.bugly"},
                   {"lib/arm64-v8a/libBugly.so", "libBugly.so", "native library of the SDK", "tencent.bugly"}};
  deny.evidence_total = 2;
  r.findings.push_back(deny);

  Finding cleartext;
  cleartext.check = "android.transport.cleartext_allowed";
  cleartext.title = "Cleartext traffic allowed to an SDK host";
  cleartext.category = "transport";
  cleartext.severity = "high";
  cleartext.confidence = "high";
  cleartext.message = "The network security config allows cleartext to rqd.uu.qq.com, which Tencent Bugly calls over http://.";
  cleartext.sdks = {"tencent.bugly"};
  cleartext.evidence = {{"classes.dex", kHostileClass, "const-string \"http://rqd.uu.qq.com/rqd/sync\"", "tencent.bugly"},
                        {"res/xml/network_security_config.xml", "domain-config rqd.uu.qq.com", "cleartextTrafficPermitted=\"true\"", ""}};
  cleartext.evidence_total = 2;
  r.findings.push_back(cleartext);

  Finding cipher;
  cipher.check = "android.crypto.weak_cipher";
  cipher.title = "Weak cipher in use";
  cipher.category = "crypto";
  cipher.severity = "medium";
  cipher.confidence = "high";
  cipher.message = "3DES is requested from javax.crypto in 23 places.";
  for (int i = 0; i < 3; ++i)
    cipher.evidence.push_back({"classes.dex", "com.example.demo.crypto.C" + std::to_string(i), "const-string \"DESede/ECB/PKCS5Padding\"", ""});
  cipher.evidence_total = 23;
  r.findings.push_back(cipher);

  Finding key;
  key.check = "android.secrets.hardcoded_key";
  key.title = "Hard-coded API key";
  key.category = "secrets";
  key.severity = "low";
  key.confidence = "medium";
  key.message = "An API key is stored in string resources.";
  key.evidence = {{"resources.arsc", "string/maps_key", "AIza... (39 characters)", ""}};
  key.evidence_total = 1;
  key.waived = true;
  key.waiver = "Restricted to our signing certificate <b>and</b> rotated quarterly";
  r.findings.push_back(key);

  r.policy.evaluated = true;
  r.policy.name = "corp-baseline";
  r.policy.path = "policy.json";
  r.policy.passed = false;
  r.policy.violations = 1;
  r.policy.waivers = {{"android.secrets.hardcoded_key", "Restricted to our signing certificate <b>and</b> rotated quarterly",
                       "2027-01-01", false, 1},
                      {"domain:old.example.com", "legacy endpoint", "2025-01-01", true, 0}};

  r.coverage.packers = {"jiagu"};
  r.coverage.classes = 1200;
  r.coverage.short_name_classes = 800;
  r.coverage.short_name_ratio = 800.0 / 1200.0;
  r.coverage.sdk_list_incomplete = true;
  r.coverage.notes = {"Packer jiagu keeps the app's DEX encrypted in assets; only the loader's classes were visible."};

  r.diagnostics.push_back({"dex.truncated", Severity::warning, "classes2.dex",
                           "string_ids run past the end near <script>alert('diag')</script>"});
  r.diagnostics.push_back({"zip.bad_\xff_entry", Severity::info, "assets/\xC3\x28.bin", "invalid UTF-8 in an entry name"});
  r.stats["dex.classes"] = 1200;
  return r;
}

}  // namespace sdkscope::test
