// C string literal sections (S_CSTRING_LITERALS, mostly __TEXT,__cstring) and CFString
// constants. A __cfstring entry is CF's struct __CFConstStr {isa, flags, ptr, length}: four
// pointer-sized fields; flags & 0x10 (__kCFIsUnicode) means `ptr` points to `length` UTF-16 code
// units (in __TEXT,__ustring), otherwise to `length` 8-bit characters (usually in __cstring).
#include "scanner/apple/macho_strings.hpp"

#include "scanner/apple/macho_format.hpp"
#include "scanner/util/strings.hpp"

namespace sdkscope::apple {

namespace {

constexpr std::uint64_t kCfUnicode = 0x10;
constexpr std::uint64_t kMaxCfLength = 1u << 20;  // code units; real constants are far shorter

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xc0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xe0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else {
    out += static_cast<char>(0xf0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  }
}

/// UTF-16 (image byte order) to UTF-8; unpaired surrogates become U+FFFD.
std::string utf16_to_utf8(const EndianReader& r, std::uint64_t off, std::uint64_t units) {
  std::string out;
  out.reserve(units);
  for (std::uint64_t i = 0; i < units; ++i) {
    std::uint32_t cu = r.u16(off + 2 * i);
    if (cu >= 0xd800 && cu < 0xdc00 && i + 1 < units) {
      const std::uint32_t lo = r.u16(off + 2 * (i + 1));
      if (lo >= 0xdc00 && lo < 0xe000) {
        append_utf8(out, 0x10000 + ((cu - 0xd800) << 10) + (lo - 0xdc00));
        ++i;
        continue;
      }
    }
    append_utf8(out, cu >= 0xd800 && cu < 0xe000 ? 0xfffd : cu);
  }
  return out;
}

bool is_literal_section(const MachoSection& sec) {
  if (sec.sectname == "__cstring") return true;
  return (sec.flags & macho::kSectionTypeMask) == macho::kSCstringLiterals && !starts_with(sec.sectname, "__objc_");
}

void read_cstrings(const MachoView& view, std::size_t min_length, StringCollector& out) {
  for (const auto& sec : view.layout().sections) {
    if (!is_literal_section(sec)) continue;
    for (const FileRange& part : view.readable_parts(sec)) {
      auto chars = view.reader().bytes().chars(part.offset, part.size);
      std::size_t start = 0;
      for (std::size_t nul = chars.find('\0'); nul != std::string_view::npos; nul = chars.find('\0', start)) {
        auto s = chars.substr(start, nul - start);
        start = nul + 1;
        if (is_text(s, min_length) && !out.add(s)) return;
      }
    }
  }
}

void read_cfstrings(const MachoView& view, std::size_t min_length, StringCollector& out) {
  if (view.layout().filetype == macho::kMhObject) return;
  const std::size_t ps = view.pointer_size();
  for (const MachoSection* sec : view.sections_named("__cfstring")) {
    for (const FileRange& part : view.readable_parts(*sec)) {
      for (std::uint64_t at = part.offset; at + 4 * ps <= part.end(); at += 4 * ps) {
        const std::uint64_t flags = view.reader().word(at + ps, view.is64());
        const std::uint64_t length = view.reader().word(at + 3 * ps, view.is64());
        auto target = view.address_at(at + 2 * ps);
        if (!target || length == 0 || length > kMaxCfLength) continue;
        const bool unicode = flags & kCfUnicode;
        auto off = view.file_offset(*target, unicode ? 2 * length : length);
        if (!off) continue;
        if (unicode) {
          std::string s = utf16_to_utf8(view.reader(), *off, length);
          if (is_text(s, min_length) && !out.add(s)) return;
        } else {
          auto s = view.reader().bytes().chars(*off, length);
          if (is_text(s, min_length) && !out.add(s)) return;
        }
      }
    }
  }
}

}  // namespace

bool StringCollector::add(std::string_view s) {
  if (seen_.count(s)) return true;
  if (items_.size() >= max_) {
    overflowed_ = true;
    return false;
  }
  items_.emplace_back(s);
  seen_.insert(items_.back());
  return true;
}

std::vector<std::string> StringCollector::take() {
  seen_.clear();
  std::vector<std::string> out(std::make_move_iterator(items_.begin()), std::make_move_iterator(items_.end()));
  items_.clear();
  return out;
}

bool is_text(std::string_view s, std::size_t min_length) {
  if (s.size() < min_length || s.empty()) return false;
  bool ascii = true;
  for (unsigned char c : s) {
    if (c >= 0x80) ascii = false;
    else if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) return false;
  }
  return ascii || sanitize_utf8(s) == s;
}

void read_objc_selectors(const MachoView& view, StringCollector& out) {
  for (const MachoSection* sec : view.sections_named("__objc_methname")) {
    for (const FileRange& part : view.readable_parts(*sec)) {
      auto chars = view.reader().bytes().chars(part.offset, part.size);
      std::size_t start = 0;
      for (std::size_t nul = chars.find('\0'); nul != std::string_view::npos; nul = chars.find('\0', start)) {
        auto s = chars.substr(start, nul - start);
        start = nul + 1;
        if (is_text(s, 1) && !out.add(s)) return;
      }
    }
  }
}

void read_macho_strings(const MachoView& view, std::size_t min_length, StringCollector& out) {
  read_cstrings(view, min_length, out);
  read_cfstrings(view, min_length, out);
}

}  // namespace sdkscope::apple
