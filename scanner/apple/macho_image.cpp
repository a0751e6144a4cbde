// Load-command walk of one thin Mach-O image (mach-o/loader.h). We read the load commands
// ourselves rather than through LIEF 0.9, which stops after 255 commands, knows neither
// LC_BUILD_VERSION nor LC_DYLD_CHAINED_FIXUPS, reads little-endian images only, and on a bad
// command throws away everything after it; here a bad command costs that command alone.
//
// Layout: mach_header(_64) {magic, cputype, cpusubtype, filetype, ncmds, sizeofcmds, flags
// [, reserved]}, then ncmds commands {cmd, cmdsize, ...} packed in sizeofcmds bytes. Every
// command is read through a reader bounded to its own cmdsize, so a field past its end is a
// bad command, never a read into the next one.
#include "scanner/apple/macho_image.hpp"

#include <algorithm>

#include "scanner/apple/macho_format.hpp"

namespace sdkscope::apple {

namespace {

using namespace macho;

constexpr std::size_t kMaxBadCommandDiagnostics = 16;  // one broken table should not flood the report

/// Collects the per-image problems so that a file full of broken commands yields a bounded
/// number of diagnostics plus a count.
class CommandDiagnostics {
 public:
  CommandDiagnostics(Diagnostics& diags, const std::string& where) : diags_(diags), where_(where) {}
  ~CommandDiagnostics() {
    if (dropped_)
      diags_.warn("macho.bad_load_command", where_,
                  std::to_string(dropped_) + " more malformed load commands not listed");
  }
  CommandDiagnostics(const CommandDiagnostics&) = delete;
  CommandDiagnostics& operator=(const CommandDiagnostics&) = delete;

  void bad(std::size_t index, std::uint32_t cmd, const std::string& what) {
    if (count_++ >= kMaxBadCommandDiagnostics) {
      ++dropped_;
      return;
    }
    diags_.warn("macho.bad_load_command", where_,
                "load command " + std::to_string(index) + " (cmd " + hex(cmd) + "): " + what);
  }
  static std::string hex(std::uint64_t v) {
    static const char* digits = "0123456789abcdef";
    std::string s;
    do {
      s.insert(s.begin(), digits[v & 0xf]);
      v >>= 4;
    } while (v);
    return "0x" + s;
  }

