// Mutation sweep: random bytes at random offsets (300 seeds per fixture by default) and
// truncation at every 128 bytes, each parsed in-process by parse_macho inside a forked worker,
// so that a crash, hang or memory blow-up in LIEF 0.9 (which reads every image's symbol table) is counted
// instead of taking the test binary down. This is the measurement behind parsing in-process:
// the architecture calls for a bounded child process per binary if LIEF crashes.
// SDKSCOPE_MACHO_MUTATION_SEEDS raises the seed count for a longer local run.
#include <doctest/doctest.h>

#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <random>

#include "apple/macho_test_util.hpp"

namespace sdkscope::apple {
namespace {

using namespace testing;

constexpr int kDefaultSeeds = 300;
constexpr std::size_t kTruncationStep = 128;
constexpr unsigned kHangSeconds = 3;
constexpr auto kBudget = std::chrono::seconds(25);
constexpr long kMaxGrowthKb = 64 * 1024;  // the largest fixture is 100 KiB; LIEF copies it a few times

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kSanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif
#else
constexpr bool kSanitized = false;
#endif

enum Outcome : std::uint8_t { kOk, kDiagnosed, kSilentFailure, kBrokenInvariant, kThrew, kCrashed, kHung, kCount };
constexpr std::array<const char*, kCount> kOutcomeNames = {
    "ok", "diagnosed", "failed without diagnostic", "broke an invariant", "threw", "crashed", "hung"};

struct Input {
  std::string label;
  Buf bytes;
};

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

long max_rss_kb() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

/// Worker: parses inputs[first..] and writes one 4-byte record per input: the outcome and the
/// growth of the peak RSS in MiB (saturated at 255). Never returns.
[[noreturn]] void run_worker(const std::vector<Input>& inputs, std::size_t first, int out_fd) {
  for (std::size_t i = first; i < inputs.size(); ++i) {
    ::alarm(kHangSeconds);
    const long before = max_rss_kb();
    const std::uint8_t o = check_one(inputs[i].bytes);
    const long growth_mb = std::min(255L, std::max(0L, max_rss_kb() - before) / 1024);
    const std::uint8_t record[4] = {o, static_cast<std::uint8_t>(growth_mb), 0, 0};
    if (::write(out_fd, record, sizeof record) != static_cast<ssize_t>(sizeof record)) ::_exit(3);
  }
  ::_exit(0);
}

struct Tally {
  std::array<std::size_t, kCount> counts{};
  std::size_t checked = 0;
  std::vector<std::string> failures;
  bool out_of_time = false;
  long max_growth_kb = 0;
  void add(const Input& in, Outcome o, long growth_kb = 0) {
    ++counts[o];
    ++checked;
    max_growth_kb = std::max(max_growth_kb, growth_kb);
    if (o != kOk && o != kDiagnosed && failures.size() < 20) failures.push_back(in.label + ": " + kOutcomeNames[o]);
  }
};

Tally sweep(const std::vector<Input>& inputs) {
  Tally tally;
  const auto start = std::chrono::steady_clock::now();
  std::size_t next = 0;
  while (next < inputs.size() && !tally.out_of_time) {
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      ::close(fds[0]);
      run_worker(inputs, next, fds[1]);
    }
    ::close(fds[1]);
    std::uint8_t record[4];
    std::size_t got = 0;
    for (;;) {
      const ssize_t k = ::read(fds[0], record + got, sizeof record - got);
      if (k < 0 && errno == EINTR) continue;
      if (k <= 0) break;
      got += static_cast<std::size_t>(k);
      if (got < sizeof record) continue;
      got = 0;
      tally.add(inputs[next], record[0] < kCount ? static_cast<Outcome>(record[0]) : kBrokenInvariant, record[1] * 1024L);
      ++next;
      if (std::chrono::steady_clock::now() - start > kBudget) {
        tally.out_of_time = true;
        ::kill(pid, SIGKILL);
        break;
      }
    }
    ::close(fds[0]);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (tally.out_of_time || next >= inputs.size()) break;
    // The worker died on inputs[next]: that input crashed or hung (SIGALRM); resume after it.
    tally.add(inputs[next], WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM ? kHung : kCrashed);
    ++next;
  }
  return tally;
}

TEST_CASE("macho mutation sweep: parse_macho (LIEF 0.9 inside) neither crashes nor hangs nor balloons in-process") {
  int seeds = kDefaultSeeds;
  if (const char* env = std::getenv("SDKSCOPE_MACHO_MUTATION_SEEDS"); env && *env) seeds = std::max(1, std::atoi(env));
  const auto inputs = make_inputs(seeds);
  const Tally t = sweep(inputs);

  std::string summary = std::to_string(t.checked) + "/" + std::to_string(inputs.size()) + " inputs";
  for (int o = 0; o < kCount; ++o) summary += ", " + std::to_string(t.counts[o]) + " " + kOutcomeNames[o];
  summary += "; crash rate " + std::to_string(t.counts[kCrashed]) + "/" + std::to_string(t.checked) +
             "; largest RSS growth " + std::to_string(t.max_growth_kb / 1024) + " MiB";
  if (t.out_of_time) summary += "; stopped at the time budget";
  MESSAGE(summary);
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
