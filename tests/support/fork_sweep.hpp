// Running code under test in forked children, so that a crash, a hang or a memory blow-up is
// counted (or fails one test case) instead of taking the test binary down or hanging CTest.
//
//   fork_sweep::sweep(inputs, check)  many inputs through one worker process at a time: each
//                                     input is classified by `check` in the worker; a worker that
//                                     dies is replaced and the input it died on counted as
//                                     crashed (any signal) or hung (SIGALRM). Stops at a time
//                                     budget and says how far it got. Used by the mutation sweeps.
//   run_bounded(fn, limits)           one call in one child under alarm() and RLIMIT_AS; returns
//                                     how the child ended, its peak RSS and what it reported.
//                                     Used by the hostile-input tests (tests/hostile/).
//
// Header-only; POSIX. The child never returns into doctest: it reports over a pipe and _exit()s.
#pragma once

#include <doctest/doctest.h>

#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

namespace sdkscope::test {

/// True in ASan builds: address-space limits cannot be used there (the shadow map alone reserves
/// terabytes of address space) and memory growth is not comparable to a plain build. The test
/// sources themselves are not instrumented (tests/CMakeLists.txt), so the build says so.
#if defined(__SANITIZE_ADDRESS__) || defined(SDKSCOPE_SANITIZED_BUILD)
inline constexpr bool kSanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
inline constexpr bool kSanitized = true;
#else
inline constexpr bool kSanitized = false;
#endif
#else
inline constexpr bool kSanitized = false;
#endif

namespace fork_detail {

inline long max_rss_kb() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

inline bool write_full(int fd, const void* buf, std::size_t n) {
  const auto* p = static_cast<const std::uint8_t*>(buf);
  while (n > 0) {
    const ssize_t k = ::write(fd, p, n);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) return false;
    p += k;
    n -= static_cast<std::size_t>(k);
  }
  return true;
}

/// Reads exactly n bytes; false at EOF or error (a partial record counts as none).
inline bool read_full(int fd, void* buf, std::size_t n) {
  auto* p = static_cast<std::uint8_t*>(buf);
  std::size_t got = 0;
  while (got < n) {
    const ssize_t k = ::read(fd, p + got, n - got);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) return false;
    got += static_cast<std::size_t>(k);
  }
  return true;
}

/// waitpid that survives EINTR; also returns the child's resource usage.
inline int wait_child(pid_t pid, rusage* ru = nullptr) {
  int status = 0;
  rusage local{};
  while (::wait4(pid, &status, 0, ru ? ru : &local) < 0 && errno == EINTR) {
  }
  return status;
}

}  // namespace fork_detail

namespace fork_sweep {

/// What one input did. The first five come from the worker (check's verdict), the last two from
/// the worker's exit status.
enum Outcome : std::uint8_t { kOk, kDiagnosed, kSilentFailure, kBrokenInvariant, kThrew, kCrashed, kHung, kCount };
inline constexpr std::array<const char*, kCount> kOutcomeNames = {
    "ok", "diagnosed", "failed without diagnostic", "broke an invariant", "threw", "crashed", "hung"};

struct Input {
  std::string label;
  std::vector<std::uint8_t> bytes;
};

struct Options {
  /// Per input; a sound parse of the fixtures takes milliseconds.
  unsigned hang_seconds = 3;
  /// Wall-clock budget for the whole sweep (the suite must stay fast, also under ASan).
  std::chrono::steady_clock::duration budget = std::chrono::seconds(15);
};

struct Tally {
  std::array<std::size_t, kCount> counts{};
  std::size_t checked = 0;
  long max_growth_kb = 0;             ///< largest peak-RSS growth one input caused in the worker
  std::vector<std::string> failures;  ///< labels of the first inputs that were not ok/diagnosed
  bool out_of_time = false;

  void add(const Input& in, Outcome o, long growth_kb = 0) {
    ++counts[o];
    ++checked;
    max_growth_kb = std::max(max_growth_kb, growth_kb);
    if (o != kOk && o != kDiagnosed && failures.size() < 20) failures.push_back(in.label + ": " + kOutcomeNames[o]);
  }

