// What sdkscope reads from a DEX file: the classes it defines, the types it references, its
// string pool, and which class's code loads which string (const-string / const-string/jumbo),
// which is what lets an endpoint be attributed to the class, and so the SDK, that uses it.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scanner/model/diagnostic.hpp"
#include "scanner/util/byte_reader.hpp"

namespace sdkscope::dex {

/// A string loaded by a class's code.
struct StringUse {
  std::uint32_t string_idx = 0;  ///< index into DexFile::strings
  std::uint32_t class_idx = 0;   ///< index into DexFile::classes
  friend bool operator==(const StringUse&, const StringUse&) = default;
};

/// A method or field a class's code references (invoke-*, iget/iput/sget/sput).
struct RefUse {
  std::uint32_t ref_idx = 0;    ///< index into DexFile::method_refs or DexFile::field_refs
  std::uint32_t class_idx = 0;  ///< index into DexFile::classes
  friend bool operator==(const RefUse&, const RefUse&) = default;
};

/// A call to a tracked method (DexOptions::track_calls) with the constants its arguments held.
struct CallArgs {
  std::uint32_t method_idx = 0;  ///< into DexFile::method_refs
  std::uint32_t class_idx = 0;   ///< the calling class
  std::array<std::optional<std::int64_t>, 8> args;  ///< registers passed, in order (`this` first)
  std::uint32_t count = 0;
};

/// Everything parse_dex extracts from one DEX image. For a v41 container holding several DEX
/// entries, the entries are concatenated in file order: strings, classes and method_refs of
/// entry 2 follow those of entry 1, and every index (StringUse) points into the merged vectors.
struct DexFile {
  int version = 0;                      ///< 35..41 from the "dex\n0NN\0" magic
  std::vector<std::string> strings;     ///< string pool, MUTF-8 decoded to UTF-8, in pool order
  std::vector<std::string> classes;     ///< defined classes, Java dotted names ("com.a.B$C")
  std::vector<std::string> superclasses;  ///< parallel to classes ("" when none)
  std::vector<std::string> referenced_types;  ///< every class type in type_ids (dotted), incl. defined ones
  std::vector<StringUse> string_uses;   ///< sorted by (class_idx, string_idx), unique
  /// "com.a.B.method" for each method_id, in method_id order (so overloads repeat, and index i is
  /// method_id i). The owner of an array method (clone) keeps its descriptor ("[I.clone"); an
  /// entry whose indices are out of range is "". Cut short only under a "dex.limit" diagnostic.
  std::vector<std::string> method_refs;
  /// "com.a.B.field" for each field_id, in field_id order (entries concatenated like method_refs).
  std::vector<std::string> field_refs;
  std::vector<RefUse> method_uses;  ///< methods each class's code invokes: sorted by (class_idx, ref_idx), unique
  std::vector<RefUse> field_uses;   ///< fields each class's code reads or writes: sorted likewise
  std::vector<CallArgs> call_args;  ///< calls to tracked methods, in code order (capped by DexLimits::max_call_args)
  std::uint32_t container_entries = 0;  ///< DEX headers read: 1, or more for a v41 container
};

/// Limits that bound work on hostile input (each with its reason in the .cpp).
struct DexLimits {
  std::uint32_t max_strings = 4'000'000;     ///< a real DEX has <= 65536*n; guards allocation
  std::uint32_t max_classes = 1'000'000;
  std::uint64_t max_code_units = 200'000'000;  ///< total instructions scanned per file
  /// Total bytes of names built per file (type names, classes, superclasses, referenced_types,
  /// method_refs): a real DEX builds a few MB; this stops 65536 method_ids that all name one
  /// multi-megabyte string from turning a small file into gigabytes of output.
  std::uint64_t max_name_bytes = 256ull << 20;
  /// Tracked calls recorded per file: a few per class in real code; bounds a hostile file whose
  /// every instruction calls a tracked method.
  std::size_t max_call_args = 100'000;
};

/// What else to extract. Calls whose method is named here ("pkg.Class.method", or "*.method" for
/// any owner: a call site names the receiver's static type, often an app subclass of Context)
/// get their argument constants recorded in DexFile::call_args.
struct DexOptions {
  std::vector<std::string> track_calls;
};

/// Parses a DEX image. Never throws: malformed parts are reported in `diags` under `where`
/// (codes "dex.bad_magic", "dex.truncated", "dex.bad_offset", "dex.limit") and whatever was
/// sound is returned. `ok` is false when not even the header could be read.
///
/// "dex.bad_offset" covers any reference that points outside its target: a file offset beyond
/// the end, or an index beyond its table (string, type). Repeated problems of one code are
/// reported a few times and then summarised in one "N more" diagnostic, so a hostile file
/// cannot flood the report.
struct DexParseResult {
  DexFile dex;
  bool ok = false;
};
DexParseResult parse_dex(Bytes data, Diagnostics& diags, const std::string& where,
                         const DexLimits& limits = {}, const DexOptions& options = {});

/// "Lcom/a/B;" -> "com.a.B"; arrays and primitives -> "" (not a class).
std::string descriptor_to_java(std::string_view descriptor);

}  // namespace sdkscope::dex
