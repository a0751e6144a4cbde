// Modified UTF-8 (DEX string_data_item, Java class-file CONSTANT_Utf8) to standard UTF-8.
#pragma once

#include <string>
#include <string_view>

namespace sdkscope {

/// Decodes MUTF-8 bytes (without the terminating 0x00) to valid UTF-8. Handles the two MUTF-8
/// quirks: U+0000 stored as 0xC0 0x80, and supplementary characters stored as a surrogate pair of
/// two 3-byte sequences (CESU-8), which become one 4-byte UTF-8 sequence. Also accepts plain
/// 4-byte UTF-8 sequences, which some tools write. Never fails: a malformed byte, a truncated
/// sequence or an unpaired surrogate becomes U+FFFD, so the result is always valid UTF-8 and at
/// most three times as long as the input.
std::string mutf8_to_utf8(std::string_view mutf8);

}  // namespace sdkscope
