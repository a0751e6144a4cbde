// Helpers for the class-file tests: the committed fixtures, a builder for hand-made class files,
// an independent constant-pool walker (to know where the pool ends), and the parser's invariants.
#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "scanner/java/class_file.hpp"
#include "support/test_paths.hpp"

namespace sdkscope::test {

using Buf = std::vector<std::uint8_t>;

/// testdata/java/classes/<rel>, e.g. "java8/com/demo/sdk/Tracker.class".
inline Buf class_fixture(const std::string& rel) { return read_file(testdata("java/classes/" + rel)); }

/// The java8 fixtures, by path under testdata/java/classes/java8.
inline const std::vector<std::string>& java8_fixtures() {
  static const std::vector<std::string> kFiles = {
      "com/demo/sdk/DeviceInfo.class",      "com/demo/sdk/EventSink.class",
      "com/demo/sdk/Tracker$Event.class",   "com/demo/sdk/Tracker$Flusher.class",
      "com/demo/sdk/Tracker.class",         "com/demo/sdk/Unicode.class",
      "com/tencent/bugly/crashreport/CrashReportFixture.class"};
  return kFiles;
}

struct Parsed {
  java::ClassParseResult r;
  Diagnostics diags;
};

inline Parsed parse(const Buf& b, const java::ClassFileLimits& limits = {}) {
  Parsed p;
  p.r = java::parse_class_file(b, p.diags, "t.class", limits);
  return p;
}

inline std::size_t count_code(const Diagnostics& d, std::string_view code) {
  return static_cast<std::size_t>(
      std::count_if(d.items().begin(), d.items().end(), [&](const Diagnostic& x) { return x.code == code; }));
}

inline bool has_error(const Diagnostics& d) {
  return std::any_of(d.items().begin(), d.items().end(),
                     [](const Diagnostic& x) { return x.severity == Severity::error; });
}

/// Big-endian writes, as the class file format wants them.
inline void put_u16(Buf& b, std::uint16_t v) {
  b.push_back(static_cast<std::uint8_t>(v >> 8));
  b.push_back(static_cast<std::uint8_t>(v));
}
inline void set_u16(Buf& b, std::size_t at, std::uint16_t v) {
  b.at(at) = static_cast<std::uint8_t>(v >> 8);
  b.at(at + 1) = static_cast<std::uint8_t>(v);
}
inline std::uint16_t get_u16(const Buf& b, std::size_t at) {
  return static_cast<std::uint16_t>((b.at(at) << 8) | b.at(at + 1));
}

/// Where each constant starts and where the pool ends, by a walker written apart from the parser's
/// (JVMS 4.4). Stops at the first unknown tag or at the end of the bytes.
struct PoolMap {
  std::vector<std::size_t> offsets;  ///< by pool index; 0 for index 0 and unusable slots
  std::vector<std::uint8_t> tags;
  std::size_t end = 0;               ///< offset just past the pool
  bool complete = false;
};

inline PoolMap map_pool(const Buf& b) {
  PoolMap m;
  const std::uint16_t count = get_u16(b, 8);
  m.offsets.assign(count, 0);
  m.tags.assign(count, 0);
  std::size_t off = 10;
  for (std::uint16_t i = 1; i < count;) {
    if (off >= b.size()) return m;
    const std::uint8_t tag = b[off];
    std::size_t len = 0;
    if (tag == 1) len = 3 + get_u16(b, off + 1);
    else if (tag == 7 || tag == 8 || tag == 16 || tag == 19 || tag == 20) len = 3;
    else if (tag == 15) len = 4;
    else if (tag == 3 || tag == 4 || (tag >= 9 && tag <= 12) || tag == 17 || tag == 18) len = 5;
    else if (tag == 5 || tag == 6) len = 9;
    else return m;
    m.offsets[i] = off;
    m.tags[i] = tag;
    off += len;
    i = static_cast<std::uint16_t>(i + ((tag == 5 || tag == 6) ? 2 : 1));
  }
  m.end = off;
  m.complete = off <= b.size();
  return m;
}

/// Builds class files constant by constant, for shapes javac never writes.
class ClassBuilder {
 public:
  std::uint16_t utf8_bytes(std::string_view bytes) {
    pool_.push_back(1);
    put_u16(pool_, static_cast<std::uint16_t>(bytes.size()));
    pool_.insert(pool_.end(), bytes.begin(), bytes.end());
    return next(1);
  }
  std::uint16_t utf8(std::string_view s) { return utf8_bytes(s); }
  std::uint16_t class_ref(std::uint16_t name_index) { return two(7, name_index); }
  std::uint16_t class_named(std::string_view name) { return class_ref(utf8(name)); }
  std::uint16_t string_ref(std::uint16_t utf8_index) { return two(8, utf8_index); }
  std::uint16_t string(std::string_view s) { return string_ref(utf8(s)); }
  std::uint16_t name_and_type(std::uint16_t name, std::uint16_t type) { return four(12, name, type); }
  std::uint16_t methodref(std::uint16_t cls, std::uint16_t nat, std::uint8_t tag = 10) { return four(tag, cls, nat); }
  std::uint16_t method(std::string_view owner, std::string_view name, std::string_view desc = "()V",
                       std::uint8_t tag = 10) {
    const auto c = class_named(owner);
    return methodref(c, name_and_type(utf8(name), utf8(desc)), tag);
  }
  std::uint16_t long_const(std::uint64_t v, std::uint8_t tag = 5) {
    pool_.push_back(tag);
    for (int s = 56; s >= 0; s -= 8) pool_.push_back(static_cast<std::uint8_t>(v >> s));
    return next(2);
  }
  /// Any entry: a tag and its body as given.
  std::uint16_t raw(std::uint8_t tag, const Buf& body) {
    pool_.push_back(tag);
    pool_.insert(pool_.end(), body.begin(), body.end());
    return next(1);
  }
  /// Makes the next index `count` (for pools whose count disagrees with their entries).
  void force_count(std::uint16_t count) { count_ = count; }
  std::uint16_t count() const { return count_; }

