// Markdown report: the HTML report's content as a document a researcher pastes into a write-up
// (GitHub-flavoured Markdown: pipe tables, fenced headings). Every claim carries its evidence
// (class, file, location) in code spans so it can be cited verbatim. App strings are escaped:
// Markdown specials are backslash-escaped in text, identifiers sit in code spans with a fence
// longer than any backtick run inside, '|' is escaped in table cells, newlines become spaces.
// Deterministic: no timestamps.
#pragma once

#include <string>

#include "scanner/model/scan_result.hpp"

namespace sdkscope {

/// The report as one Markdown document (UTF-8, trailing newline).
std::string write_markdown_report(const ScanResult& r);

}  // namespace sdkscope
