// The policy loader (--policy FILE): parse_policy on arbitrary JSON text, then, when it loads,
// apply_policy to a fixed scan result that gives every rule something to look at (a CN and a US
// vendor, dangerous permissions, findings of two severities, cross-border data flows, cleartext).
// Invariants: a rejected policy says why; an accepted one applies without throwing, adds only
// findings in category "policy", and fills the verdict.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/fuzz_util.hpp"
#include "scanner/policy/policy.hpp"

namespace {

using namespace sdkscope;

ScanResult sample() {
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

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sdkscope;
  const std::string_view json(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> errors;
  const auto p = policy::parse_policy(json, "fuzz.json", errors);
  if (!p) {
    SDKSCOPE_FUZZ_CHECK(!errors.empty());
    for (const auto& e : errors) SDKSCOPE_FUZZ_CHECK(!e.empty());
    return 0;
  }
  static const ScanResult base = sample();
  ScanResult r = base;
  policy::EvalContext ctx;
  ctx.today = "2026-11-29";
  ctx.expand = [](std::string_view code) {
    if (code == "EU") return std::vector<std::string>{"AT", "DE", "FR", "IE", "NL"};
    return std::vector<std::string>{std::string(code)};
  };
  policy::apply_policy(*p, ctx, r);
  // apply_policy may reorder findings: the policy's own are those in category "policy".
  std::size_t added = 0, unwaived = 0;
  for (const auto& f : r.findings) {
    if (f.category != "policy") continue;
    ++added;
    SDKSCOPE_FUZZ_CHECK(f.check.rfind("policy.", 0) == 0);
    SDKSCOPE_FUZZ_CHECK(!f.message.empty());
    unwaived += !f.waived && f.check != "policy.expired_waiver";
  }
  SDKSCOPE_FUZZ_CHECK(r.findings.size() == base.findings.size() + added);
  SDKSCOPE_FUZZ_CHECK(r.policy.evaluated);
  SDKSCOPE_FUZZ_CHECK(r.policy.violations == unwaived);
  SDKSCOPE_FUZZ_CHECK(r.policy.passed == (unwaived == 0));
  return 0;
}