  /// The whole file: header, pool, class header, then empty fields, methods and attributes.
  Buf build(std::uint16_t this_class, std::uint16_t super_class, const std::vector<std::uint16_t>& interfaces = {},
            std::uint16_t major = 52, std::uint16_t access = 0x0021) const {
    Buf b = {0xCA, 0xFE, 0xBA, 0xBE};
    put_u16(b, 0);
    put_u16(b, major);
    put_u16(b, count_);
    b.insert(b.end(), pool_.begin(), pool_.end());
    put_u16(b, access);
    put_u16(b, this_class);
    put_u16(b, super_class);
    put_u16(b, static_cast<std::uint16_t>(interfaces.size()));
    for (auto i : interfaces) put_u16(b, i);
    for (int k = 0; k < 3; ++k) put_u16(b, 0);
    return b;
  }

 private:
  std::uint16_t next(int slots) {
    const std::uint16_t idx = count_;
    count_ = static_cast<std::uint16_t>(count_ + slots);
    return idx;
  }
  std::uint16_t two(std::uint8_t tag, std::uint16_t a) {
    pool_.push_back(tag);
    put_u16(pool_, a);
    return next(1);
  }
  std::uint16_t four(std::uint8_t tag, std::uint16_t a, std::uint16_t b) {
    pool_.push_back(tag);
    put_u16(pool_, a);
    put_u16(pool_, b);
    return next(1);
  }
  Buf pool_;
  std::uint16_t count_ = 1;
};

/// True when `s` is well-formed UTF-8 (no overlongs, surrogates or code points past U+10FFFF).
inline bool valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
    if (len == 0 || i + len > s.size()) return false;
    char32_t cp = len == 1 ? c : len == 2 ? (c & 0x1Fu) : len == 3 ? (c & 0x0Fu) : (c & 0x07u);
    for (std::size_t k = 1; k < len; ++k) {
      const auto d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3Fu);
    }
    static constexpr char32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += len;
  }
  return true;
}

/// The parser's promises, whatever the input; "" when all hold, else the first broken one.
inline std::string check_invariants(const Parsed& p, const java::ClassFileLimits& limits = {}) {
  const auto& c = p.r.cls;
  if (p.r.ok && c.name.empty()) return "ok without a name";
  if (!p.r.ok && !has_error(p.diags)) return "not ok, and no error diagnostic says why";
  if (!std::is_sorted(c.referenced_classes.begin(), c.referenced_classes.end())) return "referenced_classes unsorted";
  if (std::adjacent_find(c.referenced_classes.begin(), c.referenced_classes.end()) != c.referenced_classes.end())
    return "referenced_classes repeat";
  for (const auto* v : {&c.strings, &c.method_refs}) {
    if (std::set<std::string>(v->begin(), v->end()).size() != v->size()) return "strings or method_refs repeat";
  }
  std::uint64_t bytes = c.name.size() + c.super_name.size();
  for (const auto* v : {&c.interfaces, &c.referenced_classes, &c.strings, &c.method_refs}) {
    for (const auto& s : *v) {
      if (!valid_utf8(s)) return "invalid UTF-8: " + s;
      bytes += s.size();
    }
  }
  for (const auto& s : c.referenced_classes) {
    if (s.empty() || s.find('/') != std::string::npos || s.front() == '[') return "not a dotted class name: " + s;
  }
  // Output within the budget, give or take the class's own two names (kept regardless) and the
  // one string that crossed the line (each at most 3 x 65535 bytes).
  if (bytes > limits.max_output_bytes + 3 * 3 * 65'535ull) return "output past max_output_bytes";
  // Four codes, each at most 8 entries plus a summary; plus nothing else.
  if (p.diags.size() > 4 * 9) return "too many diagnostics: " + std::to_string(p.diags.size());
  for (const auto& d : p.diags.items()) {
    if (d.code.rfind("class.", 0) != 0 || d.where != "t.class" || d.message.empty()) return "odd diagnostic " + d.code;
  }
  return "";
}

}  // namespace sdkscope::test
