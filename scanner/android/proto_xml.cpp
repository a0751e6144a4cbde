// Decoder for aapt2's protobuf XML (aapt.pb.XmlNode): the manifest of every App Bundle module,
// base/manifest/AndroidManifest.xml, and the module's res/xml files are stored in this form.
//
// The wire format, in brief (https://protobuf.dev/programming-guides/encoding/)
// ------------------------------------------------------------------------------
// A message is a sequence of fields with no header, no count and no terminator: its end is the
// end of the bytes that hold it. Each field starts with a tag, a varint of
// (field_number << 3 | wire_type), followed by a payload whose size the wire type gives:
//   0 varint   1..10 bytes, 7 bits each, little-endian groups, high bit = "more follows"
//   1 fixed64  8 bytes little-endian          5 fixed32  4 bytes little-endian (float too)
//   2 len      a varint length, then that many bytes: a string, bytes, or a nested message
//   3/4        start/end group, a deprecated proto2 form; skipped whole
// A reader needs no schema to walk a message, only to interpret it: unknown field numbers are
// skipped, which is what lets aapt2 add fields without breaking old readers. Repeated fields
// are the same tag occurring again; for a singular field the last occurrence wins, and a repeated
// singular message is merged (we get merging for free by decoding into the same element).
// Nothing is self-delimiting at the top level, so the only integrity checks are that every length
// and varint stays inside its enclosing message; MessageReader checks exactly that.
//
// Where the schema comes from
// ---------------------------
// AOSP frameworks/base/tools/aapt2/Resources.proto (Apache-2.0), proto3, package aapt.pb:
//   XmlNode      { oneof node { XmlElement element = 1; string text = 2; } SourcePosition source = 3; }
//   XmlElement   { repeated XmlNamespace namespace_declaration = 1; string namespace_uri = 2;
//                  string name = 3; repeated XmlAttribute attribute = 4; repeated XmlNode child = 5; }
//   XmlAttribute { string namespace_uri = 1; string name = 2; string value = 3;
//                  SourcePosition source = 4; uint32 resource_id = 5; Item compiled_item = 6; }
//   SourcePosition { uint32 line_number = 1; uint32 column_number = 2; }
// Item and its members are decoded in proto_item.cpp. The subset we read, with the same numbers,
// is testdata/aab/proto/Resources.proto, which the fixture generator feeds to protoc.
//
// Malformed input
// ---------------
// A broken field stops the reading of the message that contains it, never its parent: the
// parent already knows where the sub-message ends, so siblings after it still decode. A
// sub-message cut short by the end of the input is decoded as far as it goes (a truncated file
// keeps its beginning), but nothing half-read is passed off as data: a cut string is dropped, and
// an attribute or typed value that reported any problem is left out whole, since a name without
// its value would read as a different attribute. Depth is bounded (each element costs two
// message levels), and so are element, attribute and text counts, because an empty child costs
// 4 input bytes but a whole XmlElement of memory. Every problem becomes a "pb.*" diagnostic,
// one per code per document with a count of the repeats.
#include "scanner/android/proto_xml.hpp"

#include <exception>
#include <optional>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "scanner/android/proto_item.hpp"

