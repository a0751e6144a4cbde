// Android binary XML (AXML) decoder: chunk walk, string pool, typed attribute values.
//
// The format (AOSP frameworks/base/libs/androidfw/include/androidfw/ResourceTypes.h, the
// ResXMLTree_* and ResStringPool_* structs; read by ResXMLTree::setTo and ResXMLParser::nextNode
// in ResourceTypes.cpp). Everything is little-endian and made of chunks that all start with a
// ResChunk_header {u16 type; u16 headerSize; u32 size}:
//
//   RES_XML_TYPE (0x0003) header, then a flat sequence of chunks:
//     RES_STRING_POOL_TYPE (0x0001)  every name, namespace URI and string value of the document.
//         {header; u32 stringCount, styleCount, flags (0x100 = UTF-8), stringsStart, stylesStart}
//         then u32 offsets. A UTF-16 string is a u16 length (high bit: a second u16 follows) and
//         UTF-16 units; a UTF-8 one is two lengths (UTF-16 units, then bytes; 1 or 2 bytes each).
//     RES_XML_RESOURCE_MAP_TYPE (0x0180)  u32 resource ids; entry i is the attribute resource id
//         of the attribute whose *name* is string i (0x0101021b for android:versionCode).
//     node chunks, each a ResXMLTree_node {header; u32 lineNumber; u32 comment} then:
//       START_NAMESPACE / END_NAMESPACE (0x0100/0x0101)  {u32 prefix, uri}
//       START_ELEMENT (0x0102)  {u32 ns, name; u16 attributeStart, attributeSize, attributeCount,
//           idIndex, classIndex, styleIndex} then attributes {u32 ns, name, rawValue; Res_value}
//           where Res_value = {u16 size; u8 res0; u8 dataType; u32 data}
//       END_ELEMENT (0x0103)  {u32 ns, name}
//       CDATA (0x0104)  {u32 data; Res_value}
//   String references are pool indices; 0xffffffff means none.
//
// What Android itself tolerates, and so what packers and obfuscators use: the document type is
// never checked; chunks of unknown type are skipped; the last string pool before the first node
// wins and later ones are ignored; attributes are read with the declared attributeSize stride
// (even a stride of 0); end tags are never matched against start tags; and the framework reads
// manifest attributes by resource id only, so attribute name strings can be blanked or renamed.
// We follow Android in all of these (noting them as info diagnostics), and go further where it
// would reject the file: truncated chunks are decoded as far as they go and open elements are
// closed, so a scanner still sees the sound part.
#include "scanner/android/axml.hpp"

#include <algorithm>
#include <bit>
#include <charconv>
#include <exception>
#include <new>

#include <fmt/format.h>

#include "scanner/util/strings.hpp"

