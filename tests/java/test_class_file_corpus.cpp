// parse_class_file on real SDK JARs from <corpus>/sdk-binaries (skipped without the corpus): the
// Tongdun JAR and the classes.jar (and libs/*.jar) of every AAR. Every class must parse cleanly,
// the defined names must match the `unzip -Z1` listing, and a few pools must match `javap -v`.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "java/java_test_util.hpp"
#include "java/javap.hpp"

using namespace sdkscope;
namespace fs = std::filesystem;
using Set = std::set<std::string>;

namespace {

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// A JAR to check: a label for messages and its path on disk (extracted from its AAR if need be).
struct Jar {
  std::string label;  // "open_ad_sdk_cn_2.9.0.0.aar!/classes.jar"
  fs::path path;
};

std::vector<Jar> corpus_jars(const fs::path& corpus, const fs::path& scratch) {
  const fs::path bins = corpus / "sdk-binaries";
  std::vector<Jar> out;
  const fs::path tongdun = bins / "xu-li__cordova-plugin-tongdun" / "fm-sdk-3.0.1.jar";
  if (fs::exists(tongdun)) out.push_back({tongdun.filename().string(), tongdun});
  std::vector<fs::path> aars;
  for (const auto& dir : fs::directory_iterator(bins)) {
    if (!dir.is_directory()) continue;
    for (const auto& f : fs::directory_iterator(dir.path()))
      if (f.path().extension() == ".aar") aars.push_back(f.path());
  }
  std::sort(aars.begin(), aars.end());
  for (const auto& aar : aars) {
    for (const auto& entry : lines(test::run("unzip -Z1 " + test::javap_quote(aar.string()) + " 2>/dev/null"))) {
      if (entry != "classes.jar" && !(entry.rfind("libs/", 0) == 0 && ends_with(entry, ".jar"))) continue;
      const fs::path dest = scratch / (std::to_string(out.size()) + ".jar");
      int rc = 0;
      test::run("unzip -p " + test::javap_quote(aar.string()) + " " + test::javap_quote(entry) + " > " +
                    test::javap_quote(dest.string()),
                &rc);
      REQUIRE(rc == 0);
      out.push_back({aar.filename().string() + "!/" + entry, dest});
    }
  }
  return out;
}

// "com/a/B$C.class" -> "com.a.B$C"; a multi-release entry (META-INF/versions/N/...) by its class path.
std::string entry_to_class(std::string entry) {
  if (entry.rfind("META-INF/versions/", 0) == 0) {
    const auto slash = entry.find('/', 18);
    entry = entry.substr(slash + 1);
  }
  entry.resize(entry.size() - 6);
  std::replace(entry.begin(), entry.end(), '/', '.');
  return entry;
}

// What only one side has, for failure messages.
std::string difference(const Set& ours, const Set& theirs) {
  std::string out;
  for (const auto& s : ours)
    if (!theirs.count(s)) out += "\n  only ours:  [" + s + "]";
  for (const auto& s : theirs)
    if (!ours.count(s)) out += "\n  only javap: [" + s + "]";
  return out;
}

}  // namespace

