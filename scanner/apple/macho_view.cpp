// Address translation and pointer decoding over one thin image (see macho_view.hpp).
#include "scanner/apple/macho_view.hpp"

#include <algorithm>

#include "scanner/apple/macho_format.hpp"

namespace sdkscope::apple {

namespace {

constexpr std::uint64_t kAddressMask = 0x00ffffffffffffffULL;  // high8 carries tags, never address bits
constexpr std::uint64_t kLow36 = (std::uint64_t{1} << 36) - 1;
constexpr std::uint32_t kCpuSubtypeArm64e = 2;

}  // namespace

MachoView::MachoView(Bytes image, const MachoImage& layout, const ChainedFixups& fixups)
    : image_(image),
      reader_(image, layout.big_endian),
      layout_(layout),
      fixups_(fixups),
      encrypted_(layout.encrypted_range()),
      image_base_(layout.image_base()),
      arm64e_(layout.cputype == (macho::kCpuTypeArm | macho::kCpuArch64) &&
              (layout.cpusubtype & 0x00ffffff) == kCpuSubtypeArm64e) {}

bool MachoView::readable(std::uint64_t off, std::uint64_t len) const {
  if (off > image_.size() || len > image_.size() - off) return false;
  if (encrypted_ && off < encrypted_->end() && encrypted_->offset < off + len) return false;
  return true;
}

std::optional<std::uint64_t> MachoView::file_offset(std::uint64_t vmaddr, std::uint64_t len) const {
  for (const auto& seg : layout_.segments) {
    if (vmaddr < seg.vmaddr || vmaddr - seg.vmaddr >= seg.filesize) continue;
    const std::uint64_t delta = vmaddr - seg.vmaddr;
    if (len > seg.filesize - delta) return std::nullopt;
    const std::uint64_t off = seg.fileoff + delta;
    if (!readable(off, len)) return std::nullopt;
    return off;
  }
  return std::nullopt;
}

bool MachoView::maps(std::uint64_t vmaddr) const {
  for (const auto& seg : layout_.segments)
    if (vmaddr >= seg.vmaddr && vmaddr - seg.vmaddr < seg.filesize) return true;
  return false;
}

std::optional<std::size_t> MachoView::segment_of_offset(std::uint64_t off) const {
  for (std::size_t i = 0; i < layout_.segments.size(); ++i) {
    const auto& seg = layout_.segments[i];
    if (off >= seg.fileoff && off - seg.fileoff < seg.filesize) return i;
  }
  return std::nullopt;
}

FixupTarget MachoView::pointer_at(std::uint64_t off) const {
  using Kind = FixupTarget::Kind;
  if (!readable(off, pointer_size())) return {};
  const std::uint64_t raw = reader_.word(off, is64());
  auto address = [](std::uint64_t v) { return FixupTarget{Kind::address, v & kAddressMask}; };
  if (fixups_.present()) {
    if (auto seg = segment_of_offset(off))
      if (std::uint16_t format = fixups_.format(layout_.segments[*seg].ordinal)) {
        FixupTarget t = decode_chained_pointer(raw, format, image_base_);
        return t.kind == Kind::address ? address(t.value) : t;
      }
  }
  if (raw == 0) return {};
  if (maps(raw & kAddressMask)) return address(raw);
  if (!is64()) return {};
  // arm64e images of iOS 12-14 use threaded rebases: chained ARM64E pointers without the command.
  if (arm64e_ && !fixups_.present()) {
    FixupTarget t = decode_chained_pointer(raw, kChainedPtrArm64e, image_base_);
    if (t.kind != Kind::address || maps(t.value & kAddressMask)) return t.kind == Kind::address ? address(t.value) : t;
  }
  if (maps(raw & kLow36)) return address(raw & kLow36);
  if (maps(image_base_ + (raw & kLow36))) return address(image_base_ + (raw & kLow36));
  return {};
}

std::optional<std::uint64_t> MachoView::address_at(std::uint64_t off) const {
  FixupTarget t = pointer_at(off);
  if (t.kind != FixupTarget::Kind::address) return std::nullopt;
  return t.value;
}

std::optional<std::string_view> MachoView::c_string(std::uint64_t vmaddr, std::size_t max_len) const {
  for (const auto& seg : layout_.segments) {
    if (vmaddr < seg.vmaddr || vmaddr - seg.vmaddr >= seg.filesize) continue;
    const std::uint64_t off = seg.fileoff + (vmaddr - seg.vmaddr);
    if (off >= image_.size()) return std::nullopt;
    std::uint64_t room = std::min<std::uint64_t>({seg.filesize - (vmaddr - seg.vmaddr), std::uint64_t{max_len} + 1,
                                                  image_.size() - off});
    if (encrypted_) {
      if (off >= encrypted_->offset && off < encrypted_->end()) return std::nullopt;
      if (off < encrypted_->offset) room = std::min(room, encrypted_->offset - off);
    }
    auto chars = reader_.bytes().chars(off, room);
    const auto nul = chars.find('\0');
    if (nul == std::string_view::npos) return std::nullopt;
    return chars.substr(0, nul);
  }
  return std::nullopt;
}

std::vector<FileRange> MachoView::readable_parts(const MachoSection& sec) const {
  if (sec.zerofill() || sec.size == 0 || sec.offset > image_.size()) return {};
  FileRange r{sec.offset, std::min<std::uint64_t>(sec.size, image_.size() - sec.offset)};
  if (!encrypted_ || r.end() <= encrypted_->offset || encrypted_->end() <= r.offset) return {r};
  std::vector<FileRange> parts;
  if (r.offset < encrypted_->offset) parts.push_back({r.offset, encrypted_->offset - r.offset});
  if (encrypted_->end() < r.end()) parts.push_back({encrypted_->end(), r.end() - encrypted_->end()});
  return parts;
}

bool MachoView::encrypted(const MachoSection& sec) const {
  if (!encrypted_ || sec.zerofill()) return false;
  return sec.offset < encrypted_->end() && encrypted_->offset < std::uint64_t{sec.offset} + sec.size;
}

std::vector<const MachoSection*> MachoView::sections_named(std::string_view sectname) const {
  std::vector<const MachoSection*> out;
  for (const auto& sec : layout_.sections)
    if (sec.sectname == sectname) out.push_back(&sec);
  return out;
}

}  // namespace sdkscope::apple
