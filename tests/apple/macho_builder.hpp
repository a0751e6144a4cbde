// Builds small synthetic thin Mach-O images in tests (mach-o/loader.h layouts), for what the
// toolchain here cannot produce: Swift type descriptors, chained fixups, 32-bit linked images,
// big-endian images. Segments after the first are mapped at a VM gap, so file offset != VM offset.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "apple/macho_test_util.hpp"

namespace sdkscope::apple::testing {

class MachoBuilder {
 public:

  struct Symbol {
    std::string name;
    std::uint8_t type = 0;
    std::uint8_t sect = 0;
    std::uint64_t value = 0;
  };

  /// `header_area`: bytes reserved at the start for the header and load commands.
  MachoBuilder(bool is64, bool big_endian = false, std::uint32_t cputype = 0x0100000c, std::uint32_t cpusubtype = 0,
               std::uint32_t filetype = 2, std::size_t header_area = 0x1000)
      : is64_(is64), be_(big_endian), cputype_(cputype), cpusubtype_(cpusubtype), filetype_(filetype),
        header_area_(header_area) {
    data_.assign(header_area_, 0);
  }

  std::uint64_t base() const { return is64_ ? 0x100000000ULL : 0x4000; }
  std::size_t ptr_size() const { return is64_ ? 8 : 4; }

  /// Adds a section of `size` bytes to segment `seg` (all sections of a segment consecutively);
  /// returns its VM address.
  std::uint64_t section(const std::string& seg, const std::string& sect, std::size_t size, std::uint32_t flags = 0) {
    align(8);
    if (segments_.empty() || segments_.back().name != seg) {
      Seg s;
      s.name = seg;
      s.fileoff = segments_.empty() ? 0 : data_.size();
      s.vmaddr = segments_.empty() ? base() : base() + data_.size() + 0x100000 * segments_.size();
      segments_.push_back(s);
    }
    Seg& s = segments_.back();
    Sect c{sect, s.vmaddr + (data_.size() - s.fileoff), size, data_.size(), flags};
    data_.resize(data_.size() + size, 0);
    s.sects.push_back(c);
    return c.addr;
  }

  /// File offset of a VM address inside a section added so far.
  std::size_t offset_of(std::uint64_t vm) const {
    for (const auto& s : segments_)
      for (const auto& c : s.sects)
        if (vm >= c.addr && vm < c.addr + c.size) return c.offset + (vm - c.addr);
    throw std::runtime_error("address outside the sections");
  }
  void put(std::uint64_t vm, std::size_t width, std::uint64_t v) { put_at(offset_of(vm), width, v); }
  void put_at(std::size_t off, std::size_t width, std::uint64_t v) {
    for (std::size_t i = 0; i < width; ++i)
      data_.at(off + (be_ ? width - 1 - i : i)) = static_cast<std::uint8_t>(v >> (8 * i));
  }
  void ptr(std::uint64_t vm, std::uint64_t v) { put(vm, ptr_size(), v); }
  /// A relative pointer at `field` to `target`, with `low_bits` or'ed in.
  void rel32(std::uint64_t field, std::uint64_t target, std::uint32_t low_bits = 0) {
    put(field, 4, static_cast<std::uint32_t>(static_cast<std::int64_t>(target - field)) | low_bits);
  }
  void bytes(std::uint64_t vm, const std::string& s) {
    const std::size_t off = offset_of(vm);
    for (std::size_t i = 0; i < s.size(); ++i) data_.at(off + i) = static_cast<std::uint8_t>(s[i]);
  }

  /// Appends raw data after the sections (a __LINKEDIT-like area); returns its file offset.
  std::size_t blob(const Buf& b) {
    align(8);
    const std::size_t at = data_.size();
    data_.insert(data_.end(), b.begin(), b.end());
    return at;
  }
  /// An extra load command: cmd, cmdsize, then `payload` (padded to a multiple of 8).
  void command(std::uint32_t cmd, Buf payload) {
    while ((payload.size() + 8) % 8) payload.push_back(0);
    extra_.push_back({cmd, std::move(payload)});
  }
  /// A little-endian u32 list as a command payload.
  static Buf words(const std::vector<std::uint32_t>& ws) {
    Buf b;
    for (auto w : ws)
      for (int i = 0; i < 4; ++i) b.push_back(static_cast<std::uint8_t>(w >> (8 * i)));
    return b;
  }
  void symbols(std::vector<Symbol> syms) { symbols_ = std::move(syms); }

