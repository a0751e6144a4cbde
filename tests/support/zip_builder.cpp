#include "support/zip_builder.hpp"

#include <zip.h>

#include <fstream>
#include <stdexcept>

#include "support/test_paths.hpp"

namespace sdkscope::test {

void write_zip(const std::filesystem::path& path, const std::vector<ZipEntrySpec>& entries) {
  std::filesystem::remove(path);
  int err = 0;
  zip_t* z = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &err);
  if (!z) throw std::runtime_error("zip_open failed");
  for (const auto& e : entries) {
    zip_source_t* src = zip_source_buffer(z, e.data.data(), e.data.size(), 0);
    if (!src) throw std::runtime_error("zip_source_buffer failed");
    zip_int64_t idx = zip_file_add(z, e.name.c_str(), src, ZIP_FL_ENC_UTF_8 | ZIP_FL_OVERWRITE);
    if (idx < 0) {
      // Duplicate names need ZIP_FL_OVERWRITE off; libzip refuses duplicates entirely, which
      // tests that need them patch in afterwards.
      zip_source_free(src);
      throw std::runtime_error("zip_file_add failed for " + e.name);
    }
    zip_set_file_compression(z, static_cast<zip_uint64_t>(idx), e.store ? ZIP_CM_STORE : ZIP_CM_DEFLATE, 9);
    if (e.encrypt && zip_file_set_encryption(z, static_cast<zip_uint64_t>(idx), ZIP_EM_AES_256, "pw") != 0)
      throw std::runtime_error("encryption not supported by this libzip");
  }
  if (zip_close(z) != 0) throw std::runtime_error("zip_close failed");
}

std::vector<std::uint8_t> make_zip(const std::vector<ZipEntrySpec>& entries) {
  auto p = temp_dir("make_zip") / "z.zip";
  write_zip(p, entries);
  return read_file(p);
}

std::filesystem::path temp_dir(const std::string& name) {
  auto p = build_dir() / "test-tmp" / name;
  std::filesystem::remove_all(p);
  std::filesystem::create_directories(p);
  return p;
}

std::vector<std::uint8_t> bytes_of(const std::string& s) { return {s.begin(), s.end()}; }

void write_bytes(const std::filesystem::path& path, const std::vector<std::uint8_t>& data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
}

}  // namespace sdkscope::test
