// Shared by the fuzz targets: cheap invariant checks that abort (so libFuzzer and the replay
// driver report them) when a parser breaks its documented contract on some input.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "scanner/model/diagnostic.hpp"
#include "scanner/util/byte_reader.hpp"

#define SDKSCOPE_FUZZ_CHECK(cond)                                                              \
  do {                                                                                          \
    if (!(cond)) {                                                                              \
      std::fprintf(stderr, "fuzz invariant failed: %s (%s:%d)\n", #cond, __FILE__, __LINE__); \
      std::abort();                                                                             \
    }                                                                                           \
  } while (0)

namespace sdkscope::fuzz {

inline Bytes bytes(const std::uint8_t* data, std::size_t size) { return {data, size}; }

/// Every diagnostic names a code, says something, and is located under `where`.
inline void check_diagnostics(const Diagnostics& diags, std::string_view where) {
  for (const auto& d : diags.items()) {
    SDKSCOPE_FUZZ_CHECK(!d.code.empty());
    SDKSCOPE_FUZZ_CHECK(!d.message.empty());
    SDKSCOPE_FUZZ_CHECK(std::string_view(d.where).substr(0, where.size()) == where);
  }
}

/// True when no diagnostic is a warning or an error (what the parsers' `ok` flags promise).
inline bool only_infos(const Diagnostics& diags) {
  for (const auto& d : diags.items())
    if (d.severity != Severity::info) return false;
  return true;
}

}  // namespace sdkscope::fuzz
