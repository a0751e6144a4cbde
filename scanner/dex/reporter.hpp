// The DEX reader's diagnostics: the four stable codes, and a reporter that caps how often one
// code is repeated so a corrupt table yields a few lines of report, not one per entry.
#pragma once

#include <array>
#include <cstddef>
#include <string_view>

#include "scanner/model/capped_reporter.hpp"

namespace sdkscope::dex {

/// The diagnostic codes parse_dex emits (stable: users filter on them).
enum class Code : std::size_t { bad_magic, truncated, bad_offset, limit, count_ };
inline constexpr std::array<std::string_view, static_cast<std::size_t>(Code::count_)> kCodeNames = {
    "dex.bad_magic", "dex.truncated", "dex.bad_offset", "dex.limit"};

/// The DEX reader's capped reporter (see scanner/model/capped_reporter.hpp).
using Reporter = CappedReporter<Code, kCodeNames>;

}  // namespace sdkscope::dex
