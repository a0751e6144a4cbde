// Mutation sweep: random bytes at random offsets (300 seeds per fixture by default) and
// truncation at every 128 bytes, each parsed in-process by parse_macho inside a forked worker,
// so that a crash, hang or memory blow-up in LIEF 0.9 (which reads every image's symbol table) is counted
// instead of taking the test binary down (tests/support/fork_sweep.hpp). This is the measurement
// behind parsing in-process: the architecture calls for a bounded child process per binary if
// LIEF crashes.
// SDKSCOPE_MACHO_MUTATION_SEEDS raises the seed count for a longer local run.
#include <doctest/doctest.h>

#include <chrono>
#include <cstdlib>
#include <random>

#include "apple/macho_test_util.hpp"
#include "support/fork_sweep.hpp"

namespace sdkscope::apple {
namespace {

using namespace testing;
using namespace sdkscope::test::fork_sweep;
using sdkscope::test::kSanitized;

constexpr int kDefaultSeeds = 300;
constexpr std::size_t kTruncationStep = 128;
constexpr unsigned kHangSeconds = 3;
constexpr auto kBudget = std::chrono::seconds(25);
constexpr long kMaxGrowthKb = 64 * 1024;  // the largest fixture is 100 KiB; LIEF copies it a few times

std::vector<Input> make_inputs(int seeds) {
  std::vector<Input> inputs;
  for (const char* path : kAllFixtures) {
    const Buf base = fixture(path);
    for (int seed = 0; seed < seeds; ++seed) {
      std::mt19937 rng(static_cast<std::uint32_t>(seed) * 7919u + 17u);
      Buf b = base;
      // Odd seeds hit the headers and load commands at the front, even seeds anywhere.
      const std::size_t region = seed % 2 ? std::min<std::size_t>(b.size(), 4096) : b.size();
      const int count = 1 + seed % 16;
      for (int i = 0; i < count; ++i) b[rng() % region] = static_cast<std::uint8_t>(rng());
      inputs.push_back({std::string(path) + " seed " + std::to_string(seed), std::move(b)});
    }
    for (std::size_t n = 0; n < base.size(); n += kTruncationStep)
      inputs.push_back({std::string(path) + " truncated to " + std::to_string(n),
                        Buf(base.begin(), base.begin() + static_cast<std::ptrdiff_t>(n))});
  }
  return inputs;
}

bool sorted_unique_all(const MachoInfo& i) {
  for (const auto* v : {&i.objc_classes, &i.objc_categories, &i.swift_types, &i.swift_modules, &i.imported_symbols,
                        &i.exported_symbols})
    if (!sorted_unique(*v)) return false;
  for (const auto* v : {&i.strings, &i.linked_dylibs, &i.rpaths, &i.archs}) if (!unique(*v)) return false;
  return true;
}

Outcome check_one(const Buf& bytes) {
  try {
    MachoLimits limits;
    Diagnostics diags;
    auto r = parse_macho(bytes, diags, "mutant", limits);
    for (const auto& d : diags.items())
      if (d.where.rfind("mutant", 0) != 0 || d.message.empty() ||
          (d.code.rfind("macho.", 0) != 0 && d.code.rfind("ar.", 0) != 0))
        return kBrokenInvariant;
    if (!sorted_unique_all(r.info) || r.info.strings.size() > limits.max_strings) return kBrokenInvariant;
    for (const auto& s : r.info.strings)
      if (s.size() < limits.min_string_length) return kBrokenInvariant;
    if (r.ok) return diags.empty() ? kOk : kDiagnosed;
    return diags.empty() ? kSilentFailure : kDiagnosed;
  } catch (...) {
    return kThrew;
  }
}

TEST_CASE("macho mutation sweep: parse_macho (LIEF 0.9 inside) neither crashes nor hangs nor balloons in-process") {
  int seeds = kDefaultSeeds;
  if (const char* env = std::getenv("SDKSCOPE_MACHO_MUTATION_SEEDS"); env && *env) seeds = std::max(1, std::atoi(env));
  const auto inputs = make_inputs(seeds);
  Options options;
  options.hang_seconds = kHangSeconds;
  options.budget = kBudget;
  const Tally t = sweep(inputs, check_one, options);

  MESSAGE(t.summary(inputs.size()));
  for (const auto& f : t.failures) MESSAGE(f);

  CHECK(t.checked >= std::min<std::size_t>(inputs.size(), 1000));
  CHECK_MESSAGE(t.counts[kCrashed] == 0, "crashed in-process: parse_macho needs a child-process mode");
  CHECK(t.counts[kHung] == 0);
  CHECK(t.counts[kThrew] == 0);
  CHECK(t.counts[kSilentFailure] == 0);
  CHECK(t.counts[kBrokenInvariant] == 0);
  CHECK(t.counts[kOk] + t.counts[kDiagnosed] > t.checked / 2);
  if (!kSanitized) CHECK(t.max_growth_kb < kMaxGrowthKb);
}

}  // namespace
}  // namespace sdkscope::apple