namespace sdkscope::android {
namespace {

constexpr std::uint16_t kStringPoolType = 0x0001;
constexpr std::uint16_t kXmlType = 0x0003;
constexpr std::uint16_t kXmlStartNamespace = 0x0100;
constexpr std::uint16_t kXmlEndNamespace = 0x0101;
constexpr std::uint16_t kXmlStartElement = 0x0102;
constexpr std::uint16_t kXmlEndElement = 0x0103;
constexpr std::uint16_t kXmlCdata = 0x0104;
constexpr std::uint16_t kXmlResourceMap = 0x0180;
constexpr std::uint32_t kNoIndex = 0xffffffff;
constexpr std::uint32_t kUtf8Flag = 0x100;

constexpr std::size_t kChunkHeaderSize = 8;
constexpr std::size_t kStringPoolHeaderSize = 28;
constexpr std::size_t kNodeHeaderSize = 16;  // ResXMLTree_node
constexpr std::size_t kAttrExtSize = 20;     // ResXMLTree_attrExt
constexpr std::size_t kAttributeSize = 20;   // ResXMLTree_attribute

// Res_value::dataType
constexpr std::uint8_t kTypeNull = 0x00;
constexpr std::uint8_t kTypeReference = 0x01;
constexpr std::uint8_t kTypeAttribute = 0x02;
constexpr std::uint8_t kTypeString = 0x03;
constexpr std::uint8_t kTypeFloat = 0x04;
constexpr std::uint8_t kTypeDimension = 0x05;
constexpr std::uint8_t kTypeFraction = 0x06;
constexpr std::uint8_t kTypeDynamicReference = 0x07;
constexpr std::uint8_t kTypeDynamicAttribute = 0x08;
constexpr std::uint8_t kTypeIntDec = 0x10;
constexpr std::uint8_t kTypeIntHex = 0x11;
constexpr std::uint8_t kTypeIntBoolean = 0x12;
constexpr std::uint8_t kTypeFirstColor = 0x1c;
constexpr std::uint8_t kTypeLastColor = 0x1f;

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xc0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xe0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else {
    out.push_back(static_cast<char>(0xf0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  }
}

// A UTF-16 pool entry at `off` of `r`: length, units, (terminator, not required).
std::string decode_utf16(const ByteReader& r, std::size_t off) {
  std::size_t units = r.u16(off);
  off += 2;
  if (units & 0x8000) {
    units = ((units & 0x7fff) << 16) | r.u16(off);
    off += 2;
  }
  r.require(off, units * 2);
  std::string out;
  out.reserve(units);
  for (std::size_t i = 0; i < units; ++i) {
    std::uint32_t c = r.u16(off + 2 * i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < units) {
      std::uint32_t lo = r.u16(off + 2 * (i + 1));
      if (lo >= 0xdc00 && lo <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
        ++i;
      } else {
        c = 0xfffd;
      }
    } else if (c >= 0xd800 && c <= 0xdfff) {
      c = 0xfffd;  // unpaired surrogate
    }
    append_utf8(out, c);
  }
  return out;
}

// A UTF-8 pool entry: UTF-16 length (skipped), byte length, bytes.
std::string decode_utf8(const ByteReader& r, std::size_t off) {
  auto length = [&r](std::size_t& p) -> std::size_t {
    std::size_t n = r.u8(p++);
    if (n & 0x80) n = ((n & 0x7f) << 8) | r.u8(p++);
    return n;
  };
  length(off);
  std::size_t bytes = length(off);
  return sanitize_utf8(r.chars(off, bytes));
}

std::string float_text(float f) {
  char buf[32];
  auto res = std::to_chars(buf, buf + sizeof buf, f);
  return std::string(buf, res.ptr);
}

// Res_value complex (dimension/fraction) to float, as AOSP complexToFloat.
float complex_to_float(std::uint32_t complex) {
  static constexpr float kRadixMults[4] = {1.0f / (1 << 8), 1.0f / (1 << 15), 1.0f / (1 << 23),
                                           1.0f / (1u << 31)};
  auto mantissa = static_cast<std::int32_t>(complex & 0xffffff00u);
  return static_cast<float>(mantissa) * kRadixMults[(complex >> 4) & 3];
}

class AxmlDecoder {
 public:
  AxmlDecoder(Bytes data, Diagnostics& diags, const std::string& where, const AxmlLimits& limits)
      : r_(data), diags_(diags), where_(where), limits_(limits) {}

  XmlParseResult run() {
    const std::size_t problems_before = problem_count();
    try {
      decode();
    } catch (const OutOfBounds& e) {
      diags_.warn("axml.truncated", where_, e.what());
    } catch (const std::bad_alloc&) {
      diags_.warn("axml.limit", where_, "ran out of memory while decoding");
    } catch (const std::exception& e) {  // nothing else is expected; never let it escape
      diags_.error("axml.internal", where_, e.what());
    }
    if (!stack_.empty() && !stopped_)
      diags_.warn("axml.truncated", where_,
                  fmt::format("{} element(s) still open at the end of the document", stack_.size()));
    while (!stack_.empty()) pop_element();
    report_summaries();
    if (!result_.root && !header_failed_) diags_.error("axml.empty", where_, "no element found");
    result_.ok = problem_count() == problems_before;
    return std::move(result_);
  }

 private:
  std::size_t problem_count() const {
    return static_cast<std::size_t>(std::count_if(diags_.items().begin(), diags_.items().end(),
                                                  [](const Diagnostic& d) { return d.severity != Severity::info; }));
  }

  void decode() {
    if (r_.size() < kChunkHeaderSize) {
      diags_.error("axml.bad_header", where_, fmt::format("{} bytes is too short for an AXML header", r_.size()));
      header_failed_ = true;
      return;
    }
    const std::uint16_t type = r_.u16(0);
    const std::uint16_t header_size = r_.u16(2);
    const std::uint32_t size = r_.u32(4);
    if (type != kXmlType) {
      if (header_size != kChunkHeaderSize) {
        diags_.error("axml.bad_header", where_, fmt::format("not binary XML (first chunk type 0x{:04x})", type));
        header_failed_ = true;
        return;
      }
      // Android never checks this field; some packers scribble on it.
      diags_.info("axml.bad_header", where_, fmt::format("document chunk type is 0x{:04x}, not 0x0003", type));
    }
    std::size_t begin = header_size;
    std::size_t end = size;
    if (header_size < kChunkHeaderSize || header_size > r_.size()) {
      diags_.warn("axml.bad_header", where_, fmt::format("header size {} is impossible; assuming 8", header_size));
      begin = kChunkHeaderSize;
    }
    if (size > r_.size()) {
      diags_.warn("axml.truncated", where_,
                  fmt::format("document declares {} bytes but only {} are present", size, r_.size()));
      end = r_.size();
    } else if (size < begin + kChunkHeaderSize) {
      diags_.warn("axml.bad_header", where_, fmt::format("document size {} is impossible; using the file size", size));
      end = r_.size();
    } else if (size < r_.size()) {
      diags_.info("axml.trailing_data", where_, fmt::format("{} bytes after the document ignored", r_.size() - size));
    }
    walk(begin, end);
  }

  void walk(std::size_t off, std::size_t end) {
    while (off < end && !stopped_) {
      if (end - off < kChunkHeaderSize) {
        diags_.warn("axml.truncated", where_, fmt::format("{} stray bytes at offset 0x{:x}", end - off, off));
        return;
      }
      const std::uint16_t type = r_.u16(off);
      const std::uint16_t header_size = r_.u16(off + 2);
      std::size_t size = r_.u32(off + 4);
      if (size < kChunkHeaderSize || header_size < kChunkHeaderSize || header_size > size) {
        diags_.warn("axml.bad_chunk", where_,
                    fmt::format("chunk 0x{:04x} at offset 0x{:x} has size {} and header size {}; stopping", type,
                                off, size, header_size));
        return;
      }
      bool truncated = false;
      if (size > end - off) {
        diags_.warn("axml.truncated", where_,
                    fmt::format("chunk 0x{:04x} at offset 0x{:x} needs {} bytes, {} remain", type, off, size, end - off));
        size = end - off;
        truncated = true;
      }
      try {
        handle_chunk(ByteReader(r_.slice(off, size)), type, header_size, off);
      } catch (const OutOfBounds& e) {
        diags_.warn(truncated ? "axml.truncated" : "axml.bad_chunk", where_,
                    fmt::format("chunk 0x{:04x} at offset 0x{:x}: {}", type, off, e.what()));
      }
      if (truncated) return;
      off += size;
    }
  }

  void handle_chunk(const ByteReader& c, std::uint16_t type, std::size_t header_size, std::size_t off) {
    switch (type) {
      case kStringPoolType:
        if (seen_node_) return note_ignored(type, off, "a string pool after the first node");
        pool_ = read_string_pool(c, 0, c.size(), limits_.max_strings, diags_, where_, "axml");
        return;
      case kXmlResourceMap: {
        if (seen_node_) return note_ignored(type, off, "a resource map after the first node");
        std::size_t n = (c.size() - header_size) / 4;
        if (n > limits_.max_strings) {
          diags_.warn("axml.limit", where_, fmt::format("resource map of {} ids cut to {}", n, limits_.max_strings));
          n = limits_.max_strings;
        }
        res_map_.resize(n);
        for (std::size_t i = 0; i < n; ++i) res_map_[i] = c.u32(header_size + 4 * i);
        return;
      }
      case kXmlStartNamespace:
      case kXmlEndNamespace:
      case kXmlStartElement:
      case kXmlEndElement:
      case kXmlCdata:
        break;
      default:
        if (unknown_chunks_++ == 0) first_unknown_ = {type, off};
        return;
    }
    seen_node_ = true;
    if (header_size < kNodeHeaderSize) {
      diags_.warn("axml.bad_chunk", where_,
                  fmt::format("node 0x{:04x} at offset 0x{:x} has header size {}", type, off, header_size));
      return;
    }
    const auto line = c.u32(8);
    if (type == kXmlStartElement) {
      start_element(c, header_size, line, off);
    } else if (type == kXmlEndElement) {
      end_element(c, header_size, off);
    } else if (type == kXmlCdata) {
      cdata(c, header_size, line);
    } else {
      c.require(header_size, 8);  // namespace {prefix, uri}: not needed, attributes carry the URI
    }
  }

  void note_ignored(std::uint16_t type, std::size_t off, const char* what) {
    diags_.info("axml.ignored_chunk", where_,
                fmt::format("{} (0x{:04x} at offset 0x{:x}) is ignored, as Android ignores it", what, type, off));
  }

  void start_element(const ByteReader& c, std::size_t ext, std::uint32_t line, std::size_t off) {
    c.require(ext, kAttrExtSize);
    if (result_.root) {
      diags_.warn("axml.multiple_roots", where_,
                  fmt::format("second root element at offset 0x{:x}; the rest of the document is ignored", off));
      stopped_ = true;
      return;
    }
    if (stack_.size() >= limits_.max_depth || elements_ >= limits_.max_elements) {
      diags_.warn("axml.limit", where_,
                  stack_.size() >= limits_.max_depth
                      ? fmt::format("elements nest deeper than {}; decoding stopped", limits_.max_depth)
                      : fmt::format("more than {} elements; decoding stopped", limits_.max_elements));
      stopped_ = true;
      return;
    }
    XmlElement e;
    e.line = line;
    e.ns = string_ref(c.u32(ext));
    e.name = string_ref(c.u32(ext + 4));
    const std::size_t attr_start = c.u16(ext + 8);
    const std::size_t attr_stride = c.u16(ext + 10);
    const std::size_t attr_count = c.u16(ext + 12);
    if (attr_count > 1 && attr_stride < kAttributeSize) ++overlapping_attrs_;
    charge(sizeof(XmlElement) + e.ns.size() + e.name.size());
    for (std::size_t i = 0; i < attr_count && !stopped_; ++i) {
      const std::size_t a = ext + attr_start + i * attr_stride;
      if (!c.has(a, kAttributeSize)) {
        diags_.warn("axml.bad_element", where_,
                    fmt::format("<{}> at line {} declares {} attributes but its chunk holds {}", e.name, line,
                                attr_count, i));
        break;
      }
      e.attrs.push_back(read_attribute(c, a));
      const auto& at = e.attrs.back();
      charge(sizeof(XmlAttribute) + at.ns.size() + at.name.size() + at.str.size());
    }
    ++elements_;
    path_.push_back(stack_.empty() ? 0 : stack_.back().children.size());
    stack_.push_back(std::move(e));
  }

  XmlAttribute read_attribute(const ByteReader& c, std::size_t a) {
    XmlAttribute at;
    const std::uint32_t name = c.u32(a + 4);
    const std::uint32_t raw = c.u32(a + 8);
    const std::uint8_t type = c.u8(a + 15);
    const std::uint32_t data = c.u32(a + 16);
    at.ns = string_ref(c.u32(a));
    at.name = string_ref(name);
    if (name < res_map_.size()) at.resource_id = res_map_[name];
    const bool has_raw = raw != kNoIndex;
    switch (type) {
      case kTypeString:
        at.type = XmlAttribute::Type::String;
        // Android reads the typed value; the raw string is only a fallback.
        at.str = (data < pool_.strings.size() || !has_raw) ? string_ref(data) : string_ref(raw);
        return at;
      case kTypeIntDec:
      case kTypeIntHex:
        at.type = XmlAttribute::Type::Int;
        at.num = static_cast<std::int32_t>(data);
        break;
      case kTypeIntBoolean:
        at.type = XmlAttribute::Type::Bool;
        at.num = data != 0 ? 1 : 0;
        break;
      case kTypeReference:
      case kTypeDynamicReference:
        at.type = XmlAttribute::Type::Reference;
        at.ref = data;
        break;
      case kTypeFloat:
        at.type = XmlAttribute::Type::Float;
        at.num = data;
        break;
      case kTypeDimension:
        at.type = XmlAttribute::Type::Dimension;
        at.num = data;
        break;
      case kTypeAttribute:
      case kTypeDynamicAttribute:
        at.type = XmlAttribute::Type::Other;
        at.ref = data;
        at.num = data;
        break;
      default:
        at.type = XmlAttribute::Type::Other;
        at.num = data;
        break;
    }
    at.str = has_raw ? string_ref(raw) : format_res_value(type, data);
    return at;
  }

  void end_element(const ByteReader& c, std::size_t ext, std::size_t off) {
    c.require(ext, 8);
    const std::string& name = string_ref(c.u32(ext + 4));
    if (stack_.empty()) {
      diags_.warn("axml.unbalanced", where_, fmt::format("end tag </{}> at offset 0x{:x} has no start tag", name, off));
      return;
    }
    if (stack_.back().name != name) ++mismatched_ends_;
    pop_element();
  }

  void cdata(const ByteReader& c, std::size_t ext, std::uint32_t line) {
    c.require(ext, 12);
    if (stack_.empty()) return;  // text outside the root: Android drops it too
    // path_[0] is the root's own slot; the text's path starts below the root.
    XmlText t{std::vector<std::size_t>(path_.begin() + 1, path_.end()), string_ref(c.u32(ext)), line};
    charge(sizeof(XmlText) + t.text.size() + t.path.size() * sizeof(std::size_t));
    result_.texts.push_back(std::move(t));
  }

  void pop_element() {
    XmlElement e = std::move(stack_.back());
    stack_.pop_back();
    path_.pop_back();
    if (stack_.empty()) {
      result_.root = std::move(e);
    } else {
      stack_.back().children.push_back(std::move(e));
    }
  }

  const std::string& string_ref(std::uint32_t idx) {
    static const std::string kEmpty;
    if (idx == kNoIndex) return kEmpty;
    if (idx >= pool_.strings.size()) {
      ++bad_refs_;
      return kEmpty;
    }
    return pool_.strings[idx];
  }

  void charge(std::size_t bytes) {
    tree_bytes_ += bytes;
    if (tree_bytes_ > limits_.max_tree_bytes && !stopped_) {
      diags_.warn("axml.limit", where_,
                  fmt::format("decoded tree exceeds {} bytes; decoding stopped", limits_.max_tree_bytes));
      stopped_ = true;
    }
  }

  void report_summaries() {
    if (bad_refs_ > 0)
      diags_.warn("axml.bad_string_pool", where_,
                  fmt::format("{} string reference(s) point outside the {}-entry string pool", bad_refs_,
                              pool_.strings.size()));
    if (unknown_chunks_ > 0)
      diags_.info("axml.unknown_chunk", where_,
                  fmt::format("skipped {} chunk(s) of unknown type (first 0x{:04x} at offset 0x{:x})", unknown_chunks_,
                              first_unknown_.first, first_unknown_.second));
    if (mismatched_ends_ > 0)
      diags_.info("axml.mismatched_end", where_,
                  fmt::format("{} end tag(s) name a different element than they close", mismatched_ends_));
    if (overlapping_attrs_ > 0)
      diags_.info("axml.overlapping_attributes", where_,
                  fmt::format("{} element(s) use an attribute stride below 20 bytes", overlapping_attrs_));
    result_.strings = std::move(pool_.strings);
    result_.utf8_pool = pool_.utf8;
  }

  ByteReader r_;
  Diagnostics& diags_;
  const std::string& where_;
  const AxmlLimits& limits_;
  StringPool pool_;
  std::vector<std::uint32_t> res_map_;
  std::vector<XmlElement> stack_;  // open elements, outermost first
  std::vector<std::size_t> path_;  // index each open element will have among its parent's children
  XmlParseResult result_;
  std::size_t elements_ = 0;
  std::size_t tree_bytes_ = 0;
  std::size_t bad_refs_ = 0;
  std::size_t unknown_chunks_ = 0;
  std::pair<std::uint16_t, std::size_t> first_unknown_{0, 0};
  std::size_t mismatched_ends_ = 0;
  std::size_t overlapping_attrs_ = 0;
  bool seen_node_ = false;
  bool stopped_ = false;
  bool header_failed_ = false;
};

}  // namespace

bool looks_like_axml(Bytes data) {
  ByteReader r(data);
  return r.size() >= kChunkHeaderSize && r.u16(0) == kXmlType && r.u16(2) == kChunkHeaderSize;
}

XmlParseResult parse_axml(Bytes data, Diagnostics& diags, const std::string& where, const AxmlLimits& limits) {
  return AxmlDecoder(data, diags, where, limits).run();
}

std::string format_res_value(std::uint8_t data_type, std::uint32_t data) {
  static constexpr const char* kDimensionUnits[] = {"px", "dip", "sp", "pt", "in", "mm"};
  switch (data_type) {
    case kTypeNull:
      return data == 1 ? "@empty" : "";
    case kTypeReference:
    case kTypeDynamicReference:
      return data == 0 ? "@null" : fmt::format("@0x{:08x}", data);
    case kTypeAttribute:
    case kTypeDynamicAttribute:
      return fmt::format("?0x{:08x}", data);
    case kTypeString:
      return fmt::format("(string {})", data);
    case kTypeFloat:
      return float_text(std::bit_cast<float>(data));
    case kTypeDimension: {
      const std::uint32_t unit = data & 0xf;
      return float_text(complex_to_float(data)) +
             (unit < std::size(kDimensionUnits) ? kDimensionUnits[unit] : fmt::format("(unit {})", unit));
    }
    case kTypeFraction:
      return float_text(complex_to_float(data) * 100.0f) + ((data & 0xf) == 1 ? "%p" : "%");
    case kTypeIntDec:
      return std::to_string(static_cast<std::int32_t>(data));
    case kTypeIntHex:
      return fmt::format("0x{:x}", data);
    case kTypeIntBoolean:
      return data != 0 ? "true" : "false";
    default:
      if (data_type >= kTypeFirstColor && data_type <= kTypeLastColor) return fmt::format("#{:08x}", data);
      return fmt::format("(type 0x{:02x})0x{:x}", data_type, data);
  }
}

StringPool read_string_pool(const ByteReader& reader, std::size_t off, std::size_t size, std::size_t max_strings,
                            Diagnostics& diags, const std::string& where, std::string_view prefix) {
  StringPool pool;
  const std::string bad = std::string(prefix) + ".bad_string_pool";
  if (off > reader.size()) return pool;
  size = std::min(size, reader.size() - off);
  try {
    const ByteReader c(reader.slice(off, size));
    const std::size_t header_size = c.u16(2);
    if (size < kStringPoolHeaderSize || header_size < kStringPoolHeaderSize || header_size > size) {
      diags.warn(bad, where, fmt::format("string pool header size {} in a {}-byte chunk", header_size, size));
      return pool;
    }
    const std::size_t declared = c.u32(8);
    const std::size_t style_count = c.u32(12);
    pool.utf8 = (c.u32(16) & kUtf8Flag) != 0;
    const std::size_t strings_start = c.u32(20);
    const std::size_t styles_start = c.u32(24);
    std::size_t n = declared;
    if (n > (size - header_size) / 4) {
      n = (size - header_size) / 4;
      diags.warn(bad, where, fmt::format("string pool declares {} strings; its chunk holds {} offsets", declared, n));
    }
    if (n > max_strings) {
      diags.warn(std::string(prefix) + ".limit", where,
                 fmt::format("string pool of {} strings cut to {}", n, max_strings));
      n = max_strings;
    }
    if (n == 0) return pool;
    if (strings_start > size) {
      diags.warn(bad, where, fmt::format("string data starts at {}, past the {}-byte chunk", strings_start, size));
      pool.strings.resize(n);
      return pool;
    }
    // Strings end where styles begin (when there are styles) or at the chunk end.
    std::size_t strings_end = size;
    if (style_count > 0 && styles_start > strings_start && styles_start < size) strings_end = styles_start;
    const ByteReader data(c.slice(strings_start, strings_end - strings_start));
    // Entries may overlap (all offsets pointing at one long string): cap the decoded total.
    const std::size_t budget = 4 * size + (1u << 20);
    std::size_t decoded = 0;
    std::size_t failed = 0;
    pool.strings.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
      const std::size_t at = c.u32(header_size + 4 * i);
      try {
        pool.strings.push_back(pool.utf8 ? decode_utf8(data, at) : decode_utf16(data, at));
      } catch (const OutOfBounds&) {
        pool.strings.emplace_back();
        ++failed;
      }
      decoded += pool.strings.back().size();
      if (decoded > budget) {
        diags.warn(std::string(prefix) + ".limit", where,
                   fmt::format("string pool decodes to more than {} bytes; the last {} strings left empty", budget,
                               n - i - 1));
        pool.strings.resize(n);
        break;
      }
    }
    if (failed > 0)
      diags.warn(bad, where, fmt::format("{} of {} strings lie outside the string data", failed, n));
  } catch (const OutOfBounds& e) {
    diags.warn(bad, where, e.what());
  }
  return pool;
}

}  // namespace sdkscope::android
