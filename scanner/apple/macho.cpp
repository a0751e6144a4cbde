// parse_macho: dispatches a file to the thin / fat / archive readers and merges what every
// image yields into one MachoInfo. The passes per thin image, in order:
//   layout     header + load commands (macho_image.cpp)        dylibs, rpaths, platform, ranges
//   fixups     LC_DYLD_CHAINED_FIXUPS pointer formats          so that pointers can be followed
//   symbols    LC_SYMTAB through LIEF (macho_symbols.hpp)      imports, exports, class symbols
//   metadata   ObjC class/category lists, Swift type records   names that survive stripping
//   strings    C string sections and CFStrings                 endpoints, keys
//   signature  the entitlements blob of LC_CODE_SIGNATURE
// Slices of a fat file and members of an archive are all merged: lists keep first-seen order
// without repeats, sets come out sorted, so an arm64 + armv7 binary does not count twice.
//
// LIEF 0.9 does one thing here: the nlist symbol table (macho_lief.cpp). Everything else is read
// by our own bounds-checked readers, because LIEF 0.9 caps load commands at 255, knows neither
// LC_BUILD_VERSION nor LC_DYLD_CHAINED_FIXUPS, returns nothing for big-endian images, has no
// ObjC/Swift metadata or code-signature reader, and drops what follows a bad command. When LIEF
// fails or returns fewer symbols than LC_SYMTAB announces, a direct nlist reader takes over
// ("macho.symbols_direct"). The mutation sweep found no LIEF crash (0 of 26,000 mutants, 0 of
// 2,800 mutated real binaries), so everything runs in-process.
#include "scanner/apple/macho_info.hpp"

#include <algorithm>
#include <cstdlib>
#include <exception>
#include <iterator>
#include <new>
#include <set>

#include "scanner/apple/ar_archive.hpp"
#include "scanner/apple/macho_fat.hpp"
#include "scanner/apple/macho_format.hpp"
#include "scanner/apple/macho_fixups.hpp"
#include "scanner/apple/macho_image.hpp"
#include "scanner/apple/macho_strings.hpp"
#include "scanner/apple/macho_symbols.hpp"
#include "scanner/apple/macho_signature.hpp"
#include "scanner/apple/macho_view.hpp"
#include "scanner/apple/objc_metadata.hpp"
#include "scanner/apple/swift_metadata.hpp"
#include "scanner/util/strings.hpp"

