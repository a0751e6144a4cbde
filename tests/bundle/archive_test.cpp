// Bundle layer: zips built in the test, read in memory under every named limit.
#include <doctest/doctest.h>

#include <cstring>

#include "scanner/bundle/archive.hpp"
#include "support/test_paths.hpp"
#include "support/zip_builder.hpp"

using namespace sdkscope;
using namespace sdkscope::test;

namespace {

std::shared_ptr<const std::vector<std::uint8_t>> shared(std::vector<std::uint8_t> v) {
  return std::make_shared<const std::vector<std::uint8_t>>(std::move(v));
}

const ArchiveEntry& entry(const Archive& a, const std::string& name) {
  for (const auto& e : a.entries())
    if (e.name == name) return e;
  FAIL("no entry " << name);
  return a.entries().front();
}

// Offsets of every central-directory header (PK\1\2) in a zip image.
std::vector<std::size_t> central_headers(const std::vector<std::uint8_t>& z) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i + 4 <= z.size(); ++i)
    if (z[i] == 'P' && z[i + 1] == 'K' && z[i + 2] == 1 && z[i + 3] == 2) out.push_back(i);
  return out;
}

void put_u32(std::vector<std::uint8_t>& z, std::size_t off, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) z[off + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(v >> (8 * i));
}

}  // namespace

TEST_CASE("a zip is listed and its entries inflated in memory") {
  auto z = make_zip({{"AndroidManifest.xml", bytes_of("<manifest/>")}, {"classes.dex", bytes_of("dex\n035")},
                     {"lib/arm64-v8a/libx.so", std::vector<std::uint8_t>(5000, 7)}});
  CHECK(looks_like_zip(z));
  Diagnostics d;
  std::string err;
  auto a = Archive::open(shared(z), Limits{}, d, "t.apk", &err);
  REQUIRE(a);
  CHECK(a->entries().size() == 3);
  CHECK(a->find("classes.dex"));
  CHECK_FALSE(a->find("missing"));
  ReadBudget budget;
  auto bytes = a->read(entry(*a, "lib/arm64-v8a/libx.so"), Limits{}, budget, d, "x");
  REQUIRE(bytes);
  CHECK(bytes->size() == 5000);
  CHECK((*bytes)[4999] == 7);
  CHECK(budget.total_bytes == 5000);
  CHECK(d.empty());
}

TEST_CASE("bytes that are not a zip give an error, not a crash") {
  Diagnostics d;
  std::string err;
  CHECK_FALSE(Archive::open(shared(bytes_of("hello, this is not a zip at all")), Limits{}, d, "", &err));
  CHECK_FALSE(err.empty());
  CHECK_FALSE(looks_like_zip(bytes_of("PK")));
  CHECK_FALSE(Archive::open(shared({}), Limits{}, d, "", &err));
}

TEST_CASE("a zip truncated anywhere is refused or read partially, never crashes") {
  auto z = make_zip({{"a.txt", std::vector<std::uint8_t>(3000, 'a')}, {"b.txt", bytes_of("bbbb")}});
  for (std::size_t cut = 0; cut < z.size(); cut += 7) {
    std::vector<std::uint8_t> t(z.begin(), z.begin() + static_cast<std::ptrdiff_t>(cut));
    Diagnostics d;
    std::string err;
    auto a = Archive::open(shared(t), Limits{}, d, "", &err);
    if (!a) continue;
    ReadBudget b;
    for (const auto& e : a->entries()) (void)a->read(e, Limits{}, b, d, e.name);
  }
  CHECK(true);
}

TEST_CASE("limit: entry count") {
  std::vector<ZipEntrySpec> many;
  for (int i = 0; i < 50; ++i) many.push_back({"f" + std::to_string(i), bytes_of("x")});
  auto z = make_zip(many);
  Limits lim;
  lim.max_entries = 10;
  Diagnostics d;
  std::string err;
  auto a = Archive::open(shared(z), lim, d, "big.apk", &err);
  REQUIRE(a);
  CHECK(a->entries().size() == 10);
  CHECK(d.has("limit.max_entries"));
}

TEST_CASE("limit: entry size, total size and compression ratio") {
  auto z = make_zip({{"zeros.bin", std::vector<std::uint8_t>(4 << 20, 0)}, {"small.bin", std::vector<std::uint8_t>(1000, 1)}});
  Diagnostics d;
  std::string err;
  auto a = Archive::open(shared(z), Limits{}, d, "", &err);
  REQUIRE(a);

  SUBCASE("entry size") {
    Limits lim;
    lim.max_entry_bytes = 1 << 20;
    ReadBudget b;
    CHECK_FALSE(a->read(entry(*a, "zeros.bin"), lim, b, d, "zeros.bin"));
    CHECK(d.has("limit.max_entry_bytes"));
    CHECK(a->read(entry(*a, "small.bin"), lim, b, d, "small.bin"));
  }
  SUBCASE("compression ratio: 4 MB of zeros deflate over 100:1") {
    Limits lim;
    lim.max_compression_ratio = 100;
    ReadBudget b;
    CHECK_FALSE(a->read(entry(*a, "zeros.bin"), lim, b, d, "zeros.bin"));
    CHECK(d.has("limit.max_compression_ratio"));
  }
  SUBCASE("total bytes across entries") {
    Limits lim;
    lim.max_compression_ratio = 100000;  // zeros are a bomb by ratio; this subcase is about totals
    lim.max_total_bytes = (4 << 20) + 500;
    ReadBudget b;
    CHECK(a->read(entry(*a, "zeros.bin"), lim, b, d, "zeros.bin"));
    CHECK_FALSE(a->read(entry(*a, "small.bin"), lim, b, d, "small.bin"));
    CHECK(d.has("limit.max_total_bytes"));
  }
}

