// Pre-parse checks for binary and XML plists; see plist_precheck.hpp for why they exist.
//
// Binary plist ("bplist00", CoreFoundation's CFBinaryPList.c is the reference writer):
//   "bplist00" | objects ... | offset table | 32-byte trailer
//   trailer: 6 unused/sort bytes, offset_int_size (1 byte), object_ref_size (1 byte),
//            num_objects (8, big-endian), top_object (8), offset_table_offset (8)
//   offset table: num_objects big-endian offsets (offset_int_size bytes each) of object markers
//   object marker: high nibble = type, low nibble = size or count; 0xF in the low nibble means
//     "the count follows as an int object (0x1n + 2^n bytes)".
//     0x08/0x09 false/true, 0x1n int (2^n bytes), 0x2n real (2^n bytes), 0x33 date (8 bytes),
//     0x4n data, 0x5n ASCII string, 0x6n UTF-16BE string (n units), 0x8n UID (n+1 bytes),
//     0xAn array and 0xCn set (n refs), 0xDn dict (n key refs, then n value refs).
// libplist 2.2 checks offsets and lengths itself, but it recurses once per nesting level with no
// bound (a 100k-deep chain of one-element arrays, a few hundred kilobytes, overflows the stack) and
// re-parses a shared object for every reference to it (135 bytes of arrays that each hold ten
// references to the next expand to a million nodes). So we walk the reference graph first,
// iteratively, and refuse what libplist would choke on. We accept only the integer widths
// CoreFoundation writes (1, 2, 4, 8) for offsets, references and counts, which is also what
// libplist 2.2's UINT_TO_HOST reads correctly.
#include "scanner/apple/plist_precheck.hpp"

#include <fmt/format.h>

#include <cstdint>
#include <limits>
#include <vector>

namespace sdkscope::apple::detail {
namespace {

constexpr std::size_t kTrailerSize = 32;
constexpr std::size_t kHeaderSize = 8;  // "bplist00"

bool valid_width(std::uint64_t w) { return w == 1 || w == 2 || w == 4 || w == 8; }

std::uint64_t read_be(const ByteReader& r, std::size_t off, std::size_t width) {
  r.require(off, width);
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < width; ++i) v = (v << 8) | r.u8(off + i);
  return v;
}

std::uint64_t sat_add(std::uint64_t a, std::uint64_t b) {
  return a > std::numeric_limits<std::uint64_t>::max() - b ? std::numeric_limits<std::uint64_t>::max() : a + b;
}

PrecheckFailure invalid(std::string msg) { return {"plist.invalid", std::move(msg)}; }
PrecheckFailure limit(std::string msg) { return {"plist.limit", std::move(msg)}; }

/// One decoded object marker: where its references start and how many there are.
struct Object {
  std::uint8_t type = 0;      // high nibble of the marker
  std::uint64_t count = 0;    // elements (arrays, sets, dicts: entries)
  std::size_t refs_at = 0;    // first reference byte (containers)
  std::uint64_t payload = 0;  // bytes libplist will allocate for the value (strings, data)
};

class BinaryChecker {
 public:
  BinaryChecker(Bytes data, const PlistLimits& limits) : r_(data), limits_(limits) {}

  std::optional<PrecheckFailure> run() {
    if (auto f = read_trailer()) return f;
    return walk();
  }

