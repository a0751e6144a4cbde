// Every bound the scanner puts on untrusted containers, each with the reason it exists (after
// YARA's limits.h). All are overridable through ScanOptions::limits; hitting one yields a
// diagnostic "limit.<name>" that names the limit and where it was hit, never a crash or a silent
// truncation. The per-parser bounds (DexLimits, AxmlLimits, ...) and the full table with
// defaults and overrides are in docs/limits.md.
#pragma once

#include <cstdint>
#include <string_view>

namespace sdkscope {

struct Limits {
  /// Largest input file read at all. Real apps reach ~4 GB only as AAB/OBB; beyond that the input
  /// is not an app we can hold in memory on a CI runner.
  std::uint64_t max_input_bytes = 4ull << 30;
  /// Entries listed per archive. Big apps carry ~20k entries; 200k bounds the central-directory
  /// walk and its allocations against archives of millions of empty entries.
  std::uint64_t max_entries = 200'000;
  /// Uncompressed size of one entry read into memory. The largest real DEX/.so files are a few
  /// hundred MB (libflutter, Unity's il2cpp); 512 MB keeps one entry inside the RSS budget.
  std::uint64_t max_entry_bytes = 512ull << 20;
  /// Sum of uncompressed bytes read from one input, nested archives included. Bounds total work
  /// against many medium entries that each pass the per-entry check.
  std::uint64_t max_total_bytes = 8ull << 30;
  /// Compression ratio (uncompressed / compressed) above which an entry is a bomb. Deflate cannot
  /// exceed ~1032:1; real DEX/.so/XML entries compress 2-20:1, sparse resources up to ~200:1.
  std::uint64_t max_compression_ratio = 1000;
  /// Entries smaller than this are exempt from the ratio check (tiny files of zeros are harmless).
  std::uint64_t ratio_check_min_bytes = 1ull << 20;
  /// Archive nesting: app -> split/nested APK -> AAR/JAR -> ... Real bundles nest at most 2-3
  /// deep; the bound stops recursive zip quines.
  std::uint32_t max_nesting_depth = 4;
  /// Nested archives opened per input (APKs in assets, splits, jars in AARs). Bounds fan-out.
  std::uint32_t max_nested_archives = 256;
  /// Directory levels walked in a directory bundle (.app, .framework on disk). Real bundles nest
  /// about 10 deep (Frameworks/X.framework/Versions/A/Resources/...); the bound stops bind-mount
  /// loops and trick trees. Deeper directories are listed but not descended into.
  std::uint32_t max_directory_depth = 64;
};

/// Stable identifiers of the limits, used in diagnostics ("limit.max_entry_bytes").
inline constexpr std::string_view kLimitInputBytes = "max_input_bytes";
inline constexpr std::string_view kLimitEntries = "max_entries";
inline constexpr std::string_view kLimitEntryBytes = "max_entry_bytes";
inline constexpr std::string_view kLimitTotalBytes = "max_total_bytes";
inline constexpr std::string_view kLimitRatio = "max_compression_ratio";
inline constexpr std::string_view kLimitDepth = "max_nesting_depth";
inline constexpr std::string_view kLimitNested = "max_nested_archives";
inline constexpr std::string_view kLimitDirectoryDepth = "max_directory_depth";

}  // namespace sdkscope
