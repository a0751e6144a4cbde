// Metadata the toolchain here cannot produce, on synthetic images: Swift type descriptors,
// chained fixups in every supported pointer format, arm64e threaded rebases, a 32-bit linked
// image, a big-endian image; plus the Swift and ObjC name helpers.
#include <doctest/doctest.h>

#include "apple/macho_builder.hpp"
#include "scanner/apple/objc_metadata.hpp"
#include "scanner/apple/swift_metadata.hpp"

namespace sdkscope::apple {
namespace {

using namespace testing;
using Strings = std::vector<std::string>;

constexpr std::uint32_t kCstringFlags = 2;  // S_CSTRING_LITERALS
constexpr std::uint8_t kSectExt = 0x0f, kUndefExt = 0x01;

const Diagnostic* find_diag(const Diagnostics& diags, const std::string& code) {
  for (const auto& d : diags.items())
    if (d.code == code) return &d;
  return nullptr;
}

/// Writes NUL-terminated strings from `at`; returns each one's address.
std::vector<std::uint64_t> put_strings(MachoBuilder& m, std::uint64_t at, const Strings& strings) {
  std::vector<std::uint64_t> out;
  for (const auto& s : strings) {
    m.bytes(at, s);
    out.push_back(at);
    at += s.size() + 1;
  }
  return out;
}

Buf swift_image() {
  MachoBuilder m(true);
  const std::uint64_t types = m.section("__TEXT", "__swift5_types", 4 * 9);
  const std::uint64_t desc = m.section("__TEXT", "__const", 0x140);
  const std::uint64_t text = m.section("__TEXT", "__cstring", 0x80, kCstringFlags);
  const std::uint64_t got = m.section("__DATA_CONST", "__got", 16);
  auto n = put_strings(m, text, {"DemoSwiftKit", "Tracker", "Config", "Mode", "Indirect", "Viaslot", "__C", "CType", "Loop"});
  // Descriptors 0x20 apart: {flags, parent, name}.
  auto descriptor = [&](std::size_t slot, std::uint32_t flags, std::optional<std::uint64_t> parent,
                        std::optional<std::uint64_t> name, std::uint32_t parent_bits = 0) {
    const std::uint64_t at = desc + 0x20 * slot;
    m.put(at, 4, flags);
    if (parent) m.rel32(at + 4, *parent, parent_bits);
    if (name) m.rel32(at + 8, *name);
    return at;
  };
  const auto mod = descriptor(0, 0x00, std::nullopt, n[0]);
  const auto tracker = descriptor(1, 0x50, mod, n[1]);   // class (16) | unique
  const auto config = descriptor(2, 0x51, tracker, n[2]);  // struct nested in the class
  const auto ext = descriptor(3, 0x01, mod, std::nullopt);  // extension: adds no name
  const auto mode = descriptor(4, 0x52, ext, n[3]);         // enum in the extension
  const auto indirect = descriptor(5, 0x51, got, n[4], 1);  // parent through a pointer slot
  m.ptr(got, mod);
  const auto viaslot = descriptor(6, 0x51, mod, n[5]);
  m.ptr(got + 8, viaslot);
  const auto cmod = descriptor(7, 0x00, std::nullopt, n[6]);
  const auto ctype = descriptor(8, 0x51, cmod, n[7]);
  const auto loop = descriptor(9, 0x51, desc + 0x20 * 9, n[8]);  // its own parent
  std::size_t i = 0;
  for (auto d : {tracker, config, mode, indirect}) m.rel32(types + 4 * i++, d);
  m.rel32(types + 4 * i++, got + 8, 1);  // indirect record
  m.rel32(types + 4 * i++, ctype);
  m.rel32(types + 4 * i++, loop);
  m.put(types + 4 * i++, 4, 0x7ffffff0);  // points far outside the image
  m.rel32(types + 4 * i++, n[0], 2);      // an ObjC class name record: not a descriptor
  m.symbols({{"_$s12DemoSwiftKit7TrackerCMn", kSectExt, 1, desc + 0x20},
             {"_$s8OtherKit3FooVN", kSectExt, 1, desc},
             {"_$s7Helpers4workyyF", kSectExt, 1, desc},
             {"_$s9Alamofire7SessionCMa", kUndefExt, 0, 0},
             {"_$sSS5countSivg", kUndefExt, 0, 0}});
  return m.build();
}

TEST_CASE("macho swift: __swift5_types descriptors walked to their module") {
  Diagnostics diags;
  auto r = parse(swift_image(), diags);
  REQUIRE(r.ok);
  CHECK(r.info.swift_types == Strings{"DemoSwiftKit.Indirect", "DemoSwiftKit.Mode", "DemoSwiftKit.Tracker",
                                      "DemoSwiftKit.Tracker.Config", "DemoSwiftKit.Viaslot", "OtherKit.Foo"});
  CHECK(r.info.swift_modules == Strings{"DemoSwiftKit", "Helpers", "OtherKit"});  // not __C, not imports
  CHECK(contains(r.info.imported_symbols, "_$s9Alamofire7SessionCMa"));
  CHECK_FALSE(diags.has("macho.symbols_direct"));  // LIEF read this little-endian symbol table
  const Diagnostic* d = find_diag(diags, "macho.swift_unresolved");
  REQUIRE(d);
  CHECK(d->severity == Severity::info);
  CHECK(d->message.rfind("2 Swift type records", 0) == 0);  // the loop and the wild pointer
}

TEST_CASE("macho swift: mangled-name and runtime-name helpers") {
  CHECK(swift_symbol_module("_$s4Demo5HelloC3runyyF") == "Demo");
  CHECK(swift_symbol_module("$s4Demo5HelloCN") == "Demo");
  CHECK(swift_symbol_module("_$S9Alamofire7SessionC") == "Alamofire");
  CHECK(swift_symbol_module("__T010SwiftyJSON4JSONV") == "SwiftyJSON");
  CHECK_FALSE(swift_symbol_module("_$sSS5countSivg"));  // standard library substitution
  CHECK_FALSE(swift_symbol_module("_$s0abc"));           // word substitution, not a plain identifier
  CHECK_FALSE(swift_symbol_module("_$s99Short"));        // length past the end
  CHECK_FALSE(swift_symbol_module("_objc_msgSend"));
  CHECK(swift_type_from_symbol("_$s4Demo5HelloCMn") == "Demo.Hello");
  CHECK(swift_type_from_symbol("_$s4Demo6ConfigVN") == "Demo.Config");
  CHECK(swift_type_from_symbol("_$s4Demo4ModeOMa") == "Demo.Mode");
  CHECK_FALSE(swift_type_from_symbol("_$s4Demo5HelloC3runyyF"));
  CHECK_FALSE(swift_type_from_symbol("_$s4Demo5HelloPMn"));  // a protocol: P is not C/V/O
  CHECK(swift_type_from_objc_name("_TtC4Demo5Hello") == "Demo.Hello");
  CHECK(swift_type_from_objc_name("_TtCC4Demo5Outer5Inner") == "Demo.Outer.Inner");
  CHECK(swift_type_from_objc_name("_TtC6\xe6\x8e\x8c\xe6\x8f\xa1" "11AppDelegate") == "\xe6\x8e\x8c\xe6\x8f\xa1.AppDelegate");
  CHECK_FALSE(swift_type_from_objc_name("_TtC4Demo5HelloX"));
  CHECK_FALSE(swift_type_from_objc_name("_TtCs10AnyKeyPath"));
  CHECK_FALSE(swift_type_from_objc_name("NSObject"));
}

TEST_CASE("macho objc: symbol-name helpers") {
  CHECK(objc_class_from_symbol("_OBJC_CLASS_$_WXApi") == "WXApi");
  CHECK(objc_class_from_symbol("_OBJC_METACLASS_$_WXApi") == "WXApi");
  CHECK_FALSE(objc_class_from_symbol("_OBJC_CLASS_$_"));
  CHECK_FALSE(objc_class_from_symbol("_OBJC_IVAR_$_WXApi.x"));
  CHECK(objc_category_from_symbol("__OBJC_$_CATEGORY_NSString_$_BDAutoTrack") == "NSString(BDAutoTrack)");
  CHECK_FALSE(objc_category_from_symbol("__OBJC_$_CATEGORY_INSTANCE_METHODS_NSString_$_BDAutoTrack"));
  CHECK_FALSE(objc_category_from_symbol("__OBJC_$_CATEGORY_CLASS_METHODS_NSString_$_BDAutoTrack"));
  CHECK_FALSE(objc_category_from_symbol("__OBJC_$_CATEGORY_NSString"));
  CHECK_FALSE(plausible_objc_name("has space"));
  CHECK_FALSE(plausible_objc_name(std::string("a\0b", 3)));
}

/// How the ObjC test image stores its pointers.
struct PointerStyle {
  const char* label;
  std::uint16_t format;  // DYLD_CHAINED_PTR_*, 0 = plain addresses
  bool fixups_command;   // LC_DYLD_CHAINED_FIXUPS present
  std::uint32_t cpusubtype;
  bool auth_class_pointers;  // arm64e: classlist entries as authenticated rebases
};

Buf objc_image(const PointerStyle& style) {
  MachoBuilder m(true, false, 0x0100000c, style.cpusubtype);
  const std::uint64_t base = m.base();
  const std::uint64_t names = m.section("__TEXT", "__objc_classname", 0x40, kCstringFlags);
  const std::uint64_t konst = m.section("__TEXT", "__const", 0x40);
  const std::uint64_t classlist = m.section("__DATA_CONST", "__objc_classlist", 16);
  const std::uint64_t catlist = m.section("__DATA_CONST", "__objc_catlist", 8);
  const std::uint64_t cfstring = m.section("__DATA_CONST", "__cfstring", 32);
  const std::uint64_t data = m.section("__DATA", "__objc_data", 80);
  const std::uint64_t ro = m.section("__DATA", "__objc_const", 0xd0);
  auto n = put_strings(m, names, {"ChainedAlpha", "ChainedBeta", "ChainCat"});
  const std::string cf_text = "https://cfonly.sdkscope-demo.net/";  // only a CFString points here
  m.bytes(konst, cf_text);

  auto rebase = [&](std::uint64_t target, bool auth = false) -> std::uint64_t {
    const std::uint64_t next = std::uint64_t{1} << 51;  // a chain link, to be ignored
    switch (style.format) {
      case 0: return target;
      case 2: return target | next;
      case 6: return (target - base) | next;
      case 1:
        if (auth) return (std::uint64_t{1} << 63) | (target - base) | (std::uint64_t{0xbeef} << 32) | (std::uint64_t{2} << 49);
        return target | next;
      case 9:
        if (auth) return (std::uint64_t{1} << 63) | (target - base) | (std::uint64_t{0xbeef} << 32);
        return (target - base) | next;
      default: throw std::runtime_error("style");
    }
  };
  auto bind = [&](std::uint64_t ordinal) -> std::uint64_t {
    switch (style.format) {
      case 2:
      case 6: return (std::uint64_t{1} << 63) | ordinal;
      case 1:
      case 9: return (std::uint64_t{1} << 62) | ordinal;
      default: return 0;  // plain images leave binds to dyld's opcodes
    }
  };
  for (int i = 0; i < 2; ++i) {
    const std::uint64_t cls = data + 40 * i, r = ro + 0x48 * i;
    m.ptr(classlist + 8 * i, rebase(cls, style.auth_class_pointers));
    m.ptr(cls + 32, rebase(r + (i == 1 ? 2 : 0)));  // the second is a Swift-style class: flag bit in data
    m.put(r, 4, 0x90);
    m.ptr(r + 24, rebase(n[i]));
  }
  const std::uint64_t cat = ro + 0x90;
  m.ptr(catlist, rebase(cat));
  m.ptr(cat, rebase(n[2]));
  m.ptr(cat + 8, bind(0));
  m.ptr(cfstring + 8, 0x7c8);
  m.ptr(cfstring + 16, rebase(konst));
  m.ptr(cfstring + 24, cf_text.size());

  if (style.fixups_command) {
    // dyld_chained_fixups_header, starts_in_image (3 segments), one starts_in_segment per data
    // segment, one DYLD_CHAINED_IMPORT and its name.
    Buf blob = MachoBuilder::words({0, 32, 80, 84, 1, 1, 0, 0,          // header (+pad)
                                    3, 0, 16, 40,                       // starts_in_image at 32
                                    24, 0x4000u | (std::uint32_t{style.format} << 16), 0, 0, 0, 0,  // segment 1 at 48
                                    24, 0x4000u | (std::uint32_t{style.format} << 16), 0, 0});      // segment 2 at 72 (partial)
    blob.resize(80, 0);
    const auto import = MachoBuilder::words({1u | (1u << 9)});  // lib ordinal 1, name at 1
    blob.insert(blob.end(), import.begin(), import.end());
    const std::string sym = std::string("\0_OBJC_CLASS_$_NSObject\0", 24);
    blob.insert(blob.end(), sym.begin(), sym.end());
    const std::size_t at = m.blob(blob);
    m.command(0x80000034, MachoBuilder::words({static_cast<std::uint32_t>(at), static_cast<std::uint32_t>(blob.size())}));
  }
  return m.build();
}

TEST_CASE("macho objc: class and category names through every pointer encoding") {
  const PointerStyle styles[] = {
      {"plain addresses", 0, false, 0, false},
      {"DYLD_CHAINED_PTR_64", 2, true, 0, false},
      {"DYLD_CHAINED_PTR_64_OFFSET", 6, true, 0, false},
      {"DYLD_CHAINED_PTR_ARM64E, authenticated class pointers", 1, true, 2, true},
      {"DYLD_CHAINED_PTR_ARM64E_USERLAND, authenticated class pointers", 9, true, 2, true},
      {"arm64e threaded rebases without LC_DYLD_CHAINED_FIXUPS", 1, false, 2, true},
      {"64_OFFSET pointers whose command is missing (fallback: low 36 bits + base)", 6, false, 0, false},
  };
  for (const auto& style : styles) {
    INFO(style.label);
    Diagnostics diags;
    auto r = parse(objc_image(style), diags);
    REQUIRE(r.ok);
    CHECK(r.info.objc_classes == Strings{"ChainedAlpha", "ChainedBeta"});
    // A chained bind names the category's class through the import table; plain images and
    // lost fixups leave it to dyld.
    const bool named = style.fixups_command;
    CHECK(r.info.objc_categories == Strings{named ? "NSObject(ChainCat)" : "?(ChainCat)"});
    CHECK(contains(r.info.strings, "https://cfonly.sdkscope-demo.net/"));
    CHECK_FALSE(diags.has("macho.objc_unresolved"));
  }
}

TEST_CASE("macho objc: authenticated pointers are unreadable without knowing the format") {
  // Not arm64e and no fixups command: the diversity bits spoil the low-36-bit fallback.
  Diagnostics diags;
  auto r = parse(objc_image({"auth on plain arm64", 1, false, 0, true}), diags);
  REQUIRE(r.ok);
  CHECK(r.info.objc_classes.empty());
  CHECK(diags.has("macho.objc_unresolved"));
}

TEST_CASE("macho objc: a 32-bit linked image (class_ro_t name at offset 16, 16-byte CFStrings)") {
  MachoBuilder m(false, false, 12, 9);  // armv7
  const std::uint64_t names = m.section("__TEXT", "__objc_classname", 0x20, kCstringFlags);
  const std::uint64_t text = m.section("__TEXT", "__cstring", 0x40, kCstringFlags);
  const std::uint64_t classlist = m.section("__DATA", "__objc_classlist", 4);
  const std::uint64_t cfstring = m.section("__DATA", "__cfstring", 16);
  const std::uint64_t data = m.section("__DATA", "__objc_data", 20);
  const std::uint64_t ro = m.section("__DATA", "__objc_const", 0x30);
  m.bytes(names, "LegacyArmClass");
  m.bytes(text, "https://armv7.sdkscope-demo.net/");
  m.ptr(classlist, data);
  m.ptr(data + 16, ro + 1);  // low flag bit masked with ~3
  m.ptr(ro + 16, names);
  m.ptr(cfstring + 4, 0x7c8);
  m.ptr(cfstring + 8, text + 8);  // a CFString inside a C string: its own (shorter) text
  m.ptr(cfstring + 12, 10);
  m.command(0x25, MachoBuilder::words({0x00090000, 0x00090000}));  // LC_VERSION_MIN_IPHONEOS 9.0
  Diagnostics diags;
  auto r = parse(m.build(), diags);
  REQUIRE(r.ok);
  CHECK(r.info.archs == Strings{"armv7"});
  CHECK(r.info.kind == "execute");
  CHECK(r.info.objc_classes == Strings{"LegacyArmClass"});
  CHECK(r.info.strings == Strings{"https://armv7.sdkscope-demo.net/", "armv7.sdks"});
  CHECK(r.info.platform == "ios");
  CHECK(r.info.min_os == "9.0");
}

TEST_CASE("macho: a big-endian image (PowerPC) is read in its own byte order") {
  MachoBuilder m(false, true, 18, 0);  // ppc
  const std::uint64_t text = m.section("__TEXT", "__cstring", 0x40, kCstringFlags);
  m.bytes(text, "https://ppc.sdkscope-demo.net/");
  m.command(0x24, MachoBuilder::words({0x000a0600, 0x000a0600}));  // LC_VERSION_MIN_MACOSX 10.6
  m.symbols({{"_ppc_exported", kSectExt, 1, text}, {"_ppc_imported", kUndefExt, 0, 0}});
  Buf b = m.build();
  CHECK(b[0] == 0xfe);  // MH_MAGIC stored big-endian
  CHECK(looks_like_macho(b));
  Diagnostics diags;
  auto r = parse(b, diags);
  REQUIRE(r.ok);
  CHECK(r.info.archs == Strings{"ppc"});
  CHECK(r.info.platform == "macos");
  CHECK(r.info.min_os == "10.6");
  CHECK(r.info.strings == Strings{"https://ppc.sdkscope-demo.net/"});
  CHECK(r.info.exported_symbols == Strings{"_ppc_exported"});
  CHECK(r.info.imported_symbols == Strings{"_ppc_imported"});
  // LIEF 0.9 reads little-endian images only: the symbols came from the direct reader.
  CHECK(diags.has("macho.symbols_direct"));
}

TEST_CASE("macho: symbols behind more than 255 load commands (LIEF 0.9's cap) are read directly") {
  MachoBuilder m(true, false, 0x0100000c, 0, 2, 0x4000);
  const std::uint64_t text = m.section("__TEXT", "__text", 16);
  for (int i = 0; i < 300; ++i) m.command(0x1b, Buf(16, static_cast<std::uint8_t>(i)));  // LC_UUID
  m.symbols({{"_behind_the_cap", 0x0f, 1, text}});
  Diagnostics diags;
  auto r = parse(m.build(), diags);
  REQUIRE(r.ok);
  CHECK(r.info.exported_symbols == std::vector<std::string>{"_behind_the_cap"});
  CHECK(diags.has("macho.symbols_direct"));
}

}  // namespace
}  // namespace sdkscope::apple
