// Swift 5 type metadata records (swift/include/swift/ABI/Metadata.h, MetadataValues.h; the
// layouts are ABI-stable since Swift 5.0).
//
//   __TEXT,__swift5_types     int32[]: TargetTypeMetadataRecord, a relative pointer whose low two
//                             bits are a TypeReferenceKind: 0 direct descriptor, 1 indirect
//                             (points to a pointer to the descriptor), 2/3 ObjC class references
//                             (skipped). Relative pointers are signed offsets from the address of
//                             the field itself, in VM space.
//   TargetContextDescriptor   { u32 Flags; i32 Parent; ... }  kind = Flags & 0x1f:
//                             0 module, 1 extension, 2 anonymous, 3 protocol, 4 opaque type,
//                             16 class, 17 struct, 18 enum. Parent is a relative pointer, indirect
//                             when its low bit is set (then it points to a pointer slot, which can
//                             hold a chained fixup).
//   module, protocol, class/struct/enum descriptors hold `i32 Name` (relative -> C string) at 8.
//
// Types imported from C and Objective-C get descriptors too, under the pseudo-modules "__C" and
// "__C_Synthesized"; they are not Swift types of the image and are dropped.
// A type's full name is its own name, its enclosing types' names, and the module at the root:
// "Module.Outer.Inner". Extension and anonymous contexts add no name (a type nested in an
// extension of Foo reads "Module.Inner"), and the walk gives up after kMaxDepth parents or on any
// unreadable or implausible field. Mangled names (`$s<len><module><len><name>C...`) and the ObjC
// runtime names of Swift classes (`_TtC<len><module><len><name>`) are decoded for their first,
// simple form only; the full demangler grammar is out of scope.
#include "scanner/apple/swift_metadata.hpp"

#include <cstdint>

#include "scanner/apple/macho_format.hpp"
#include "scanner/util/strings.hpp"

