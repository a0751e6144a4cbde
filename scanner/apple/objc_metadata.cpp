// Objective-C 2 runtime metadata, as the compiler lays it out on disk (objc4's
// runtime/objc-runtime-new.h; the legacy ObjC 1 ABI of 32-bit macOS is not read).
//
//   __DATA(_CONST),__objc_classlist   pointer[]            -> class_t, one per class defined here
//   class_t     { isa, superclass, cache, vtable, data }    5 pointers; `data` -> class_ro_t. Its
//               low bits are flags (FAST_IS_SWIFT_LEGACY = 1, FAST_IS_SWIFT_STABLE = 2): mask
//               with FAST_DATA_MASK (0x00007ffffffffff8 on 64-bit, ~3 on 32-bit).
//   class_ro_t  64-bit { u32 flags, instanceStart, instanceSize, reserved; ptr ivarLayout; ptr name; ... }
//               32-bit { u32 flags, instanceStart, instanceSize;           ptr ivarLayout; ptr name; ... }
//               so `name` is at 24 (64-bit) or 16 (32-bit); it points into __objc_classname.
//   __objc_catlist(2)  pointer[] -> category_t { ptr name; ptr cls; ptr instanceMethods; ... }
//               `cls` is a rebase to a class of this image, or a bind to another image's class.
//
// Every pointer goes through MachoView::pointer_at, which undoes chained fixups (iOS 15+ and
// arm64e images store rebase records, not addresses) and maps VM addresses to file offsets.
// Names come out of readable bytes only: a class whose name lies in the FairPlay-encrypted
// range is unresolved, never garbage.
//
// Object files (.o members of static libraries) are not walked: their list slots and name
// pointers are resolved by relocations (zero, or an addend relative to a section symbol on
// arm64), so the bytes alone would give wrong names. There the symbol table speaks instead:
// `_OBJC_CLASS_$_Name` for each class, `__OBJC_$_CATEGORY_Class_$_Category` for categories.
#include "scanner/apple/objc_metadata.hpp"

#include "scanner/apple/macho_format.hpp"
#include "scanner/util/strings.hpp"

namespace sdkscope::apple {

namespace {

constexpr std::size_t kMaxNameLength = 1024;
constexpr std::uint64_t kFastDataMask64 = 0x00007ffffffffff8ULL;
constexpr std::uint64_t kFastDataMask32 = ~std::uint64_t{3};
constexpr std::string_view kClassPrefix = "_OBJC_CLASS_$_";
constexpr std::string_view kMetaclassPrefix = "_OBJC_METACLASS_$_";
constexpr std::string_view kCategoryPrefix = "__OBJC_$_CATEGORY_";
constexpr std::string_view kCategorySeparator = "_$_";

/// The name of the class_t at `class_vm`, through its class_ro_t.
std::optional<std::string_view> class_name(const MachoView& view, std::uint64_t class_vm) {
  const std::size_t ps = view.pointer_size();
  const auto cls = view.file_offset(class_vm, 5 * ps);
  if (!cls) return std::nullopt;
  auto data = view.address_at(*cls + 4 * ps);
  if (!data) return std::nullopt;
  const std::uint64_t ro_vm = *data & (view.is64() ? kFastDataMask64 : kFastDataMask32);
  const std::size_t name_field = view.is64() ? 24 : 16;
  const auto ro = view.file_offset(ro_vm, name_field + ps);
  if (!ro) return std::nullopt;
  const auto name_vm = view.address_at(*ro + name_field);
  if (!name_vm) return std::nullopt;
  auto name = view.c_string(*name_vm, kMaxNameLength);
  if (!name || !plausible_objc_name(*name)) return std::nullopt;
  return name;
}

/// The class a category extends: a class here, or the imported class a bind names.
std::string category_class(const MachoView& view, std::uint64_t slot) {
  const FixupTarget t = view.pointer_at(slot);
  if (t.kind == FixupTarget::Kind::address) {
    if (auto name = class_name(view, t.value)) return std::string(*name);
  } else if (t.kind == FixupTarget::Kind::bind) {
    if (auto sym = view.import_name(t.value))
      if (auto cls = objc_class_from_symbol(*sym)) return std::string(*cls);
  }
  return "?";
}

/// Calls fn(slot_offset) for every pointer slot of the sections named `sectname`, outside the
/// encrypted range; stops when fn returns false.
template <typename Fn>
void for_each_slot(const MachoView& view, std::string_view sectname, Fn&& fn) {
  const std::size_t ps = view.pointer_size();
  for (const MachoSection* sec : view.sections_named(sectname))
    for (const FileRange& part : view.readable_parts(*sec))
      for (std::uint64_t at = part.offset; at + ps <= part.end(); at += ps)
        if (!fn(at)) return;
}

}  // namespace

bool plausible_objc_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxNameLength) return false;
  for (unsigned char c : name)
    if (c <= 0x20 || c == 0x7f || c == '"' || c == '\'') return false;
  return true;
}

