// Reader for an APK's compiled resource table (resources.arsc) into the ResourceTable model:
// the global string pool, string and file values by resource id, and resource names.
#pragma once

#include <cstddef>
#include <string>

#include "scanner/android/resource_table.hpp"
#include "scanner/model/diagnostic.hpp"
#include "scanner/util/byte_reader.hpp"

namespace sdkscope::android {

/// Bounds on what one resources.arsc may make us allocate; hitting one is an "arsc.limit"
/// diagnostic and the rest of that part of the table is skipped.
struct ArscLimits {
  /// Large apps have ~100k strings in the global pool (all locales); ten times that is hostile.
  std::size_t max_strings = 2'000'000;
  /// Entries summed over all configurations: 100k resources x 50 locales, with headroom.
  std::size_t max_entries = 10'000'000;
  /// Reference chains (@string/a -> @string/b -> ...) followed when resolving values; aapt
  /// itself rejects cycles, real chains are one or two hops.
  std::size_t max_reference_hops = 8;
  /// Bytes copied into `names` and `values`: ids can share one huge pool string, so the input
  /// size does not bound the copies.
  std::size_t max_table_bytes = 256u << 20;
};

/// The decoded table. `table` holds whatever sound part was read, even when `ok` is false.
struct ArscParseResult {
  ResourceTable table;
  bool ok = false;  ///< true when decoded with no warning or error diagnostic
};

/// Reads resources.arsc. Never throws: malformed input becomes "arsc.*" diagnostics located at
/// `where`. Values are string and file entries (files are their path in the APK); an entry that
/// is a reference to another string entry is resolved to that string. The default configuration
/// wins; otherwise the first configuration that has the entry. `names` covers every entry,
/// complex (style, array, plural) ones included.
ArscParseResult parse_arsc(Bytes data, Diagnostics& diags, const std::string& where,
                           const ArscLimits& limits = {});

}  // namespace sdkscope::android