namespace sdkscope::apple {

namespace {

constexpr std::size_t kMaxDepth = 16;
constexpr std::size_t kMaxNameLength = 256;
constexpr std::uint32_t kKindModule = 0, kKindProtocol = 3, kKindClass = 16, kKindStruct = 17, kKindEnum = 18;
constexpr std::uint32_t kKindMask = 0x1f;
constexpr std::uint32_t kRefDirect = 0, kRefIndirect = 1;

bool plausible_identifier(std::string_view s) {
  if (s.empty() || s.size() > kMaxNameLength) return false;
  for (unsigned char c : s)
    if (c <= 0x20 || c == 0x7f || c == '.') return false;
  return true;
}

/// The pseudo-modules under which Swift records types imported from C and Objective-C.
bool is_clang_module(std::string_view module) { return module == "__C" || module == "__C_Synthesized"; }

/// VM address of file offset `off` inside section `sec`.
std::uint64_t vm_of(const MachoSection& sec, std::uint64_t off) { return sec.addr + (off - sec.offset); }

std::optional<std::int32_t> rel32(const MachoView& view, std::uint64_t vmaddr) {
  auto off = view.file_offset(vmaddr, 4);
  if (!off) return std::nullopt;
  return static_cast<std::int32_t>(view.reader().u32(*off));
}

std::optional<std::string_view> relative_name(const MachoView& view, std::uint64_t field_vm) {
  auto rel = rel32(view, field_vm);
  if (!rel || *rel == 0) return std::nullopt;
  auto name = view.c_string(field_vm + static_cast<std::uint64_t>(static_cast<std::int64_t>(*rel)), kMaxNameLength);
  if (!name || !plausible_identifier(*name)) return std::nullopt;
  return name;
}

/// The parent descriptor's address, following an indirect reference through its pointer slot.
std::optional<std::uint64_t> parent_of(const MachoView& view, std::uint64_t desc_vm) {
  auto rel = rel32(view, desc_vm + 4);
  if (!rel || *rel == 0) return std::nullopt;
  const std::uint64_t target = desc_vm + 4 + static_cast<std::uint64_t>(static_cast<std::int64_t>(*rel & ~1));
  if (!(*rel & 1)) return target;
  auto slot = view.file_offset(target, view.pointer_size());
  if (!slot) return std::nullopt;
  return view.address_at(*slot);
}

/// "Module.Outer.Inner" for the descriptor at desc_vm; the module name goes to *module.
std::optional<std::string> full_name(const MachoView& view, std::uint64_t desc_vm, std::string& module) {
  std::vector<std::string_view> parts;  // innermost first
  std::optional<std::uint64_t> cur = desc_vm;
  for (std::size_t depth = 0; cur && depth < kMaxDepth; ++depth) {
    auto off = view.file_offset(*cur, 12);
    if (!off) return std::nullopt;
    const std::uint32_t kind = view.reader().u32(*off) & kKindMask;
    if (kind == kKindModule) {
      auto name = relative_name(view, *cur + 8);
      if (!name || parts.empty()) return std::nullopt;
      module = std::string(*name);
      std::string out = module;
      for (auto it = parts.rbegin(); it != parts.rend(); ++it) out += "." + std::string(*it);
      return out;
    }
    if (kind == kKindClass || kind == kKindStruct || kind == kKindEnum || kind == kKindProtocol) {
      auto name = relative_name(view, *cur + 8);
      if (!name) return std::nullopt;
      parts.push_back(*name);
    } else if (kind > kKindEnum || (kind > 4 && kind < kKindClass)) {
      return std::nullopt;  // not a context kind: a bad pointer led here
    }
    cur = parent_of(view, *cur);
  }
  return std::nullopt;  // no module within kMaxDepth levels, or an unreadable parent
}

/// Parses `<decimal length><identifier>` at s[*pos]; advances *pos.
std::optional<std::string_view> identifier(std::string_view s, std::size_t& pos) {
  if (pos >= s.size() || s[pos] < '1' || s[pos] > '9') return std::nullopt;  // '0' starts word substitutions
  std::size_t len = 0;
  while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
    len = len * 10 + static_cast<std::size_t>(s[pos++] - '0');
    if (len > kMaxNameLength) return std::nullopt;
  }
  if (len > s.size() - pos) return std::nullopt;
  std::string_view id = s.substr(pos, len);
  for (unsigned char c : id)  // raw UTF-8 appears in runtime names ("_TtC6\xe6\x8e\x8c\xe6\x8f\xa1...")
    if (!(c == '_' || c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
      return std::nullopt;
  pos += len;
  return id;
}

/// Position after the mangling prefix of a Swift symbol ("$s", "$S", "_T0", with or without
/// the C underscore Mach-O symbol names carry), or npos.
std::size_t after_prefix(std::string_view symbol) {
  for (std::size_t base : {std::size_t{1}, std::size_t{0}}) {
    if (base > symbol.size() || (base == 1 && symbol[0] != '_')) continue;
    for (std::string_view p : {"$s", "$S", "_T0"})
      if (starts_with(symbol.substr(base), p)) return base + p.size();
  }
  return std::string_view::npos;
}

}  // namespace

void read_swift_types(const MachoView& view, std::size_t max_entries, SwiftNames& out) {
  if (view.layout().filetype == macho::kMhObject) return;  // relative pointers there are relocations
  for (std::string_view list : {"__swift5_types", "__swift5_types2", "__swift4_types"}) {
    for (const MachoSection* sec : view.sections_named(list)) {
      for (const FileRange& part : view.readable_parts(*sec)) {
        for (std::uint64_t at = part.offset; at + 4 <= part.end(); at += 4) {
          if (out.types.size() >= max_entries) {
            out.limited = true;
            return;
          }
          const auto rel = static_cast<std::int32_t>(view.reader().u32(at));
          const std::uint32_t ref_kind = static_cast<std::uint32_t>(rel) & 3;
          const std::uint64_t target = vm_of(*sec, at) + static_cast<std::uint64_t>(static_cast<std::int64_t>(rel & ~3));
          std::optional<std::uint64_t> desc;
          if (ref_kind == kRefDirect) {
            desc = target;
          } else if (ref_kind == kRefIndirect) {
            if (auto slot = view.file_offset(target, view.pointer_size())) desc = view.address_at(*slot);
          } else {
            continue;  // an ObjC class reference, not a Swift descriptor
          }
          std::string module;
          auto name = desc ? full_name(view, *desc, module) : std::nullopt;
          if (!name) {
            ++out.unresolved;
            continue;
          }
          if (is_clang_module(module)) continue;  // C/ObjC types imported into Swift, not Swift types
          out.types.push_back(std::move(*name));
          out.modules.push_back(std::move(module));
        }
      }
    }
  }
}

std::optional<std::string_view> swift_symbol_module(std::string_view symbol) {
  std::size_t pos = after_prefix(symbol);
  if (pos == std::string_view::npos) return std::nullopt;
  return identifier(symbol, pos);
}

std::optional<std::string> swift_type_from_symbol(std::string_view symbol) {
  std::size_t pos = after_prefix(symbol);
  if (pos == std::string_view::npos) return std::nullopt;
  auto module = identifier(symbol, pos);
  auto name = module ? identifier(symbol, pos) : std::nullopt;
  if (!name || pos >= symbol.size()) return std::nullopt;
  const char kind = symbol[pos];
  if (kind != 'C' && kind != 'V' && kind != 'O') return std::nullopt;
  std::string_view suffix = symbol.substr(pos + 1);
  if (suffix != "Mn" && suffix != "N" && suffix != "Ma") return std::nullopt;
  return std::string(*module) + "." + std::string(*name);
}

std::optional<std::string> swift_type_from_objc_name(std::string_view name) {
  if (!starts_with(name, "_Tt")) return std::nullopt;
  std::size_t pos = 3, kinds = 0;
  while (pos < name.size() && (name[pos] == 'C' || name[pos] == 'V' || name[pos] == 'O')) ++pos, ++kinds;
  if (kinds == 0 || kinds > kMaxDepth) return std::nullopt;
  std::string out;
  for (std::size_t i = 0; i <= kinds; ++i) {
    auto id = identifier(name, pos);
    if (!id) return std::nullopt;
    out += (i ? "." : "") + std::string(*id);
  }
  if (pos != name.size()) return std::nullopt;
  return out;
}

}  // namespace sdkscope::apple
