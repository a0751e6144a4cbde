// A fixed scan result that gives every policy rule something to look at (a CN and a US vendor,
// dangerous permissions, findings of two severities, cross-border data flows, cleartext), and the
// evaluation context the policy tests use. Shared by tests/checks/policy_test.cpp and the policy
// fuzz target (fuzz/fuzz_policy.cpp), which includes it as "tests/support/policy_sample.hpp".
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "scanner/model/scan_result.hpp"
#include "scanner/policy/policy.hpp"

namespace sdkscope::test {

inline ScanResult policy_sample_result() {
  ScanResult r;
  r.app.platform = "android";
  r.home_jurisdiction = "EU";
  SdkFinding bugly;
  bugly.id = "tencent.bugly";
  bugly.name = "Tencent Bugly";
  bugly.vendor = {"tencent", "Tencent", "CN", "CN", {}};
  bugly.categories = {"crash_reporting"};
  bugly.evidence.locations = {"classes.dex"};
  SdkFinding fa;
  fa.id = "firebase.analytics";
  fa.name = "Firebase Analytics";
  fa.vendor = {"google", "Google", "US", "US", {}};
  fa.categories = {"analytics"};
  r.sdks = {fa, bugly};
  PermissionInfo sms{"android.permission.READ_SMS", "android", "dangerous", {"sms"}, std::nullopt, "", {"base"}, {}};
  PermissionInfo cam{"android.permission.CAMERA", "android", "dangerous", {"camera"}, std::nullopt, "", {"base"}, {}};
  r.permissions = {cam, sms};
  Finding high;
  high.check = "android.config.debuggable";
  high.title = "App is debuggable";
  high.severity = "high";
  high.confidence = "high";
  high.evidence = {{"AndroidManifest.xml", "application", "android:debuggable=\"true\"", ""}};
  Finding low;
  low.check = "android.crypto.weak_hash";
  low.title = "MD5";
  low.severity = "low";
  low.confidence = "low";
  r.findings = {high, low};
  DataFlow cn;
  cn.vendor = bugly.vendor;
  cn.sdks = {"tencent.bugly"};
  cn.destinations = {"CN"};
  cn.cross_border = true;
  cn.china = true;
  DataFlow us;
  us.vendor = fa.vendor;
  us.sdks = {"firebase.analytics"};
  us.destinations = {"US"};
  us.cross_border = true;
  r.data_flows = {us, cn};
  r.cleartext_policy.known = true;
  r.cleartext_policy.default_allowed = true;
  r.cleartext_policy.source = "android:usesCleartextTraffic";
  return r;
}

inline policy::EvalContext policy_context(std::string today = "2026-11-29") {
  policy::EvalContext c;
  c.today = std::move(today);
  c.expand = [](std::string_view code) {
    if (code == "EU") return std::vector<std::string>{"AT", "DE", "FR", "IE", "NL"};
    return std::vector<std::string>{std::string(code)};
  };
  return c;
}

}  // namespace sdkscope::test
