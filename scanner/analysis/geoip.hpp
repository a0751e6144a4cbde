// Optional IP-literal geolocation from a MaxMind DB file the user supplies (--geoip FILE.mmdb).
// The scanner itself never resolves names or opens a connection: only IP literals found in the
// app are looked up, in a local file.
#pragma once

#include <memory>
#include <optional>
#include <string>

namespace sdkscope {

class GeoIp {
 public:
  ~GeoIp();
  GeoIp(GeoIp&&) noexcept;
  GeoIp& operator=(GeoIp&&) noexcept;

  /// Opens a MaxMind DB (GeoLite2-Country / GeoIP2 / any DB with country.iso_code). nullopt and a
  /// one-line *error when the file is missing or not a MaxMind DB.
  static std::optional<GeoIp> open(const std::string& path, std::string* error);
  /// The ISO country of an IPv4 or IPv6 literal; "" when the database has no entry or the
  /// address does not parse. Never throws.
  std::string country(const std::string& ip) const;

 private:
  GeoIp();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sdkscope
