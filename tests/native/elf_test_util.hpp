// Shared helpers for the ELF tests: fixture loading and in-memory header patching, written
// independently of scanner/native so a bug there cannot hide itself here.
#pragma once

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "scanner/native/elf_info.hpp"
#include "support/test_paths.hpp"

namespace sdkscope::native::testing {

using Buf = std::vector<std::uint8_t>;

/// Fixture paths relative to testdata/native/ (built by scripts/gen-native-fixtures.sh).
inline constexpr const char* kDemoX86_64 = "x86_64/libdemo.so";
inline constexpr const char* kAcmeArm64 = "arm64-v8a/libacmetrack.so";
inline constexpr const char* kAcmeArm32 = "armeabi-v7a/libacmetrack.so";
inline constexpr const char* kAcmeMipsBe = "mips-be/libacmetrack.so";
inline constexpr const char* kAcmeNoSections = "stripped/libacmetrack-nosections.so";

inline Buf fixture(const std::string& rel) { return test::read_file(test::testdata("native/" + rel)); }

/// Field access and patching on an ELF image of either class and byte order (gABI layouts).
class ElfEdit {
 public:
  explicit ElfEdit(Buf& b) : b_(b), is64_(b.at(4) == 2), le_(b.at(5) == 1) {}

  std::uint64_t get(std::size_t off, std::size_t width) const {
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < width; ++i) v = (v << 8) | b_.at(off + (le_ ? width - 1 - i : i));
    return v;
  }
  void put(std::size_t off, std::size_t width, std::uint64_t v) {
    for (std::size_t i = 0; i < width; ++i)
      b_.at(off + (le_ ? i : width - 1 - i)) = static_cast<std::uint8_t>(v >> (8 * i));
  }
  std::size_t word() const { return is64_ ? 8 : 4; }

  // File header fields.
  std::size_t phoff_at() const { return is64_ ? 32 : 28; }
  std::size_t shoff_at() const { return is64_ ? 40 : 32; }
  std::size_t phnum_at() const { return is64_ ? 56 : 44; }
  std::size_t shnum_at() const { return is64_ ? 60 : 48; }
  std::size_t shstrndx_at() const { return is64_ ? 62 : 50; }
  std::uint64_t phoff() const { return get(phoff_at(), word()); }
  std::uint64_t shoff() const { return get(shoff_at(), word()); }
  std::size_t phnum() const { return get(phnum_at(), 2); }
  std::size_t shnum() const { return get(shnum_at(), 2); }

  // Section header i: where it is, and where its type / offset / size fields are.
  std::size_t section(std::size_t i) const { return shoff() + i * (is64_ ? 64 : 40); }
  std::size_t sh_type_at(std::size_t i) const { return section(i) + 4; }
  std::size_t sh_offset_at(std::size_t i) const { return section(i) + (is64_ ? 24 : 16); }
  std::size_t sh_size_at(std::size_t i) const { return section(i) + (is64_ ? 32 : 20); }

  // Program header i.
  std::size_t segment(std::size_t i) const { return phoff() + i * (is64_ ? 56 : 32); }
  std::size_t ph_flags_at(std::size_t i) const { return segment(i) + (is64_ ? 4 : 24); }
  std::size_t ph_offset_at(std::size_t i) const { return segment(i) + (is64_ ? 8 : 4); }
  std::size_t ph_filesz_at(std::size_t i) const { return segment(i) + (is64_ ? 32 : 16); }

  /// Index of the section called `name`, found through e_shstrndx; throws when absent.
  std::size_t section_index(const std::string& name) const {
    std::size_t strtab = get(sh_offset_at(get(shstrndx_at(), 2)), word());
    for (std::size_t i = 0; i < shnum(); ++i) {
      std::size_t at = strtab + get(section(i), 4);
      std::string got;
      while (b_.at(at)) got.push_back(static_cast<char>(b_.at(at++)));
      if (got == name) return i;
    }
    throw std::runtime_error("no section " + name);
  }
  /// File offset of the section called `name`.
  std::uint64_t section_offset(const std::string& name) const { return get(sh_offset_at(section_index(name)), word()); }

 private:
  Buf& b_;
  bool is64_;
  bool le_;
};

inline bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

inline bool sorted_unique(const std::vector<std::string>& v) {
  return std::adjacent_find(v.begin(), v.end(), [](const auto& a, const auto& b) { return !(a < b); }) == v.end();
}

}  // namespace sdkscope::native::testing