 private:
  std::optional<PrecheckFailure> read_trailer() {
    const std::size_t n = r_.size();
    if (n < kHeaderSize + 1 + kTrailerSize) return invalid(fmt::format("{} bytes is too short for a binary plist", n));
    if (r_.chars(0, 8) != "bplist00")
      return invalid(fmt::format("unsupported binary plist version '{}'", r_.chars(6, 2)));
    const std::size_t t = n - kTrailerSize;
    offset_size_ = r_.u8(t + 6);
    ref_size_ = r_.u8(t + 7);
    num_objects_ = read_be(r_, t + 8, 8);
    root_ = read_be(r_, t + 16, 8);
    table_ = read_be(r_, t + 24, 8);
    if (!valid_width(offset_size_) || !valid_width(ref_size_))
      return invalid(fmt::format("offset size {} / reference size {} not in 1, 2, 4, 8", offset_size_, ref_size_));
    if (num_objects_ == 0 || root_ >= num_objects_)
      return invalid(fmt::format("top object {} of {} objects", root_, num_objects_));
    if (table_ <= kHeaderSize || table_ > t)
      return invalid(fmt::format("offset table at {} outside the object area [9, {}]", table_, t));
    if (num_objects_ > (t - table_) / offset_size_)
      return invalid(
          fmt::format("offset table of {} x {} bytes does not fit before the trailer", num_objects_, offset_size_));
    return std::nullopt;
  }

  /// The object at `index`, checked to lie wholly inside [8, offset table).
  std::optional<PrecheckFailure> decode(std::uint64_t index, Object& obj) const {
    const std::uint64_t off = read_be(r_, static_cast<std::size_t>(table_ + index * offset_size_), offset_size_);
    if (off < kHeaderSize || off >= table_)
      return invalid(fmt::format("object {} at offset {} lies outside the object area", index, off));
    // Bound every read by the offset table: libplist does the same, and a reader over the
    // object area alone turns any overrun into OutOfBounds.
    ByteReader area(r_.data().first(static_cast<std::size_t>(table_)));
    auto pos = static_cast<std::size_t>(off);
    const std::uint8_t marker = area.u8(pos++);
    obj.type = marker >> 4;
    const std::uint8_t low = marker & 0x0f;
    auto need = [&](std::uint64_t len) -> std::optional<PrecheckFailure> {
      if (!area.has(pos, len))
        return invalid(fmt::format("object {} (marker 0x{:02x}) at {} runs past the object area", index, marker, off));
      return std::nullopt;
    };
    switch (obj.type) {
      case 0x0:
        if (low != 0x8 && low != 0x9)
          return invalid(fmt::format("object {}: unsupported marker 0x{:02x}", index, marker));
        return std::nullopt;
      case 0x1:
        if (low > 4) return invalid(fmt::format("object {}: integer of 2^{} bytes", index, low));
        return need(std::uint64_t{1} << low);
      case 0x2:
        if (low != 2 && low != 3) return invalid(fmt::format("object {}: real of 2^{} bytes", index, low));
        return need(std::uint64_t{1} << low);
      case 0x3:
        if (low != 3) return invalid(fmt::format("object {}: date marker 0x{:02x}", index, marker));
        return need(8);
      case 0x8:
        if (low > 7) return invalid(fmt::format("object {}: UID of {} bytes", index, low + 1));
        return need(low + 1u);
      case 0x4:
      case 0x5:
      case 0x6:
      case 0xA:
      case 0xC:
      case 0xD:
        break;
      default:
        return invalid(fmt::format("object {}: unknown marker 0x{:02x}", index, marker));
    }
    obj.count = low;
    if (low == 0x0f) {
      const std::uint8_t int_marker = area.u8(pos++);
      const std::uint8_t width_log = int_marker & 0x0f;
      if ((int_marker >> 4) != 0x1 || width_log > 3)
        return invalid(fmt::format("object {}: bad length marker 0x{:02x}", index, int_marker));
      const std::size_t width = std::size_t{1} << width_log;
      if (auto f = need(width)) return f;
      obj.count = read_be(area, pos, width);
      pos += width;
    }
    std::uint64_t unit = 1;
    if (obj.type == 0x6) unit = 2;
    if (obj.type == 0xA || obj.type == 0xC) unit = ref_size_;
    if (obj.type == 0xD) unit = 2 * ref_size_;
    if (obj.count > table_ / unit) return invalid(fmt::format("object {}: {} elements cannot fit", index, obj.count));
    if (auto f = need(obj.count * unit)) return f;
    obj.refs_at = pos;
    // UTF-16 units become up to 3 UTF-8 bytes each; strings get a terminator.
    if (obj.type == 0x4) obj.payload = obj.count;
    if (obj.type == 0x5) obj.payload = obj.count + 1;
    if (obj.type == 0x6) obj.payload = obj.count * 3 + 1;
    return std::nullopt;
  }

