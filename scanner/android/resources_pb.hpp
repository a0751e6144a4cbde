// Decodes an App Bundle module's resources.pb (aapt.pb.ResourceTable) into the ResourceTable the
// manifest model resolves references through, the same shape resources.arsc decodes into.
#pragma once

#include <cstddef>
#include <string>

#include "scanner/android/protobuf_reader.hpp"
#include "scanner/android/resource_table.hpp"
#include "scanner/model/diagnostic.hpp"
#include "scanner/util/byte_reader.hpp"

namespace sdkscope::android {

/// Bounds on work and memory for one table (reasons in the comments).
struct ResourcesPbLimits {
  /// The schema nests ~8 levels; the limit only matters for hostile groups and unknown fields.
  std::size_t max_depth = pb::kDefaultMaxDepth;
  /// Entries recorded in `names`/`values`. Large real apps have tens of thousands; an empty
  /// Entry costs 2 input bytes but a map node, so this bounds memory on hostile input.
  std::size_t max_entries = 1'000'000;
  /// Distinct strings recorded in `strings` (each costs at least its own bytes of input).
  std::size_t max_strings = 1'000'000;
  /// Reference chains followed when a value is an alias (@string/a -> @string/b -> "text").
  std::size_t max_reference_hops = 8;
};

/// The decoded table. `complete` is false when malformed input or a limit cut decoding short;
/// the table then holds what was sound and `diags` says why.
struct ResourcesPbResult {
  ResourceTable table;
  bool complete = false;
};

/// Decodes one aapt.pb.ResourceTable. Never throws: problems are reported in `diags` under
/// `where` ("pb.truncated", "pb.bad_wire_type", "pb.bad_tag", "pb.bad_varint", "pb.too_deep",
/// "pb.limit", "pb.bad_id"). Fills, for entries whose ids are assigned
/// (id = package_id << 24 | type_id << 16 | entry_id): `names` ("type/name") for every entry;
/// `values` for String/RawString/StyledString and FileReference items, from the default
/// configuration or else the first configuration holding such an item, with Reference items
/// (aliases) followed to the string or path they end at. `package` is the name of package 0x7f.
/// `strings` lists every distinct string value in table order, including those inside arrays,
/// plurals and styles, for endpoint extraction.
ResourcesPbResult parse_resources_pb(Bytes data, Diagnostics& diags, const std::string& where,
                                     const ResourcesPbLimits& limits = {});

}  // namespace sdkscope::android
