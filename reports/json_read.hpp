// Reads a saved JSON report (schema version 1) back into a ScanResult: the inverse of
// write_json_report, so `sdkscope diff` and batch --resume can work from reports on disk.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "scanner/model/scan_result.hpp"

namespace sdkscope {

/// Parses a JSON report. Unknown keys are ignored (newer writers may add optional keys within a
/// version); a missing optional key reads as the model's default. Returns nullopt and sets a
/// one-line `error` when the text is not JSON, nests deeper than kMaxReportDepth, has no
/// `schema_version` 1, or holds a known key with the wrong type. Never throws.
/// write_json_report(*read_json_report(write_json_report(r))) == write_json_report(r).
std::optional<ScanResult> read_json_report(std::string_view json, std::string& error);

/// Deepest nesting a report may have: ours is under 10 levels; entitlement values are the only
/// free-form part. Bounds the recursion of anything that walks the parsed tree.
inline constexpr std::size_t kMaxReportDepth = 256;

/// True when `text` looks like a JSON report rather than an app: its first non-whitespace byte is '{'.
bool looks_like_json_report(std::string_view text);

}  // namespace sdkscope
