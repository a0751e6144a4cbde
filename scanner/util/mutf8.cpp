// MUTF-8 decoding for DEX strings and Java class-file constants. Reference: "MUTF-8 (Modified UTF-8) Encoding" in
// https://source.android.com/docs/core/runtime/dex-format
#include "scanner/util/mutf8.hpp"

#include <cstdint>

namespace sdkscope {
namespace {

constexpr char32_t kReplacement = 0xFFFD;

bool is_continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Decodes one sequence at s[i]; returns the code unit or code point and advances i. Surrogates
// are returned as they are (0xD800..0xDFFF) for the caller to pair.
char32_t decode_one(std::string_view s, std::size_t& i) {
  const auto c0 = static_cast<unsigned char>(s[i]);
  const std::size_t left = s.size() - i;
  if (c0 < 0x80) {
    i += 1;
    return c0;
  }
  if ((c0 & 0xE0) == 0xC0 && left >= 2 && is_continuation(static_cast<unsigned char>(s[i + 1]))) {
    i += 2;
    return ((c0 & 0x1Fu) << 6) | (static_cast<unsigned char>(s[i - 1]) & 0x3Fu);
  }
  if ((c0 & 0xF0) == 0xE0 && left >= 3 && is_continuation(static_cast<unsigned char>(s[i + 1])) &&
      is_continuation(static_cast<unsigned char>(s[i + 2]))) {
    i += 3;
    return ((c0 & 0x0Fu) << 12) | ((static_cast<unsigned char>(s[i - 2]) & 0x3Fu) << 6) |
           (static_cast<unsigned char>(s[i - 1]) & 0x3Fu);
  }
  if ((c0 & 0xF8) == 0xF0 && left >= 4 && is_continuation(static_cast<unsigned char>(s[i + 1])) &&
      is_continuation(static_cast<unsigned char>(s[i + 2])) &&
      is_continuation(static_cast<unsigned char>(s[i + 3]))) {
    const char32_t cp = ((c0 & 0x07u) << 18) | ((static_cast<unsigned char>(s[i + 1]) & 0x3Fu) << 12) |
                        ((static_cast<unsigned char>(s[i + 2]) & 0x3Fu) << 6) |
                        (static_cast<unsigned char>(s[i + 3]) & 0x3Fu);
    i += 4;
    return (cp >= 0x10000 && cp <= 0x10FFFF) ? cp : kReplacement;
  }
  i += 1;  // a stray continuation byte, a bad lead byte or a truncated sequence
  return kReplacement;
}

}  // namespace

std::string mutf8_to_utf8(std::string_view mutf8) {
  // Fast path: most DEX strings (class names, URLs, keys) are ASCII and copy through unchanged.
  std::size_t i = 0;
  while (i < mutf8.size() && static_cast<unsigned char>(mutf8[i]) < 0x80) ++i;
  std::string out(mutf8.substr(0, i));
  if (i == mutf8.size()) return out;

  out.reserve(mutf8.size());
  while (i < mutf8.size()) {
    char32_t cp = decode_one(mutf8, i);
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      // A high surrogate is only meaningful with a low surrogate right after it.
      std::size_t j = i;
      const char32_t low = j < mutf8.size() ? decode_one(mutf8, j) : 0;
      if (low >= 0xDC00 && low <= 0xDFFF) {
        cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
        i = j;
      } else {
        cp = kReplacement;
      }
    } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
      cp = kReplacement;
    }
    append_utf8(out, cp);
  }
  return out;
}

}  // namespace sdkscope
