#include "scanner/engine/app_icon.hpp"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>

#include "scanner/apple/plist.hpp"
#include "scanner/engine/ios_scan.hpp"
#include "scanner/util/strings.hpp"

namespace sdkscope {

namespace {

// ---------------------------------------------------------------------------------------------
// PNG

constexpr std::array<std::uint8_t, 8> kPngSignature = {0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a};
// PNG's own bound on a chunk length and on the image dimensions (2^31 - 1).
constexpr std::uint32_t kPngMax31 = 0x7fffffffu;

std::uint32_t be32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | std::uint32_t{p[3]};
}

void put_be32(std::vector<std::uint8_t>& out, std::uint32_t v) {
  out.push_back(static_cast<std::uint8_t>(v >> 24));
  out.push_back(static_cast<std::uint8_t>(v >> 16));
  out.push_back(static_cast<std::uint8_t>(v >> 8));
  out.push_back(static_cast<std::uint8_t>(v));
}

bool has_signature(Bytes data) {
  return data.size() >= kPngSignature.size() && std::equal(kPngSignature.begin(), kPngSignature.end(), data.begin());
}

struct Chunk {
  std::string_view type;
  Bytes data;
};

bool chunk_type_ok(const std::uint8_t* t) {
  for (int i = 0; i < 4; ++i) {
    bool letter = (t[i] >= 'A' && t[i] <= 'Z') || (t[i] >= 'a' && t[i] <= 'z');
    if (!letter) return false;
  }
  return true;
}

// Every chunk up to and including IEND, each with its CRC checked. nullopt when a length runs
// past the end or over 2^31-1, a type is not four letters, a CRC is wrong, or IEND is missing.
std::optional<std::vector<Chunk>> read_chunks(Bytes data) {
  if (!has_signature(data)) return std::nullopt;
  std::vector<Chunk> out;
  std::size_t pos = kPngSignature.size();
  while (true) {
    if (data.size() - pos < 12) return std::nullopt;
    std::uint32_t len = be32(data.data() + pos);
    if (len > kPngMax31 || len > data.size() - pos - 12) return std::nullopt;
    const std::uint8_t* type = data.data() + pos + 4;
    if (!chunk_type_ok(type)) return std::nullopt;
    uLong crc = crc32(0L, Z_NULL, 0);
    crc = crc32(crc, type, static_cast<uInt>(4 + len));
    if (be32(type + 4 + len) != static_cast<std::uint32_t>(crc)) return std::nullopt;
    Chunk c{std::string_view(reinterpret_cast<const char*>(type), 4), data.subspan(pos + 8, len)};
    out.push_back(c);
    pos += 12 + std::size_t{len};
    if (c.type == "IEND") return out;
  }
}

int channels_of(std::uint8_t color_type) {
  switch (color_type) {
    case 0: return 1;  // greyscale
    case 2: return 3;  // RGB
    case 3: return 1;  // palette index
    case 4: return 2;  // greyscale + alpha
    case 6: return 4;  // RGBA
    default: return 0;
  }
}

bool depth_ok(std::uint8_t color_type, std::uint8_t depth) {
  switch (color_type) {
    case 0: return depth == 1 || depth == 2 || depth == 4 || depth == 8 || depth == 16;
    case 3: return depth == 1 || depth == 2 || depth == 4 || depth == 8;
    case 2:
    case 4:
    case 6: return depth == 8 || depth == 16;
    default: return false;
  }
}

// IHDR's 13 bytes, checked field by field (PNG spec 11.2.2).
std::optional<PngHeader> parse_ihdr(Bytes d) {
  if (d.size() != 13) return std::nullopt;
  PngHeader h;
  h.width = be32(d.data());
  h.height = be32(d.data() + 4);
  h.bit_depth = d[8];
  h.color_type = d[9];
  h.interlace = d[12];
  if (h.width == 0 || h.height == 0 || h.width > kPngMax31 || h.height > kPngMax31) return std::nullopt;
  if (!depth_ok(h.color_type, h.bit_depth) || d[10] != 0 || d[11] != 0 || h.interlace > 1) return std::nullopt;
  return h;
}

// One image row: its filter byte plus this many bytes.
std::uint64_t row_bytes(std::uint64_t width, const PngHeader& h) {
  return (width * static_cast<std::uint64_t>(channels_of(h.color_type)) * h.bit_depth + 7) / 8;
}

// The rows of the decompressed image data, pass by pass (one pass, or Adam7's seven).
std::vector<std::pair<std::uint64_t, std::uint64_t>> row_layout(const PngHeader& h) {  // (row bytes, rows)
  std::vector<std::pair<std::uint64_t, std::uint64_t>> out;
  if (h.interlace == 0) {
    out.emplace_back(row_bytes(h.width, h), h.height);
    return out;
  }
  static constexpr int kAdam7[7][4] = {{0, 0, 8, 8}, {4, 0, 8, 8}, {0, 4, 4, 8}, {2, 0, 4, 4},
                                       {0, 2, 2, 4}, {1, 0, 2, 2}, {0, 1, 1, 2}};
  for (const auto& p : kAdam7) {
    std::uint64_t w = h.width > static_cast<std::uint32_t>(p[0]) ? (h.width - p[0] + p[2] - 1) / p[2] : 0;
    std::uint64_t rows = h.height > static_cast<std::uint32_t>(p[1]) ? (h.height - p[1] + p[3] - 1) / p[3] : 0;
    if (w != 0 && rows != 0) out.emplace_back(row_bytes(w, h), rows);
  }
  return out;
}

// Inflates `in` (zlib, or raw deflate for CgBI) a window at a time into `sink` until `expected`
// bytes came out. False when the stream is corrupt or ends short. Bytes past `expected` (PNG
// decoders tolerate "extra image data") are never produced, which also bounds a deflate bomb.
bool inflate_exact(Bytes in, bool raw, std::uint64_t expected,
                   const std::function<bool(const std::uint8_t*, std::size_t)>& sink) {
  z_stream zs{};
  if (inflateInit2(&zs, raw ? -MAX_WBITS : MAX_WBITS) != Z_OK) return false;
  zs.next_in = const_cast<Bytef*>(in.data());
  zs.avail_in = static_cast<uInt>(in.size());
  std::vector<std::uint8_t> window(64 * 1024);
  std::uint64_t total = 0;
  bool ok = false;
  while (true) {
    std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(window.size(), expected - total));
    if (want == 0) {
      ok = true;
      break;
    }
    zs.next_out = window.data();
    zs.avail_out = static_cast<uInt>(want);
    int ret = inflate(&zs, Z_NO_FLUSH);
    std::size_t got = want - zs.avail_out;
    if (got > 0) {
      if (!sink(window.data(), got)) break;
      total += got;
    }
    if (ret == Z_STREAM_END) {
      ok = total == expected;
      break;
    }
    if (ret != Z_OK) break;  // Z_BUF_ERROR: the input ended before the image did; others: corrupt
  }
  inflateEnd(&zs);
  return ok;
}

