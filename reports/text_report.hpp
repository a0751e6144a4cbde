// The terminal summary: compact, aligned, colour only when asked (a terminal without NO_COLOR).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "scanner/model/scan_result.hpp"

namespace sdkscope {

struct TextOptions {
  bool color = false;
  std::size_t max_endpoints = 40;    ///< cleartext endpoint rows shown; the JSON report has them all
  std::size_t max_permissions = 80;  ///< dangerous permission rows shown
  std::size_t max_findings = 60;
  std::size_t max_diagnostics = 10;  ///< error and warning rows shown
};

/// The summary: app line, SDK table, permissions (dangerous ones listed), endpoints (cleartext ones
/// listed), one line per data flow, findings by severity, the policy verdict when one was
/// evaluated, and a warning when the SDK list may be incomplete. Never throws on odd strings.
std::string write_text_report(const ScanResult& r, const TextOptions& opts = {});

/// Columns `s` takes on a terminal: UTF-8 decoded, East Asian wide characters (CJK, Hangul,
/// full-width forms, emoji) count two, combining marks none, invalid bytes one each.
std::size_t display_width(std::string_view s);

/// --color: auto (colour on a terminal unless NO_COLOR is set), always, never.
enum class ColorMode { automatic, always, never };
std::optional<ColorMode> parse_color_mode(std::string_view s);
/// Whether to emit ANSI colour. `no_color_env` is getenv("NO_COLOR"): per https://no-color.org a
/// non-empty value disables colour in auto mode; an explicit --color always still wins.
bool use_color(ColorMode mode, bool is_terminal, const char* no_color_env);

}  // namespace sdkscope
