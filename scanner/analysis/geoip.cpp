#include "scanner/analysis/geoip.hpp"

#include <maxminddb.h>

namespace sdkscope {

struct GeoIp::Impl {
  MMDB_s db{};
  bool open = false;
  ~Impl() {
    if (open) MMDB_close(&db);
  }
};

GeoIp::GeoIp() : impl_(std::make_unique<Impl>()) {}
GeoIp::~GeoIp() = default;
GeoIp::GeoIp(GeoIp&&) noexcept = default;
GeoIp& GeoIp::operator=(GeoIp&&) noexcept = default;

std::optional<GeoIp> GeoIp::open(const std::string& path, std::string* error) {
  GeoIp g;
  int status = MMDB_open(path.c_str(), MMDB_MODE_MMAP, &g.impl_->db);
  if (status != MMDB_SUCCESS) {
    if (error) *error = std::string(MMDB_strerror(status));
    return std::nullopt;
  }
  g.impl_->open = true;
  return g;
}

std::string GeoIp::country(const std::string& ip) const {
  int gai_error = 0, mmdb_error = 0;
  MMDB_lookup_result_s res = MMDB_lookup_string(&impl_->db, ip.c_str(), &gai_error, &mmdb_error);
  if (gai_error != 0 || mmdb_error != MMDB_SUCCESS || !res.found_entry) return {};
  MMDB_entry_data_s data;
  if (MMDB_get_value(&res.entry, &data, "country", "iso_code", nullptr) != MMDB_SUCCESS || !data.has_data ||
      data.type != MMDB_DATA_TYPE_UTF8_STRING || data.data_size != 2)
    return {};
  return std::string(data.utf8_string, data.data_size);
}

}  // namespace sdkscope