TEST_CASE("corpus: every class of the SDK JARs and AARs parses, names match the listing and javap") {
  const auto corpus = test::corpus_dir();
  if (!corpus || !fs::is_directory(*corpus / "sdk-binaries")) {
    MESSAGE("corpus not found (../shared/corpus or SDKSCOPE_CORPUS): skipped");
    return;
  }
  int rc = 0;
  test::run("command -v unzip >/dev/null 2>&1", &rc);
  if (rc != 0) {
    MESSAGE("unzip not installed: skipped");
    return;
  }
  const bool javap = test::javap_available();
  if (!javap) MESSAGE("javap not installed: pools not compared");

  const fs::path scratch = test::build_dir() / "test-java-corpus";
  fs::remove_all(scratch);
  fs::create_directories(scratch);
  const auto jars = corpus_jars(*corpus, scratch);
  REQUIRE(jars.size() >= 5);

  for (std::size_t j = 0; j < jars.size(); ++j) {
    const Jar& jar = jars[j];
    CAPTURE(jar.label);
    std::vector<std::string> entries;
    for (auto& e : lines(test::run("unzip -Z1 " + test::javap_quote(jar.path.string()))))
      if (ends_with(e, ".class")) entries.push_back(e);
    REQUIRE_FALSE(entries.empty());
    const fs::path dir = scratch / ("x" + std::to_string(j));
    // -DD: current times. Some JARs store a 1970 time, and javap 17 takes a file dated 0 for
    // a missing one ("class not found").
    test::run("unzip -qq -o -DD " + test::javap_quote(jar.path.string()) + " '*.class' -d " +
                  test::javap_quote(dir.string()),
              &rc);
    REQUIRE(rc == 0);

    Set listed, parsed;
    std::size_t failures = 0, strings = 0, methods = 0, classes = 0, bytes = 0;
    std::chrono::nanoseconds spent{0};
    // For javap: the first class, and the ones with the most strings and the most method refs.
    std::string first, most_strings, most_methods;
    std::size_t best_strings = 0, best_methods = 0;
    for (const auto& e : entries) {
      listed.insert(entry_to_class(e));
      const auto data = test::read_file(dir / e);
      bytes += data.size();
      Diagnostics diags;
      const auto start = std::chrono::steady_clock::now();
      const auto r = java::parse_class_file(data, diags, jar.label + "!/" + e);
      spent += std::chrono::steady_clock::now() - start;
      if (!r.ok || !diags.empty()) {
        ++failures;
        for (const auto& d : diags.items()) MESSAGE(d.where << ": " << d.code << ": " << d.message);
        continue;
      }
      parsed.insert(r.cls.name);
      strings += r.cls.strings.size();
      methods += r.cls.method_refs.size();
      classes += r.cls.referenced_classes.size();
      if (first.empty()) first = e;
      if (r.cls.strings.size() > best_strings) best_strings = r.cls.strings.size(), most_strings = e;
      if (r.cls.method_refs.size() > best_methods) best_methods = r.cls.method_refs.size(), most_methods = e;
    }
    CHECK(failures == 0);
    CHECK(parsed == listed);
    MESSAGE(jar.label << ": " << entries.size() << " classes (" << bytes / 1024 << " KB), " << strings
                      << " strings, " << methods << " method refs, " << classes << " referenced classes, "
                      << failures << " failures; parse " << spent.count() / 1000 << " us");

    if (!javap) continue;
    // The three picks, then every k-th class, up to kJavapClasses per JAR.
    constexpr std::size_t kJavapClasses = 80;
    std::vector<std::string> picks;
    for (const auto& e : {first, most_strings, most_methods})
      if (!e.empty() && std::find(picks.begin(), picks.end(), e) == picks.end()) picks.push_back(e);
    const std::size_t step = std::max<std::size_t>(1, entries.size() / kJavapClasses);
    for (std::size_t k = 0; k < entries.size() && picks.size() < kJavapClasses; k += step)
      if (std::find(picks.begin(), picks.end(), entries[k]) == picks.end()) picks.push_back(entries[k]);
    std::vector<std::string> paths;
    for (const auto& e : picks) paths.push_back(fs::canonical(dir / e).string());
    const auto pools = test::javap_pools(paths);
    MESSAGE(jar.label << ": " << picks.size() << " classes compared with javap -v");
    for (std::size_t k = 0; k < picks.size(); ++k) {
      CAPTURE(picks[k]);
      Diagnostics diags;
      const auto r = java::parse_class_file(test::read_file(paths[k]), diags, picks[k]);
      const auto ref = pools.find(paths[k]);
      REQUIRE(ref != pools.end());
      Set ours;
      for (const auto& s : r.cls.strings)
        if (auto c = test::javap_comparable(s)) ours.insert(*c);
      const Set pool_classes(r.cls.referenced_classes.begin(), r.cls.referenced_classes.end());
      const Set pool_methods(r.cls.method_refs.begin(), r.cls.method_refs.end());
      CHECK_MESSAGE(ours == ref->second.strings, difference(ours, ref->second.strings));
      CHECK_MESSAGE(pool_classes == ref->second.classes, difference(pool_classes, ref->second.classes));
      CHECK_MESSAGE(pool_methods == ref->second.method_refs, difference(pool_methods, ref->second.method_refs));
    }
  }
}