TEST_CASE("a central directory that lies about an entry's size is caught") {
  auto z = make_zip({{"data.bin", std::vector<std::uint8_t>(10000, 'q')}});
  auto cds = central_headers(z);
  REQUIRE(cds.size() == 1);
  SUBCASE("claims fewer bytes than the entry inflates to") {
    put_u32(z, cds[0] + 24, 100);  // uncompressed size field of the central header
    Diagnostics d;
    std::string err;
    auto a = Archive::open(shared(z), Limits{}, d, "", &err);
    REQUIRE(a);
    ReadBudget b;
    CHECK_FALSE(a->read(a->entries()[0], Limits{}, b, d, "data.bin"));
    CHECK(d.has("zip.size_mismatch"));
    CHECK(b.total_bytes == 0);
  }
  SUBCASE("claims more bytes than the entry holds") {
    put_u32(z, cds[0] + 24, 20000);
    Diagnostics d;
    std::string err;
    auto a = Archive::open(shared(z), Limits{}, d, "", &err);
    REQUIRE(a);
    ReadBudget b;
    auto got = a->read(a->entries()[0], Limits{}, b, d, "data.bin");
    // Either libzip reports the mismatch as an error, or we read the real bytes and say so.
    CHECK((d.has("zip.size_mismatch") || d.has("zip.corrupt_entry")));
    if (got) CHECK(got->size() == 10000);
  }
}

TEST_CASE("a corrupted deflate stream becomes a diagnostic") {
  auto z = make_zip({{"data.txt", std::vector<std::uint8_t>(20000, 'z')}});
  // Flip bytes inside the compressed data (after the 30-byte local header and the name).
  for (std::size_t i = 40; i < 60 && i < z.size(); ++i) z[i] ^= 0x5a;
  Diagnostics d;
  std::string err;
  auto a = Archive::open(shared(z), Limits{}, d, "", &err);
  REQUIRE(a);
  ReadBudget b;
  CHECK_FALSE(a->read(a->entries()[0], Limits{}, b, d, "data.txt"));
  CHECK((d.has("zip.corrupt_entry") || d.has("zip.size_mismatch")));
}

TEST_CASE("path tricks are names only: nothing is written to disk") {
  auto dir = temp_dir("path_tricks");
  auto z = make_zip({{"../../evil.txt", bytes_of("x")}, {"/etc/evil2.txt", bytes_of("y")}, {"a/../../b.txt", bytes_of("z")}});
  Diagnostics d;
  std::string err;
  auto a = Archive::open(shared(z), Limits{}, d, "", &err);
  REQUIRE(a);
  ReadBudget b;
  for (const auto& e : a->entries()) CHECK(a->read(e, Limits{}, b, d, e.name));
  CHECK_FALSE(std::filesystem::exists(dir.parent_path().parent_path() / "evil.txt"));
  CHECK_FALSE(std::filesystem::exists("/etc/evil2.txt"));
}

TEST_CASE("encrypted entries are reported and skipped") {
  std::vector<std::uint8_t> z;
  try {
    z = make_zip({{"secret.dex", bytes_of("dex\n035 secret"), false, true}, {"plain.txt", bytes_of("ok")}});
  } catch (const std::runtime_error& e) {
    MESSAGE("libzip built without encryption support: " << e.what());
    return;
  }
  Diagnostics d;
  std::string err;
  auto a = Archive::open(shared(z), Limits{}, d, "", &err);
  REQUIRE(a);
  ReadBudget b;
  CHECK_FALSE(a->read(entry(*a, "secret.dex"), Limits{}, b, d, "secret.dex"));
  CHECK(d.has("zip.encrypted_entry"));
  CHECK(a->read(entry(*a, "plain.txt"), Limits{}, b, d, "plain.txt"));
}

TEST_CASE("open_file reads from disk without loading the whole file") {
  auto dir = temp_dir("open_file");
  write_zip(dir / "a.zip", {{"x.txt", bytes_of("hello")}});
  Diagnostics d;
  std::string err;
  auto a = Archive::open_file((dir / "a.zip").string(), Limits{}, d, &err);
  REQUIRE(a);
  ReadBudget b;
  auto got = a->read(a->entries()[0], Limits{}, b, d, "x.txt");
  REQUIRE(got);
  CHECK(std::string(got->begin(), got->end()) == "hello");
  CHECK_FALSE(Archive::open_file((dir / "missing.zip").string(), Limits{}, d, &err));
}
