// Small string helpers shared across the scanner.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "scanner/util/byte_reader.hpp"

namespace sdkscope {

bool starts_with(std::string_view s, std::string_view prefix);
bool ends_with(std::string_view s, std::string_view suffix);
std::string to_lower(std::string_view s);
/// Splits on a single character; empty fields kept.
std::vector<std::string_view> split(std::string_view s, char sep);
/// Replaces invalid UTF-8 sequences with U+FFFD so any output (JSON) stays valid.
std::string sanitize_utf8(std::string_view s);
/// Runs of printable ASCII (0x20..0x7e, plus tab, CR and LF) at least `min_len` long, in order,
/// like strings(1) but keeping multi-line constants whole. Stops after `max_count` strings.
std::vector<std::string> printable_strings(Bytes data, std::size_t min_len, std::size_t max_count);
/// Lowercase hex of bytes.
std::string to_hex(Bytes data);

}  // namespace sdkscope
