// The terminal summary: compact, aligned, colour only when asked (a terminal without NO_COLOR).
#pragma once

#include <string>

#include "scanner/model/scan_result.hpp"

namespace sdkscope {

struct TextOptions {
  bool color = false;
  std::size_t max_endpoints = 40;    ///< rows shown; the JSON report has them all
  std::size_t max_permissions = 80;
};

std::string write_text_report(const ScanResult& r, const TextOptions& opts = {});

}  // namespace sdkscope
