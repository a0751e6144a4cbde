// Hostile zip containers through the whole engine (hostile_util.hpp): bombs, nesting, lying and
// overlapping directories, path tricks, symlinks, huge entry counts, encryption, bad names and
// truncation at every structural boundary. Every input is built here, in memory.
#include <doctest/doctest.h>

#include <sys/stat.h>

#include <cstdio>
#include <random>
#include <set>

#include "hostile/hostile_util.hpp"
#include "hostile/raw_zip.hpp"

namespace sdkscope::test::hostile {
namespace {

using rawzip::Entry;

std::vector<std::uint8_t> zeros(std::size_t n) { return std::vector<std::uint8_t>(n, 0); }

/// Bytes that deflate poorly (so stored and deflated sizes stay close) from a fixed seed.
std::vector<std::uint8_t> noise(std::size_t n, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<std::uint8_t> v(n);
  for (auto& b : v) b = static_cast<std::uint8_t>(rng());
  return v;
}

/// A stored APK: the minimal manifest plus `more`.
std::vector<std::uint8_t> raw_apk(std::vector<Entry> more, rawzip::Layout* layout = nullptr) {
  std::vector<Entry> entries;
  entries.push_back({"AndroidManifest.xml", minimal_manifest()});
  for (auto& e : more) entries.push_back(std::move(e));
  return rawzip::build(entries, layout);
}

TEST_CASE("zip bomb: a high-ratio entry is refused by max_compression_ratio, never inflated") {
  // 64 MiB of zeros deflate about 1030:1 (the deflate ceiling), over the 1000:1 limit.
  auto apk = make_zip({{"AndroidManifest.xml", minimal_manifest()}, {"classes.dex", zeros(64u << 20)}});
  auto h = scan_hostile("ratio_bomb", "bomb.apk", apk);
  check_bounded(h);
  INFO(h.codes());
  CHECK(h.scanned);
  CHECK(h.has("limit.max_compression_ratio", "compression bomb"));
}

TEST_CASE("zip bomb: an entry over max_entry_bytes is not read (limit lowered through ScanOptions)") {
  auto apk = make_zip({{"AndroidManifest.xml", minimal_manifest()}, {"classes.dex", noise(3u << 20, 1)}});
  ScanOptions opts;
  opts.limits.max_entry_bytes = 1u << 20;
  auto h = scan_hostile("entry_bytes", "big.apk", apk, opts);
  check_bounded(h);
  INFO(h.codes());
  CHECK(h.has("limit.max_entry_bytes", "max_entry_bytes"));
}

TEST_CASE("nested archives: an APK chain 12 deep stops at max_nesting_depth") {
  std::vector<std::uint8_t> inner = raw_apk({});
  for (int level = 0; level < 12; ++level) inner = raw_apk({{"assets/inner.apk", inner}});
  auto h = scan_hostile("nest_depth", "nest.apk", inner);
  check_bounded(h);
  INFO(h.codes());
  CHECK(h.has("limit.max_nesting_depth"));
}

TEST_CASE("nested archives: 300 nested APKs stop at max_nested_archives") {
  const auto leaf = raw_apk({});
  std::vector<Entry> many;
  for (int i = 0; i < 300; ++i) many.push_back({"assets/plugin" + std::to_string(i) + ".apk", leaf});
  auto h = scan_hostile("nest_fanout", "fanout.apk", raw_apk(many));
  check_bounded(h);
  INFO(h.codes());
  CHECK(h.has("limit.max_nested_archives"));
}

TEST_CASE("nested archives: nested entries that each pass the per-entry checks hit max_total_bytes") {
  // Eight nested APKs, each holding 2 MiB of code: 32 MiB read in all, against a 12 MiB budget.
  const auto leaf = raw_apk({{"classes.dex", noise(2u << 20, 7)}});
  std::vector<Entry> many;
  for (int i = 0; i < 8; ++i) many.push_back({"assets/m" + std::to_string(i) + ".apk", leaf});
  ScanOptions opts;
  opts.limits.max_total_bytes = 12u << 20;
  auto h = scan_hostile("nest_total", "total.apk", raw_apk(many), opts);
  check_bounded(h);
  INFO(h.codes());
  CHECK(h.has("limit.max_total_bytes", "max_total_bytes"));
}

TEST_CASE("overlapping entries: 400 names for one 2 MiB body are bounded by max_total_bytes") {
  // A non-recursive zip bomb (Fifield 2019): every central directory entry points at the same
  // local header, so each inflates the same bytes. The total budget stops it.
  std::vector<Entry> entries;
  entries.push_back({"AndroidManifest.xml", minimal_manifest()});
  entries.push_back({"classes.dex", noise(2u << 20, 3)});
  for (int i = 2; i < 402; ++i) {
    Entry e;
    e.name = "classes" + std::to_string(i) + ".dex";
    e.alias_of = 1;
    entries.push_back(e);
  }
  ScanOptions opts;
  opts.limits.max_total_bytes = 64u << 20;
  auto h = scan_hostile("overlap", "overlap.apk", rawzip::build(entries), opts);
  check_bounded(h);
  INFO(h.codes());
  CHECK(h.has("limit.max_total_bytes"));
}

TEST_CASE("duplicate entries: the first of each name is scanned and the rest reported") {
  auto apk = raw_apk({{"classes.dex", rawzip::bytes("dex\n035\0first")},
                      {"classes.dex", rawzip::bytes("dex\n035\0second")},
                      {"AndroidManifest.xml", rawzip::bytes("not axml")}});
  auto h = scan_hostile("duplicates", "dup.apk", apk);
  check_bounded(h);
  INFO(h.codes());
  CHECK(h.has("zip.duplicate_entries", "2 entries"));
  CHECK_FALSE(h.has("android.manifest_unreadable"));  // the first manifest (the sound one) won
}

TEST_CASE("a central directory that lies about sizes") {
  SUBCASE("claims 400 MB for a 1 KiB entry: a ratio no deflate reaches") {
    Entry e{"classes.dex", noise(1024, 5)};
    e.cd_size = 400u << 20;
    auto h = scan_hostile("lie_ratio", "lie.apk", raw_apk({e}));
    check_bounded(h);
    INFO(h.codes());
    CHECK(h.has("limit.max_compression_ratio"));
  }
  SUBCASE("claims 500 MB inflated from 1 MB stored bytes that are not there: no 500 MB buffer") {
    Entry e{"classes.dex", noise(1024, 6)};
    e.cd_size = 500u << 20;
    e.cd_compressed_size = 1u << 20;
    auto h = scan_hostile("lie_alloc", "lie.apk", raw_apk({e}));
    check_bounded(h);  // includes the RSS bound: the claim must not become an allocation
    MESSAGE("500 MB claim: child " << h.child.describe());
    INFO(h.codes());
    CHECK((h.has("zip.corrupt_entry") || h.has("zip.size_mismatch") || h.has("zip.unreadable_entry")));
  }
  SUBCASE("understates the size: the extra bytes are noticed") {
    Entry e{"classes.dex", noise(4096, 8)};
    e.cd_size = 16;
    e.cd_compressed_size = 16;
    auto h = scan_hostile("lie_small", "lie.apk", raw_apk({e}));
    check_bounded(h);
    INFO(h.codes());
    CHECK((h.has("zip.corrupt_entry") || h.has("zip.size_mismatch")));
  }
}

TEST_CASE("'../' and absolute entry names are names only: reported, nothing written anywhere") {
  const std::string marker = "sdkscope-hostile-" + std::to_string(::getpid());
  auto apk = raw_apk({{"../../../../../../tmp/" + marker + ".dex", rawzip::bytes("dex\n035\0")},
                      {"/tmp/" + marker + "-abs.txt", rawzip::bytes("x")},
                      {"assets/../../" + marker + ".json", rawzip::bytes("{\"u\":\"https://evil.example.net/\"}")},
                      {"..\\..\\" + marker + ".so", rawzip::bytes("\x7f" "ELF")}});
  auto h = scan_hostile("path_tricks", "tricks.apk", apk);
  check_bounded(h);
  INFO(h.codes());
  CHECK(h.has("zip.unsafe_entry_name", "4 entry names"));
  CHECK_FALSE(std::filesystem::exists("/tmp/" + marker + ".dex"));
  CHECK_FALSE(std::filesystem::exists("/tmp/" + marker + "-abs.txt"));
}

TEST_CASE("symlink entries are listed, never followed or read") {
  Entry link{"assets/config.json", rawzip::bytes("/etc/passwd")};
  link.made_by = 3 << 8 | 20;  // Unix
  link.external_attr = static_cast<std::uint32_t>(S_IFLNK | 0777) << 16;
  Entry lib = link;
  lib.name = "lib/arm64-v8a/libevil.so";
  lib.data = rawzip::bytes("/proc/self/mem");
  auto h = scan_hostile("zip_symlinks", "links.apk", raw_apk({link, lib}));
  check_bounded(h);
  INFO(h.codes());
  CHECK(h.has("zip.symlink_entry", "2 entries"));
  CHECK_FALSE(h.has("elf.not_elf"));  // the link's text was not read as a library
}

TEST_CASE("directory bundle: symlinks (to /etc/passwd, a loop) are never followed; 80 levels stop at max_directory_depth") {
  namespace fs = std::filesystem;
  // The bundle is a directory: lay it out beside the hostile temp dirs, then scan the directory.
  const fs::path base = temp_dir("hostile/dir_symlinks_src");
  const fs::path app = base / "Evil.app";
  fs::create_directories(app / "Frameworks");
  fs::create_symlink("/etc/passwd", app / "Info.plist");
  fs::create_symlink("..", app / "Frameworks" / "loop");
  fs::create_symlink("/proc/self/mem", app / "Evil");
  fs::path deep = app / "Resources";
  for (int i = 0; i < 80; ++i) deep /= "d";
  fs::create_directories(deep);
  const auto before = detail::listing(base);
  const SignatureDb& db = shipped_db();
  auto child = run_bounded(
      [&](std::string& out) {
        Scanner scanner(db, ScanOptions::standard());
        auto o = scanner.scan(app.string());
        if (!o.result) {
          out = "E " + o.error;
          return 0;
        }
        for (const auto& d : o.result->diagnostics) out += d.code + "\n";
        return 0;
      },
      scan_limits());
  INFO(child.describe() << "\n" << child.output);
  REQUIRE(child.exited(0));
  CHECK(child.output.find("bundle.symlink") != std::string::npos);
  CHECK(child.output.find("limit.max_directory_depth") != std::string::npos);
  CHECK(detail::diff(before, detail::listing(base)) == "");
}

TEST_CASE("100,000 tiny entries are listed and scanned within the bounds") {
  std::vector<Entry> entries;
  entries.push_back({"AndroidManifest.xml", minimal_manifest()});
  for (int i = 0; i < 100'000; ++i) {
    char name[40];
    std::snprintf(name, sizeof name, "res/raw/f%06d", i);
    entries.push_back({name, {static_cast<std::uint8_t>(i)}});
  }
  const auto zip = rawzip::build(entries);
  SUBCASE("default limits: all listed") {
    auto h = scan_hostile("many_entries", "many.apk", zip);
    check_bounded(h);
    INFO(h.codes());
    CHECK(h.scanned);
    CHECK_FALSE(h.has("limit.max_entries"));
  }
  SUBCASE("max_entries lowered to 50,000: the listing is cut and says so") {
    ScanOptions opts;
    opts.limits.max_entries = 50'000;
    auto h = scan_hostile("many_entries_cut", "many.apk", zip, opts);
    check_bounded(h);
    INFO(h.codes());
    CHECK(h.has("limit.max_entries", "max_entries"));
  }
}

TEST_CASE("encrypted entries are reported, not read") {
  SUBCASE("traditional PKWARE encryption flag") {
    Entry dex{"classes.dex", noise(512, 9)};
    dex.flags = 1;
    auto h = scan_hostile("encrypted_pkware", "enc.apk", raw_apk({dex}));
    check_bounded(h);
    INFO(h.codes());
    CHECK(h.has("zip.encrypted_entry"));
  }
  SUBCASE("AES-256 (libzip)") {
    std::vector<std::uint8_t> apk;
    try {
      apk = make_zip({{"AndroidManifest.xml", minimal_manifest()}, {"classes.dex", noise(512, 10), false, true}});
    } catch (const std::runtime_error& e) {
      MESSAGE("libzip built without encryption: " << e.what());
      return;
    }
    auto h = scan_hostile("encrypted_aes", "enc.apk", apk);
    check_bounded(h);
    INFO(h.codes());
    CHECK(h.has("zip.encrypted_entry"));
  }
  SUBCASE("an encrypted manifest: the unit says it cannot read it") {
    Entry m{"AndroidManifest.xml", minimal_manifest()};
    m.flags = 1;
    auto h = scan_hostile("encrypted_manifest", "enc.apk", rawzip::build({m, {"classes.dex", noise(64, 11)}}));
    check_bounded(h);
    INFO(h.codes() << h.error);
    CHECK((h.has("zip.encrypted_entry") || !h.error.empty()));
  }
}

TEST_CASE("non-UTF-8 entry names: refused like Android does, or converted; the JSON report stays valid") {
  SUBCASE("a name flagged UTF-8 that is not: the archive is refused with one line (Android refuses it too)") {
    Entry flagged{"assets/\xc3\x28\xff.json", rawzip::bytes("{\"u\":\"https://api.flagged.example.org/\"}")};
    flagged.flags = 1 << 11;
    auto h = scan_hostile("bad_names_flagged", "names.apk", raw_apk({flagged}));
    check_bounded(h);
    INFO(h.codes() << h.error);
    CHECK_FALSE(h.scanned);
    CHECK(h.error.find("not a readable zip archive") != std::string::npos);
  }
  SUBCASE("unflagged high bytes are CP437: converted, scanned, reported as valid JSON") {
    Entry cp437{"assets/caf\x82\xff.txt", rawzip::bytes("https://cp437.example.org/")};
    Entry lib{"lib/arm64-v8a/lib\xfe\xfd.so", rawzip::bytes("\x7f" "ELF junk")};
    auto h = scan_hostile("bad_names_cp437", "names.apk", raw_apk({cp437, lib}));
    check_bounded(h);  // the child renders and re-parses the JSON report
    INFO(h.codes() << h.error);
    CHECK(h.scanned);
    bool converted = false;
    for (const auto& d : h.diags) converted |= d.where.find("lib\u25a0\u00b2.so") != std::string::npos;
    CHECK(converted);  // CP437 0xfe 0xfd is "\u25a0\u00b2"
  }
}

TEST_CASE("a zip truncated at every structural boundary: a clean error or diagnostics, never worse") {
  rawzip::Layout l;
  const auto full = raw_apk({{"classes.dex", noise(300, 12)},
                             {"assets/config.json", rawzip::bytes("{\"api\":\"https://t.example.org/v1\"}")},
                             {"lib/arm64-v8a/libx.so", rawzip::bytes("\x7f" "ELF")}},
                            &l);
  std::set<std::size_t> cuts;
  for (auto v : {&l.local_headers, &l.data_starts, &l.central_entries})
    for (std::size_t at : *v)
      for (std::size_t d : {std::size_t{0}, std::size_t{1}, std::size_t{4}, std::size_t{20}}) cuts.insert(at + d);
  for (std::size_t at : {l.central_directory, l.end_record})
    for (std::size_t d : {std::size_t{0}, std::size_t{1}, std::size_t{8}, std::size_t{21}}) cuts.insert(at + d);
  cuts.insert(full.size() - 1);
  std::size_t errors = 0, scans = 0;
  for (std::size_t cut : cuts) {
    if (cut >= full.size()) continue;
    CAPTURE(cut);
    std::vector<std::uint8_t> bytes(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(cut));
    auto h = scan_hostile("truncated", "cut.apk", bytes);
    check_bounded(h);
    (h.scanned ? scans : errors)++;
    if (h.scanned) CHECK_FALSE(h.diags.empty());
  }
  MESSAGE(cuts.size() << " cuts: " << errors << " clean errors, " << scans << " scans with diagnostics");
  CHECK(errors > 0);
}

}  // namespace
}  // namespace sdkscope::test::hostile
