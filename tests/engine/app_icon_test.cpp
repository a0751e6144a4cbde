// The launcher icon (scanner/engine/app_icon.hpp): Android density choice and adaptive-icon
// fallback on APKs built by scripts/gen-icon-fixtures.sh, Apple CgBI conversion checked by
// decoding the result here (zlib only, independent of the converter), hostile PNGs, IPAs
// assembled in the test, the JSON / HTML reports, and real corpus apps when ../shared is there.
#include <doctest/doctest.h>

#include <zlib.h>

#include <cstdlib>
#include <cstring>

#include <nlohmann/json.hpp>

#include "reports/html_report.hpp"
#include "reports/json_read.hpp"
#include "reports/json_report.hpp"
#include "scanner/bundle/archive.hpp"
#include "scanner/engine/app_icon.hpp"
#include "scanner/engine/scanner.hpp"
#include "support/json_schema.hpp"
#include "support/shipped_db.hpp"
#include "support/test_paths.hpp"
#include "support/zip_builder.hpp"

using namespace sdkscope;
using namespace sdkscope::test;

namespace {

using Png = std::vector<std::uint8_t>;

ScanResult scan_ok(const std::filesystem::path& p, ScanOptions opts = ScanOptions::standard()) {
  Scanner scanner(test::shipped_db(), opts);
  auto out = scanner.scan(p.string());
  INFO(p << ": " << out.error);
  REQUIRE(out.result);
  return *out.result;
}

std::filesystem::path icons(const std::string& rel) { return testdata("icons/" + rel); }

std::uint32_t be32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}

// A minimal, strict PNG decoder for what the converter writes and the fixtures hold: 8-bit
// RGB / RGBA, not interlaced, zlib-wrapped image data, every CRC checked.
struct Decoded {
  std::uint32_t width = 0, height = 0;
  int channels = 0;
  std::vector<std::string> chunk_types;
  std::vector<std::uint8_t> pixels;  // row by row, no filter bytes
};

std::optional<Decoded> decode_png(const Png& png) {
  static const std::uint8_t sig[8] = {0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a};
  if (png.size() < 8 || std::memcmp(png.data(), sig, 8) != 0) return std::nullopt;
  Decoded d;
  std::vector<std::uint8_t> idat;
  std::size_t pos = 8;
  bool end = false;
  while (!end) {
    if (png.size() - pos < 12) return std::nullopt;
    std::uint32_t len = be32(&png[pos]);
    if (len > png.size() - pos - 12) return std::nullopt;
    std::string type(reinterpret_cast<const char*>(&png[pos + 4]), 4);
    if (crc32(crc32(0, nullptr, 0), &png[pos + 4], 4 + len) != be32(&png[pos + 8 + len])) return std::nullopt;
    const std::uint8_t* data = &png[pos + 8];
    d.chunk_types.push_back(type);
    if (type == "IHDR") {
      if (len != 13 || data[8] != 8 || data[12] != 0) return std::nullopt;
      d.width = be32(data);
      d.height = be32(data + 4);
      d.channels = data[9] == 6 ? 4 : data[9] == 2 ? 3 : 0;
      if (d.channels == 0) return std::nullopt;
    } else if (type == "IDAT") {
      idat.insert(idat.end(), data, data + len);
    } else if (type == "IEND") {
      end = true;
    }
    pos += 12 + len;
  }
  if (d.chunk_types.empty() || d.chunk_types.front() != "IHDR") return std::nullopt;
  const std::size_t stride = std::size_t{d.width} * static_cast<std::size_t>(d.channels);
  std::vector<std::uint8_t> raw(std::size_t{d.height} * (stride + 1));
  uLongf raw_len = raw.size();
  if (uncompress(raw.data(), &raw_len, idat.data(), idat.size()) != Z_OK || raw_len != raw.size()) return std::nullopt;
  const std::size_t bpp = static_cast<std::size_t>(d.channels);
  std::vector<std::uint8_t> prev(stride, 0), cur(stride);
  for (std::uint32_t y = 0; y < d.height; ++y) {
    const std::uint8_t* in = &raw[y * (stride + 1)];
    for (std::size_t i = 0; i < stride; ++i) {
      int a = i >= bpp ? cur[i - bpp] : 0, b = prev[i], c = i >= bpp ? prev[i - bpp] : 0;
      int pred = 0;
      switch (in[0]) {
        case 0: pred = 0; break;
        case 1: pred = a; break;
        case 2: pred = b; break;
        case 3: pred = (a + b) / 2; break;
        case 4: {
          int p = a + b - c, pa = std::abs(p - a), pb = std::abs(p - b), pc = std::abs(p - c);
          pred = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
          break;
        }
        default: return std::nullopt;
      }
      cur[i] = static_cast<std::uint8_t>(in[1 + i] + pred);
    }
    d.pixels.insert(d.pixels.end(), cur.begin(), cur.end());
    prev = cur;
  }
  return d;
}

