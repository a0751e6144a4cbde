// Diagnostics: what a scan could not read, and why. The second error tier of the architecture:
// malformed input inside a bundle is recorded here and the scan goes on.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sdkscope {

enum class Severity { info, warning, error };

std::string_view to_string(Severity s);

/// One problem found while scanning. `code` is a stable identifier ("dex.truncated",
/// "zip.entry_too_large"); users filter and suppress by it, so codes never change once released.
struct Diagnostic {
  std::string code;
  Severity severity = Severity::warning;
  std::string where;    ///< location inside the input, e.g. "classes2.dex" or "base.apk!/lib/x86/libfoo.so"
  std::string message;  ///< one human-readable sentence

  friend bool operator==(const Diagnostic&, const Diagnostic&) = default;
};

/// Diagnostics collected by one parser or pass; appended to, never cleared.
class Diagnostics {
 public:
  void add(std::string code, Severity sev, std::string where, std::string message) {
    items_.push_back({std::move(code), sev, std::move(where), std::move(message)});
  }
  void warn(std::string code, std::string where, std::string message) {
    add(std::move(code), Severity::warning, std::move(where), std::move(message));
  }
  void error(std::string code, std::string where, std::string message) {
    add(std::move(code), Severity::error, std::move(where), std::move(message));
  }
  void info(std::string code, std::string where, std::string message) {
    add(std::move(code), Severity::info, std::move(where), std::move(message));
  }
  void append(const Diagnostics& other) { items_.insert(items_.end(), other.items_.begin(), other.items_.end()); }
  void append(Diagnostics&& other) {
    for (auto& d : other.items_) items_.push_back(std::move(d));
  }
  bool empty() const { return items_.empty(); }
  std::size_t size() const { return items_.size(); }
  const std::vector<Diagnostic>& items() const { return items_; }
  std::vector<Diagnostic>& items() { return items_; }
  /// True when any diagnostic has this code (tests use it).
  bool has(std::string_view code) const {
    for (const auto& d : items_)
      if (d.code == code) return true;
    return false;
  }

 private:
  std::vector<Diagnostic> items_;
};

}  // namespace sdkscope