  std::uint64_t ref(const Object& obj, std::uint64_t i) const {
    return read_be(r_, static_cast<std::size_t>(obj.refs_at + i * ref_size_), ref_size_);
  }

  bool is_container(const Object& o) const { return o.type == 0xA || o.type == 0xC || o.type == 0xD; }

  struct Frame {
    std::uint64_t index;
    Object obj;
    std::uint64_t next = 0;    // next child position
    std::uint64_t height = 0;  // of the subtree so far
    std::uint64_t nodes = 1;   // values in the subtree so far (this one included)
    std::uint64_t bytes = 0;   // string/data payload so far
  };
  struct Done {
    std::uint64_t height, nodes, bytes;
  };
  enum State : std::uint8_t { kUnseen, kOnStack, kDone };

  std::optional<PrecheckFailure> walk() {
    state_.assign(static_cast<std::size_t>(num_objects_), kUnseen);
    done_.resize(static_cast<std::size_t>(num_objects_));
    std::vector<Frame> stack;
    if (auto f = push(stack, root_)) return f;
    while (!stack.empty()) {
      Frame& top = stack.back();
      const std::uint64_t children = is_container(top.obj) ? top.obj.count : 0;
      if (top.next < children) {
        std::uint64_t pos = top.next++;
        if (top.obj.type == 0xD) {
          if (auto f = check_key(ref(top.obj, pos), top)) return f;
          pos += top.obj.count;  // value references follow the key references
        }
        const std::uint64_t child = ref(top.obj, pos);
        if (child >= num_objects_)
          return invalid(fmt::format("object {} refers to object {} of {}", top.index, child, num_objects_));
        if (state_[child] == kOnStack)
          return invalid(fmt::format("cyclic reference: object {} contains itself", child));
        if (state_[child] == kDone) {
          absorb(top, done_[child]);
          if (auto f = check_totals(top)) return f;
          continue;
        }
        if (stack.size() > limits_.max_depth)  // the child would sit at depth stack.size()
          return limit(fmt::format("binary plist nested deeper than {} levels", limits_.max_depth));
        if (auto f = push(stack, child)) return f;
        continue;
      }
      Done d{top.height, top.nodes, top.bytes};
      state_[top.index] = kDone;
      done_[top.index] = d;
      stack.pop_back();
      if (!stack.empty()) {
        absorb(stack.back(), d);
        if (auto f = check_totals(stack.back())) return f;
      }
    }
    return std::nullopt;
  }

  std::optional<PrecheckFailure> push(std::vector<Frame>& stack, std::uint64_t index) {
    Frame f{index, {}};
    if (auto fail = decode(index, f.obj)) return fail;
    f.bytes = f.obj.payload;
    state_[index] = kOnStack;
    stack.push_back(f);
    return check_totals(stack.back());
  }

  std::optional<PrecheckFailure> check_key(std::uint64_t key, Frame& top) {
    if (key >= num_objects_)
      return invalid(fmt::format("object {} has key reference {} of {}", top.index, key, num_objects_));
    Object k;
    if (auto f = decode(key, k)) return f;
    if (k.type != 0x5 && k.type != 0x6)
      return invalid(fmt::format("object {}: dictionary key {} is not a string", top.index, key));
    // libplist 2.2 asserts (aborts the process) when a key's length differs from its strlen().
    const std::size_t unit = k.type == 0x6 ? 2 : 1;
    for (std::uint64_t i = 0; i < k.count; ++i) {
      bool nul = r_.u8(k.refs_at + i * unit) == 0 && (unit == 1 || r_.u8(k.refs_at + i * unit + 1) == 0);
      if (nul) return invalid(fmt::format("object {}: dictionary key {} contains a NUL character", top.index, key));
    }
    top.bytes = sat_add(top.bytes, k.payload);
    return std::nullopt;
  }