// Checks the filter byte of every row while the data streams past.
class FilterByteCheck {
 public:
  explicit FilterByteCheck(std::vector<std::pair<std::uint64_t, std::uint64_t>> layout) : layout_(std::move(layout)) {}
  bool operator()(const std::uint8_t* p, std::size_t n) {
    while (n > 0 && pass_ < layout_.size()) {
      if (left_ == 0) {  // a row's filter byte
        if (*p > 4) return false;
        ++p;
        --n;
        left_ = layout_[pass_].first;
        continue;
      }
      std::uint64_t take = std::min<std::uint64_t>(left_, n);
      p += take;
      n -= static_cast<std::size_t>(take);
      left_ -= take;
      if (left_ == 0 && ++row_ == layout_[pass_].second) {
        ++pass_;
        row_ = 0;
      }
    }
    return true;
  }

 private:
  std::vector<std::pair<std::uint64_t, std::uint64_t>> layout_;  // (row bytes, rows) per pass
  std::size_t pass_ = 0;
  std::uint64_t row_ = 0;
  std::uint64_t left_ = 0;  // bytes left in the current row (0: the next byte is a filter byte)
};

// Concatenated IDAT data, or nullopt when IDAT is missing or comes before IHDR.
std::optional<std::vector<std::uint8_t>> idat_of(const std::vector<Chunk>& chunks) {
  std::vector<std::uint8_t> out;
  bool seen = false;
  for (const auto& c : chunks)
    if (c.type == "IDAT") {
      seen = true;
      out.insert(out.end(), c.data.begin(), c.data.end());
    }
  if (!seen) return std::nullopt;
  return out;
}

