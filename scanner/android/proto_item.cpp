// Decodes aapt.pb.Item and its members (Reference, String, RawString, StyledString, FileReference,
// Id, Primitive). Field numbers follow AOSP frameworks/base/tools/aapt2/Resources.proto.
#include "scanner/android/proto_item.hpp"

namespace sdkscope::android::pb {
namespace {

// Item { oneof value { Reference ref = 1; String str = 2; RawString raw_str = 3;
//   StyledString styled_str = 4; FileReference file = 5; Id id = 6; Primitive prim = 7; } }
constexpr std::uint32_t kItemRef = 1, kItemStr = 2, kItemRawStr = 3, kItemStyledStr = 4, kItemFile = 5,
                        kItemId = 6, kItemPrim = 7;
// Reference { Type type = 1; uint32 id = 2; string name = 3; ... }, Type ATTRIBUTE = 1.
constexpr std::uint32_t kRefType = 1, kRefId = 2, kRefName = 3;
constexpr std::uint64_t kRefTypeAttribute = 1;
// String / RawString / StyledString { string value = 1; }, FileReference { string path = 1; }.
constexpr std::uint32_t kValueOrPath = 1;
// Primitive { oneof oneof_value { ... } }: numbers of each member, see read_primitive.
constexpr std::uint32_t kPrimNull = 1, kPrimEmpty = 2, kPrimFloat = 3, kPrimDimensionDeprecated = 4,
                        kPrimFractionDeprecated = 5, kPrimIntDecimal = 6, kPrimIntHex = 7, kPrimBoolean = 8,
                        kPrimColorArgb8 = 9, kPrimColorRgb4 = 12, kPrimDimension = 13, kPrimFraction = 14;

void read_reference(Bytes message, DecodeContext& ctx, Item& out) {
  DepthGuard guard(ctx);
  if (!guard) return;
  MessageReader r(message, ctx);
  Field f;
  while (r.next(f)) {
    switch (f.number) {
      case kRefType:
        if (expect_wire(f, WireType::Varint, ctx, "Reference")) out.ref_is_attribute = f.value == kRefTypeAttribute;
        break;
      case kRefId:
        if (expect_wire(f, WireType::Varint, ctx, "Reference")) out.ref_id = static_cast<std::uint32_t>(f.value);
        break;
      case kRefName:
        if (expect_string(f, ctx, "Reference")) out.str = to_string(f);
        break;
      default:
        break;
    }
  }
}

// The `string value = 1` (or `string path = 1`) of String, RawString, StyledString, FileReference.
std::string read_string_member(Bytes message, DecodeContext& ctx, std::string_view name) {
  DepthGuard guard(ctx);
  if (!guard) return {};
  std::string out;
  MessageReader r(message, ctx);
  Field f;
  while (r.next(f)) {
    if (f.number == kValueOrPath && expect_string(f, ctx, name)) out = to_string(f);
  }
  return out;
}

void read_primitive(Bytes message, DecodeContext& ctx, Item& out) {
  DepthGuard guard(ctx);
  if (!guard) return;
  MessageReader r(message, ctx);
  Field f;
  while (r.next(f)) {
    auto set = [&](Item::Prim p, WireType w) {
      if (!expect_wire(f, w, ctx, "Primitive")) return;
      out.prim = p;
      // Every member is 32 bits wide (int32, uint32, bool, float); an int32 arrives as a
      // sign-extended 64-bit varint, and truncating keeps its two's-complement bits.
      out.prim_data = static_cast<std::uint32_t>(f.value);
    };
    switch (f.number) {
      case kPrimNull: set(Item::Prim::Null, WireType::Len); break;
      case kPrimEmpty: set(Item::Prim::Empty, WireType::Len); break;
      case kPrimFloat: set(Item::Prim::Float, WireType::Fixed32); break;
      case kPrimDimensionDeprecated: set(Item::Prim::Dimension, WireType::Fixed32); break;
      case kPrimFractionDeprecated: set(Item::Prim::Fraction, WireType::Fixed32); break;
      case kPrimIntDecimal: set(Item::Prim::IntDecimal, WireType::Varint); break;
      case kPrimIntHex: set(Item::Prim::IntHex, WireType::Varint); break;
      case kPrimBoolean:
        set(Item::Prim::Boolean, WireType::Varint);
        if (out.prim == Item::Prim::Boolean) out.prim_data = f.value != 0 ? 1 : 0;
        break;
      case kPrimDimension: set(Item::Prim::Dimension, WireType::Varint); break;
      case kPrimFraction: set(Item::Prim::Fraction, WireType::Varint); break;
      default:
        // color_argb8 = 9, color_rgb8 = 10, color_argb4 = 11, color_rgb4 = 12.
        if (f.number >= kPrimColorArgb8 && f.number <= kPrimColorRgb4) {
          set(Item::Prim::Color, WireType::Varint);
          out.color_variant = static_cast<std::uint8_t>(f.number - kPrimColorArgb8);
        }
        break;
    }
  }
}

}  // namespace

Item read_item(Bytes message, DecodeContext& ctx) {
  Item out;
  const std::size_t reports_before = ctx.report_count();
  DepthGuard guard(ctx);
  if (!guard) return out;
  MessageReader r(message, ctx);
  Field f;
  while (r.next(f)) {
    if (f.number < kItemRef || f.number > kItemPrim) continue;  // flag_status etc.: not needed
    if (!expect_wire(f, WireType::Len, ctx, "Item")) continue;
    Item next;
    switch (f.number) {
      case kItemRef:
        next.kind = Item::Kind::Reference;
        read_reference(f.bytes, ctx, next);
        break;
      case kItemStr:
        next.kind = Item::Kind::String;
        next.str = read_string_member(f.bytes, ctx, "String");
        break;
      case kItemRawStr:
        next.kind = Item::Kind::RawString;
        next.str = read_string_member(f.bytes, ctx, "RawString");
        break;
      case kItemStyledStr:
        next.kind = Item::Kind::StyledString;
        next.str = read_string_member(f.bytes, ctx, "StyledString");
        break;
      case kItemFile:
        next.kind = Item::Kind::File;
        next.str = read_string_member(f.bytes, ctx, "FileReference");
        break;
      case kItemId:
        next.kind = Item::Kind::Id;
        break;
      case kItemPrim:
        next.kind = Item::Kind::Primitive;
        read_primitive(f.bytes, ctx, next);
        break;
      default:
        break;
    }
    out = std::move(next);
  }
  // A value that could not be read whole is not a value: half a string or a reference without
  // its id would be reported as if it were real.
  if (ctx.report_count() != reports_before) return Item{};
  return out;
}

}  // namespace sdkscope::android::pb