namespace sdkscope::android {
namespace {

constexpr std::uint32_t kNodeElement = 1, kNodeText = 2, kNodeSource = 3;
constexpr std::uint32_t kElementNamespaceUri = 2, kElementName = 3, kElementAttribute = 4, kElementChild = 5;
constexpr std::uint32_t kAttrNamespaceUri = 1, kAttrName = 2, kAttrValue = 3, kAttrResourceId = 5,
                        kAttrCompiledItem = 6;

// android::Res_value data types (AOSP ResourceTypes.h), for rendering a typed value whose raw
// string is absent the same way the AXML decoder renders it.
constexpr std::uint8_t kResNull = 0x00, kResReference = 0x01, kResAttribute = 0x02, kResFloat = 0x04,
                       kResDimension = 0x05, kResFraction = 0x06, kResIntDec = 0x10, kResIntHex = 0x11,
                       kResIntBoolean = 0x12, kResIntColorArgb8 = 0x1c;
constexpr std::uint32_t kResDataNullEmpty = 1;  // TYPE_NULL data: 0 undefined, 1 "@empty"

using pb::Field;
using pb::WireType;

bool is_blank(std::string_view s) {
  return s.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

// Maps a compiled Item onto the tree's attribute type; `a.str` already holds the raw value.
void apply_item(const pb::Item& item, XmlAttribute& a) {
  using Kind = pb::Item::Kind;
  using Prim = pb::Item::Prim;
  switch (item.kind) {
    case Kind::None:
      a.type = XmlAttribute::Type::String;
      return;
    case Kind::String:
    case Kind::RawString:
    case Kind::StyledString:
    case Kind::File:
      a.type = XmlAttribute::Type::String;
      if (!item.str.empty()) a.str = item.str;
      return;
    case Kind::Reference:
      // A theme-attribute reference ("?attr/x") is Other with ref set, as the AXML decoder does.
      a.type = item.ref_is_attribute ? XmlAttribute::Type::Other : XmlAttribute::Type::Reference;
      a.ref = item.ref_id;
      if (item.ref_is_attribute) a.num = item.ref_id;
      if (a.str.empty())
        a.str = format_res_value(item.ref_is_attribute ? kResAttribute : kResReference, item.ref_id);
      return;
    case Kind::Id:
      a.type = XmlAttribute::Type::Other;
      return;
    case Kind::Primitive:
      break;
  }
  a.num = item.prim_data;
  std::uint8_t res_type = kResNull;
  std::uint32_t res_data = item.prim_data;
  switch (item.prim) {
    case Prim::IntDecimal:
      a.type = XmlAttribute::Type::Int;
      a.num = static_cast<std::int32_t>(item.prim_data);
      res_type = kResIntDec;
      break;
    case Prim::IntHex:
      a.type = XmlAttribute::Type::Int;
      a.num = static_cast<std::int32_t>(item.prim_data);
      res_type = kResIntHex;
      break;
    case Prim::Boolean:
      a.type = XmlAttribute::Type::Bool;
      res_type = kResIntBoolean;
      res_data = item.prim_data != 0 ? 0xffffffffu : 0u;  // Res_value's encoding of true
      break;
    case Prim::Float:
      a.type = XmlAttribute::Type::Float;
      res_type = kResFloat;
      break;
    case Prim::Dimension:
      a.type = XmlAttribute::Type::Dimension;
      res_type = kResDimension;
      break;
    case Prim::Color:
      a.type = XmlAttribute::Type::Other;
      res_type = static_cast<std::uint8_t>(kResIntColorArgb8 + item.color_variant);
      break;
    case Prim::Fraction:
      a.type = XmlAttribute::Type::Other;
      res_type = kResFraction;
      break;
    case Prim::Null:
      a.type = XmlAttribute::Type::Other;
      break;
    case Prim::Empty:
      a.type = XmlAttribute::Type::Other;
      a.num = res_data = kResDataNullEmpty;
      break;
  }
  if (a.str.empty()) a.str = format_res_value(res_type, res_data);
}

class XmlDecoder {
 public:
  XmlDecoder(pb::DecodeContext& ctx, const ProtoXmlLimits& limits, XmlParseResult& result)
      : ctx_(ctx), limits_(limits), result_(result) {}

  // XmlNode -> `out` (left empty for a text node). A repeated `element` field merges into the
  // same element, as protobuf merges a repeated singular message. `index` is the position the
  // element will take among its parent's children; nullopt for the document's root node.
  void read_node(Bytes message, std::optional<XmlElement>& out, std::optional<std::size_t> index) {
    pb::DepthGuard guard(ctx_);
    if (!guard) return;
    pb::MessageReader r(message, ctx_);
    Field f;
    std::uint32_t line = 0;
    std::optional<std::string> text;
    while (r.next(f)) {
      if (f.number == kNodeElement && pb::expect_wire(f, WireType::Len, ctx_, "XmlNode")) {
        if (!out) {
          if (elements_ >= limits_.max_elements) {
            limit_reached("elements", limits_.max_elements);
            continue;
          }
          ++elements_;
          out.emplace();
        }
        if (index) path_.push_back(*index);
        read_element(f.bytes, *out);
        if (index) path_.pop_back();
      } else if (f.number == kNodeText && pb::expect_string(f, ctx_, "XmlNode")) {
        text = pb::to_string(f);
      } else if (f.number == kNodeSource && pb::expect_wire(f, WireType::Len, ctx_, "XmlNode")) {
        line = pb::read_uint32_field1(f.bytes, ctx_, "SourcePosition");
      }
    }
    if (out) {
      if (line != 0) out->line = line;
    } else if (text && !is_blank(*text) && index) {
      add_text(std::move(*text), line);
    }
  }

 private:
  void read_element(Bytes message, XmlElement& out) {
    pb::DepthGuard guard(ctx_);
    if (!guard) return;
    pb::MessageReader r(message, ctx_);
    Field f;
    while (r.next(f)) {
      switch (f.number) {
        case kElementNamespaceUri:
          if (pb::expect_string(f, ctx_, "XmlElement")) out.ns = intern(pb::to_string(f));
          break;
        case kElementName:
          if (pb::expect_string(f, ctx_, "XmlElement")) out.name = intern(pb::to_string(f));
          break;
        case kElementAttribute:
          if (!pb::expect_wire(f, WireType::Len, ctx_, "XmlElement")) break;
          if (attributes_ >= limits_.max_attributes) {
            limit_reached("attributes", limits_.max_attributes);
            break;
          }
          ++attributes_;
          if (auto a = read_attribute(f.bytes)) out.attrs.push_back(std::move(*a));
          break;
        case kElementChild:
          if (pb::expect_wire(f, WireType::Len, ctx_, "XmlElement")) {
            std::optional<XmlElement> child;
            read_node(f.bytes, child, out.children.size());
            if (child) out.children.push_back(std::move(*child));
          }
          break;
        default:
          break;  // namespace_declaration = 1 and fields added after our schema
      }
    }
  }

  // nullopt when the attribute could not be read whole: a name without its value (or a value
  // without its name) would look like a real, different attribute.
  std::optional<XmlAttribute> read_attribute(Bytes message) {
    const std::size_t reports_before = ctx_.report_count();
    XmlAttribute a;
    pb::DepthGuard guard(ctx_);
    if (!guard) return std::nullopt;
    pb::Item item;
    pb::MessageReader r(message, ctx_);
    Field f;
    while (r.next(f)) {
      switch (f.number) {
        case kAttrNamespaceUri:
          if (pb::expect_string(f, ctx_, "XmlAttribute")) a.ns = intern(pb::to_string(f));
          break;
        case kAttrName:
          if (pb::expect_string(f, ctx_, "XmlAttribute")) a.name = intern(pb::to_string(f));
          break;
        case kAttrValue:
          if (pb::expect_string(f, ctx_, "XmlAttribute")) a.str = intern(pb::to_string(f));
          break;
        case kAttrResourceId:
          if (pb::expect_wire(f, WireType::Varint, ctx_, "XmlAttribute"))
            a.resource_id = static_cast<std::uint32_t>(f.value);
          break;
        case kAttrCompiledItem:
          if (pb::expect_wire(f, WireType::Len, ctx_, "XmlAttribute")) item = pb::read_item(f.bytes, ctx_);
          break;
        default:
          break;  // source = 4
      }
    }
    if (ctx_.report_count() != reports_before) return std::nullopt;
    if (item.is_string() || item.kind == pb::Item::Kind::File) intern(item.str);
    apply_item(item, a);
    return a;
  }

  void add_text(std::string text, std::uint32_t line) {
    if (result_.texts.size() >= limits_.max_texts) {
      limit_reached("text nodes", limits_.max_texts);
      return;
    }
    intern(text);
    result_.texts.push_back({path_, std::move(text), line});
  }

  // Records `s` in the document's stand-in string pool (first occurrence order) and returns it.
  std::string intern(std::string s) {
    if (!s.empty() && seen_.insert(s).second) result_.strings.push_back(s);
    return s;
  }

  void limit_reached(const char* what, std::size_t limit) {
    ctx_.report("pb.limit", std::string("more than ") + std::to_string(limit) + " XML " + what +
                                "; the rest were skipped");
  }

  pb::DecodeContext& ctx_;
  const ProtoXmlLimits& limits_;
  XmlParseResult& result_;
  std::vector<std::size_t> path_;  ///< child indices from the root to the element being read
  std::unordered_set<std::string> seen_;
  std::size_t elements_ = 0;
  std::size_t attributes_ = 0;
};

}  // namespace

XmlParseResult parse_proto_xml(Bytes data, Diagnostics& diags, const std::string& where,
                               const ProtoXmlLimits& limits) {
  XmlParseResult result;
  result.utf8_pool = true;  // protobuf strings are UTF-8
  try {
    pb::DecodeContext ctx(data, diags, where, limits.max_depth);
    XmlDecoder decoder(ctx, limits, result);
    decoder.read_node(data, result.root, std::nullopt);
    if (!result.root && !ctx.had_errors())
      ctx.report("pb.no_element", "protobuf XmlNode holds no element (" + std::to_string(data.size()) + " bytes)");
    result.ok = result.root.has_value() && !ctx.had_errors();
  } catch (const std::exception& e) {
    // Only allocation failure can get here: the reader itself never throws.
    diags.warn("pb.limit", where, std::string("protobuf XML decoding ran out of resources: ") + e.what());
    result.ok = false;
  }
  return result;
}

}  // namespace sdkscope::android
