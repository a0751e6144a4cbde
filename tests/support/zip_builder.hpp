// Builds zip archives inside tests (libzip), so bundle tests own their inputs.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace sdkscope::test {

struct ZipEntrySpec {
  std::string name;
  std::vector<std::uint8_t> data;
  bool store = false;    ///< stored instead of deflated
  bool encrypt = false;  ///< AES-256 with password "pw"
};

/// Writes a zip with these entries to `path` (overwritten). Throws std::runtime_error on failure.
void write_zip(const std::filesystem::path& path, const std::vector<ZipEntrySpec>& entries);
/// The same, returned as bytes.
std::vector<std::uint8_t> make_zip(const std::vector<ZipEntrySpec>& entries);
/// A fresh empty directory under the build tree for one test's files.
std::filesystem::path temp_dir(const std::string& name);
std::vector<std::uint8_t> bytes_of(const std::string& s);
void write_bytes(const std::filesystem::path& path, const std::vector<std::uint8_t>& data);

}  // namespace sdkscope::test