  /// "N/M inputs, a ok, b diagnosed, ...; crash rate c/N; largest RSS growth g KiB[; stopped ...]"
  std::string summary(std::size_t total) const {
    std::string s = std::to_string(checked) + "/" + std::to_string(total) + " inputs";
    for (int o = 0; o < kCount; ++o) s += ", " + std::to_string(counts[o]) + " " + kOutcomeNames[o];
    s += "; crash rate " + std::to_string(counts[kCrashed]) + "/" + std::to_string(checked) +
         "; largest RSS growth " + std::to_string(max_growth_kb) + " KiB";
    if (out_of_time) s += "; stopped at the time budget";
    return s;
  }
};

/// Worker: classifies inputs[first..] with `check` and writes one 8-byte record per input (the
/// outcome, then the growth of the peak RSS in KiB, little-endian u32). Never returns.
template <class Check>
[[noreturn]] void run_worker(const std::vector<Input>& inputs, std::size_t first, int out_fd, Check& check,
                             const Options& options) {
  for (std::size_t i = first; i < inputs.size(); ++i) {
    ::alarm(options.hang_seconds);
    const long before = fork_detail::max_rss_kb();
    Outcome o = kThrew;
    try {
      o = check(inputs[i].bytes);
    } catch (...) {
      o = kThrew;
    }
    const auto growth = static_cast<std::uint32_t>(std::max(0L, fork_detail::max_rss_kb() - before));
    std::uint8_t record[8] = {static_cast<std::uint8_t>(o)};
    for (int k = 0; k < 4; ++k) record[4 + k] = static_cast<std::uint8_t>(growth >> (8 * k));
    if (!fork_detail::write_full(out_fd, record, sizeof record)) ::_exit(3);
  }
  ::_exit(0);
}

/// Runs every input through `check` (callable as Outcome(const std::vector<std::uint8_t>&)) in
/// forked workers; see the file comment.
template <class Check>
Tally sweep(const std::vector<Input>& inputs, Check&& check, const Options& options = {}) {
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
      run_worker(inputs, next, fds[1], check, options);
    }
    ::close(fds[1]);
    std::uint8_t record[8];
    while (fork_detail::read_full(fds[0], record, sizeof record)) {
      const long growth = record[4] | (record[5] << 8) | (record[6] << 16) | (static_cast<long>(record[7]) << 24);
      tally.add(inputs[next], record[0] < kCount ? static_cast<Outcome>(record[0]) : kBrokenInvariant, growth);
      ++next;
      if (std::chrono::steady_clock::now() - start > options.budget) {
        tally.out_of_time = true;
        ::kill(pid, SIGKILL);
        break;
      }
    }
    ::close(fds[0]);
    const int status = fork_detail::wait_child(pid);
    if (tally.out_of_time || next >= inputs.size()) break;
    // The worker died on inputs[next]: that input crashed or hung (SIGALRM); resume after it.
    tally.add(inputs[next], WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM ? kHung : kCrashed);
    ++next;
  }
  return tally;
}

}  // namespace fork_sweep

/// Bounds for one child of run_bounded.
struct ChildLimits {
  unsigned seconds = 30;                          ///< alarm(): past this the child is killed (hung)
  std::uint64_t address_space_bytes = 3ull << 30;  ///< RLIMIT_AS; not applied under ASan (kSanitized)
};

/// How a child of run_bounded ended.
struct ChildOutcome {
  enum class End { exited, signaled, timed_out };
  End end = End::exited;
  int code = 0;          ///< exit status, or the signal that ended the child
  long max_rss_kb = 0;   ///< the child's peak resident set
  std::string output;    ///< what the child's function wrote to `out`
  double seconds = 0;    ///< wall-clock time

  bool exited(int want = 0) const { return end == End::exited && code == want; }
  std::string describe() const {
    std::string s = end == End::exited     ? "exited " + std::to_string(code)
                    : end == End::timed_out ? "timed out (SIGALRM)"
                                            : std::string("killed by signal ") + std::to_string(code) + " (" +
                                                  ::strsignal(code) + ")";
    return s + " after " + std::to_string(seconds) + " s, peak RSS " + std::to_string(max_rss_kb / 1024) + " MiB";
  }
};

/// Runs fn(std::string& out) -> int in a forked child bounded by `limits`; the child exits with
/// fn's result (3 when fn throws, `out` then holding the exception text). Use it for anything
/// that could crash, hang or balloon; assert on the returned outcome in the parent.
template <class Fn>
ChildOutcome run_bounded(Fn&& fn, const ChildLimits& limits = {}) {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  const auto start = std::chrono::steady_clock::now();
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::close(fds[0]);
    ::alarm(limits.seconds);
    if (!kSanitized && limits.address_space_bytes > 0) {
      rlimit rl{};
      rl.rlim_cur = rl.rlim_max = limits.address_space_bytes;
      ::setrlimit(RLIMIT_AS, &rl);
    }
    std::string out;
    int code = 0;
    try {
      code = fn(out);
    } catch (const std::exception& e) {
      out += std::string("exception: ") + e.what();
      code = 3;
    } catch (...) {
      out += "exception: (not std::exception)";
      code = 3;
    }
    fork_detail::write_full(fds[1], out.data(), out.size());
    ::_exit(code);
  }
  ::close(fds[1]);
  ChildOutcome result;
  char buf[65536];
  for (;;) {
    const ssize_t k = ::read(fds[0], buf, sizeof buf);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) break;
    result.output.append(buf, static_cast<std::size_t>(k));
  }
  ::close(fds[0]);
  rusage ru{};
  const int status = fork_detail::wait_child(pid, &ru);
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  result.max_rss_kb = ru.ru_maxrss;
  if (WIFEXITED(status)) {
    result.end = ChildOutcome::End::exited;
    result.code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM) {
    result.end = ChildOutcome::End::timed_out;
    result.code = SIGALRM;
  } else {
    result.end = ChildOutcome::End::signaled;
    result.code = WIFSIGNALED(status) ? WTERMSIG(status) : -1;
  }
  return result;
}

}  // namespace sdkscope::test
