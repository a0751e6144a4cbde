// String literals of a Mach-O image: C string sections and CFString constants, de-duplicated
// in first-seen order across every image of a file.
#pragma once

#include <cstddef>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "scanner/apple/macho_view.hpp"

namespace sdkscope::apple {

/// Unique strings in first-seen order, at most `max` of them.
class StringCollector {
 public:
  explicit StringCollector(std::size_t max) : max_(max) {}
  /// Adds s unless seen; returns false (and remembers the overflow) once the limit is reached.
  bool add(std::string_view s);
  bool overflowed() const { return overflowed_; }
  std::size_t size() const { return items_.size(); }
  /// The strings, in order; the collector is empty afterwards.
  std::vector<std::string> take();

 private:
  std::size_t max_;
  bool overflowed_ = false;
  std::deque<std::string> items_;  // a deque keeps element addresses stable for seen_
  std::unordered_set<std::string_view> seen_;
};

/// True for a string worth reporting: at least min_length bytes, valid UTF-8, no control
/// characters other than tab, CR and LF.
bool is_text(std::string_view s, std::size_t min_length);

/// Adds the image's strings to `out`: every C-string-literal section except the ObjC runtime
/// ones (__objc_methname selectors, __objc_classname, __objc_methtype: names and noise, not
/// literals), then the targets of __cfstring constants (8-bit or UTF-16, converted to UTF-8).
/// Bytes in the encrypted range are skipped; CFStrings are not read in object files (their
/// pointers are relocations there; their bytes are in __cstring anyway).
void read_macho_strings(const MachoView& view, std::size_t min_length, StringCollector& out);

/// Adds the Objective-C selector names of the image (__objc_methname) to `out`. Selectors are
/// noise for endpoints but name the required-reason APIs that have no symbol (systemUptime,
/// activeInputModes), so they are kept apart from the strings.
void read_objc_selectors(const MachoView& view, StringCollector& out);

}  // namespace sdkscope::apple
