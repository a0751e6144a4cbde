// AXML writer for tests: string pool (UTF-8 or UTF-16), resource map, node chunks.
#include "axml_builder.hpp"

#include <algorithm>
#include <map>
#include <stdexcept>

namespace sdkscope::test {
namespace {

constexpr std::uint16_t kStartNs = 0x0100, kEndNs = 0x0101, kStart = 0x0102, kEnd = 0x0103, kCdata = 0x0104;
constexpr std::uint32_t kNone = 0xffffffff;

std::u16string to_utf16(const std::string& s) {
  std::u16string out;
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    std::uint32_t cp = c;
    std::size_t len = 1;
    if (c >= 0xf0) cp = c & 0x07, len = 4;
    else if (c >= 0xe0) cp = c & 0x0f, len = 3;
    else if (c >= 0xc0) cp = c & 0x1f, len = 2;
    for (std::size_t k = 1; k < len && i + k < s.size(); ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3f);
    i += len;
    if (cp >= 0x10000) {
      cp -= 0x10000;
      out.push_back(static_cast<char16_t>(0xd800 + (cp >> 10)));
      out.push_back(static_cast<char16_t>(0xdc00 + (cp & 0x3ff)));
    } else {
      out.push_back(static_cast<char16_t>(cp));
    }
  }
  return out;
}

void push_u16(std::vector<std::uint8_t>& b, std::uint32_t v) {
  b.push_back(static_cast<std::uint8_t>(v));
  b.push_back(static_cast<std::uint8_t>(v >> 8));
}
void push_u32(std::vector<std::uint8_t>& b, std::uint32_t v) {
  push_u16(b, v & 0xffff);
  push_u16(b, v >> 16);
}
void push_len8(std::vector<std::uint8_t>& b, std::size_t n) {
  if (n > 0x7f) b.push_back(static_cast<std::uint8_t>(0x80 | (n >> 8)));
  b.push_back(static_cast<std::uint8_t>(n & 0xff));
}

// Interns strings; attribute names with resource ids come first (the resource map indexes them).
class Pool {
 public:
  std::uint32_t id_name(const std::string& s, std::uint32_t id) {
    auto key = std::make_pair(s, id);
    if (auto it = with_ids_.find(key); it != with_ids_.end()) return it->second;
    auto idx = static_cast<std::uint32_t>(strings_.size());
    strings_.push_back(s);
    ids_.push_back(id);
    with_ids_[key] = idx;
    return idx;
  }
  std::uint32_t str(const std::string& s) {
    if (auto it = plain_.find(s); it != plain_.end()) return it->second;
    auto idx = static_cast<std::uint32_t>(strings_.size());
    strings_.push_back(s);
    plain_[s] = idx;
    return idx;
  }
  const std::vector<std::string>& strings() const { return strings_; }
  const std::vector<std::uint32_t>& ids() const { return ids_; }

 private:
  std::vector<std::string> strings_;
  std::vector<std::uint32_t> ids_;
  std::map<std::pair<std::string, std::uint32_t>, std::uint32_t> with_ids_;
  std::map<std::string, std::uint32_t> plain_;
};

}  // namespace

std::vector<std::uint8_t> string_pool_chunk(const std::vector<std::string>& strings, bool utf8) {
  std::vector<std::uint8_t> data;
  std::vector<std::uint32_t> offsets;
  for (const auto& s : strings) {
    offsets.push_back(static_cast<std::uint32_t>(data.size()));
    if (utf8) {
      push_len8(data, to_utf16(s).size());
      push_len8(data, s.size());
      data.insert(data.end(), s.begin(), s.end());
      data.push_back(0);
    } else {
      auto u = to_utf16(s);
      if (u.size() > 0x7fff) push_u16(data, 0x8000 | static_cast<std::uint32_t>(u.size() >> 16));
      push_u16(data, u.size() & 0xffff);
      for (char16_t c : u) push_u16(data, c);
      push_u16(data, 0);
    }
  }
  while (data.size() % 4) data.push_back(0);
  std::vector<std::uint8_t> c;
  const std::uint32_t header = 28;
  const std::uint32_t strings_start = header + 4 * static_cast<std::uint32_t>(strings.size());
  push_u16(c, 0x0001);
  push_u16(c, header);
  push_u32(c, strings_start + static_cast<std::uint32_t>(data.size()));
  push_u32(c, static_cast<std::uint32_t>(strings.size()));
  push_u32(c, 0);
  push_u32(c, utf8 ? 0x100 : 0);
  push_u32(c, strings_start);
  push_u32(c, 0);
  for (auto o : offsets) push_u32(c, o);
  c.insert(c.end(), data.begin(), data.end());
  return c;
}