  Buf build() {
    Buf out = data_;
    std::size_t symtab_off = 0, strtab_off = 0, strsize = 0;
    if (!symbols_.empty()) {
      Buf strtab{0};
      std::vector<std::uint32_t> strx;
      for (const auto& s : symbols_) {
        strx.push_back(static_cast<std::uint32_t>(strtab.size()));
        strtab.insert(strtab.end(), s.name.begin(), s.name.end());
        strtab.push_back(0);
      }
      while (out.size() % 8) out.push_back(0);
      symtab_off = out.size();
      const std::size_t entry = is64_ ? 16 : 12;
      out.resize(out.size() + entry * symbols_.size(), 0);
      for (std::size_t i = 0; i < symbols_.size(); ++i) {
        const std::size_t at = symtab_off + entry * i;
        put_into(out, at, 4, strx[i]);
        out[at + 4] = symbols_[i].type;
        out[at + 5] = symbols_[i].sect;
        put_into(out, at + 8, is64_ ? 8 : 4, symbols_[i].value);
      }
      strtab_off = out.size();
      strsize = strtab.size();
      out.insert(out.end(), strtab.begin(), strtab.end());
    }
    // Load commands.
    std::size_t off = is64_ ? 32 : 28;
    std::uint32_t ncmds = 0;
    for (const auto& s : segments_) {
      const std::size_t sect_size = is64_ ? 80 : 68;
      const std::size_t cmdsize = (is64_ ? 72 : 56) + sect_size * s.sects.size();
      const std::uint64_t end = s.sects.back().offset + s.sects.back().size;
      put_into(out, off, 4, is64_ ? 0x19 : 0x1);
      put_into(out, off + 4, 4, cmdsize);
      name_into(out, off + 8, s.name);
      const std::size_t w = is64_ ? 8 : 4;
      put_into(out, off + 24, w, s.vmaddr);
      put_into(out, off + 24 + w, w, end - s.fileoff);
      put_into(out, off + 24 + 2 * w, w, s.fileoff);
      put_into(out, off + 24 + 3 * w, w, end - s.fileoff);
      put_into(out, off + 24 + 4 * w + 8, 4, s.sects.size());
      std::size_t at = off + (is64_ ? 72 : 56);
      for (const auto& c : s.sects) {
        name_into(out, at, c.name);
        name_into(out, at + 16, s.name);
        put_into(out, at + 32, w, c.addr);
        put_into(out, at + 32 + w, w, c.size);
        put_into(out, at + 32 + 2 * w, 4, c.offset);
        put_into(out, at + 32 + 2 * w + 16, 4, c.flags);
        at += sect_size;
      }
      off += cmdsize;
      ++ncmds;
    }
    for (const auto& [cmd, payload] : extra_) {
      put_into(out, off, 4, cmd);
      put_into(out, off + 4, 4, payload.size() + 8);
      for (std::size_t i = 0; i < payload.size(); ++i) out.at(off + 8 + i) = payload[i];
      if (be_)  // payload words were written little-endian
        for (std::size_t i = 0; i + 4 <= payload.size(); i += 4) std::reverse(out.begin() + off + 8 + i, out.begin() + off + 12 + i);
      off += payload.size() + 8;
      ++ncmds;
    }
    if (!symbols_.empty()) {
      put_into(out, off, 4, 0x2);
      put_into(out, off + 4, 4, 24);
      put_into(out, off + 8, 4, symtab_off);
      put_into(out, off + 12, 4, symbols_.size());
      put_into(out, off + 16, 4, strtab_off);
      put_into(out, off + 20, 4, strsize);
      off += 24;
      ++ncmds;
    }
    if (off > header_area_) throw std::runtime_error("load commands do not fit the header area");
    put_into(out, 0, 4, is64_ ? 0xfeedfacf : 0xfeedface);
    put_into(out, 4, 4, cputype_);
    put_into(out, 8, 4, cpusubtype_);
    put_into(out, 12, 4, filetype_);
    put_into(out, 16, 4, ncmds);
    put_into(out, 20, 4, off - (is64_ ? 32 : 28));
    return out;
  }

 private:
  struct Sect {
    std::string name;
    std::uint64_t addr;
    std::size_t size;
    std::size_t offset;
    std::uint32_t flags;
  };
  struct Seg {
    std::string name;
    std::uint64_t vmaddr = 0;
    std::size_t fileoff = 0;
    std::vector<Sect> sects;
  };

  void align(std::size_t a) {
    while (data_.size() % a) data_.push_back(0);
  }
  void put_into(Buf& b, std::size_t off, std::size_t width, std::uint64_t v) const {
    for (std::size_t i = 0; i < width; ++i) b.at(off + (be_ ? width - 1 - i : i)) = static_cast<std::uint8_t>(v >> (8 * i));
  }
  static void name_into(Buf& b, std::size_t off, const std::string& name) {
    for (std::size_t i = 0; i < name.size() && i < 16; ++i) b.at(off + i) = static_cast<std::uint8_t>(name[i]);
  }

  bool is64_, be_;
  std::uint32_t cputype_, cpusubtype_, filetype_;
  std::size_t header_area_;
  Buf data_;
  std::vector<Seg> segments_;
  std::vector<std::pair<std::uint32_t, Buf>> extra_;
  std::vector<Symbol> symbols_;
};

}  // namespace sdkscope::apple::testing