// The bytes of one entry of a zip on disk.
Png entry_bytes(const std::filesystem::path& zip, const std::string& name) {
  Diagnostics diags;
  std::string err;
  auto a = Archive::open_file(zip.string(), Limits{}, diags, &err);
  REQUIRE(a);
  ReadBudget budget;
  for (const auto& e : a->entries())
    if (e.name == name) {
      auto b = a->read(e, Limits{}, budget, diags, name);
      REQUIRE(b);
      return *b;
    }
  FAIL("no entry " << name);
  return {};
}

// Every entry of a zip, with some replaced (name -> bytes), written to `out`.
void rewrite_zip(const std::filesystem::path& in, const std::filesystem::path& out, const std::map<std::string, Png>& replace) {
  Diagnostics diags;
  std::string err;
  auto a = Archive::open_file(in.string(), Limits{}, diags, &err);
  REQUIRE(a);
  ReadBudget budget;
  std::vector<ZipEntrySpec> entries;
  for (const auto& e : a->entries()) {
    auto it = replace.find(e.name);
    if (it != replace.end()) {
      entries.push_back({e.name, it->second});
    } else {
      auto b = a->read(e, Limits{}, budget, diags, e.name);
      REQUIRE(b);
      entries.push_back({e.name, *b});
    }
  }
  write_zip(out, entries);
}

std::uint32_t png_width(const Png& png) {
  auto h = read_png_header(png);
  REQUIRE(h);
  return h->width;
}

// The converted CgBI image against the straight pixels it was made from: exact where alpha is
// 0 or 255; within the rounding premultiplication loses elsewhere (about 255 / (2 * alpha)).
void check_pixels(const Decoded& d, const Png& expected, int channels) {
  REQUIRE(d.channels == channels);
  REQUIRE(d.pixels.size() == expected.size());
  for (std::size_t i = 0; i < expected.size(); i += static_cast<std::size_t>(channels)) {
    int a = channels == 4 ? expected[i + 3] : 255;
    if (channels == 4) CHECK(d.pixels[i + 3] == expected[i + 3]);
    int tolerance = a == 255 || a == 0 ? 0 : 255 / a + 1;
    for (int c = 0; c < 3; ++c) {
      INFO("pixel " << i / static_cast<std::size_t>(channels) << " channel " << c << " alpha " << a);
      CHECK(std::abs(int{d.pixels[i + static_cast<std::size_t>(c)]} - int{expected[i + static_cast<std::size_t>(c)]}) <= tolerance);
    }
  }
}

std::string info_plist(const std::string& icon_keys) {
  return R"(<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0"><dict>
<key>CFBundleIdentifier</key><string>com.example.IconDemo</string>
<key>CFBundleName</key><string>IconDemo</string>
<key>CFBundleShortVersionString</key><string>1.0</string>
<key>CFBundleVersion</key><string>1</string>
)" + icon_keys + "</dict></plist>\n";
}

const std::string kPrimaryIcon = R"(<key>CFBundleIcons</key><dict><key>CFBundlePrimaryIcon</key><dict>
<key>CFBundleIconFiles</key><array><string>AppIcon60x60</string></array>
<key>CFBundleIconName</key><string>AppIcon</string></dict></dict>
)";

}  // namespace