void read_objc_metadata(const MachoView& view, std::size_t max_entries, ObjcNames& out) {
  if (view.layout().filetype == macho::kMhObject) return;
  auto full = [&] {
    if (out.classes.size() + out.categories.size() < max_entries) return false;
    out.limited = true;
    return true;
  };
  for_each_slot(view, "__objc_classlist", [&](std::uint64_t slot) {
    if (full()) return false;
    auto cls = view.address_at(slot);
    auto name = cls ? class_name(view, *cls) : std::nullopt;
    if (name) out.classes.emplace_back(*name);
    else ++out.unresolved;
    return true;
  });
  for (std::string_view list : {"__objc_catlist", "__objc_catlist2"}) {
    for_each_slot(view, list, [&](std::uint64_t slot) {
      if (full()) return false;
      const std::size_t ps = view.pointer_size();
      auto cat = view.address_at(slot);
      auto cat_off = cat ? view.file_offset(*cat, 2 * ps) : std::nullopt;
      auto name_vm = cat_off ? view.address_at(*cat_off) : std::nullopt;
      auto name = name_vm ? view.c_string(*name_vm, kMaxNameLength) : std::nullopt;
      if (!name || !plausible_objc_name(*name)) {
        ++out.unresolved;
        return true;
      }
      out.categories.push_back(category_class(view, *cat_off + ps) + "(" + std::string(*name) + ")");
      return true;
    });
  }
}

std::optional<std::string_view> objc_class_from_symbol(std::string_view symbol) {
  for (std::string_view prefix : {kClassPrefix, kMetaclassPrefix}) {
    if (!starts_with(symbol, prefix)) continue;
    std::string_view name = symbol.substr(prefix.size());
    if (plausible_objc_name(name)) return name;
  }
  return std::nullopt;
}

std::optional<std::string> objc_category_from_symbol(std::string_view symbol) {
  if (!starts_with(symbol, kCategoryPrefix)) return std::nullopt;
  std::string_view rest = symbol.substr(kCategoryPrefix.size());
  // The category's method, protocol and property lists share the prefix.
  for (std::string_view list : {"INSTANCE_METHODS_", "CLASS_METHODS_", "PROTOCOLS_", "PROP_LIST_", "CLASS_PROP_LIST_"})
    if (starts_with(rest, list)) return std::nullopt;
  const auto sep = rest.find(kCategorySeparator);
  if (sep == std::string_view::npos || sep == 0) return std::nullopt;
  std::string_view cls = rest.substr(0, sep), cat = rest.substr(sep + kCategorySeparator.size());
  if (!plausible_objc_name(cls) || !plausible_objc_name(cat)) return std::nullopt;
  return std::string(cls) + "(" + std::string(cat) + ")";
}

}  // namespace sdkscope::apple
