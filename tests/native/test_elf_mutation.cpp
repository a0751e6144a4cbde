// Mutation sweep: random bytes at random offsets (300 seeds per fixture) and truncation at every
// 64 bytes, each parsed in-process by parse_elf inside a forked worker, so that a crash or hang
// in LIEF is counted instead of taking the test binary down. The architecture calls for a child
// process per binary if LIEF 0.9 crashes in-process; this test is the measurement behind not
// doing so, and the alarm if a LIEF build ever changes that.
//
// Bounded time: a worker parses many inputs and reports each over a pipe; a crash or hang costs
// one fork (tests/support/fork_sweep.hpp). The sweep stops at kBudget (the suite must stay fast,
// also under ASan) and says how far it got. SDKSCOPE_ELF_MUTATION_SEEDS raises the seed count for
// a longer local run.
#include <doctest/doctest.h>

#include <chrono>
#include <cstdlib>
#include <random>
#include <string>

#include "native/elf_test_util.hpp"
#include "scanner/native/elf_header.hpp"
#include "support/fork_sweep.hpp"

namespace sdkscope::native {
namespace {

using namespace testing;
using namespace sdkscope::test::fork_sweep;
using sdkscope::test::kSanitized;

constexpr int kDefaultSeeds = 300;
constexpr std::size_t kTruncationStep = 64;
constexpr unsigned kHangSeconds = 3;  // a sound parse of these fixtures takes milliseconds
constexpr auto kBudget = std::chrono::seconds(15);
constexpr long kMaxGrowthKb = 64 * 1024;  // LIEF alone reached ~1 GiB on 3 KiB inputs

std::vector<Input> make_inputs(int seeds) {
  std::vector<Input> inputs;
  for (const char* path : {kDemoX86_64, kAcmeArm64, kAcmeArm32, kAcmeMipsBe, kAcmeNoSections}) {
    const Buf base = fixture(path);
    for (int seed = 0; seed < seeds; ++seed) {
      std::mt19937 rng(static_cast<std::uint32_t>(seed));
      Buf b = base;
      // Odd seeds hit the headers and tables at the front, even seeds anywhere.
      const std::size_t region = seed % 2 ? std::min<std::size_t>(b.size(), 1024) : b.size();
      const int count = 1 + seed % 16;
      for (int i = 0; i < count; ++i) {
        const std::size_t at = rng() % region;
        const auto value = static_cast<std::uint8_t>(rng());
        b[at] = value;
      }
      inputs.push_back({std::string(path) + " seed " + std::to_string(seed), std::move(b)});
    }
    for (std::size_t n = 0; n < base.size(); n += kTruncationStep)
      inputs.push_back({std::string(path) + " truncated to " + std::to_string(n),
                        Buf(base.begin(), base.begin() + static_cast<std::ptrdiff_t>(n))});
  }
  return inputs;
}

bool invariants_hold(const ElfParseResult& r, const Diagnostics& diags, const ElfLimits& limits) {
  for (const auto& d : diags.items())
    if (d.where != "mutant.so" || d.message.empty() || d.code.rfind("elf.", 0) != 0) return false;
  if (!r.ok) return true;
  const auto& info = r.info;
  if (info.machine.empty() || (info.bits != 32 && info.bits != 64)) return false;
  if (!sorted_unique(info.exported_symbols) || !sorted_unique(info.imported_symbols)) return false;
  if (info.exported_symbols.size() + info.imported_symbols.size() > limits.max_symbols) return false;
  if (info.strings.size() > limits.max_strings) return false;
  for (const auto& s : info.strings)
    if (s.size() < limits.min_string_length) return false;
  return true;
}

Outcome check_one(const Buf& bytes) {
  try {
    // The repairs touch nothing of the file but the header's table fields, and leave an image
    // that needs no more.
    if (auto hdr = read_elf_header(bytes)) {
      Buf image = bytes;
      sanitize_elf_image(image);
      const auto header_size = static_cast<std::ptrdiff_t>(hdr->bits == 64 ? 64 : 52);
      if (image.size() < bytes.size() ||
          !std::equal(bytes.begin() + header_size, bytes.end(), image.begin() + header_size))
        return kBrokenInvariant;
      Buf again = image;
      if (sanitize_elf_image(again).any() || again != image) return kBrokenInvariant;
    }
    ElfLimits limits;
    Diagnostics diags;
    auto r = parse_elf(bytes, diags, "mutant.so", limits);
    if (!invariants_hold(r, diags, limits)) return kBrokenInvariant;
    if (r.ok) return kOk;
    return diags.empty() ? kSilentFailure : kDiagnosed;
  } catch (...) {
    return kThrew;
  }
}

TEST_CASE("mutation sweep: LIEF 0.9 behind parse_elf neither crashes nor hangs nor balloons in-process") {
  int seeds = kDefaultSeeds;
  if (const char* env = std::getenv("SDKSCOPE_ELF_MUTATION_SEEDS"); env && *env) seeds = std::max(1, std::atoi(env));
  const auto inputs = make_inputs(seeds);
  Options options;
  options.hang_seconds = kHangSeconds;
  options.budget = kBudget;
  const Tally t = sweep(inputs, check_one, options);

  MESSAGE(t.summary(inputs.size()));
  for (const auto& f : t.failures) MESSAGE(f);

  // A short run proves little: the budget must leave room for a real sample.
  CHECK(t.checked >= std::min<std::size_t>(inputs.size(), 500));
  CHECK_MESSAGE(t.counts[kCrashed] == 0, "LIEF crashed in-process: parse_elf needs a child-process mode");
  CHECK_MESSAGE(t.counts[kHung] == 0, "a parse ran past the hang limit");
  CHECK(t.counts[kThrew] == 0);
  CHECK(t.counts[kSilentFailure] == 0);
  CHECK(t.counts[kBrokenInvariant] == 0);
  // Mutants must mostly still parse: a sweep where everything is rejected early tests nothing.
  CHECK(t.counts[kOk] > t.checked / 2);
  if (!kSanitized) CHECK(t.max_growth_kb < kMaxGrowthKb);
}

}  // namespace
}  // namespace sdkscope::native
