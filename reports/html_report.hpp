// HTML report: one self-contained file for a laptop screen and for print. Inline CSS, inline
// SVG charts, no script, nothing fetched on load (a Content-Security-Policy meta tag enforces
// it: default-src 'none', inline styles and data: images only). Every string from the app is
// escaped; app URLs are shown as text, never as links. Deterministic: no timestamps.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "scanner/model/scan_result.hpp"

namespace sdkscope {

struct HtmlOptions {
  /// The app icon as PNG bytes, embedded as a data: URI in the header; ignored unless it starts
  /// with the PNG signature. Empty = no icon.
  std::vector<std::uint8_t> icon_png;
};

/// The report as one HTML5 document (UTF-8, trailing newline).
std::string write_html_report(const ScanResult& r, const HtmlOptions& opts = {});

}  // namespace sdkscope
