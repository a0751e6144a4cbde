// The committed JAR and AAR fixtures (scripts/gen-java-fixtures.sh): their layout, and every class
// in them parsed, named as its entry path says, and the same bytes as testdata/java/classes.
#include <doctest/doctest.h>
#include <zip.h>

#include <map>
#include <memory>
#include <set>
#include <string>

#include "java/java_test_util.hpp"

using namespace sdkscope;
using sdkscope::test::Buf;

namespace {

// Every entry of a zip held in memory, by name (libzip, independent of the scanner's bundle code).
std::map<std::string, Buf> read_zip(const Buf& bytes) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* src = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
  REQUIRE(src != nullptr);
  zip_t* za = zip_open_from_source(src, ZIP_RDONLY, &error);
  if (!za) zip_source_free(src);
  REQUIRE(za != nullptr);
  std::unique_ptr<zip_t, decltype(&zip_discard)> guard(za, &zip_discard);
  std::map<std::string, Buf> out;
  const zip_int64_t n = zip_get_num_entries(za, 0);
  for (zip_int64_t i = 0; i < n; ++i) {
    zip_stat_t st;
    REQUIRE(zip_stat_index(za, static_cast<zip_uint64_t>(i), 0, &st) == 0);
    Buf data(st.size);
    zip_file_t* f = zip_fopen_index(za, static_cast<zip_uint64_t>(i), 0);
    REQUIRE(f != nullptr);
    const zip_int64_t got = zip_fread(f, data.data(), data.size());
    zip_fclose(f);
    REQUIRE(got == static_cast<zip_int64_t>(data.size()));
    out[st.name] = std::move(data);
  }
  return out;
}

std::string text_of(const Buf& b) { return {b.begin(), b.end()}; }

}  // namespace

TEST_CASE("demo-sdk.jar: a manifest, directories, and the java8 classes, each parsed and named by its path") {
  const auto entries = read_zip(test::read_file(test::testdata("java/demo-sdk.jar")));
  REQUIRE(entries.count("META-INF/MANIFEST.MF") == 1);
  CHECK(text_of(entries.at("META-INF/MANIFEST.MF")).rfind("Manifest-Version: 1.0\r\n", 0) == 0);

  std::set<std::string> class_entries;
  for (const auto& [name, data] : entries) {
    if (name.size() < 6 || name.substr(name.size() - 6) != ".class") continue;
    class_entries.insert(name);
    CAPTURE(name);
    // The same bytes as the committed loose class: the two were generated together.
    CHECK(data == test::class_fixture("java8/" + name));
    const auto p = test::parse(data);
    REQUIRE(p.r.ok);
    CHECK(p.diags.empty());
    std::string expected = name.substr(0, name.size() - 6);
    std::replace(expected.begin(), expected.end(), '/', '.');
    CHECK(p.r.cls.name == expected);
  }
  const std::set<std::string> fixtures(test::java8_fixtures().begin(), test::java8_fixtures().end());
  CHECK(class_entries == fixtures);
  CHECK(entries.count("com/demo/sdk/") == 1);  // directory entries, as jar(1) writes them
}

TEST_CASE("demo-sdk.aar: AGP's library layout, a text manifest, classes.jar, a native library") {
  const auto entries = read_zip(test::read_file(test::testdata("java/demo-sdk.aar")));
  std::set<std::string> names;
  for (const auto& [name, data] : entries) names.insert(name);
  CHECK(names == std::set<std::string>{"AndroidManifest.xml", "R.txt", "classes.jar", "jni/", "jni/arm64-v8a/",
                                       "jni/arm64-v8a/libdemo.so", "proguard.txt"});

  // An AAR ships its manifest as text XML (binary AXML only appears once aapt builds an APK).
  const std::string manifest = text_of(entries.at("AndroidManifest.xml"));
  CHECK(manifest.rfind("<?xml", 0) == 0);
  CHECK(manifest.find("package=\"com.demo.sdk\"") != std::string::npos);
  CHECK(entries.at("AndroidManifest.xml") == test::read_file(test::testdata("java/aar/AndroidManifest.xml")));
  CHECK(entries.at("R.txt") == test::read_file(test::testdata("java/aar/R.txt")));
  CHECK(entries.at("proguard.txt") == test::read_file(test::testdata("java/aar/proguard.txt")));

  CHECK(entries.at("classes.jar") == test::read_file(test::testdata("java/demo-sdk.jar")));
  const auto inner = read_zip(entries.at("classes.jar"));
  const auto p = test::parse(inner.at("com/demo/sdk/Tracker.class"));
  CHECK(p.r.ok);
  CHECK(p.r.cls.name == "com.demo.sdk.Tracker");

  // The demo app's arm64 libdemo.so: a real AArch64 ELF (e_machine 183), not placeholder bytes.
  const Buf& so = entries.at("jni/arm64-v8a/libdemo.so");
  REQUIRE(so.size() > 64);
  CHECK(text_of(Buf(so.begin(), so.begin() + 4)) == "\x7f" "ELF");
  CHECK((so[18] | (so[19] << 8)) == 183);
}
