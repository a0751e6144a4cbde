// The signature database shipped in signatures/, loaded once per test binary.
#pragma once

#include <stdexcept>

#include "scanner/match/signature_db.hpp"
#include "support/test_paths.hpp"

namespace sdkscope::test {

/// Loads signatures/ on first use; throws (failing the calling test) when it does not validate.
inline const SignatureDb& shipped_db() {
  static SignatureDb db = [] {
    std::vector<std::string> errors;
    auto loaded = SignatureDb::load(source_dir() / "signatures", errors);
    if (!loaded) throw std::runtime_error(errors.empty() ? "signature load failed" : errors.front());
    return std::move(*loaded);
  }();
  return db;
}

}  // namespace sdkscope::test
