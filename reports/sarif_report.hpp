// SARIF 2.1.0 (OASIS) output: one run, the check catalogue and policy rules as the driver's
// rules, each finding a result with its evidence as locations inside the bundle
// ("app.apk!/classes.dex") and the class, component or symbol as a logical location.
// Validated with the SARIF Multitool (tests/reports/sarif_validator_test.cpp); see docs/report-formats.md.
#pragma once

#include <string>

#include "scanner/model/scan_result.hpp"

namespace sdkscope {

struct SarifOptions {
  std::string information_uri = "https://github.com/sdkscope/sdkscope";
};

std::string write_sarif_report(const ScanResult& r, const SarifOptions& opts = {});

/// SARIF level for a severity: critical/high -> "error", medium -> "warning", low/info -> "note".
std::string sarif_level(std::string_view severity);

}  // namespace sdkscope