std::uint8_t paeth(std::uint8_t a, std::uint8_t b, std::uint8_t c) {
  int p = int{a} + int{b} - int{c};
  int pa = std::abs(p - a), pb = std::abs(p - b), pc = std::abs(p - c);
  if (pa <= pb && pa <= pc) return a;
  return pb <= pc ? b : c;
}

// Undoes the row filters in place (rows of 1 + stride bytes, `bpp` bytes per pixel).
bool unfilter(std::vector<std::uint8_t>& img, std::size_t stride, std::size_t rows, std::size_t bpp) {
  const std::vector<std::uint8_t> zeros(stride, 0);
  for (std::size_t y = 0; y < rows; ++y) {
    std::uint8_t* row = img.data() + y * (stride + 1);
    std::uint8_t f = row[0];
    std::uint8_t* cur = row + 1;
    const std::uint8_t* prev = y == 0 ? zeros.data() : img.data() + (y - 1) * (stride + 1) + 1;
    switch (f) {
      case 0: break;
      case 1:
        for (std::size_t i = bpp; i < stride; ++i) cur[i] = static_cast<std::uint8_t>(cur[i] + cur[i - bpp]);
        break;
      case 2:
        for (std::size_t i = 0; i < stride; ++i) cur[i] = static_cast<std::uint8_t>(cur[i] + prev[i]);
        break;
      case 3:
        for (std::size_t i = 0; i < stride; ++i) {
          int left = i >= bpp ? cur[i - bpp] : 0;
          cur[i] = static_cast<std::uint8_t>(cur[i] + ((left + prev[i]) >> 1));
        }
        break;
      case 4:
        for (std::size_t i = 0; i < stride; ++i) {
          std::uint8_t left = i >= bpp ? cur[i - bpp] : 0;
          std::uint8_t upleft = i >= bpp ? prev[i - bpp] : 0;
          cur[i] = static_cast<std::uint8_t>(cur[i] + paeth(left, prev[i], upleft));
        }
        break;
      default: return false;
    }
    row[0] = 0;  // refiltered with filter 0 ("None")
  }
  return true;
}

void put_chunk(std::vector<std::uint8_t>& out, std::string_view type, Bytes data) {
  put_be32(out, static_cast<std::uint32_t>(data.size()));
  std::size_t start = out.size();
  out.insert(out.end(), type.begin(), type.end());
  out.insert(out.end(), data.begin(), data.end());
  uLong crc = crc32(0L, Z_NULL, 0);
  crc = crc32(crc, out.data() + start, static_cast<uInt>(out.size() - start));
  put_be32(out, static_cast<std::uint32_t>(crc));
}