 private:
  Diagnostics& diags_;
  const std::string& where_;
  std::size_t count_ = 0;
  std::size_t dropped_ = 0;
};

/// A fixed-size, possibly unterminated name field (segname, sectname).
std::string fixed_name(const ByteReader& r, std::size_t off, std::size_t len) {
  auto s = r.chars(off, len);
  return std::string(s.substr(0, s.find('\0')));
}

/// An lc_str: an offset from the command start to a NUL-terminated string inside the command.
std::optional<std::string> lc_string(const EndianReader& cmd, std::size_t offset_field) {
  const std::uint32_t off = cmd.u32(offset_field);
  if (off < offset_field + 4 || off >= cmd.size()) return std::nullopt;
  auto s = cmd.bytes().chars(off, cmd.size() - off);
  const auto nul = s.find('\0');
  if (nul == std::string_view::npos || nul == 0) return std::nullopt;  // padding ends every real one
  return std::string(s.substr(0, nul));
}

bool inside(std::uint64_t off, std::uint64_t size, std::size_t file_size) {
  return off <= file_size && size <= file_size - off;
}

void add_unique(std::vector<std::string>& list, std::string value) {
  if (std::find(list.begin(), list.end(), value) == list.end()) list.push_back(std::move(value));
}

void read_segment(const EndianReader& cmd, bool is64, std::size_t file_size, MachoImage& img, std::size_t index,
                  CommandDiagnostics& bad) {
  MachoSegment seg;
  seg.ordinal = img.segment_commands - 1;
  seg.name = fixed_name(cmd.bytes(), 8, 16);
  std::uint32_t nsects = 0;
  std::size_t first = 0, stride = 0;
  if (is64) {
    seg.vmaddr = cmd.u64(24);
    seg.vmsize = cmd.u64(32);
    seg.fileoff = cmd.u64(40);
    seg.filesize = cmd.u64(48);
    nsects = cmd.u32(64);
    first = 72;
    stride = 80;
  } else {
    seg.vmaddr = cmd.u32(24);
    seg.vmsize = cmd.u32(28);
    seg.fileoff = cmd.u32(32);
    seg.filesize = cmd.u32(36);
    nsects = cmd.u32(48);
    first = 56;
    stride = 68;
  }
  const std::uint32_t kind = is64 ? kLcSegment64 : kLcSegment;
  if (!inside(seg.fileoff, seg.filesize, file_size)) {
    bad.bad(index, kind,
            "segment " + seg.name + " file range " + std::to_string(seg.fileoff) + "+" + std::to_string(seg.filesize) +
                " extends past the end of the image (" + std::to_string(file_size) + " bytes)");
    // Keep what lies inside: a truncated file still maps its first pages.
    seg.filesize = seg.fileoff < file_size ? file_size - seg.fileoff : 0;
  }
  const std::size_t fit = (cmd.size() - std::min(cmd.size(), first)) / stride;
  if (nsects > fit) {
    bad.bad(index, kind,
            "segment " + seg.name + " announces " + std::to_string(nsects) + " sections, room for " + std::to_string(fit));
    nsects = static_cast<std::uint32_t>(fit);
  }
  const std::size_t seg_index = img.segments.size();
  img.segments.push_back(seg);
  for (std::uint32_t i = 0; i < nsects; ++i) {
    const std::size_t at = first + i * stride;
    MachoSection sec;
    sec.sectname = fixed_name(cmd.bytes(), at, 16);
    sec.segname = fixed_name(cmd.bytes(), at + 16, 16);
    sec.addr = is64 ? cmd.u64(at + 32) : cmd.u32(at + 32);
    sec.size = is64 ? cmd.u64(at + 40) : cmd.u32(at + 36);
    sec.offset = cmd.u32(at + (is64 ? 48 : 40));
    sec.flags = cmd.u32(at + (is64 ? 64 : 56));
    sec.segment = seg_index;
    if (!sec.zerofill() && sec.size && !inside(sec.offset, sec.size, file_size)) {
      if (sec.offset >= file_size) {
        bad.bad(index, kind, "section " + sec.segname + "," + sec.sectname + " lies outside the image; skipped");
        continue;
      }
      bad.bad(index, kind, "section " + sec.segname + "," + sec.sectname + " runs past the end of the image; clipped");
      sec.size = file_size - sec.offset;
    }
    img.sections.push_back(std::move(sec));
  }
}

void read_version_min(std::uint32_t cmd_id, const EndianReader& cmd, MachoImage& img) {
  const bool simulator = is_x86(img.cputype);
  switch (cmd_id) {
    case kLcVersionMinMacosx: img.platform = "macos"; break;
    case kLcVersionMinIphoneos: img.platform = simulator ? "iossimulator" : "ios"; break;
    case kLcVersionMinTvos: img.platform = simulator ? "tvossimulator" : "tvos"; break;
    default: img.platform = simulator ? "watchossimulator" : "watchos"; break;
  }
  img.min_os = version_string(cmd.u32(8));
}

/// One command; throws OutOfBounds when a field lies past cmdsize (the caller reports it).
void read_command(std::uint32_t cmd_id, const EndianReader& cmd, std::size_t file_size, MachoImage& img,
                  std::size_t index, CommandDiagnostics& bad) {
  auto string_or_bad = [&](std::size_t field, const char* what) -> std::optional<std::string> {
    auto s = lc_string(cmd, field);
    if (!s) bad.bad(index, cmd_id, std::string(what) + " string offset or terminator outside the command");
    return s;
  };
  auto linkedit_range = [&](const char* what) -> std::optional<FileRange> {
    FileRange r{cmd.u32(8), cmd.u32(12)};
    if (!inside(r.offset, r.size, file_size)) {
      bad.bad(index, cmd_id,
              std::string(what) + " data " + std::to_string(r.offset) + "+" + std::to_string(r.size) +
                  " lies outside the image (" + std::to_string(file_size) + " bytes)");
      return std::nullopt;
    }
    return r;
  };
  switch (cmd_id) {
    case kLcSegment:
    case kLcSegment64:
      ++img.segment_commands;
      if ((cmd_id == kLcSegment64) != img.is64) {
        bad.bad(index, cmd_id, "segment command of the wrong width for this header; skipped");
        return;
      }
      read_segment(cmd, img.is64, file_size, img, index, bad);
      return;
    case kLcLoadDylib:
    case kLcLoadWeakDylib:
    case kLcReexportDylib:
    case kLcLazyLoadDylib:
    case kLcLoadUpwardDylib:
      if (auto s = string_or_bad(8, "dylib name")) add_unique(img.dylibs, std::move(*s));
      return;
    case kLcIdDylib:
      if (auto s = string_or_bad(8, "install name"); s && img.install_name.empty()) img.install_name = std::move(*s);
      return;
    case kLcRpath:
      if (auto s = string_or_bad(8, "rpath")) add_unique(img.rpaths, std::move(*s));
      return;
    case kLcEncryptionInfo:
    case kLcEncryptionInfo64:
      img.encryption = MachoEncryption{cmd.u32(8), cmd.u32(12), cmd.u32(16)};
      return;
    case kLcCodeSignature:
      if (auto r = linkedit_range("code signature")) img.code_signature = r;
      return;
    case kLcDyldChainedFixups:
      if (auto r = linkedit_range("chained fixups")) img.chained_fixups = r;
      return;
    case kLcSymtab: {
      MachoSymtab st{cmd.u32(8), cmd.u32(12), cmd.u32(16), cmd.u32(20)};
      const std::uint64_t entry = img.is64 ? 16 : 12;
      if (!inside(st.symoff, static_cast<std::uint64_t>(st.nsyms) * entry, file_size) ||
          !inside(st.stroff, st.strsize, file_size)) {
        bad.bad(index, cmd_id,
                "symbol table (" + std::to_string(st.nsyms) + " symbols at " + std::to_string(st.symoff) +
                    ", strings " + std::to_string(st.stroff) + "+" + std::to_string(st.strsize) +
                    ") lies outside the image");
        return;
      }
      img.symtab = st;
      return;
    }
    case kLcBuildVersion:
      img.platform = platform_name(cmd.u32(8));
      img.min_os = version_string(cmd.u32(12));
      return;
    case kLcVersionMinMacosx:
    case kLcVersionMinIphoneos:
    case kLcVersionMinTvos:
    case kLcVersionMinWatchos:
      if (img.platform.empty()) read_version_min(cmd_id, cmd, img);  // LC_BUILD_VERSION wins
      return;
    case kLcLinkerOption: {
      const std::uint32_t count = cmd.u32(8);
      std::string joined;
      std::size_t at = 12;
      for (std::uint32_t i = 0; i < count && at < cmd.size(); ++i) {
        auto rest = cmd.bytes().chars(at, cmd.size() - at);
        const auto nul = rest.find('\0');
        if (nul == std::string_view::npos) break;
        if (!joined.empty()) joined += ' ';
        joined += rest.substr(0, nul);
        at += nul + 1;
      }
      if (!joined.empty()) add_unique(img.linker_options, std::move(joined));
      return;
    }
    default: return;
  }
}

}  // namespace

bool MachoSection::zerofill() const {
  const std::uint32_t type = flags & kSectionTypeMask;
  return type == kSZerofill || type == kSGbZerofill || type == kSThreadLocalZerofill;
}

std::string MachoImage::arch() const { return arch_name(cputype, cpusubtype); }

std::optional<FileRange> MachoImage::encrypted_range() const {
  if (!encryption || encryption->cryptid == 0 || encryption->cryptsize == 0) return std::nullopt;
  return FileRange{encryption->cryptoff, encryption->cryptsize};
}

std::uint64_t MachoImage::image_base() const {
  for (const auto& seg : segments)
    if (seg.fileoff == 0 && seg.filesize != 0) return seg.vmaddr;
  for (const auto& seg : segments)
    if (seg.name == "__TEXT") return seg.vmaddr;
  return 0;
}

bool thin_macho_magic(Bytes data, bool& is64, bool& big_endian) {
  if (data.size() < 4) return false;
  switch (ByteReader(data).u32be(0)) {
    case kMhMagic: is64 = false, big_endian = true; return true;
    case kMhCigam: is64 = false, big_endian = false; return true;
    case kMhMagic64: is64 = true, big_endian = true; return true;
    case kMhCigam64: is64 = true, big_endian = false; return true;
    default: return false;
  }
}

std::optional<MachoImage> read_macho_image(Bytes image, Diagnostics& diags, const std::string& where,
                                           const MachoLimits& limits) {
  MachoImage img;
  if (!thin_macho_magic(image, img.is64, img.big_endian)) {
    diags.warn("macho.parse_error", where, "no thin Mach-O magic at the start of the image");
    return std::nullopt;
  }
  img.header_size = img.is64 ? 32 : 28;
  const EndianReader r(image, img.big_endian);
  if (!r.has(0, img.header_size)) {
    diags.warn("macho.parse_error", where,
               "Mach-O header truncated: " + std::to_string(image.size()) + " bytes, the header needs " +
                   std::to_string(img.header_size));
    return std::nullopt;
  }
  img.cputype = r.u32(4);
  img.cpusubtype = r.u32(8);
  img.filetype = r.u32(12);
  img.ncmds = r.u32(16);
  img.sizeofcmds = r.u32(20);

  CommandDiagnostics bad(diags, where);
  std::size_t end = img.header_size + static_cast<std::size_t>(img.sizeofcmds);
  if (end > image.size()) {
    diags.warn("macho.bad_load_command", where,
               "load commands (" + std::to_string(img.sizeofcmds) + " bytes) extend past the end of the image (" +
                   std::to_string(image.size()) + " bytes); reading what is there");
    end = image.size();
  }
  std::size_t count = img.ncmds;
  if (count > limits.max_load_commands) {
    diags.warn("macho.limit", where,
               "header announces " + std::to_string(img.ncmds) + " load commands; read the first " +
                   std::to_string(limits.max_load_commands));
    count = limits.max_load_commands;
  }
  std::size_t off = img.header_size;
  for (std::size_t i = 0; i < count; ++i) {
    if (off + 8 > end) {
      bad.bad(i, 0, "command header past the end of the load command area; " + std::to_string(count - i) +
                        " commands not read");
      break;
    }
    const std::uint32_t cmd_id = r.u32(off);
    const std::uint32_t cmdsize = r.u32(off + 4);
    if (cmdsize < 8 || cmdsize > end - off) {
      bad.bad(i, cmd_id, "cmdsize " + std::to_string(cmdsize) + " does not fit the load command area; " +
                             std::to_string(count - i) + " commands not read");
      break;
    }
    try {
      read_command(cmd_id, EndianReader(image.subspan(off, cmdsize), img.big_endian), image.size(), img, i, bad);
    } catch (const OutOfBounds&) {
      bad.bad(i, cmd_id, "truncated: cmdsize " + std::to_string(cmdsize) + " is too small for its fields");
    }
    ++img.commands_read;
    off += cmdsize;
  }
  return img;
}

}  // namespace sdkscope::apple