TEST_CASE("Android: the manifest's icon, highest density PNG of the same name") {
  auto r = scan_ok(icons("apks/legacy.apk"));
  CHECK(r.app.icon_path == "res/mipmap-xxhdpi-v4/ic_launcher.png");
  REQUIRE_FALSE(r.app.icon_png.empty());
  CHECK(r.app.icon_png == entry_bytes(icons("apks/legacy.apk"), "res/mipmap-xxhdpi-v4/ic_launcher.png"));
  CHECK(png_width(r.app.icon_png) == 36);  // aapt re-encodes it (a palette PNG here)

  ScanOptions off = ScanOptions::standard();
  off.extract_icon = false;
  auto none = scan_ok(icons("apks/legacy.apk"), off);
  CHECK(none.app.icon_png.empty());
  CHECK(none.app.icon_path.empty());
}

TEST_CASE("Android: an adaptive icon falls back to the legacy PNGs shipped beside it") {
  // The resource has PNGs in hdpi and xhdpi and the adaptive XML in anydpi-v26; the xxhdpi
  // ic_launcher_background.png is a layer, not the icon.
  auto r = scan_ok(icons("apks/adaptive.apk"));
  CHECK(r.app.icon_path == "res/mipmap-xhdpi-v4/ic_launcher.png");
  CHECK(png_width(r.app.icon_png) == 24);

  // Only the XML answers @mipmap/ic_launcher: the conventional ic_launcher_round.png is taken,
  // never the larger background layer.
  auto only = scan_ok(icons("apks/adaptive_only.apk"));
  CHECK(only.app.icon_path == "res/mipmap-xhdpi-v4/ic_launcher_round.png");
  CHECK(png_width(only.app.icon_png) == 24);
}

TEST_CASE("Android: broken icon files are skipped, never fatal") {
  auto legacy = icons("apks/legacy.apk");
  Png good = entry_bytes(legacy, "res/mipmap-xxhdpi-v4/ic_launcher.png");
  auto dir = temp_dir("app_icon_android");

  // The best density is truncated: the next one is used.
  Png truncated(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(good.size() / 2));
  rewrite_zip(legacy, dir / "truncated.apk", {{"res/mipmap-xxhdpi-v4/ic_launcher.png", truncated}});
  auto r = scan_ok(dir / "truncated.apk");
  CHECK(r.app.icon_path == "res/mipmap-mdpi-v4/ic_launcher.png");
  CHECK(png_width(r.app.icon_png) == 12);

  // Every copy unusable (garbage, a JPEG-like header, an empty file): no icon, the scan still
  // succeeds with the same identity.
  rewrite_zip(legacy, dir / "garbage.apk",
              {{"res/mipmap-xxhdpi-v4/ic_launcher.png", bytes_of("\xff\xd8\xff\xe0 not a png")},
               {"res/mipmap-mdpi-v4/ic_launcher.png", {}}});
  auto g = scan_ok(dir / "garbage.apk");
  CHECK(g.app.id == "com.sdkscope.icon.legacy");
  CHECK(g.app.icon_png.empty());
  CHECK(g.app.icon_path.empty());

  // An icon over the size bound is not read.
  Png big = good;
  big.resize((1u << 20) + 10, 0);
  rewrite_zip(legacy, dir / "big.apk",
              {{"res/mipmap-xxhdpi-v4/ic_launcher.png", big}, {"res/mipmap-mdpi-v4/ic_launcher.png", big}});
  CHECK(scan_ok(dir / "big.apk").app.icon_png.empty());
}

