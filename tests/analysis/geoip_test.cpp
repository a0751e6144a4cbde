// --geoip: IP literals placed through a local MaxMind DB (fixture written by
// scripts/gen-geoip-fixture.py); nothing is resolved or fetched.
#include <doctest/doctest.h>

#include "scanner/analysis/geoip.hpp"
#include "support/test_paths.hpp"
#include "support/zip_builder.hpp"

using namespace sdkscope;

TEST_CASE("geoip: IPv4 literals resolve to countries from the local database") {
  std::string err;
  auto g = GeoIp::open(test::testdata("geoip/test-country.mmdb").string(), &err);
  INFO(err);
  REQUIRE(g);
  CHECK(g->country("203.0.113.7") == "JP");
  CHECK(g->country("198.51.100.200") == "CN");
  CHECK(g->country("192.0.2.1") == "US");
  CHECK(g->country("8.8.8.8").empty());      // no entry
  CHECK(g->country("not an ip").empty());    // never a lookup of a name
  CHECK(g->country("api.bigco.cn").empty());
}

TEST_CASE("geoip: a missing or non-MaxMind file is an error with a reason") {
  std::string err;
  CHECK_FALSE(GeoIp::open("/nonexistent/x.mmdb", &err));
  CHECK_FALSE(err.empty());
  auto dir = test::temp_dir("geoip_bad");
  test::write_bytes(dir / "bad.mmdb", test::bytes_of("this is not a maxmind database"));
  err.clear();
  CHECK_FALSE(GeoIp::open((dir / "bad.mmdb").string(), &err));
  CHECK_FALSE(err.empty());
}
