// A diagnostics reporter that caps how often one code repeats, so a corrupt table yields a few
// lines of report, not one per entry. Shared by the binary parsers (DEX, Java class files).
#pragma once

#include <fmt/format.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "scanner/model/diagnostic.hpp"

namespace sdkscope {

/// Adds diagnostics for one input (`where`) to `out`: the first kMaxPerCode of each code in full,
/// then only counts them, and finish() adds one "N more" line per code that overflowed. Messages
/// past the cap are never formatted, so hostile input that trips a check per entry stays cheap.
/// `Code` is an enum whose values index `Names`, the stable code strings.
template <typename Code, const auto& Names>
class CappedReporter {
 public:
  /// Each code is reported this many times, then counted.
  static constexpr std::uint32_t kMaxPerCode = 8;

  /// `out` and `where` must outlive the reporter.
  CappedReporter(Diagnostics& out, const std::string& where) : out_(out), where_(where) {}

  template <class... Args>
  void report(Code code, Severity severity, fmt::format_string<Args...> format, Args&&... args) {
    auto& n = counts_[static_cast<std::size_t>(code)];
    if (n++ >= kMaxPerCode) return;
    out_.add(std::string(Names[static_cast<std::size_t>(code)]), severity, where_,
             fmt::format(format, std::forward<Args>(args)...));
  }

  /// Adds the "N more" summaries; call once, at the end.
  void finish() {
    for (std::size_t c = 0; c < counts_.size(); ++c) {
      if (counts_[c] <= kMaxPerCode) continue;
      out_.add(std::string(Names[c]), Severity::warning, where_,
               fmt::format("{} more {} problems not listed", counts_[c] - kMaxPerCode, Names[c]));
    }
  }

 private:
  Diagnostics& out_;
  const std::string& where_;
  std::array<std::uint32_t, Names.size()> counts_{};
};

}  // namespace sdkscope