TEST_CASE("CgBI: converted to a standard PNG with the same pixels") {
  SUBCASE("BGRA premultiplied, every filter type") {
    Png cgbi = read_file(icons("png/cgbi_rgba.png"));
    auto h = read_png_header(cgbi);
    REQUIRE(h);
    CHECK(h->cgbi);
    CHECK(h->width == 7);
    CHECK(h->height == 5);
    auto png = browser_png(cgbi);
    REQUIRE(png);
    auto out = read_png_header(*png);
    REQUIRE(out);
    CHECK_FALSE(out->cgbi);
    auto d = decode_png(*png);
    REQUIRE(d);
    CHECK(d->chunk_types == std::vector<std::string>{"IHDR", "IDAT", "IEND"});
    CHECK(d->width == 7);
    CHECK(d->height == 5);
    check_pixels(*d, read_file(icons("png/cgbi_rgba.rgba")), 4);
    // The output is itself a valid standard PNG: passed through unchanged.
    auto again = browser_png(*png);
    REQUIRE(again);
    CHECK(*again == *png);
  }
  SUBCASE("BGR") {
    auto png = browser_png(read_file(icons("png/cgbi_rgb.png")));
    REQUIRE(png);
    auto d = decode_png(*png);
    REQUIRE(d);
    check_pixels(*d, read_file(icons("png/cgbi_rgb.rgb")), 3);
  }
  SUBCASE("a standard PNG passes unchanged") {
    Png std_png = read_file(icons("png/android/xxhdpi.png"));
    auto png = browser_png(std_png);
    REQUIRE(png);
    CHECK(*png == std_png);
  }
}

TEST_CASE("hostile PNGs: no icon, no crash") {
  CHECK_FALSE(browser_png(Png{}));
  CHECK_FALSE(read_png_header(Png{}));
  CHECK_FALSE(browser_png(bytes_of("\x89PNG\r\n\x1a\n")));
  // Absurd dimensions are refused before any allocation.
  CHECK_FALSE(browser_png(read_file(icons("png/cgbi_huge.png"))));
  IconLimits tight;
  tight.max_pixels = 7 * 5 - 1;
  CHECK_FALSE(browser_png(read_file(icons("png/cgbi_rgba.png")), tight));
  IconLimits small_bytes;
  small_bytes.max_png_bytes = 100;
  CHECK_FALSE(browser_png(read_file(icons("png/cgbi_rgba.png")), small_bytes));

  for (const char* name : {"png/cgbi_rgba.png", "png/cgbi_rgb.png", "png/android/hdpi.png"}) {
    Png original = read_file(icons(name));
    INFO(name);
    // Every truncation: the chunk walk never finds IEND (or its CRC).
    for (std::size_t n = 0; n < original.size(); ++n) {
      Png cut(original.begin(), original.begin() + static_cast<std::ptrdiff_t>(n));
      CHECK_FALSE(browser_png(cut));
    }
    // Every single-bit flip: either refused or still a PNG the strict decoder reads.
    for (std::size_t i = 0; i < original.size(); ++i)
      for (int bit = 0; bit < 8; ++bit) {
        Png flipped = original;
        flipped[i] ^= static_cast<std::uint8_t>(1u << bit);
        if (auto png = browser_png(flipped)) {
          INFO("byte " << i << " bit " << bit);
          CHECK(decode_png(*png));
        }
      }
  }

  // Well-formed chunks (CRCs recomputed) around bad image data: a filter byte of 7, data that
  // ends short of the image, and a zlib stream that is not one.
  auto with_idat = [](const Png& raw_image, std::uint32_t w, std::uint32_t h, bool zlib_wrap) {
    Png out = {0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a};
    auto put = [&](const char* type, const Png& data) {
      std::uint32_t len = static_cast<std::uint32_t>(data.size());
      for (int s = 24; s >= 0; s -= 8) out.push_back(static_cast<std::uint8_t>(len >> s));
      std::size_t start = out.size();
      out.insert(out.end(), type, type + 4);
      out.insert(out.end(), data.begin(), data.end());
      std::uint32_t crc = static_cast<std::uint32_t>(crc32(crc32(0, nullptr, 0), &out[start], static_cast<uInt>(out.size() - start)));
      for (int s = 24; s >= 0; s -= 8) out.push_back(static_cast<std::uint8_t>(crc >> s));
    };
    Png ihdr = {static_cast<std::uint8_t>(w >> 24), static_cast<std::uint8_t>(w >> 16), static_cast<std::uint8_t>(w >> 8),
                static_cast<std::uint8_t>(w), static_cast<std::uint8_t>(h >> 24), static_cast<std::uint8_t>(h >> 16),
                static_cast<std::uint8_t>(h >> 8), static_cast<std::uint8_t>(h), 8, 6, 0, 0, 0};
    Png z(compressBound(static_cast<uLong>(raw_image.size())));
    uLongf zlen = z.size();
    compress(z.data(), &zlen, raw_image.data(), static_cast<uLong>(raw_image.size()));
    z.resize(zlen);
    if (!zlib_wrap) z = Png(z.begin() + 2, z.end() - 4);  // raw deflate, CgBI style
    if (!zlib_wrap) put("CgBI", {0x50, 0x00, 0x20, 0x06});
    put("IHDR", ihdr);
    put("IDAT", z);
    put("IEND", {});
    return out;
  };
  Png ok_rows(2 * (1 + 2 * 4), 0x40);
  ok_rows[0] = 0;
  ok_rows[9] = 1;
  CHECK(browser_png(with_idat(ok_rows, 2, 2, true)));
  CHECK(browser_png(with_idat(ok_rows, 2, 2, false)));
  Png bad_filter = ok_rows;
  bad_filter[9] = 7;
  CHECK_FALSE(browser_png(with_idat(bad_filter, 2, 2, true)));
  CHECK_FALSE(browser_png(with_idat(bad_filter, 2, 2, false)));
  Png short_rows(ok_rows.begin(), ok_rows.end() - 3);
  CHECK_FALSE(browser_png(with_idat(short_rows, 2, 2, true)));
  CHECK_FALSE(browser_png(with_idat(short_rows, 2, 2, false)));
  // A bomb: the image data inflates far past the 2x2 image; only what the image needs is read.
  Png bomb(4u << 20, 0);
  CHECK(browser_png(with_idat(bomb, 2, 2, true)));
  // Dimensions over PNG's 2^31-1, and zero.
  CHECK_FALSE(browser_png(with_idat(ok_rows, 0x80000000u, 1, true)));
  CHECK_FALSE(browser_png(with_idat(ok_rows, 0, 2, true)));
  CHECK_FALSE(browser_png(with_idat(ok_rows, 0xffffffffu, 0xffffffffu, false)));
}