AxAttr AxAttr::android_str(const std::string& name, std::uint32_t id, const std::string& value) {
  AxAttr a{kAndroidUri, name, id, 0x03, 0, value, value};
  return a;
}
AxAttr AxAttr::android_typed(const std::string& name, std::uint32_t id, std::uint8_t type, std::uint32_t data) {
  return AxAttr{kAndroidUri, name, id, type, data, std::nullopt, std::nullopt};
}
AxAttr AxAttr::plain_str(const std::string& name, const std::string& value) {
  return AxAttr{"", name, 0, 0x03, 0, value, value};
}

AxmlBuilder& AxmlBuilder::start_ns(const std::string& prefix, const std::string& uri) {
  nodes_.push_back({kStartNs, prefix, uri, {}, next_line_, {}});
  return *this;
}
AxmlBuilder& AxmlBuilder::end_ns(const std::string& prefix, const std::string& uri) {
  nodes_.push_back({kEndNs, prefix, uri, {}, next_line_, {}});
  return *this;
}
AxmlBuilder& AxmlBuilder::start(const std::string& name, std::vector<AxAttr> attrs, std::uint32_t line) {
  if (line == 0) line = next_line_;
  next_line_ = line + 1;
  nodes_.push_back({kStart, "", name, std::move(attrs), line, {}});
  return *this;
}
AxmlBuilder& AxmlBuilder::end(const std::string& name) {
  nodes_.push_back({kEnd, "", name, {}, next_line_, {}});
  return *this;
}
AxmlBuilder& AxmlBuilder::cdata(const std::string& text) {
  nodes_.push_back({kCdata, text, "", {}, next_line_, {}});
  return *this;
}
AxmlBuilder& AxmlBuilder::raw_chunk(std::uint16_t type, std::vector<std::uint8_t> payload) {
  nodes_.push_back({type, "", "", {}, 0, std::move(payload)});
  return *this;
}

std::vector<std::uint8_t> AxmlBuilder::build() const {
  Pool pool;
  for (const auto& n : nodes_)
    for (const auto& a : n.attrs)
      if (a.res_id) pool.id_name(a.name, a.res_id);
  auto ref = [&pool](const std::string& s) { return s.empty() ? kNone : pool.str(s); };
  std::vector<std::uint8_t> body;
  for (const auto& n : nodes_) {
    std::vector<std::uint8_t> c;
    if (n.type < kStartNs || n.type > kCdata) {
      push_u16(c, n.type);
      push_u16(c, 8);
      push_u32(c, static_cast<std::uint32_t>(8 + n.payload.size()));
      c.insert(c.end(), n.payload.begin(), n.payload.end());
      body.insert(body.end(), c.begin(), c.end());
      continue;
    }
    std::vector<std::uint8_t> ext;
    if (n.type == kStartNs || n.type == kEndNs) {
      push_u32(ext, pool.str(n.a));
      push_u32(ext, pool.str(n.b));
    } else if (n.type == kStart) {
      push_u32(ext, kNone);
      push_u32(ext, pool.str(n.b));
      push_u16(ext, 20);
      push_u16(ext, stride_);
      push_u16(ext, static_cast<std::uint32_t>(n.attrs.size()));
      push_u16(ext, 0);
      push_u16(ext, 0);
      push_u16(ext, 0);
      // Attribute i is written at i * stride; with a stride below 20 later ones overwrite the
      // tail of earlier ones, exactly the overlap a reader following the stride will see.
      const std::size_t base = ext.size();
      const std::size_t stride = stride_;
      if (!n.attrs.empty()) ext.resize(base + stride * (n.attrs.size() - 1) + std::max<std::size_t>(stride, 20), 0);
      for (std::size_t i = 0; i < n.attrs.size(); ++i) {
        const auto& a = n.attrs[i];
        std::vector<std::uint8_t> at;
        push_u32(at, ref(a.ns));
        push_u32(at, a.res_id ? pool.id_name(a.name, a.res_id) : pool.str(a.name));
        push_u32(at, a.raw ? pool.str(*a.raw) : kNone);
        push_u16(at, 8);
        at.push_back(0);
        at.push_back(a.type);
        push_u32(at, a.value ? pool.str(*a.value) : a.data);
        std::copy(at.begin(), at.end(), ext.begin() + static_cast<std::ptrdiff_t>(base + i * stride));
      }
    } else if (n.type == kEnd) {
      push_u32(ext, kNone);
      push_u32(ext, pool.str(n.b));
    } else {
      push_u32(ext, pool.str(n.a));
      push_u16(ext, 8);
      ext.push_back(0);
      ext.push_back(0);
      push_u32(ext, 0);
    }
    push_u16(c, n.type);
    push_u16(c, 16);
    push_u32(c, static_cast<std::uint32_t>(16 + ext.size()));
    push_u32(c, n.line);
    push_u32(c, kNone);
    c.insert(c.end(), ext.begin(), ext.end());
    body.insert(body.end(), c.begin(), c.end());
  }
  std::vector<std::uint8_t> doc;
  auto sp = string_pool_chunk(pool.strings(), utf8_);
  std::vector<std::uint8_t> rm;
  if (!pool.ids().empty()) {
    push_u16(rm, 0x0180);
    push_u16(rm, 8);
    push_u32(rm, static_cast<std::uint32_t>(8 + 4 * pool.ids().size()));
    for (auto id : pool.ids()) push_u32(rm, id);
  }
  push_u16(doc, 0x0003);
  push_u16(doc, 8);
  push_u32(doc, static_cast<std::uint32_t>(8 + sp.size() + rm.size() + body.size()));
  doc.insert(doc.end(), sp.begin(), sp.end());
  doc.insert(doc.end(), rm.begin(), rm.end());
  doc.insert(doc.end(), body.begin(), body.end());
  return doc;
}

