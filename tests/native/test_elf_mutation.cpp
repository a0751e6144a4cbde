// Mutation sweep: random bytes at random offsets (300 seeds per fixture) and truncation at every
// 64 bytes, each parsed in-process by parse_elf inside a forked worker, so that a crash or hang
// in LIEF is counted instead of taking the test binary down. The architecture calls for a child
// process per binary if LIEF 0.9 crashes in-process; this test is the measurement behind not
// doing so, and the alarm if a LIEF build ever changes that.
//
// Bounded time: a worker parses many inputs and reports each over a pipe; a crash or hang costs
// one fork. The sweep stops at kBudget (the suite must stay fast, also under ASan) and says how
// far it got. SDKSCOPE_ELF_MUTATION_SEEDS raises the seed count for a longer local run.
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
#include <string>

#include "native/elf_test_util.hpp"
#include "scanner/native/elf_header.hpp"

namespace sdkscope::native {
namespace {

using namespace testing;

constexpr int kDefaultSeeds = 300;
constexpr std::size_t kTruncationStep = 64;
constexpr unsigned kHangSeconds = 3;  // a sound parse of these fixtures takes milliseconds
constexpr auto kBudget = std::chrono::seconds(15);
constexpr long kMaxGrowthKb = 64 * 1024;  // LIEF alone reached ~1 GiB on 3 KiB inputs

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

/// What one input did. The first four come from the worker, the last two from its exit status.
enum Outcome : std::uint8_t { kOk, kDiagnosed, kSilentFailure, kBrokenInvariant, kThrew, kCrashed, kHung, kCount };
constexpr std::array<const char*, kCount> kOutcomeNames = {
    "ok", "diagnosed", "failed without diagnostic", "broke an invariant", "threw", "crashed", "hung"};

struct Input {
  std::string label;
  Buf bytes;
};

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

long max_rss_kb() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

/// Worker: parses inputs[first..] and writes one 8-byte record (outcome, RSS growth in KiB) per
/// input. Never returns.
[[noreturn]] void run_worker(const std::vector<Input>& inputs, std::size_t first, int out_fd) {
  for (std::size_t i = first; i < inputs.size(); ++i) {
    ::alarm(kHangSeconds);
    const long before = max_rss_kb();
    const Outcome o = check_one(inputs[i].bytes);
    const auto growth = static_cast<std::uint32_t>(std::max(0L, max_rss_kb() - before));
    std::uint8_t record[8] = {o};
    for (int k = 0; k < 4; ++k) record[4 + k] = static_cast<std::uint8_t>(growth >> (8 * k));
    if (::write(out_fd, record, sizeof record) != static_cast<ssize_t>(sizeof record)) ::_exit(3);
  }
  ::_exit(0);
}

bool read_full(int fd, std::uint8_t* buf, std::size_t n) {
  std::size_t got = 0;
  while (got < n) {
    ssize_t k = ::read(fd, buf + got, n - got);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) return false;
    got += static_cast<std::size_t>(k);
  }
  return true;
}

struct Tally {
  std::array<std::size_t, kCount> counts{};
  std::size_t checked = 0;
  long max_growth_kb = 0;
  std::vector<std::string> failures;  // labels of everything that was not ok/diagnosed
  bool out_of_time = false;

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
    std::uint8_t record[8];
    while (read_full(fds[0], record, sizeof record)) {
      const long growth = record[4] | (record[5] << 8) | (record[6] << 16) | (static_cast<long>(record[7]) << 24);
      tally.add(inputs[next], record[0] < kCount ? static_cast<Outcome>(record[0]) : kBrokenInvariant, growth);
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

TEST_CASE("mutation sweep: LIEF 0.9 behind parse_elf neither crashes nor hangs nor balloons in-process") {
  int seeds = kDefaultSeeds;
  if (const char* env = std::getenv("SDKSCOPE_ELF_MUTATION_SEEDS"); env && *env) seeds = std::max(1, std::atoi(env));
  const auto inputs = make_inputs(seeds);
  const Tally t = sweep(inputs);

  std::string summary = std::to_string(t.checked) + "/" + std::to_string(inputs.size()) + " inputs";
  for (int o = 0; o < kCount; ++o) summary += ", " + std::to_string(t.counts[o]) + " " + kOutcomeNames[o];
  summary += "; crash rate " + std::to_string(t.counts[kCrashed]) + "/" + std::to_string(t.checked) +
             "; largest RSS growth " + std::to_string(t.max_growth_kb) + " KiB";
  if (t.out_of_time) summary += "; stopped at the time budget";
  MESSAGE(summary);
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
