// The policy loader (--policy FILE): parse_policy on arbitrary JSON text, then, when it loads,
// apply_policy to the fixed scan result of tests/support/policy_sample.hpp (shared with the policy
// tests), which gives every rule something to look at.
// Invariants: a rejected policy says why; an accepted one applies without throwing, adds only
// findings in category "policy", and fills the verdict.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/fuzz_util.hpp"
#include "scanner/policy/policy.hpp"
#include "tests/support/policy_sample.hpp"

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
  static const ScanResult base = test::policy_sample_result();
  static const policy::EvalContext ctx = test::policy_context();
  ScanResult r = base;
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
