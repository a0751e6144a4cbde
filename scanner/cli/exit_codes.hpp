// Exit codes, documented in README.md: scripts and CI gates depend on them.
#pragma once

namespace sdkscope::cli {

inline constexpr int kExitOk = 0;          ///< scan done; no policy violated
inline constexpr int kExitViolation = 1;   ///< a policy rule or --fail-on condition was met
inline constexpr int kExitError = 2;       ///< unusable input, invalid database, unwritable output, bad usage

}  // namespace sdkscope::cli