// Apple's CgBI variant (Xcode's pngcrush -iphone): raw deflate without the zlib wrapper, 8-bit
// BGRA with premultiplied alpha (or BGR), rows filtered as stored. Becomes a standard PNG: the
// rows unfiltered, the channels swapped to RGB(A), alpha un-premultiplied, every row refiltered
// with filter 0, deflated with a zlib header; only IHDR, IDAT and IEND are written.
std::optional<std::vector<std::uint8_t>> convert_cgbi(const std::vector<Chunk>& chunks, Bytes ihdr, const PngHeader& h,
                                                      const IconLimits& limits) {
  if (h.bit_depth != 8 || (h.color_type != 6 && h.color_type != 2) || h.interlace != 0) return std::nullopt;
  auto idat = idat_of(chunks);
  if (!idat) return std::nullopt;
  const std::size_t bpp = h.color_type == 6 ? 4 : 3;
  const std::size_t stride = static_cast<std::size_t>(h.width) * bpp;
  const std::size_t rows = h.height;
  const std::uint64_t expected = std::uint64_t{rows} * (stride + 1);
  std::vector<std::uint8_t> img;
  img.reserve(static_cast<std::size_t>(expected));
  bool inflated = inflate_exact(*idat, true, expected, [&](const std::uint8_t* p, std::size_t n) {
    img.insert(img.end(), p, p + n);
    return true;
  });
  if (!inflated || img.size() != expected) return std::nullopt;
  if (!unfilter(img, stride, rows, bpp)) return std::nullopt;
  for (std::size_t y = 0; y < rows; ++y) {
    std::uint8_t* px = img.data() + y * (stride + 1) + 1;
    for (std::size_t x = 0; x < h.width; ++x, px += bpp) {
      std::swap(px[0], px[2]);  // BGR(A) -> RGB(A)
      if (bpp == 4) {
        unsigned a = px[3];
        for (int c = 0; c < 3; ++c)
          px[c] = a == 0 ? 0 : static_cast<std::uint8_t>(std::min(255u, (px[c] * 255u + a / 2) / a));
      }
    }
  }
  uLong bound = compressBound(static_cast<uLong>(img.size()));
  std::vector<std::uint8_t> z(bound);
  uLongf zlen = bound;
  if (compress2(z.data(), &zlen, img.data(), static_cast<uLong>(img.size()), Z_BEST_COMPRESSION) != Z_OK)
    return std::nullopt;
  z.resize(zlen);
  std::vector<std::uint8_t> out(kPngSignature.begin(), kPngSignature.end());
  put_chunk(out, "IHDR", ihdr);
  put_chunk(out, "IDAT", z);
  put_chunk(out, "IEND", {});
  if (out.size() > limits.max_png_bytes) return std::nullopt;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Reading candidates from the bundle

struct Reader {
  const Archive& archive;
  Limits limits;  // the scan's, with max_entry_bytes lowered to the icon bound
  ReadBudget budget;
  Diagnostics sink;  // the icon pass reports nothing: a missing icon is not a finding
  std::size_t reads = 0;
  std::size_t max_reads = 0;
  std::size_t max_bytes = 0;

  std::optional<std::vector<std::uint8_t>> read(const ArchiveEntry& e) {
    if (e.is_directory || e.is_symlink || e.encrypted || e.size > max_bytes || reads >= max_reads) return std::nullopt;
    ++reads;
    auto bytes = archive.read(e, limits, budget, sink, e.name);
    if (!bytes || bytes->size() > max_bytes) return std::nullopt;
    return bytes;
  }
};

bool png_name(std::string_view name) { return ends_with(to_lower(name), ".png"); }

// ---------------------------------------------------------------------------------------------
// Android

struct ResPath {
  std::string type;        // "mipmap", "drawable"
  std::string dir;         // "mipmap-xxxhdpi-v4"
  std::string stem;        // "ic_launcher"
  std::string extension;   // ".png", ".xml", ".webp"
};

// "res/mipmap-xxxhdpi-v4/ic_launcher.png" -> {mipmap, mipmap-xxxhdpi-v4, ic_launcher, .png}.
std::optional<ResPath> parse_res_path(std::string_view rel) {
  if (!starts_with(rel, "res/")) return std::nullopt;
  rel.remove_prefix(4);
  auto slash = rel.find('/');
  if (slash == std::string_view::npos || slash == 0 || rel.find('/', slash + 1) != std::string_view::npos) return std::nullopt;
  ResPath p;
  p.dir = std::string(rel.substr(0, slash));
  p.type = p.dir.substr(0, p.dir.find('-'));
  std::string_view file = rel.substr(slash + 1);
  auto dot = file.find('.');
  if (dot == 0 || file.empty()) return std::nullopt;
  p.stem = std::string(file.substr(0, dot));
  if (dot != std::string_view::npos) p.extension = to_lower(file.substr(dot));
  return p;
}

bool is_version_qualifier(std::string_view q) {
  return q.size() >= 2 && q[0] == 'v' && std::all_of(q.begin() + 1, q.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::optional<int> density_qualifier(std::string_view q) {
  static constexpr std::pair<std::string_view, int> kNamed[] = {
      {"ldpi", 120}, {"mdpi", 160}, {"tvdpi", 213}, {"hdpi", 240}, {"xhdpi", 320},
      {"xxhdpi", 480}, {"xxxhdpi", 640}, {"nodpi", 1}, {"anydpi", 0}};
  for (const auto& [name, dpi] : kNamed)
    if (q == name) return dpi;
  if (q.size() > 3 && ends_with(q, "dpi") && q.size() <= 8) {
    auto digits = q.substr(0, q.size() - 3);
    if (std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) return std::stoi(std::string(digits));
  }
  return std::nullopt;
}

// Qualifiers other than density and platform version ("night", "ldrtl", "en"): a copy for a
// special configuration, ranked after the plain ones.
int extra_qualifiers(std::string_view dir) {
  auto parts = split(dir, '-');
  int n = 0;
  for (std::size_t i = 1; i < parts.size(); ++i)
    if (!density_qualifier(parts[i]) && !is_version_qualifier(parts[i])) ++n;
  return n;
}

struct Candidate {
  const ArchiveEntry* entry = nullptr;
  int rank_extra = 0;    // fewer is better
  int density = 0;       // higher is better
  int rank_name = 0;     // fewer is better (fallback: ic_launcher before ic_launcher_round ...)
};

void sort_candidates(std::vector<Candidate>& cs) {
  std::sort(cs.begin(), cs.end(), [](const Candidate& a, const Candidate& b) {
    if (a.rank_name != b.rank_name) return a.rank_name < b.rank_name;
    if (a.rank_extra != b.rank_extra) return a.rank_extra < b.rank_extra;
    if (a.density != b.density) return a.density > b.density;
    return a.entry->name < b.entry->name;
  });
}

// The first candidate that is a usable PNG.
bool take_first(Reader& reader, const std::vector<Candidate>& cs, const IconLimits& limits, const std::string& prefix,
                AppInfo& app) {
  for (const auto& c : cs) {
    auto bytes = reader.read(*c.entry);
    if (!bytes) continue;
    if (auto png = browser_png(*bytes, limits)) {
      app.icon_png = std::move(*png);
      app.icon_path = join_location(prefix, c.entry->name);
      return true;
    }
  }
  return false;
}

void android_icon(const Archive& unit, const std::string& root, const std::string& prefix, const std::string& icon_ref,
                  const Limits& scan_limits, const IconLimits& limits, AppInfo& app) {
  Reader reader{unit, scan_limits, {}, {}, 0, limits.max_candidates, limits.max_png_bytes};
  reader.limits.max_entry_bytes = std::min<std::uint64_t>(scan_limits.max_entry_bytes, limits.max_png_bytes);
  auto rel_of = [&](const ArchiveEntry& e) -> std::optional<std::string_view> {
    if (e.is_directory || !starts_with(e.name, root)) return std::nullopt;
    return std::string_view(e.name).substr(root.size());
  };

  // 1. The PNGs sharing the referenced file's type and name, highest density first. An
  //    adaptive icon (mipmap-anydpi-v26/ic_launcher.xml) lands here too: its legacy PNGs.
  auto ref = parse_res_path(icon_ref);
  std::vector<Candidate> cs;
  if (ref) {
    for (const auto& e : unit.entries()) {
      auto rel = rel_of(e);
      if (!rel) continue;
      auto p = parse_res_path(*rel);
      if (!p || p->type != ref->type || p->stem != ref->stem || p->extension != ".png") continue;
      cs.push_back({&e, extra_qualifiers(p->dir), android_density(p->dir), 0});
    }
    sort_candidates(cs);
    if (take_first(reader, cs, limits, prefix, app)) return;
  }
  // 2. The referenced file itself when it is a PNG outside the res/<type>/<name> shape
  //    (resource-path obfuscation renames res/mipmap-hdpi/ic_launcher.png to res/a1.png).
  if (!icon_ref.empty() && icon_ref[0] != '@' && png_name(icon_ref)) {
    if (auto idx = unit.find(root + icon_ref)) {
      for (const auto& e : unit.entries())
        if (e.index == *idx) {
          if (take_first(reader, {{&e, 0, 0, 0}}, limits, prefix, app)) return;
          break;
        }
    }
  }
  // 3. Any res/mipmap-*/ic_launcher*.png: the legacy launcher icon beside an adaptive one, or the
  //    conventional name when the reference did not resolve. Background layers are no icon.
  cs.clear();
  for (const auto& e : unit.entries()) {
    auto rel = rel_of(e);
    if (!rel) continue;
    auto p = parse_res_path(*rel);
    if (!p || p->type != "mipmap" || p->extension != ".png" || !starts_with(p->stem, "ic_launcher")) continue;
    if (p->stem.find("background") != std::string::npos) continue;
    int name_rank = p->stem == "ic_launcher" ? 0 : p->stem == "ic_launcher_round" ? 1
                    : p->stem.find("foreground") != std::string::npos ? 3 : 2;
    cs.push_back({&e, extra_qualifiers(p->dir), android_density(p->dir), name_rank});
  }
  sort_candidates(cs);
  take_first(reader, cs, limits, prefix, app);
}

void find_android_icon(const std::string& input_path, const std::string& format, const PartManifest& base,
                       const Limits& scan_limits, const IconLimits& limits, AppInfo& app) {
  const std::string& icon_ref = base.manifest.icon;
  if (icon_ref.empty()) return;  // no android:icon: the platform's default icon, not the app's
  Diagnostics sink;
  std::string err;
  auto outer = Archive::open_file(input_path, scan_limits, sink, &err);
  if (!outer) return;
  if (format == "apk") {
    android_icon(*outer, "", "", icon_ref, scan_limits, limits, app);
  } else if (format == "aab") {
    if (base.part.path.empty()) return;
    android_icon(*outer, base.part.path + "/", "", icon_ref, scan_limits, limits, app);
  } else if (format == "apks" || format == "xapk" || format == "apkm") {
    // The base split is an entry of the set: opened from memory, as the walk did.
    auto idx = outer->find(base.part.path);
    if (!idx) return;
    for (const auto& e : outer->entries()) {
      if (e.index != *idx) continue;
      ReadBudget budget;
      auto bytes = outer->read(e, scan_limits, budget, sink, e.name);
      if (!bytes) return;
      auto data = std::make_shared<const std::vector<std::uint8_t>>(std::move(*bytes));
      auto inner = Archive::open(data, scan_limits, sink, e.name, &err);
      if (inner) android_icon(*inner, "", e.name, icon_ref, scan_limits, limits, app);
      return;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// iOS

// The icon file base names the Info.plist lists: CFBundleIcons(~ipad).CFBundlePrimaryIcon.
// CFBundleIconFiles, then the older CFBundleIconFiles and CFBundleIconFile. ".png" dropped.
std::vector<std::string> plist_icon_names(const nlohmann::json& plist) {
  std::vector<std::string> names;
  auto add = [&](const nlohmann::json& v) {
    if (!v.is_string()) return;
    std::string n = v.get<std::string>();
    if (ends_with(to_lower(n), ".png")) n.resize(n.size() - 4);
    if (!n.empty() && n.find('/') == std::string::npos && std::find(names.begin(), names.end(), n) == names.end())
      names.push_back(std::move(n));
  };
  auto add_list = [&](const nlohmann::json& v) {
    if (v.is_array())
      for (const auto& x : v) add(x);
  };
  if (!plist.is_object()) return names;
  for (const char* key : {"CFBundleIcons", "CFBundleIcons~ipad"}) {
    auto icons = plist.find(key);
    if (icons == plist.end() || !icons->is_object()) continue;
    auto primary = icons->find("CFBundlePrimaryIcon");
    if (primary == icons->end()) continue;
    if (primary->is_object()) {
      if (auto files = primary->find("CFBundleIconFiles"); files != primary->end()) add_list(*files);
    } else {
      add(*primary);  // some old bundles name the file directly
    }
  }
  if (auto files = plist.find("CFBundleIconFiles"); files != plist.end()) add_list(*files);
  if (auto file = plist.find("CFBundleIconFile"); file != plist.end()) add(*file);
  return names;
}

// "AppIcon60x60" matches AppIcon60x60.png, AppIcon60x60@2x.png, AppIcon60x60@3x~iphone.png,
// AppIcon60x60~ipad.png ...: the name, an optional scale, an optional device, ".png".
bool matches_icon_name(std::string_view file, std::string_view name) {
  if (!starts_with(file, name) || !png_name(file)) return false;
  std::string_view rest = file.substr(name.size(), file.size() - name.size() - 4);
  if (starts_with(rest, "@") && rest.size() >= 3 && rest[1] >= '1' && rest[1] <= '9' && rest[2] == 'x') rest.remove_prefix(3);
  return rest.empty() || rest == "~ipad" || rest == "~iphone";
}

void find_ios_icon(const ScanContext& ctx, const std::string& input_path, const IconLimits& limits, AppInfo& app) {
  Diagnostics sink;
  std::string err;
  std::error_code ec;
  bool dir = std::filesystem::is_directory(input_path, ec);
  auto archive = dir ? Archive::open_directory(input_path, ctx.opts.limits, sink, &err)
                     : Archive::open_file(input_path, ctx.opts.limits, sink, &err);
  if (!archive) return;
  std::string root;
  bool found_root = false;
  for (const auto& b : ctx.ios.bundles)
    if (b.kind == "app") {
      root = b.path;
      found_root = true;
      break;
    }
  if (!found_root) root = dir ? std::string() : find_app_root(*archive);
  if (!dir && root.empty()) return;

  Reader reader{*archive, ctx.opts.limits, {}, {}, 0, limits.max_candidates, limits.max_png_bytes};
  reader.limits.max_entry_bytes = std::min<std::uint64_t>(ctx.opts.limits.max_entry_bytes, limits.max_png_bytes);

  std::vector<std::string> names;
  if (auto idx = archive->find(root + "Info.plist")) {
    for (const auto& e : archive->entries()) {
      if (e.index != *idx) continue;
      if (e.size > limits.max_plist_bytes || e.is_symlink) break;
      Limits plist_limits = ctx.opts.limits;
      plist_limits.max_entry_bytes = std::min<std::uint64_t>(plist_limits.max_entry_bytes, limits.max_plist_bytes);
      if (auto bytes = archive->read(e, plist_limits, reader.budget, sink, e.name))
        if (auto plist = apple::parse_plist(*bytes, sink, e.name)) names = plist_icon_names(*plist);
      break;
    }
  }

  // The files at the .app root that the listed names (else the conventional AppIcon* / Icon*
  // names) match; the largest image wins.
  auto collect = [&](const std::function<bool(std::string_view)>& wanted) {
    std::vector<const ArchiveEntry*> out;
    for (const auto& e : archive->entries()) {
      if (e.is_directory || e.is_symlink || !starts_with(e.name, root)) continue;
      std::string_view file = std::string_view(e.name).substr(root.size());
      if (file.find('/') != std::string_view::npos || !wanted(file)) continue;
      out.push_back(&e);
    }
    return out;
  };
  auto files = collect([&](std::string_view f) {
    return std::any_of(names.begin(), names.end(), [&](const std::string& n) { return matches_icon_name(f, n); });
  });
  if (files.empty())
    files = collect([](std::string_view f) { return png_name(f) && (starts_with(f, "AppIcon") || starts_with(f, "Icon")); });

  struct Read {
    const ArchiveEntry* entry;
    std::uint64_t pixels;
    std::vector<std::uint8_t> bytes;
  };
  std::vector<Read> reads;
  for (const auto* e : files) {
    auto bytes = reader.read(*e);
    if (!bytes) continue;
    auto h = read_png_header(*bytes);
    if (!h) continue;
    std::uint64_t px = std::uint64_t{h->width} * h->height;
    if (px > limits.max_pixels) continue;
    reads.push_back({e, px, std::move(*bytes)});
  }
  std::sort(reads.begin(), reads.end(), [](const Read& a, const Read& b) {
    return a.pixels != b.pixels ? a.pixels > b.pixels : a.entry->name < b.entry->name;
  });
  for (auto& r : reads) {
    if (auto png = browser_png(r.bytes, limits)) {
      app.icon_png = std::move(*png);
      app.icon_path = r.entry->name;
      return;
    }
  }
}

}  // namespace

std::optional<PngHeader> read_png_header(Bytes data) {
  if (!has_signature(data)) return std::nullopt;
  std::size_t pos = kPngSignature.size();
  PngHeader h;
  for (int i = 0; i < 2; ++i) {
    if (data.size() - pos < 12) return std::nullopt;
    std::uint32_t len = be32(data.data() + pos);
    if (len > data.size() - pos - 12) return std::nullopt;
    std::string_view type(reinterpret_cast<const char*>(data.data() + pos + 4), 4);
    if (type == "CgBI" && i == 0) {
      h.cgbi = true;
      pos += 12 + std::size_t{len};
      continue;
    }
    if (type != "IHDR") return std::nullopt;
    auto ihdr = parse_ihdr(data.subspan(pos + 8, len));
    if (!ihdr) return std::nullopt;
    ihdr->cgbi = h.cgbi;
    return ihdr;
  }
  return std::nullopt;
}

std::optional<std::vector<std::uint8_t>> browser_png(Bytes data, const IconLimits& limits) {
  try {
    if (data.size() > limits.max_png_bytes) return std::nullopt;
    auto chunks = read_chunks(data);
    if (!chunks || chunks->empty()) return std::nullopt;
    std::size_t first = 0;
    bool cgbi = (*chunks)[0].type == "CgBI";
    if (cgbi) first = 1;
    if (first >= chunks->size() || (*chunks)[first].type != "IHDR") return std::nullopt;
    Bytes ihdr = (*chunks)[first].data;
    auto h = parse_ihdr(ihdr);
    if (!h) return std::nullopt;
    if (std::uint64_t{h->width} * h->height > limits.max_pixels) return std::nullopt;
    if (cgbi) return convert_cgbi(*chunks, ihdr, *h, limits);

    // A standard PNG: the image data must inflate to what IHDR implies, every row filter valid.
    bool plte = std::any_of(chunks->begin(), chunks->end(), [](const Chunk& c) { return c.type == "PLTE"; });
    if (h->color_type == 3 && !plte) return std::nullopt;
    auto idat = idat_of(*chunks);
    if (!idat) return std::nullopt;
    auto layout = row_layout(*h);
    std::uint64_t expected = 0;
    for (const auto& [row, rows] : layout) expected += (row + 1) * rows;
    FilterByteCheck check(layout);
    if (!inflate_exact(*idat, false, expected, [&](const std::uint8_t* p, std::size_t n) { return check(p, n); }))
      return std::nullopt;
    return std::vector<std::uint8_t>(data.begin(), data.end());
  } catch (const std::exception&) {
    return std::nullopt;  // bad_alloc included: no icon, never a failed scan
  }
}

int android_density(std::string_view resource_dir) {
  auto parts = split(resource_dir, '-');
  int density = 160;  // no density qualifier: the baseline (mdpi)
  for (std::size_t i = 1; i < parts.size(); ++i)
    if (auto d = density_qualifier(parts[i])) density = *d;
  return density;
}

void find_app_icon(const ScanContext& ctx, const std::string& input_path, const std::string& format,
                   const PartManifest* base, AppInfo& app, const IconLimits& limits) {
  app.icon_png.clear();
  app.icon_path.clear();
  try {
    if (app.platform == "android" && base) find_android_icon(input_path, format, *base, ctx.opts.limits, limits, app);
    else if (app.platform == "ios") find_ios_icon(ctx, input_path, limits, app);
  } catch (const std::exception&) {
    app.icon_png.clear();
    app.icon_path.clear();
  }
}

}  // namespace sdkscope
