// Objective-C selector names (__objc_methname) are reported apart from strings: they name the
// required-reason APIs that have no symbol, and are noise for endpoint extraction.
#include <doctest/doctest.h>

#include <algorithm>

#include "scanner/apple/macho_info.hpp"
#include "support/test_paths.hpp"

using namespace sdkscope;

TEST_CASE("macho selectors: methods of an object file's classes, kept out of strings") {
  auto bytes = test::read_file(test::testdata("macho/lib/libDemoTrack-arm64.a"));
  Diagnostics d;
  auto r = apple::parse_macho(bytes, d, "libDemoTrack-arm64.a");
  REQUIRE(r.ok);
  const auto& sel = r.info.selectors;
  CHECK(std::find(sel.begin(), sel.end(), "collectorURL") != sel.end());
  CHECK(std::find(sel.begin(), sel.end(), "demo_track_swizzled") != sel.end());
  const auto& strings = r.info.strings;
  CHECK(std::find(strings.begin(), strings.end(), "collectorURL") == strings.end());
  CHECK(std::find(strings.begin(), strings.end(), "https://log.sdkscope-demo.net/collect") != strings.end());
}