TEST_CASE("Android density ranking") {
  CHECK(android_density("mipmap-xxxhdpi-v4") == 640);
  CHECK(android_density("mipmap-xxhdpi") == 480);
  CHECK(android_density("drawable-hdpi-v4") == 240);
  CHECK(android_density("drawable") == 160);
  CHECK(android_density("mipmap-anydpi-v26") == 0);
  CHECK(android_density("drawable-nodpi") == 1);
  CHECK(android_density("drawable-560dpi") == 560);
  CHECK(android_density("drawable-night-xhdpi") == 320);
}

TEST_CASE("iOS: the largest listed icon file, CgBI converted") {
  auto dir = temp_dir("app_icon_ios");
  const std::string root = "Payload/IconDemo.app/";
  Png rgba = read_file(icons("png/cgbi_rgba.png"));
  Png small = read_file(icons("png/cgbi_small.png"));
  Png unlisted = read_file(icons("png/android/xxhdpi.png"));  // larger, but not the app icon

  write_zip(dir / "listed.ipa", {{root + "Info.plist", bytes_of(info_plist(kPrimaryIcon))},
                                 {root + "AppIcon60x60.png", small},
                                 {root + "AppIcon60x60@2x.png", rgba},
                                 {root + "Settings-Icon40x40@3x.png", unlisted},
                                 {root + "Sub/AppIcon60x60@3x.png", unlisted}});
  auto r = scan_ok(dir / "listed.ipa");
  CHECK(r.app.platform == "ios");
  CHECK(r.app.icon_path == root + "AppIcon60x60@2x.png");
  auto d = decode_png(r.app.icon_png);
  REQUIRE(d);
  check_pixels(*d, read_file(icons("png/cgbi_rgba.rgba")), 4);

  // No icon keys: the conventional AppIcon* names at the root.
  write_zip(dir / "unlisted.ipa", {{root + "Info.plist", bytes_of(info_plist(""))},
                                   {root + "AppIcon76x76@2x~ipad.png", rgba}});
  CHECK(scan_ok(dir / "unlisted.ipa").app.icon_path == root + "AppIcon76x76@2x~ipad.png");

  // The old CFBundleIconFile key, with its extension.
  write_zip(dir / "old.ipa", {{root + "Info.plist", bytes_of(info_plist("<key>CFBundleIconFile</key><string>Icon.png</string>"))},
                              {root + "Icon.png", small},
                              {root + "Icon@2x.png", rgba}});
  CHECK(scan_ok(dir / "old.ipa").app.icon_path == root + "Icon@2x.png");

  // Hostile: the listed icon claims 100000x100000 pixels, the other is truncated: no icon.
  Png cut(rgba.begin(), rgba.begin() + 60);
  write_zip(dir / "hostile.ipa", {{root + "Info.plist", bytes_of(info_plist(kPrimaryIcon))},
                                  {root + "AppIcon60x60@2x.png", read_file(icons("png/cgbi_huge.png"))},
                                  {root + "AppIcon60x60@3x.png", cut}});
  auto h = scan_ok(dir / "hostile.ipa");
  CHECK(h.app.id == "com.example.IconDemo");
  CHECK(h.app.icon_png.empty());
  CHECK(h.app.icon_path.empty());

  // An .app directory on disk.
  auto app = dir / "IconDemo.app";
  std::filesystem::create_directories(app);
  write_bytes(app / "Info.plist", bytes_of(info_plist(kPrimaryIcon)));
  write_bytes(app / "AppIcon60x60@2x.png", rgba);
  auto on_disk = scan_ok(app);
  CHECK(on_disk.app.icon_path == "AppIcon60x60@2x.png");
  CHECK(decode_png(on_disk.app.icon_png));
}

