// parse_dex against dexdump on every classes*.dex of the APKs in <corpus>/android (skipped without
// the corpus): the same defined classes, and the same (class, string) pairs as its disassembly.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <string>

#include "dex/dex_test_util.hpp"

using namespace sdkscope;
namespace fs = std::filesystem;

namespace {

std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'')
      out += "'\\''";
    else
      out.push_back(c);
  }
  return out + "'";
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// The dexes to compare: every top-level classes*.dex of every APK in <corpus>/android.
struct CorpusDex {
  std::string label;  // "app.apk!/classes2.dex"
  std::string bytes;
};

std::vector<CorpusDex> corpus_dexes(const fs::path& corpus) {
  std::vector<fs::path> apks;
  for (const auto& e : fs::directory_iterator(corpus / "android"))
    if (e.path().extension() == ".apk") apks.push_back(e.path());
  std::sort(apks.begin(), apks.end());
  std::vector<CorpusDex> out;
  for (const auto& apk : apks) {
    for (const auto& entry : lines(test::run("unzip -Z1 " + quote(apk.string()) + " 2>/dev/null"))) {
      if (entry.rfind("classes", 0) != 0 || entry.find('/') != std::string::npos || entry.size() < 11 ||
          entry.substr(entry.size() - 4) != ".dex")
        continue;
      int rc = 0;
      std::string bytes = test::run("unzip -p " + quote(apk.string()) + " " + quote(entry), &rc);
      REQUIRE(rc == 0);
      out.push_back({apk.filename().string() + "!/" + entry, std::move(bytes)});
    }
  }
  return out;
}

// Skips (returns nullopt) without the corpus or the tools; else the dexes and a scratch file.
std::optional<std::vector<CorpusDex>> corpus_or_skip() {
  const auto corpus = test::corpus_dir();
  if (!corpus) {
    MESSAGE("corpus not found (../shared/corpus or SDKSCOPE_CORPUS): skipped");
    return std::nullopt;
  }
  int rc = 0;
  test::run("command -v dexdump >/dev/null && command -v unzip >/dev/null", &rc);
  if (rc != 0) {
    MESSAGE("dexdump or unzip not installed: skipped");
    return std::nullopt;
  }
  auto dexes = corpus_dexes(*corpus);
  REQUIRE_FALSE(dexes.empty());
  return dexes;
}

fs::path write_scratch(const std::string& bytes) {
  const fs::path dir = test::build_dir() / "test-dex-corpus";
  fs::create_directories(dir);
  const fs::path file = dir / "classes.dex";
  std::ofstream(file, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return file;
}

dex::DexFile parse_clean(const CorpusDex& c) {
  const std::vector<std::uint8_t> bytes(c.bytes.begin(), c.bytes.end());
  Diagnostics diags;
  auto parsed = dex::parse_dex(bytes, diags, c.label);
  REQUIRE(parsed.ok);
  for (const auto& d : diags.items()) MESSAGE(d.code << ": " << d.message);
  CHECK(diags.empty());
  CHECK(test::check_invariants(parsed.dex) == "");
  return std::move(parsed.dex);
}

// Defined classes, from the cheapest dexdump run that lists all of them: the XML layout with
// verification off ("-l xml -j", about 2x faster than the plain layout on an 8 MB dex because it
// prints no field or method details). It prints <package name="a.b"> when the package changes
// and <class name="C$D"> (interfaces too) for each class_def, in class_def order.
std::vector<std::string> dexdump_classes(const fs::path& dex) {
  const std::string out =
      test::run("dexdump -l xml -j " + quote(dex.string()) +
                " 2>/dev/null | grep -a -E '^<package name=\"|^<(class|interface) name=\"'");
  std::vector<std::string> classes;
  std::string package;
  for (const auto& line : lines(out)) {
    const auto open = line.find('"');
    const auto close = line.find('"', open + 1);
    if (open == std::string::npos || close == std::string::npos) continue;
    const std::string name = line.substr(open + 1, close - open - 1);
    if (line.rfind("<package", 0) == 0) {
      package = name;
    } else {
      classes.push_back(package.empty() ? name : package + "." + name);
    }
  }
  return classes;
}

// For each class (descriptor), the string indices its const-string / const-string/jumbo
// instructions load, from the disassembly ("-d"). The plain layout prints
// "  Class descriptor  : 'Lx/Y;'" once per class_def and "...: const-string vN, "..." //
// string@XXXX" per instruction; a string with a line break spreads that over several lines, so
// the index is taken from the first line after the opcode that ends in the string@ marker.
std::set<std::pair<std::string, std::uint32_t>> dexdump_string_uses(const fs::path& dex) {
  const std::string out =
      test::run("dexdump -d -j " + quote(dex.string()) +
                " 2>/dev/null | grep -a -E \"^  Class descriptor  : '|: const-string|// string@[0-9a-f]+$\"");
  std::set<std::pair<std::string, std::uint32_t>> uses;
  std::string current;
  bool pending = false;
  for (const auto& line : lines(out)) {
    static const std::string kClass = "  Class descriptor  : '";
    if (line.rfind(kClass, 0) == 0 && line.size() > kClass.size() + 1 && line.back() == '\'') {
      current = dex::descriptor_to_java(line.substr(kClass.size(), line.size() - kClass.size() - 1));
      pending = false;
      continue;
    }
    if (line.find(": const-string") != std::string::npos) pending = true;
    const auto at = line.rfind("// string@");
    if (pending && at != std::string::npos) {
      uses.insert({current, static_cast<std::uint32_t>(std::stoul(line.substr(at + 10), nullptr, 16))});
      pending = false;
    }
  }
  return uses;
}

}  // namespace

TEST_CASE("corpus: defined classes match dexdump for every APK's classes*.dex") {
  const auto dexes = corpus_or_skip();
  if (!dexes) return;
  for (const auto& c : *dexes) {
    CAPTURE(c.label);
    const auto parsed = parse_clean(c);
    const auto want = dexdump_classes(write_scratch(c.bytes));
    REQUIRE_FALSE(want.empty());
    CHECK(std::set<std::string>(parsed.classes.begin(), parsed.classes.end()) ==
          std::set<std::string>(want.begin(), want.end()));
    CHECK(parsed.classes == want);  // and in the same (class_def) order
    MESSAGE(c.label << ": " << parsed.classes.size() << " classes, " << parsed.strings.size() << " strings, "
                    << parsed.method_refs.size() << " method refs; classes match dexdump");
  }
}

TEST_CASE("corpus: const-string uses per class match dexdump's disassembly") {
  const auto dexes = corpus_or_skip();
  if (!dexes) return;
  for (const auto& c : *dexes) {
    CAPTURE(c.label);
    const auto parsed = parse_clean(c);
    const auto want = dexdump_string_uses(write_scratch(c.bytes));
    std::set<std::pair<std::string, std::uint32_t>> got;
    for (const auto& u : parsed.string_uses) got.insert({parsed.classes[u.class_idx], u.string_idx});
    CHECK(got.size() == want.size());
    CHECK(got == want);
    MESSAGE(c.label << ": " << parsed.string_uses.size() << " (class, string) uses match dexdump -d");
  }
  fs::remove_all(test::build_dir() / "test-dex-corpus");
}
