// aapt.pb.Item, the typed value shared by compiled XML attributes (XmlAttribute.compiled_item)
// and resource table entries (Value.item); decoded once here for proto_xml and resources_pb.
#pragma once

#include <cstdint>
#include <string>

#include "scanner/android/protobuf_reader.hpp"

namespace sdkscope::android::pb {

/// One decoded Item: which member of its oneof was set and that member's payload.
struct Item {
  enum class Kind { None, Reference, String, RawString, StyledString, File, Id, Primitive };
  /// The Primitive oneof member, named after aapt's Res_value data types.
  enum class Prim { Null, Empty, Float, Dimension, Fraction, IntDecimal, IntHex, Boolean, Color };

  Kind kind = Kind::None;
  /// String / RawString / StyledString value, File path, or a Reference's name ("string/app_name").
  std::string str;
  std::uint32_t ref_id = 0;       ///< Reference: the resource id (0 when referenced by name only)
  bool ref_is_attribute = false;  ///< Reference: "?attr" (theme attribute) rather than "@res"
  Prim prim = Prim::Null;
  /// Primitive payload as Res_value.data: the int / bool / color value, a dimension or fraction's
  /// complex encoding, or a float's IEEE-754 bits.
  std::uint32_t prim_data = 0;
  /// Color: 0 argb8, 1 rgb8, 2 argb4, 3 rgb4 (the order of Res_value's TYPE_INT_COLOR_*).
  std::uint8_t color_variant = 0;

  bool is_string() const { return kind == Kind::String || kind == Kind::RawString || kind == Kind::StyledString; }
};

/// Decodes an Item message. Problems are reported through `ctx` and the whole item is then
/// dropped (Kind::None); like protobuf, when several oneof members appear the last one wins.
Item read_item(Bytes message, DecodeContext& ctx);

}  // namespace sdkscope::android::pb
