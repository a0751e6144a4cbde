// ScanOptions: everything that shapes one scan, resolved once by the CLI (or a test) and then
// read-only. Presets instead of a dozen booleans threaded through calls (LIEF's ParserConfig).
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "scanner/analysis/endpoint_report.hpp"
#include "scanner/bundle/limits.hpp"
#include "scanner/match/matcher.hpp"
#include "scanner/policy/policy.hpp"

namespace sdkscope {

struct ScanOptions {
  Limits limits;
  MatchOptions match;
  EndpointOptions endpoints;
  /// Report the input path as given (default) or only its file name (for reproducible goldens).
  bool path_basename_only = false;
  /// MaxMind DB the user supplies to place IP literals (--geoip); "" = none. Never fetched.
  std::string geoip_path;
  /// List every candidate the endpoint noise filters dropped, with its reason (--show-filtered).
  bool show_filtered = false;
  /// Home jurisdiction data_flows measure transfers against: "EU", "EEA" or an ISO country code.
  std::string home_jurisdiction = "EU";
  /// Policy gate applied to every result (--policy FILE); null = no policy.
  std::shared_ptr<const policy::Policy> policy;
  /// "YYYY-MM-DD" the policy's allowlist expiry dates are compared with; "" = today (UTC).
  std::string today;
  /// Threads one scan uses for the heavy entries of an app (DEX, native libraries, Mach-O
  /// binaries, text assets); 0 = the hardware's concurrency, 1 = sequential. The report is the
  /// same whatever the number. A batch scanning several inputs at once uses 1 per input.
  unsigned threads = 0;
  /// Maximum holders (classes) recorded per address string in one DEX.
  std::size_t max_holders_per_string = 8;
  /// Find the app's launcher icon (AppInfo::icon_png, for the HTML report); read after the walk.
  bool extract_icon = true;

  /// The default: every parser, every limit at its documented value.
  static ScanOptions standard() { return {}; }
};

}  // namespace sdkscope