TEST_CASE("reports: icon path in the JSON (schema-valid, read back), image in the HTML") {
  auto r = scan_ok(icons("apks/legacy.apk"));
  auto j = nlohmann::json::parse(write_json_report(r));
  CHECK(j["app"]["icon"] == "res/mipmap-xxhdpi-v4/ic_launcher.png");
  CHECK(schema_errors(source_dir() / "reports/schema/report-v1.schema.json", j).empty());
  std::string err;
  auto back = read_json_report(j.dump(), err);
  REQUIRE(back);
  CHECK(back->app.icon_path == r.app.icon_path);
  CHECK(back->app.icon_png.empty());  // the image is not in the JSON

  std::string html = write_html_report(r, HtmlOptions{r.app.icon_png});
  CHECK(html.find("<img class=\"icon\" alt=\"app icon\" src=\"data:image/png;base64,iVBORw0KGgo") != std::string::npos);

  auto none = scan_ok(testdata("apps/demo.apk"));
  CHECK(none.app.icon_path.empty());
  auto jn = nlohmann::json::parse(write_json_report(none));
  CHECK(jn["app"]["icon"].is_null());
  CHECK(write_html_report(none, HtmlOptions{none.app.icon_png}).find("data:image/png") == std::string::npos);
}

TEST_CASE("corpus: real apps get their icon") {
  auto corpus = corpus_dir();
  if (!corpus) {
    MESSAGE("shared corpus absent: skipped");
    return;
  }
  struct Case {
    const char* file;
    const char* path_part;
  };
  for (const Case& c : {Case{"android/bugly-upgrade-demo.apk", "res/mipmap-xxxhdpi-v4/ic_launcher.png"},
                        Case{"android/tourism_ke.apk", "res/mipmap-xxxhdpi-v4/ic_launcher.png"}, Case{"ios/baoshui.ipa", "Payload/App.app/AppIcon"},
                        Case{"ios/uncrackable-level1.ipa", "AppIcon"}}) {
    auto p = *corpus / c.file;
    if (!std::filesystem::exists(p)) continue;
    INFO(std::string(c.file));
    auto r = scan_ok(p);
    INFO(r.app.icon_path);
    CHECK(r.app.icon_path.find(c.path_part) != std::string::npos);
    auto h = read_png_header(r.app.icon_png);
    REQUIRE(h);
    CHECK_FALSE(h->cgbi);
    CHECK(h->width >= 48);
    std::string html = write_html_report(r, HtmlOptions{r.app.icon_png});
    CHECK(html.find("src=\"data:image/png;base64,") != std::string::npos);
  }
}
