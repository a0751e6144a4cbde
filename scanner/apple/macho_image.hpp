// The header and load commands of one thin Mach-O image, read directly from its bytes (either
// byte order, 32 or 64 bits): the layout every other Mach-O reader here works from.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "scanner/apple/macho_info.hpp"
#include "scanner/model/diagnostic.hpp"
#include "scanner/util/byte_reader.hpp"

namespace sdkscope::apple {

/// ByteReader reads in the image's byte order (Mach-O files carry their own, given by the magic).
class EndianReader {
 public:
  EndianReader(Bytes data, bool big_endian) : r_(data), be_(big_endian) {}
  const ByteReader& bytes() const { return r_; }
  std::size_t size() const { return r_.size(); }
  bool has(std::size_t off, std::size_t len) const { return r_.has(off, len); }
  std::uint16_t u16(std::size_t off) const { return be_ ? r_.u16be(off) : r_.u16(off); }
  std::uint32_t u32(std::size_t off) const { return be_ ? r_.u32be(off) : r_.u32(off); }
  std::uint64_t u64(std::size_t off) const {
    return be_ ? (static_cast<std::uint64_t>(r_.u32be(off)) << 32) | r_.u32be(off + 4) : r_.u64(off);
  }
  /// A pointer-sized field (4 or 8 bytes).
  std::uint64_t word(std::size_t off, bool is64) const { return is64 ? u64(off) : u32(off); }

 private:
  ByteReader r_;
  bool be_ = false;
};

/// A byte range of the image, offsets relative to the image start.
struct FileRange {
  std::uint64_t offset = 0;
  std::uint64_t size = 0;
  std::uint64_t end() const { return offset + size; }
};

struct MachoSegment {
  std::string name;
  std::size_t ordinal = 0;  ///< position among all segment commands, bad ones included (chained fixups index by it)
  std::uint64_t vmaddr = 0;
  std::uint64_t vmsize = 0;
  std::uint64_t fileoff = 0;
  std::uint64_t filesize = 0;
};

struct MachoSection {
  std::string segname;
  std::string sectname;
  std::uint64_t addr = 0;
  std::uint64_t size = 0;
  std::uint32_t offset = 0;
  std::uint32_t flags = 0;
  std::size_t segment = 0;  ///< index into MachoImage::segments
  /// Zero-fill sections have no bytes in the file, whatever their offset says.
  bool zerofill() const;
};

struct MachoEncryption {
  std::uint32_t cryptoff = 0;
  std::uint32_t cryptsize = 0;
  std::uint32_t cryptid = 0;
};

struct MachoSymtab {
  std::uint32_t symoff = 0;
  std::uint32_t nsyms = 0;
  std::uint32_t stroff = 0;
  std::uint32_t strsize = 0;
};

/// What the load commands of one image say. Offsets are relative to the image (a fat slice or
/// an archive member), as in the file format.
struct MachoImage {
  bool is64 = false;
  bool big_endian = false;
  std::uint32_t cputype = 0;
  std::uint32_t cpusubtype = 0;
  std::uint32_t filetype = 0;
  std::uint32_t ncmds = 0;
  std::uint32_t sizeofcmds = 0;
  std::size_t header_size = 0;
  std::vector<MachoSegment> segments;
  std::vector<MachoSection> sections;
  std::vector<std::string> dylibs;          ///< every load-dylib kind, in command order
  std::vector<std::string> rpaths;
  std::vector<std::string> linker_options;  ///< one per LC_LINKER_OPTION, its strings joined by ' '
  std::string install_name;
  std::optional<MachoEncryption> encryption;
  std::optional<FileRange> code_signature;
  std::optional<FileRange> chained_fixups;
  std::optional<MachoSymtab> symtab;
  std::string platform;
  std::string min_os;
  std::size_t commands_read = 0;
  std::size_t segment_commands = 0;  ///< LC_SEGMENT(_64) commands seen, read or not

  std::string arch() const;
  /// The encrypted byte range when cryptid != 0.
  std::optional<FileRange> encrypted_range() const;
  /// The address the image's Mach header is mapped at: the segment holding file offset 0.
  std::uint64_t image_base() const;
};

/// The magic at the start of `data` as a thin Mach-O: sets is64 / big_endian; false otherwise.
bool thin_macho_magic(Bytes data, bool& is64, bool& big_endian);

/// Reads the header and every load command of a thin image. A command that is truncated,
/// points outside the file or holds a string that does not fit gets "macho.bad_load_command"
/// and is skipped; a cmdsize that cannot advance (< 8) or leaves the command area stops the walk;
/// more than limits.max_load_commands gets "macho.limit". nullopt (with "macho.parse_error")
/// only when the header itself is unreadable. Never throws.
std::optional<MachoImage> read_macho_image(Bytes image, Diagnostics& diags, const std::string& where,
                                           const MachoLimits& limits);

}  // namespace sdkscope::apple