namespace sdkscope::apple {

namespace {

constexpr std::size_t kMaxNesting = 2;  // fat -> archive -> object is the deepest real layout

void add_unique(std::vector<std::string>& list, const std::string& value) {
  if (!value.empty() && std::find(list.begin(), list.end(), value) == list.end()) list.push_back(value);
}

bool is_simulator(const std::string& platform) { return platform.find("simulator") != std::string::npos; }

/// "14.0.1" -> {14, 0, 1} for comparisons.
std::vector<unsigned long> version_key(const std::string& v) {
  std::vector<unsigned long> key;
  std::size_t start = 0;
  while (start <= v.size()) {
    const std::size_t dot = v.find('.', start);
    key.push_back(std::strtoul(v.substr(start, dot - start).c_str(), nullptr, 10));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return key;
}

bool is_bitcode(Bytes data) {
  static constexpr std::uint8_t kRaw[4] = {'B', 'C', 0xc0, 0xde}, kWrapper[4] = {0xde, 0xc0, 0x17, 0x0b};
  return data.size() >= 4 && (std::equal(kRaw, kRaw + 4, data.begin()) || std::equal(kWrapper, kWrapper + 4, data.begin()));
}

/// Runs one pass over an image; an exception escaping it (a reader bug: every read is bounds
/// checked) costs that pass, not the image or the file.
template <typename Fn>
void guarded(const char* pass, Diagnostics& diags, const std::string& where, Fn&& fn) {
  try {
    fn();
  } catch (const std::bad_alloc&) {
    diags.warn("macho.parse_error", where, std::string("out of memory while reading ") + pass);
  } catch (const std::exception& e) {
    diags.warn("macho.parse_error", where, std::string("while reading ") + pass + ": " + e.what());
  } catch (...) {
    diags.warn("macho.parse_error", where, std::string("unknown exception while reading ") + pass);
  }
}

class MachoParser {
 public:
  MachoParser(const MachoLimits& limits, Diagnostics& diags)
      : limits_(limits), diags_(diags), strings_(limits.max_strings), selectors_(limits.max_strings) {}

  /// Reads any supported layout; `record_arch`: the images' own archs go into info.archs (false
  /// inside a fat slice, whose arch the fat header gives).
  bool parse_any(Bytes data, const std::string& where, std::size_t depth, bool record_arch) {
    bool is64 = false, big_endian = false;
    if (thin_macho_magic(data, is64, big_endian)) return parse_thin(data, where, false, record_arch);
    if (depth >= kMaxNesting) {
      diags_.warn("macho.parse_error", where, "nested container deeper than fat -> archive -> object; not read");
      return false;
    }
    if (is_ar_archive(data)) return parse_archive(data, where, depth + 1, record_arch);
    if (has_fat_magic(data)) {
      if (depth > 0) {
        diags_.warn("macho.bad_fat", where, "fat header inside a fat slice or archive member; not read");
        return false;
      }
      return parse_fat(data, where);
    }
    diags_.warn(depth == 0 ? "macho.not_macho" : "macho.bad_fat", where,
                "neither a Mach-O image, a fat file nor an ar archive");
    return false;
  }

  MachoParseResult finish(bool ok, const std::string& where) {
    MachoParseResult result;
    result.ok = ok;
    info_.objc_classes.assign(classes_.begin(), classes_.end());
    // "?(Cat)" says the class was not resolvable in one image; drop it when another image (or
    // the symbol table) named the class.
    std::set<std::string_view> named;  // "(Cat)" of every category whose class is known
    for (const auto& cat : categories_)
      if (!starts_with(cat, "?(")) named.insert(std::string_view(cat).substr(cat.find('(')));
    for (const auto& cat : categories_)
      if (!starts_with(cat, "?(") || !named.count(std::string_view(cat).substr(1))) info_.objc_categories.push_back(cat);
    info_.swift_types.assign(swift_types_.begin(), swift_types_.end());
    info_.swift_modules.assign(swift_modules_.begin(), swift_modules_.end());
    info_.imported_symbols = std::move(imported_);
    info_.exported_symbols = std::move(exported_);
    info_.strings = strings_.take();
    info_.selectors = selectors_.take();
    if (strings_.overflowed())
      diags_.warn("macho.limit", where, "stopped after " + std::to_string(limits_.max_strings) + " strings");
    result.info = std::move(info_);
    return result;
  }

 private:
  bool parse_fat(Bytes data, const std::string& where) {
    bool any = false;
    for (const FatSlice& slice : read_fat_slices(data, limits_, diags_, where)) {
      const std::string slice_where = where + "[" + slice.arch + "]";
      Bytes bytes = data.subspan(slice.offset, slice.size);
      bool is64 = false, big_endian = false;
      bool ok = false;
      if (thin_macho_magic(bytes, is64, big_endian)) {
        ok = parse_thin(bytes, slice_where, false, false, &slice);
      } else if (is_ar_archive(bytes)) {
        ok = parse_archive(bytes, slice_where, 1, false);
      } else {
        diags_.warn("macho.bad_fat", slice_where, "slice is neither a Mach-O image nor an ar archive");
      }
      if (ok) add_unique(info_.archs, slice.arch);
      any = any || ok;
    }
    return any;
  }

  bool parse_archive(Bytes data, const std::string& where, std::size_t depth, bool record_arch) {
    if (info_.kind.empty()) info_.kind = "archive";
    const std::size_t room = limits_.max_archive_members - std::min(limits_.max_archive_members, info_.archive_members);
    const auto members = list_ar_members(data, room, diags_, where);
    std::size_t skipped = 0, bitcode = 0;
    bool any = false;
    for (const ArMember& m : members) {
      Bytes bytes = data.subspan(m.offset, m.size);
      const std::string member_where = where + "(" + m.name + ")";
      bool is64 = false, big_endian = false;
      if (thin_macho_magic(bytes, is64, big_endian)) {
        if (parse_thin(bytes, member_where, true, record_arch)) {
          ++info_.archive_members;
          any = true;
        }
      } else if (is_bitcode(bytes)) {
        ++bitcode;
      } else if (has_fat_magic(bytes) || is_ar_archive(bytes)) {
        any = parse_any(bytes, member_where, depth, record_arch) || any;
      } else {
        ++skipped;
      }
    }
    if (skipped || bitcode)
      diags_.info("ar.bad_member", where,
                  std::to_string(skipped + bitcode) + " archive members are not Mach-O objects (" +
                      std::to_string(bitcode) + " LLVM bitcode); not read");
    return any || members.empty();
  }

  /// One thin image. `member`: an archive member (the kind stays "archive").
  bool parse_thin(Bytes data, const std::string& where, bool member, bool record_arch, const FatSlice* slice = nullptr) {
    auto layout = read_macho_image(data, diags_, where, limits_);
    if (!layout) return false;
    if (slice && (slice->cputype != layout->cputype))
      diags_.warn("macho.bad_fat", where,
                  "fat header says " + slice->arch + ", the image header says " + layout->arch());
    if (!member && info_.kind.empty()) info_.kind = macho::file_type_name(layout->filetype);
    if (record_arch) add_unique(info_.archs, layout->arch());
    merge_layout(*layout);

    ChainedFixups fixups;
    if (layout->chained_fixups)
      fixups = ChainedFixups(data, *layout->chained_fixups, layout->segment_commands, diags_, where);
    const MachoView view(data, *layout, fixups);

    guarded("symbols", diags_, where, [&] { read_image_symbols(data, *layout, where); });
    guarded("ObjC and Swift metadata", diags_, where, [&] { read_image_metadata(view, where); });
    guarded("strings", diags_, where, [&] { read_macho_strings(view, limits_.min_string_length, strings_); });
    guarded("selectors", diags_, where, [&] { read_objc_selectors(view, selectors_); });
    if (layout->code_signature && info_.entitlements.empty())
      info_.entitlements = read_entitlements(data, *layout->code_signature, diags_, where);
    if (auto enc = layout->encrypted_range()) report_encryption(*layout, *enc, where);
    return true;
  }

  void merge_layout(const MachoImage& img) {
    for (const auto& d : img.dylibs) add_unique(info_.linked_dylibs, d);
    for (const auto& r : img.rpaths) add_unique(info_.rpaths, r);
    for (const auto& o : img.linker_options) add_unique(info_.linker_options, o);
    if (info_.install_name.empty()) info_.install_name = img.install_name;
    if (img.platform.empty()) return;
    // One platform for the file: a device build over a simulator slice, then the lowest minimum.
    const bool take = info_.platform.empty() || (is_simulator(info_.platform) && !is_simulator(img.platform)) ||
                      (info_.platform == img.platform && version_key(img.min_os) < version_key(info_.min_os));
    if (take) {
      info_.platform = img.platform;
      info_.min_os = img.min_os;
    }
  }

  void read_image_symbols(Bytes data, const MachoImage& img, const std::string& where) {
    auto symbols = read_symbols(data, img, limits_.max_symbols + 1, diags_, where);
    if (symbols.size() > limits_.max_symbols) {
      diags_.warn("macho.limit", where,
                  "symbol table has more than " + std::to_string(limits_.max_symbols) + " entries; the rest were skipped");
      symbols.resize(limits_.max_symbols);
    }
    std::vector<std::string> imported, exported;
    for (MachoSymbol& sym : symbols) {
      if (sym.name.empty()) continue;
      if (sym.imported()) {
        imported.push_back(std::move(sym.name));
        continue;
      }
      if (!sym.defined()) continue;
      if (auto cls = objc_class_from_symbol(sym.name)) add_class(std::string(*cls), where);
      if (auto cat = objc_category_from_symbol(sym.name)) add_category(std::move(*cat), where);
      if (auto type = swift_type_from_symbol(sym.name)) add_swift_type(*type, where);
      if (auto module = swift_symbol_module(sym.name); module && swift_modules_.size() < limits_.max_classes)
        swift_modules_.insert(std::string(*module));
      if (sym.exported()) exported.push_back(std::move(sym.name));
    }
    merge_sorted(imported_, std::move(imported));
    merge_sorted(exported_, std::move(exported));
  }

  /// Merges `more` into the sorted, unique `into` (a sort per image and a linear merge: cheaper
  /// than a node-based set for a million symbols).
  static void merge_sorted(std::vector<std::string>& into, std::vector<std::string> more) {
    std::sort(more.begin(), more.end());
    more.erase(std::unique(more.begin(), more.end()), more.end());
    if (into.empty()) {
      into = std::move(more);
      return;
    }
    std::vector<std::string> merged;
    merged.reserve(into.size() + more.size());
    std::merge(std::make_move_iterator(into.begin()), std::make_move_iterator(into.end()),
               std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()), std::back_inserter(merged));
    merged.erase(std::unique(merged.begin(), merged.end()), merged.end());
    into = std::move(merged);
  }

  void read_image_metadata(const MachoView& view, const std::string& where) {
    const std::size_t room = limits_.max_classes - std::min(limits_.max_classes, classes_.size());
    ObjcNames objc;
    read_objc_metadata(view, room, objc);
    for (auto& name : objc.classes) {
      if (auto type = swift_type_from_objc_name(name)) add_swift_type(*type, where);
      add_class(std::move(name), where);
    }
    for (auto& cat : objc.categories) add_category(std::move(cat), where);
    if (objc.limited) limit_classes(where);

    SwiftNames swift;
    read_swift_types(view, limits_.max_classes, swift);
    for (const auto& type : swift.types) add_swift_type(type, where);
    if (swift.limited) limit_classes(where);

    if (view.layout().encrypted_range()) return;  // the encryption diagnostic says it all
    if (objc.unresolved)
      diags_.info("macho.objc_unresolved", where,
                  std::to_string(objc.unresolved) + " ObjC class or category list entries did not lead to a readable name");
    if (swift.unresolved)
      diags_.info("macho.swift_unresolved", where,
                  std::to_string(swift.unresolved) + " Swift type records did not lead to a readable descriptor");
  }

  // The class, category and Swift name sets share limits_.max_classes, each on its own.
  void add_class(std::string name, const std::string& where) {
    if (classes_.size() >= limits_.max_classes && !classes_.count(name)) return limit_classes(where);
    classes_.insert(std::move(name));
  }

  void add_category(std::string name, const std::string& where) {
    if (categories_.size() >= limits_.max_classes && !categories_.count(name)) return limit_classes(where);
    categories_.insert(std::move(name));
  }

  void add_swift_type(const std::string& type, const std::string& where) {
    if (swift_types_.size() >= limits_.max_classes && !swift_types_.count(type)) return limit_classes(where);
    swift_types_.insert(type);
    swift_modules_.insert(type.substr(0, type.find('.')));
  }

  void limit_classes(const std::string& where) {
    if (class_limit_reported_) return;
    class_limit_reported_ = true;
    diags_.warn("macho.limit", where, "stopped after " + std::to_string(limits_.max_classes) + " class, category or Swift type names");
  }

  void report_encryption(const MachoImage& img, const FileRange& enc, const std::string& where) {
    info_.encrypted = true;
    add_unique(info_.encrypted_archs, img.arch());
    diags_.warn("macho.encrypted", where,
                img.arch() + " image is encrypted (App Store FairPlay, cryptid " + std::to_string(img.encryption->cryptid) +
                    ", bytes " + std::to_string(enc.offset) + ".." + std::to_string(enc.end()) +
                    "): read its load commands, linked frameworks and symbols; not read: ObjC and Swift "
                    "metadata and strings inside the encrypted range of __TEXT");
  }

  const MachoLimits& limits_;
  Diagnostics& diags_;
  MachoInfo info_;
  StringCollector strings_;
  StringCollector selectors_;
  std::set<std::string> classes_, categories_, swift_types_, swift_modules_;
  std::vector<std::string> imported_, exported_;  // sorted, unique
  bool class_limit_reported_ = false;
};

}  // namespace

bool looks_like_macho(Bytes data) {
  bool is64 = false, big_endian = false;
  return thin_macho_magic(data, is64, big_endian) || is_ar_archive(data) || plausible_fat_header(data);
}

MachoParseResult parse_macho(Bytes data, Diagnostics& diags, const std::string& where, const MachoLimits& limits) {
  MachoParser parser(limits, diags);
  bool ok = false;
  try {
    ok = parser.parse_any(data, where, 0, true);
  } catch (const std::bad_alloc&) {
    diags.warn("macho.parse_error", where, "out of memory while reading");
  } catch (const std::exception& e) {
    // Every reader bounds its own reads; reaching this is a reader bug, reported, not thrown.
    diags.warn("macho.parse_error", where, std::string("internal error: ") + e.what());
  } catch (...) {
    diags.warn("macho.parse_error", where, "internal error: unknown exception");
  }
  return parser.finish(ok, where);
}

}  // namespace sdkscope::apple
