// The ELF file header and its two tables, read without LIEF, and the repairs sdkscope makes to
// an image before handing it to LIEF 0.9 (which trusts offsets and sizes; see elf_header.cpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "scanner/util/byte_reader.hpp"

namespace sdkscope::native {

/// The fields of the ELF file header that locate everything else (System V gABI, "ELF Header").
struct ElfHeader {
  int bits = 0;               ///< 32 or 64 (EI_CLASS)
  bool little_endian = true;  ///< EI_DATA
  std::uint16_t machine = 0;  ///< e_machine
  std::uint64_t phoff = 0;
  std::uint64_t shoff = 0;
  std::uint16_t phnum = 0;
  std::uint16_t shnum = 0;
  std::uint16_t shstrndx = 0;

  /// Size of one program / section header entry for this class.
  std::size_t phentsize() const { return bits == 64 ? 56 : 32; }
  std::size_t shentsize() const { return bits == 64 ? 64 : 40; }
};

/// Reads the ELF header. nullopt when the magic, class or data encoding is wrong or the buffer
/// is shorter than the header; never throws.
std::optional<ElfHeader> read_elf_header(Bytes data);

/// What sanitize_elf_image changed; zero everywhere for a well-formed file.
struct ElfRepairs {
  bool program_headers_clamped = false;  ///< the program header table ran past the end; e_phnum cut
  bool section_headers_dropped = false;  ///< the section header table did not fit or was garbage
  std::size_t sections_clamped = 0;      ///< section headers whose [offset, offset+size) left the file
  std::size_t segments_clamped = 0;      ///< program headers whose [offset, offset+filesz) left the file

  bool any() const {
    return program_headers_clamped || section_headers_dropped || sections_clamped || segments_clamped;
  }
};

/// Makes `image` safe for a reader that trusts offsets and sizes, such that it only ever touches
/// bytes of the original file: out-of-file section and segment ranges are clamped to its end, a
/// program header table that does not fit is shortened to the entries that do, and a section
/// header table that does not fit is removed (as a stripper would). Because LIEF copies the bytes
/// of every entry, the total is bounded too: a section table whose entries add up to more than
/// twice the file is removed as garbage, and segments past four times the file size get a file
/// size of 0. A repaired table is appended to the image as a copy and the file header pointed at
/// it; the original bytes stay as they were except the header's table fields. An image without
/// a readable header, or one that needs nothing, is left untouched.
ElfRepairs sanitize_elf_image(std::vector<std::uint8_t>& image);

}  // namespace sdkscope::native