  static void absorb(Frame& parent, const Done& child) {
    parent.height = std::max(parent.height, child.height + 1);
    parent.nodes = sat_add(parent.nodes, child.nodes);
    parent.bytes = sat_add(parent.bytes, child.bytes);
  }

  std::optional<PrecheckFailure> check_totals(const Frame& f) const {
    if (f.nodes > limits_.max_nodes)
      return limit(fmt::format("binary plist expands to more than {} values", limits_.max_nodes));
    if (f.bytes > limits_.max_bytes)
      return limit(fmt::format("binary plist expands to more than {} bytes of strings and data", limits_.max_bytes));
    if (f.height > limits_.max_depth)
      return limit(fmt::format("binary plist nested deeper than {} levels", limits_.max_depth));
    return std::nullopt;
  }

  ByteReader r_;
  const PlistLimits& limits_;
  std::uint64_t offset_size_ = 0, ref_size_ = 0, num_objects_ = 0, root_ = 0, table_ = 0;
  std::vector<std::uint8_t> state_;
  std::vector<Done> done_;
};

}  // namespace

std::optional<PrecheckFailure> precheck_binary_plist(Bytes data, const PlistLimits& limits) {
  try {
    return BinaryChecker(data, limits).run();
  } catch (const OutOfBounds& e) {
    return invalid(std::string("binary plist structure out of bounds: ") + e.what());
  }
}

std::optional<PrecheckFailure> precheck_xml_plist(std::string_view text, const PlistLimits& limits) {
  // <plist> is level 1 and the root value level 2, so a value at depth d sits at level d + 2.
  const std::size_t max_level = limits.max_depth + 2;
  std::size_t level = 0, values = 0, i = 0;
  auto skip_past = [&](std::string_view end) {
    auto j = text.find(end, i);
    i = j == std::string_view::npos ? text.size() : j + end.size();
  };
  while ((i = text.find('<', i)) != std::string_view::npos) {
    std::string_view rest = text.substr(i);
    if (rest.starts_with("<!--")) {
      i += 4;
      skip_past("-->");
    } else if (rest.starts_with("<![CDATA[")) {
      skip_past("]]>");
    } else if (rest.starts_with("<?")) {
      skip_past("?>");
    } else if (rest.starts_with("<!")) {  // <!DOCTYPE ...>, possibly with an [internal subset]
      int brackets = 0;
      for (++i; i < text.size(); ++i) {
        if (text[i] == '[')
          ++brackets;
        else if (text[i] == ']')
          --brackets;
        else if (text[i] == '>' && brackets <= 0)
          break;
      }
      ++i;
    } else if (rest.starts_with("</")) {
      if (level > 0) --level;
      skip_past(">");
    } else {
      std::size_t name_end = i + 1;
      while (name_end < text.size() && text[name_end] != '>' && text[name_end] != '/' && text[name_end] != ' ' &&
             text[name_end] != '\t' && text[name_end] != '\n' && text[name_end] != '\r')
        ++name_end;
      std::string_view name = text.substr(i + 1, name_end - i - 1);
      char quote = 0;
      std::size_t j = name_end;
      for (; j < text.size(); ++j) {
        if (quote) {
          if (text[j] == quote) quote = 0;
        } else if (text[j] == '"' || text[j] == '\'') {
          quote = text[j];
        } else if (text[j] == '>') {
          break;
        }
      }
      const bool self_closing = j < text.size() && j > i && text[j - 1] == '/';
      if (name != "key" && name != "plist" && ++values > limits.max_nodes)
        return limit(fmt::format("XML plist holds more than {} values", limits.max_nodes));
      if (!self_closing && ++level > max_level)
        return limit(fmt::format("XML plist nested deeper than {} levels", limits.max_depth));
      i = j + 1;
    }
  }
  return std::nullopt;
}

}  // namespace sdkscope::apple::detail