void put_u16(std::vector<std::uint8_t>& b, std::size_t off, std::uint16_t v) {
  b.at(off) = static_cast<std::uint8_t>(v);
  b.at(off + 1) = static_cast<std::uint8_t>(v >> 8);
}
void put_u32(std::vector<std::uint8_t>& b, std::size_t off, std::uint32_t v) {
  put_u16(b, off, static_cast<std::uint16_t>(v));
  put_u16(b, off + 2, static_cast<std::uint16_t>(v >> 16));
}
std::uint16_t get_u16(const std::vector<std::uint8_t>& b, std::size_t off) {
  return static_cast<std::uint16_t>(b.at(off) | (b.at(off + 1) << 8));
}
std::uint32_t get_u32(const std::vector<std::uint8_t>& b, std::size_t off) {
  return get_u16(b, off) | (static_cast<std::uint32_t>(get_u16(b, off + 2)) << 16);
}

std::vector<std::size_t> find_chunks(const std::vector<std::uint8_t>& doc, std::uint16_t type) {
  std::vector<std::size_t> out;
  for (std::size_t off = get_u16(doc, 2); off + 8 <= doc.size();) {
    if (get_u16(doc, off) == type) out.push_back(off);
    std::uint32_t size = get_u32(doc, off + 4);
    if (size < 8) throw std::runtime_error("find_chunks: bad chunk size");
    off += size;
  }
  return out;
}

std::vector<std::uint8_t> sample_manifest(bool utf8, bool names) {
  auto n = [names](const std::string& s) { return names ? s : std::string(); };
  AxmlBuilder b(utf8);
  b.start_ns("android", kAndroidUri)
      .start("manifest",
             {AxAttr::android_typed(n("versionCode"), 0x0101021b, 0x10, 42),
              AxAttr::android_str(n("versionName"), 0x0101021c, "4.2"), AxAttr::plain_str("package", "org.sample.app")},
             1)
      .start("uses-permission", {AxAttr::android_str(n("name"), 0x01010003, "android.permission.INTERNET")})
      .end("uses-permission")
      .start("application", {AxAttr::android_typed(n("debuggable"), 0x0101000f, 0x12, 0xffffffff)})
      .start("activity", {AxAttr::android_str(n("name"), 0x01010003, ".Main"),
                          AxAttr::android_typed(n("exported"), 0x01010010, 0x12, 0xffffffff)})
      .end("activity")
      .end("application")
      .end("manifest")
      .end_ns("android", kAndroidUri);
  return b.build();
}

}  // namespace sdkscope::test
